# Stateful services have a quorum.
#
# A stateful service (a database, a message broker: anything that keeps data on its
# replicas) that runs more than one replica must require a majority of them (quorum >
# replicas / 2): with less, two halves of a split can both accept writes. It is denied.
# One that runs fewer than three replicas cannot keep a majority through the loss of one:
# it is warned about (a single instance with a volume, such as a GitLab, is often chosen
# on purpose).
package main

import rego.v1

stateful_after contains [rc.address, after] if {
	some rc in input.resource_changes
	rc.type == "service"
	some action in rc.change.actions
	action in {"create", "update"}
	after := rc.change.after
	after.stateful == true
}

deny contains msg if {
	some [address, after] in stateful_after
	after.replicas > 1
	after.quorum * 2 <= after.replicas
	msg := sprintf("%s is stateful with a quorum of %d of %d replicas; a quorum must be a majority (more than %d) so that a split cannot leave two writers", [address, after.quorum, after.replicas, after.replicas / 2])
}

warn contains msg if {
	some [address, after] in stateful_after
	after.replicas < 3
	msg := sprintf("%s is stateful with %d replica(s); with fewer than 3 it cannot keep a quorum through the loss of one", [address, after.replicas])
}
