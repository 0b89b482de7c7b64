package main

import rego.v1

zones := [
	{"address": "network_zone.dmz", "values": {}},
	{"address": "network_zone.data", "values": {}},
	{"address": "network_zone.app", "values": {}},
	{"address": "vm.bastion", "values": {"zone": "network_zone.dmz"}},
	{"address": "kubernetes_cluster.k", "values": {"zone": "network_zone.dmz"}},
	{"address": "service.edge", "values": {"cluster": "kubernetes_cluster.k"}},
]

flow(from, to, action) := {
	"planned_values": {"root_module": {"resources": zones}},
	"resource_changes": [{
		"address": "network_policy.p",
		"type": "network_policy",
		"change": {"actions": ["create"], "after": {"from": from, "to": to, "action": action}},
	}],
}

test_zone_to_zone_is_denied if {
	some msg in deny with input as flow("network_zone.dmz", ["network_zone.data"], "allow")
	contains(msg, "network_policy.p allows traffic from network_zone.dmz (DMZ) to network_zone.data")
}

test_a_vm_in_the_dmz_is_denied if {
	count(deny) == 1 with input as flow(["vm.bastion"], "network_zone.data", "allow")
}

test_a_service_on_a_dmz_cluster_is_denied if {
	count(deny) == 1 with input as flow("service.edge", "network_zone.data", "allow")
}

test_a_deny_rule_and_other_zones_pass if {
	count(deny) == 0 with input as flow("network_zone.dmz", "network_zone.data", "deny")
	count(deny) == 0 with input as flow("network_zone.app", "network_zone.data", "allow")
	count(deny) == 0 with input as flow("network_zone.dmz", "network_zone.app", "allow")
}
