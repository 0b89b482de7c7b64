# No traffic from the DMZ to the data zone.
#
# A network_policy that allows traffic from the DMZ (a zone, or a VM, cluster or service
# in it) to the data zone is denied: what the internet reaches must go through the
# application zone. Zones are told by name: a zone whose name is or contains "dmz" is a
# DMZ; one whose name is or contains "data" is a data zone. Rename the sets below to fit
# your zones.
package main

import rego.v1

dmz_pattern := `(^|_)dmz($|_)`

data_pattern := `(^|_)data($|_)`

# Every object the apply leaves, by address.
planned[address] := r.values if {
	some r in all_resources
	address := r.address
}

all_resources contains r if {
	some r in input.planned_values.root_module.resources
}

all_resources contains r if {
	some m in input.planned_values.root_module.child_modules
	some r in m.resources
}

all_resources contains r if {
	some m in input.planned_values.root_module.child_modules
	some inner in m.child_modules
	some r in inner.resources
}

# The list of addresses an attribute holds (one reference or a list).
refs(value) := value if is_array(value)

refs(value) := [value] if is_string(value)

# The zone of an address: itself, the zone of a VM, cluster or service, or for a service
# without one, its cluster's.
zone_of(address) := address if startswith(address, "network_zone.")

zone_of(address) := planned[address].zone if {
	not startswith(address, "network_zone.")
	planned[address].zone
}

zone_of(address) := planned[planned[address].cluster].zone if {
	not startswith(address, "network_zone.")
	not planned[address].zone
	planned[address].cluster
}

zone_name(zone) := name if {
	parts := split(zone, ".")
	name := parts[count(parts) - 1]
}

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "network_policy"
	some action in rc.change.actions
	action in {"create", "update"}
	after := rc.change.after
	object.get(after, "action", "allow") == "allow"
	some from in refs(after.from)
	some to in refs(after.to)
	regex.match(dmz_pattern, zone_name(zone_of(from)))
	regex.match(data_pattern, zone_name(zone_of(to)))
	msg := sprintf("%s allows traffic from %s (DMZ) to %s (data zone); route it through the application zone", [rc.address, from, to])
}
