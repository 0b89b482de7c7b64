# Stateful services have a quorum.
#
# A stateful service (a database, a message broker: anything that keeps data on its
# replicas) must run at least three replicas and require a majority of them (quorum >
# replicas / 2), so that it survives the loss of one replica without splitting its brain.
package main

import rego.v1

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "service"
	some action in rc.change.actions
	action in {"create", "update"}
	after := rc.change.after
	after.stateful == true
	after.replicas < 3
	msg := sprintf("%s is stateful with %d replica(s); it needs at least 3 to survive the loss of one", [rc.address, after.replicas])
}

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "service"
	some action in rc.change.actions
	action in {"create", "update"}
	after := rc.change.after
	after.stateful == true
	after.quorum * 2 <= after.replicas
	msg := sprintf("%s is stateful with a quorum of %d of %d replicas; a quorum must be a majority (more than %d)", [rc.address, after.quorum, after.replicas, after.replicas / 2])
}
