package main

import rego.v1

cluster(purpose, nodes) := {"resource_changes": [{
	"address": "kubernetes_cluster.k",
	"type": "kubernetes_cluster",
	"change": {"actions": ["create"], "after": {"purpose": purpose, "control_plane": [{"count": nodes}]}},
}]}

test_production_cluster_with_one_control_plane_node_is_denied if {
	some msg in deny with input as cluster("prod", 1)
	contains(msg, "kubernetes_cluster.k is a production cluster with 1 control-plane node(s)")
}

test_production_cluster_with_an_even_count_is_denied if {
	count(deny) == 1 with input as cluster("prod", 4)
}

test_three_or_five_nodes_pass if {
	count(deny) == 0 with input as cluster("prod", 3)
	count(deny) == 0 with input as cluster("prod", 5)
}

test_other_purposes_are_left_alone if {
	count(deny) == 0 with input as cluster("test", 1)
}
