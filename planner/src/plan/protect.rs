//! Protection: `prevent_destroy` checked on every object a plan would destroy.
//!
//! Every delete and replacement in the plan is checked, whatever brings it: an attribute
//! that forces a replacement, `-replace`, a lowered `count` or a shorter `for_each`, a
//! deleted block, a move to an address the blueprint no longer declares, `strata
//! destroy`. The check runs after `-target` has narrowed the plan, so the blame falls on
//! what is really destroyed. The protection comes from the object's block while the
//! blueprint declares it (even when `count` no longer includes the object), else from the
//! state, which records `prevent_destroy` at every apply: deleting the block does not
//! drop the protection (Terraform's does; Strata's goes further). A `removed` block with
//! `destroy = true` lifts it. Objects an interrupted create_before_destroy left deposed
//! are not checked: their replacement was.

use std::collections::HashMap;

use blueprint::{Address, Config, Diagnostic, Span};

use super::{Action, Change};
use crate::state::Object;

/// Where an object's protection comes from.
enum Source {
    /// Its block, which the blueprint still declares.
    Block(Span),
    /// The state, as recorded at its last apply.
    State,
}

/// Reports every change that would destroy a protected object. `current` holds the
/// object each address has (not a deposed one); `recorded` every object of the state.
pub(super) fn check(
    changes: &[Change],
    config: &Config,
    current: &HashMap<&Address, &Object>,
    recorded: &[Object],
    diags: &mut Vec<Diagnostic>,
) {
    for change in changes {
        if !matches!(change.action, Action::Delete | Action::Replace) {
            continue;
        }
        let address = change.address();
        let deposed = current
            .get(&address)
            .is_some_and(|o| Some(&o.id) != change.id.as_ref());
        let lifted = config
            .removals
            .iter()
            .any(|r| r.destroy && r.from.covers(&address));
        if deposed || lifted {
            continue;
        }
        let source = match config.resource(&address) {
            Some(block) if block.lifecycle.prevent_destroy => Source::Block(block.span),
            Some(_) => continue,
            None if recorded.iter().any(|o| {
                o.address == address && Some(&o.id) == change.id.as_ref() && o.prevent_destroy
            }) =>
            {
                Source::State
            }
            None => continue,
        };
        diags.push(diagnostic(
            change,
            config.instance(&address).is_some(),
            source,
        ));
    }
}

fn diagnostic(change: &Change, declared: bool, source: Source) -> Diagnostic {
    let address = &change.address;
    let (verb, because) = match change.action {
        Action::Replace if !change.replace_because.is_empty() => (
            "replace",
            format!(
                " ({} forces a replacement)",
                change.replace_because.join(", ")
            ),
        ),
        Action::Replace => ("replace", String::new()),
        _ => ("destroy", String::new()),
    };
    let because = change
        .reason
        .as_ref()
        .map(|r| format!(" ({r})"))
        .unwrap_or(because);
    let summary = format!("{address} cannot be destroyed");
    let remove = |destroy: bool| {
        format!("`removed {{ from = {address}  lifecycle {{ destroy = {destroy} }} }}`")
    };
    match source {
        Source::Block(span) => {
            let instead = if declared {
                "; or change the plan (the attribute that forces the replacement, -replace, -target)".to_string()
            } else {
                format!(
                    "; or, to destroy this one object and keep the others protected, add {}",
                    remove(true)
                )
            };
            Diagnostic::error(
                span,
                summary,
                format!(
                    "Its block sets prevent_destroy = true, and this plan would {verb} it{because}. If that is meant, set prevent_destroy = false and apply, then plan again{instead}."
                ),
            )
        }
        Source::State => Diagnostic::error(
            None,
            summary,
            format!(
                "prevent_destroy = true was recorded in the state at its last apply, and the blueprint no longer declares it, so this plan would {verb} it{because}. To destroy it, add {}; to stop managing it and leave it running, add {}; or declare its block again with prevent_destroy = false and apply first.",
                remove(true),
                remove(false)
            ),
        ),
    }
}
