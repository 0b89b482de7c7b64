//! Saved plans (`strata plan -out`): their sensitive values are written protected, as in
//! the state (sealed with the state key, digests without one), and put back when the plan
//! is applied: opened with the key, or, for a digest, taken from the blueprint evaluated
//! again, once the digest shows that the value is still the one the plan was made with.

use blueprint::Config;

use super::Plan;
use super::attrs::desired;
use crate::state::{Protector, restore};

/// Why a saved plan's sensitive values cannot be put back.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SavedPlanError {
    /// Sealed with a key that is not given.
    #[error(
        "the saved plan holds sensitive values sealed with a state key ({address}.{attribute} among them); set STRATA_STATE_KEY to the key it was made with"
    )]
    Sealed {
        /// The object.
        address: String,
        /// Its attribute.
        attribute: String,
    },
    /// The blueprint now gives another value.
    #[error(
        "the sensitive value of {address}.{attribute} is not the one the saved plan was made with; make the plan again with `strata plan -out`"
    )]
    Changed {
        /// The object.
        address: String,
        /// Its attribute.
        attribute: String,
    },
}

/// A copy of the plan as its file holds it: sensitive values protected.
pub fn protect(plan: &Plan, protector: &Protector) -> Plan {
    let mut saved = plan.clone();
    for change in &mut saved.changes {
        for attrs in [change.before.as_mut(), change.after.as_mut()]
            .into_iter()
            .flatten()
        {
            protector.protect_attrs(attrs, &change.sensitive);
        }
    }
    for drift in &mut saved.drift {
        protector.protect_attrs(&mut drift.before, &drift.sensitive);
        if let Some(after) = drift.after.as_mut() {
            protector.protect_attrs(after, &drift.sensitive);
        }
    }
    for output in saved.output_changes.iter_mut().filter(|o| o.sensitive) {
        for value in [output.before.as_mut(), output.after.as_mut()]
            .into_iter()
            .flatten()
        {
            *value = protector.protect(value);
        }
    }
    saved
}

/// Puts back the sensitive values of a saved plan: sealed ones opened with the key, and
/// the values to apply that are digests taken from `config` (the blueprint evaluated
/// now) when their digest stands for them.
pub fn reveal(
    plan: &mut Plan,
    protector: &Protector,
    config: &Config,
) -> Result<(), SavedPlanError> {
    for change in &mut plan.changes {
        for attrs in [change.before.as_mut(), change.after.as_mut()]
            .into_iter()
            .flatten()
        {
            protector.reveal_attrs(attrs);
            if let Some(attribute) = change
                .sensitive
                .iter()
                .find(|n| attrs.get(*n).is_some_and(crate::state::is_sealed))
            {
                return Err(SavedPlanError::Sealed {
                    address: change.address.to_string(),
                    attribute: attribute.clone(),
                });
            }
        }
        let Some(after) = change.after.as_mut() else {
            continue;
        };
        let now = config
            .instance(&change.address)
            .map(desired)
            .unwrap_or_default();
        if let Some(attribute) = restore(after, &change.sensitive, &now).into_iter().next() {
            return Err(SavedPlanError::Changed {
                address: change.address.to_string(),
                attribute,
            });
        }
    }
    for drift in &mut plan.drift {
        protector.reveal_attrs(&mut drift.before);
        if let Some(after) = drift.after.as_mut() {
            protector.reveal_attrs(after);
        }
    }
    for output in plan.output_changes.iter_mut().filter(|o| o.sensitive) {
        for value in [output.before.as_mut(), output.after.as_mut()]
            .into_iter()
            .flatten()
        {
            *value = protector.reveal(value);
            if crate::state::is_sealed(value) {
                return Err(SavedPlanError::Sealed {
                    address: "output".into(),
                    attribute: output.name.clone(),
                });
            }
        }
        let Some(after) = output.after.as_mut() else {
            continue;
        };
        let now = config
            .outputs
            .iter()
            .find(|o| o.name == output.name)
            .map(|o| o.value.to_json());
        match now {
            Some(value) if crate::state::stands_for(after, &value) => *after = value,
            _ => {
                return Err(SavedPlanError::Changed {
                    address: "output".into(),
                    attribute: output.name.clone(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Action, Change, OutputChange};
    use crate::state::StateKey;

    /// A blueprint whose site description is a sensitive variable's value `token`.
    fn config(token: &str) -> Config {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "variable \"t\" {{\n  default   = \"{token}\"\n  sensitive = true\n}}\nsite \"s\" {{\n  description = var.t\n}}\noutput \"t\" {{\n  value     = var.t\n  sensitive = true\n}}\n"
        );
        std::fs::write(dir.path().join("main.hcl"), text).unwrap();
        let mut sources = blueprint::SourceMap::default();
        let (config, diags) = blueprint::load(dir.path(), &Default::default(), &mut sources);
        assert!(!diags.has_errors(), "{}", diags.render(&sources));
        config
    }

    fn plan(config: &Config) -> Plan {
        let inst = &config.instances[0];
        Plan {
            format_version: 1,
            lineage: "l".into(),
            serial: 1,
            destroy: false,
            changes: vec![Change {
                address: inst.address.clone(),
                kind: inst.kind.to_string(),
                provider: "sim".into(),
                action: Action::Create,
                id: None,
                before: None,
                after: Some(desired(inst)),
                replace_because: Vec::new(),
                reason: None,
                dependencies: Vec::new(),
                create_before_destroy: false,
                retire: None,
                sensitive: inst.sensitive.clone(),
                unknown: Vec::new(),
                implied: Vec::new(),
                notes: Vec::new(),
                previous_address: None,
                prior_dependencies: Vec::new(),
                prevent_destroy: false,
                prior_prevent_destroy: false,
            }],
            drift: Vec::new(),
            output_changes: vec![OutputChange {
                name: "t".into(),
                action: Action::Create,
                before: None,
                after: Some(config.outputs[0].value.to_json()),
                after_unknown: false,
                sensitive: true,
            }],
            deferred: Vec::new(),
        }
    }

    #[test]
    fn a_saved_plan_holds_no_secret_and_is_put_back_with_the_key() {
        let config = config("hunter2-hunter2");
        let plan = plan(&config);
        let protector = Protector::new(Some(StateKey::new("k")), "l");
        let mut saved = protect(&plan, &protector);
        assert!(!serde_json::to_string(&saved).unwrap().contains("hunter2"));
        reveal(&mut saved, &protector, &config).unwrap();
        assert_eq!(saved, plan);
        // Without the key, the sealed values cannot be put back.
        let mut again = protect(&plan, &protector);
        assert!(matches!(
            reveal(&mut again, &Protector::new(None, "l"), &config),
            Err(SavedPlanError::Sealed { .. })
        ));
    }

    #[test]
    fn without_a_key_values_come_back_from_the_blueprint_when_unchanged() {
        let config = config("hunter2-hunter2");
        let plan = plan(&config);
        let protector = Protector::new(None, "l");
        let mut saved = protect(&plan, &protector);
        assert!(!serde_json::to_string(&saved).unwrap().contains("hunter2"));
        reveal(&mut saved, &protector, &config).unwrap();
        assert_eq!(saved, plan);
        let mut stale = protect(&plan, &protector);
        assert_eq!(
            reveal(&mut stale, &protector, &self::config("another-secret")),
            Err(SavedPlanError::Changed {
                address: "site.s".into(),
                attribute: "description".into()
            })
        );
    }
}
