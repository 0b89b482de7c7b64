//! Saved plans (`strata plan -out`): their sensitive values are written protected, as in
//! the state (sealed with the state key, digests without one), and put back when the plan
//! is applied: opened with the key, or, for a digest, taken from the blueprint evaluated
//! again, once the digest shows that the value is still the one the plan was made with.

use blueprint::Config;

use super::Plan;
use super::diff::desired;
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
                    address: change.address.clone(),
                    attribute: attribute.clone(),
                });
            }
        }
        let Some(after) = change.after.as_mut() else {
            continue;
        };
        let now = change
            .address
            .parse()
            .ok()
            .and_then(|a| config.instance(&a))
            .map(desired)
            .unwrap_or_default();
        if let Some(attribute) = restore(after, &change.sensitive, &now).into_iter().next() {
            return Err(SavedPlanError::Changed {
                address: change.address.clone(),
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
    Ok(())
}
