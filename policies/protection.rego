# No prevent_destroy lifted in the same change as a destroy.
#
# Strata records prevent_destroy in the state at every apply. A change that sets it to
# false and destroys (or replaces) the object in one plan is denied: lift the protection
# in one reviewed change and apply it, then destroy in another.
package main

import rego.v1

deny contains msg if {
	some rc in input.resource_changes
	"delete" in rc.change.actions
	rc.strata.prior_prevent_destroy == true
	rc.strata.prevent_destroy == false
	msg := sprintf("%s was protected by prevent_destroy at its last apply, and this change lifts the protection and destroys it at once; apply the lifted protection on its own first", [rc.address])
}
