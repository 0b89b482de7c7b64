package main

import rego.v1

change(actions, prior, now) := {"resource_changes": [{
	"address": "service.postgres",
	"type": "service",
	"change": {"actions": actions},
	"strata": {"prior_prevent_destroy": prior, "prevent_destroy": now},
}]}

test_lifting_protection_and_destroying_at_once_is_denied if {
	some msg in deny with input as change(["delete"], true, false)
	contains(msg, "service.postgres was protected by prevent_destroy")
	count(deny) == 1 with input as change(["delete", "create"], true, false)
}

test_lifting_protection_alone_passes if {
	count(deny) == 0 with input as change(["update"], true, false)
}

test_destroying_what_was_never_protected_passes if {
	count(deny) == 0 with input as change(["delete"], false, false)
}
