package main

import rego.v1

service(replicas, quorum) := {"resource_changes": [{
	"address": "service.db",
	"type": "service",
	"change": {"actions": ["update"], "after": {"stateful": true, "replicas": replicas, "quorum": quorum}},
}]}

test_a_quorum_short_of_a_majority_is_denied if {
	some msg in deny with input as service(4, 2)
	contains(msg, "service.db is stateful with a quorum of 2 of 4 replicas")
}

test_needing_every_replica_is_denied if {
	some msg in deny with input as service(3, 3)
	contains(msg, "service.db is stateful with a quorum of all its 3 replicas")
}

test_an_independent_pair_is_only_warned_about if {
	count(deny) == 0 with input as service(2, 1)
	count(warn) == 1 with input as service(2, 1)
}

test_a_majority_passes if {
	count(deny) == 0 with input as service(3, 2)
	count(warn) == 0 with input as service(3, 2)
}

test_fewer_than_three_replicas_is_warned_about if {
	count(deny) == 0 with input as service(1, 1)
	some msg in warn with input as service(1, 1)
	contains(msg, "service.db is stateful with 1 replica(s)")
}

test_stateless_services_are_left_alone if {
	plan := {"resource_changes": [{
		"address": "service.web",
		"type": "service",
		"change": {"actions": ["create"], "after": {"stateful": false, "replicas": 2, "quorum": 1}},
	}]}
	count(deny) == 0 with input as plan
	count(warn) == 0 with input as plan
}
