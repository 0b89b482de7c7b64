# Stateful services have a quorum.
#
# A stateful service (a database, a message broker: anything that keeps data on its
# replicas; `quorum` is how many replicas must run for it to be up) is denied when
# - it runs three or more replicas and its quorum is not a majority: two halves of a
#   split could both accept writes;
# - it runs several replicas and needs them all: the loss of any one takes it down.
# One that runs fewer than three replicas cannot keep a majority through the loss of one:
# it is warned about (a single instance with a volume, such as a GitLab, or an
# independent pair, such as two Prometheus servers, is often chosen on purpose).
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
	after.replicas >= 3
	after.quorum * 2 <= after.replicas
	msg := sprintf("%s is stateful with a quorum of %d of %d replicas; a quorum must be a majority (more than %d) so that a split cannot leave two writers", [address, after.quorum, after.replicas, after.replicas / 2])
}

deny contains msg if {
	some [address, after] in stateful_after
	after.replicas > 1
	after.quorum >= after.replicas
	msg := sprintf("%s is stateful with a quorum of all its %d replicas; the loss of any one takes it down, so its replicas add no availability", [address, after.replicas])
}

warn contains msg if {
	some [address, after] in stateful_after
	after.replicas < 3
	msg := sprintf("%s is stateful with %d replica(s); with fewer than 3 it cannot keep a quorum through the loss of one", [address, after.replicas])
}
