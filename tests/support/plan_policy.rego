# A policy written as for a Terraform plan, read by OPA (regopy) in tests/plan_json_tools.rs.
package plan

import rego.v1

format := input.format_version

# Addresses by the actions planned for them.
by_action[key] := addresses if {
	some rc in input.resource_changes
	key := concat(",", rc.change.actions)
	addresses := {other.address |
		some other in input.resource_changes
		concat(",", other.change.actions) == key
	}
}

# Every instance the apply leaves, in the root module and in module calls (three deep).
planned contains r.address if {
	some r in input.planned_values.root_module.resources
}

planned contains r.address if {
	some m in input.planned_values.root_module.child_modules
	some r in m.resources
}

planned contains r.address if {
	some m in input.planned_values.root_module.child_modules
	some inner in m.child_modules
	some r in inner.resources
}

# Attributes known only after apply, per address.
unknown[rc.address] := names if {
	some rc in input.resource_changes
	names := {name | rc.change.after_unknown[name] == true}
}

# Resource blocks of the configuration (root and module calls).
configured contains r.address if {
	some r in input.configuration.root_module.resources
}

module_calls contains name if {
	some name, _ in input.configuration.root_module.module_calls
}
