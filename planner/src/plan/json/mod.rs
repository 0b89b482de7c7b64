//! The machine-readable plan: Terraform's JSON plan representation, `format_version` "1.2"
//! (what `terraform show -json PLANFILE` prints), with Strata's kinds as resource types, so
//! that tools written for Terraform plans (OPA and Conftest, Checkov, terraform-compliance)
//! read it unchanged. Documented in docs/plan-json.md; Strata's own earlier format is
//! [`strata`].
//!
//! One rule differs from Terraform on purpose: sensitive values never appear. Terraform
//! writes them in clear and marks them in `before_sensitive`/`after_sensitive`; here they
//! are marked the same way and their values replaced by [`SENSITIVE`].

mod config;
mod resources;
pub mod strata;
mod values;

use serde_json::{Map, Value, json};

pub use config::configuration;
pub use values::SENSITIVE;

use super::{Action, Change, Drift, OutputChange, Plan};
use resources::{Instance, module_tree};
use values::{Masks, masked};

/// The `format_version` of the plan representation, as Terraform 1.11 writes it.
pub const FORMAT_VERSION: &str = "1.2";

/// `terraform_version`: the Terraform release whose plan representation this one follows.
/// Tools refuse a plan without it (Checkov looks for it to tell a plan from other JSON);
/// Strata's own version is in `strata_version`.
pub const TERRAFORM_VERSION: &str = "1.11.0";

/// The `format_version` of the state representation inside it (`prior_state`).
pub const STATE_FORMAT_VERSION: &str = "1.0";

/// The plan in Terraform's representation. `configuration` is the blueprint's
/// ([`configuration`]), or `Value::Null` when it is not known (a saved plan written before
/// plans kept it).
pub fn to_json(plan: &Plan, configuration: &Value) -> Value {
    let (add, change, destroy) = plan.counts();
    let mut document = json!({
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "strata_version": env!("CARGO_PKG_VERSION"),
        "planned_values": planned_values(plan),
        "resource_changes": plan.changes.iter().map(resource_change).collect::<Vec<_>>(),
        "resource_drift": plan.drift.iter().map(resource_drift).collect::<Vec<_>>(),
        "output_changes": plan
            .output_changes
            .iter()
            .map(|o| (o.name.clone(), output_change(o)))
            .collect::<Map<_, _>>(),
        "prior_state": prior_state(plan),
        "applyable": !plan.is_empty(),
        "complete": true,
        "errored": false,
        "strata": {
            "lineage": plan.lineage,
            "serial": plan.serial,
            "destroy": plan.destroy,
            "summary": { "add": add, "change": change, "destroy": destroy },
        },
    });
    if !configuration.is_null() {
        document["configuration"] = configuration.clone();
    }
    document
}

/// The state as Terraform's `terraform show -json` prints it without a plan: `values`
/// holds the outputs and the module tree of every object.
pub fn state_to_json(state: &crate::State) -> Value {
    let resources: Vec<Instance> = state
        .objects
        .iter()
        .map(|o| {
            Instance::new(
                &o.address,
                &o.kind,
                &o.provider,
                masked(&o.attributes, &o.sensitive),
                Masks::of(&o.sensitive),
            )
        })
        .collect();
    // Each output is kept as `{"value": ..., "sensitive": ...}`.
    let outputs: Map<String, Value> = state
        .outputs
        .iter()
        .map(|(name, entry)| {
            let sensitive = entry["sensitive"] == Value::Bool(true);
            let value = entry.get("value").cloned();
            (
                name.clone(),
                json!({ "sensitive": sensitive, "value": output_value(&value, sensitive) }),
            )
        })
        .collect();
    json!({
        "format_version": STATE_FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "strata_version": env!("CARGO_PKG_VERSION"),
        "values": { "outputs": outputs, "root_module": module_tree(&resources) },
        "strata": { "lineage": state.lineage, "serial": state.serial },
    })
}

/// Terraform's actions for one of Strata's.
fn actions(change: &Change) -> Vec<&'static str> {
    match change.action {
        Action::NoOp => vec!["no-op"],
        Action::Create => vec!["create"],
        Action::Update => vec!["update"],
        Action::Replace if change.create_before_destroy => vec!["create", "delete"],
        Action::Replace => vec!["delete", "create"],
        Action::Delete => vec!["delete"],
        Action::Forget => vec!["forget"],
    }
}

/// One entry of `resource_changes`.
fn resource_change(change: &Change) -> Value {
    let masks = Masks::of(&change.sensitive);
    let mut body = json!({
        "actions": actions(change),
        "before": change.before.as_ref().map(|b| masked(b, &change.sensitive)),
        "after": change.after.as_ref().map(|a| masked(a, &change.sensitive)),
        "after_unknown": values::after_unknown(change),
        "before_sensitive": masks.or_false(change.before.is_some()),
        "after_sensitive": masks.or_false(change.after.is_some()),
    });
    if !change.replace_because.is_empty() {
        body["replace_paths"] = change.replace_because.iter().map(|p| json!([p])).collect();
    }
    let mut entry = resources::header(&change.address, &change.kind, &change.provider);
    entry["change"] = body;
    if let Some(previous) = &change.previous_address {
        entry["previous_address"] = previous.to_string().into();
    }
    if let Some(reason) = action_reason(change) {
        entry["action_reason"] = reason.into();
    }
    entry["strata"] = json!({
        "id": change.id,
        "dependencies": change.dependencies.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "implied": change.implied,
        "prevent_destroy": change.prevent_destroy,
        "prior_prevent_destroy": change.prior_prevent_destroy,
        "create_before_destroy": change.create_before_destroy,
    });
    if !change.notes.is_empty() {
        entry["strata"]["notes"] = change.notes.clone().into();
    }
    entry
}

/// Terraform's `action_reason`: Strata's reason, or for a replacement forced by a changed
/// attribute, `replace_because_cannot_update` as Terraform says it.
fn action_reason(change: &Change) -> Option<String> {
    if let Some(reason) = change.reason {
        return serde_json::to_value(reason)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string));
    }
    (change.action == Action::Replace && !change.replace_because.is_empty())
        .then(|| "replace_because_cannot_update".to_string())
}

/// One entry of `resource_drift`: an update from the state's values to those found, or a
/// delete when the object is gone.
fn resource_drift(drift: &Drift) -> Value {
    let masks = Masks::of(&drift.sensitive);
    let mut entry = resources::header(&drift.address, &drift.kind, "");
    if let Some(map) = entry.as_object_mut() {
        map.remove("provider_name");
    }
    entry["change"] = json!({
        "actions": if drift.after.is_some() { ["update"] } else { ["delete"] },
        "before": masked(&drift.before, &drift.sensitive),
        "after": drift.after.as_ref().map(|a| masked(a, &drift.sensitive)),
        "after_unknown": {},
        "before_sensitive": masks.or_false(true),
        "after_sensitive": masks.or_false(drift.after.is_some()),
    });
    entry
}

/// An output's value as the JSON shows it: masked when sensitive.
fn output_value(value: &Option<Value>, sensitive: bool) -> Value {
    match value {
        Some(_) if sensitive => SENSITIVE.into(),
        Some(v) => v.clone(),
        None => Value::Null,
    }
}

/// One entry of `output_changes`.
fn output_change(output: &OutputChange) -> Value {
    let actions = match output.action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Delete => "delete",
        _ => "no-op",
    };
    let mut entry = json!({
        "actions": [actions],
        "before": output_value(&output.before, output.sensitive),
        "after_unknown": output.after_unknown,
        "before_sensitive": output.sensitive,
        "after_sensitive": output.sensitive,
    });
    if !output.after_unknown {
        entry["after"] = output_value(&output.after, output.sensitive);
    }
    entry
}

/// The instances of a module tree: for each change, the address and values `pick` gives
/// (none when it gives none), masked.
fn instances<'a>(
    plan: &'a Plan,
    pick: impl Fn(&'a Change) -> Option<(&'a blueprint::Address, &'a crate::provider::Attrs)>,
) -> Vec<Instance> {
    plan.changes
        .iter()
        .filter_map(|c| {
            let (address, values) = pick(c)?;
            Some(Instance::new(
                address,
                &c.kind,
                &c.provider,
                masked(values, &c.sensitive),
                Masks::of(&c.sensitive),
            ))
        })
        .collect()
}

/// `planned_values`: every object and output as the apply leaves them, as far as known.
fn planned_values(plan: &Plan) -> Value {
    let resources = instances(plan, |c| Some((&c.address, c.after.as_ref()?)));
    let outputs: Map<String, Value> = plan
        .output_changes
        .iter()
        .filter(|o| o.action != Action::Delete)
        .map(|o| {
            let mut entry = json!({ "sensitive": o.sensitive });
            if !o.after_unknown {
                entry["value"] = output_value(&o.after, o.sensitive);
            }
            (o.name.clone(), entry)
        })
        .collect();
    json!({ "outputs": outputs, "root_module": module_tree(&resources) })
}

/// `prior_state`: the state the plan was made against, after its refresh.
fn prior_state(plan: &Plan) -> Value {
    let resources = instances(plan, |c| {
        let address = c.previous_address.as_ref().unwrap_or(&c.address);
        Some((address, c.before.as_ref()?))
    });
    let outputs: Map<String, Value> = plan
        .output_changes
        .iter()
        .filter(|o| o.before.is_some())
        .map(|o| {
            (
                o.name.clone(),
                json!({ "sensitive": o.sensitive, "value": output_value(&o.before, o.sensitive) }),
            )
        })
        .collect();
    json!({
        "format_version": STATE_FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "values": { "outputs": outputs, "root_module": module_tree(&resources) },
    })
}
