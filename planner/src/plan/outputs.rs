//! Root outputs in a plan ("Changes to Outputs") and in the state after an apply.

use blueprint::Config;

use super::{Action, OutputChange};
use crate::state::{State, stands_for};

/// An output as the state keeps it: `{"value": ..., "sensitive": bool}`.
pub fn stored(value: serde_json::Value, sensitive: bool) -> serde_json::Value {
    serde_json::json!({ "value": value, "sensitive": sensitive })
}

/// The change of every root output, by name: outputs the blueprint declares against those
/// the state holds. `destroy` plans every output's removal, as Terraform's destroy does.
pub fn changes(config: &Config, state: &State, destroy: bool) -> Vec<OutputChange> {
    let mut changes: Vec<OutputChange> = Vec::new();
    for output in &config.outputs {
        let before = state.outputs.get(&output.name);
        let before_value = before.map(|b| b["value"].clone());
        let was_sensitive = before.is_some_and(|b| b["sensitive"] == true);
        let unknown = output.value.is_unknown();
        let after = (!destroy && !unknown).then(|| output.value.to_json());
        let action = match (&before_value, destroy) {
            (None, true) => continue,
            (Some(_), true) => Action::Delete,
            (None, false) => Action::Create,
            // A sensitive output's value is a digest in a state without a key.
            (Some(b), false) if unknown || !after.as_ref().is_some_and(|a| stands_for(b, a)) => {
                Action::Update
            }
            (Some(_), false) if was_sensitive != output.sensitive => Action::Update,
            (Some(_), false) => Action::NoOp,
        };
        changes.push(OutputChange {
            name: output.name.clone(),
            action,
            before: before_value,
            after,
            after_unknown: unknown && !destroy,
            sensitive: output.sensitive || was_sensitive,
        });
    }
    for (name, entry) in &state.outputs {
        if config.outputs.iter().any(|o| &o.name == name) {
            continue;
        }
        changes.push(OutputChange {
            name: name.clone(),
            action: Action::Delete,
            before: Some(entry["value"].clone()),
            after: None,
            after_unknown: false,
            sensitive: entry["sensitive"] == true,
        });
    }
    changes.sort_by(|a, b| a.name.cmp(&b.name));
    changes
}

/// The outputs the state keeps after an apply, from the blueprint evaluated with what now
/// exists. An output still unknown (what it reads failed to be created) keeps the value
/// the state had, if any; after a destroy there are none.
pub fn after_apply(
    config: &Config,
    prior: &serde_json::Map<String, serde_json::Value>,
    destroy: bool,
) -> serde_json::Map<String, serde_json::Value> {
    if destroy {
        return serde_json::Map::new();
    }
    config
        .outputs
        .iter()
        .filter_map(|o| {
            if o.value.is_unknown() {
                prior.get(&o.name).map(|p| (o.name.clone(), p.clone()))
            } else {
                Some((o.name.clone(), stored(o.value.to_json(), o.sensitive)))
            }
        })
        .collect()
}
