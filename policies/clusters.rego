# Production clusters run three control-plane nodes.
#
# etcd keeps its quorum through the loss of one member only with three (or five); a
# production cluster (purpose "prod") with fewer, or with an even number, is denied.
package main

import rego.v1

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "kubernetes_cluster"
	some action in rc.change.actions
	action in {"create", "update"}
	rc.change.after.purpose == "prod"
	some cp in rc.change.after.control_plane
	not odd_and_at_least_three(cp.count)
	msg := sprintf("%s is a production cluster with %d control-plane node(s); it needs 3 (or 5) for etcd to keep its quorum when one fails", [rc.address, cp.count])
}

odd_and_at_least_three(n) if {
	n >= 3
	n % 2 == 1
}
