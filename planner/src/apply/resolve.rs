//! Values known only after apply: the attributes a plan left unknown are evaluated once
//! what they come from exists, as Terraform evaluates them during its apply walk.

use blueprint::{Config, Diagnostic};

use crate::plan::attrs::{after_update, desired, unknown};
use crate::plan::{Action, Change};
use crate::provider::Attrs;
use crate::state::State;

/// Evaluates the blueprint against the objects as they are at that moment of an apply.
pub trait Evaluate: Send + Sync {
    /// The blueprint evaluated with `state`'s objects as what exists; the errors found
    /// when it cannot be evaluated.
    fn evaluate(&self, state: &State) -> Result<Config, Vec<Diagnostic>>;
}

/// For applies whose plan has nothing unknown (and tests): evaluating is an error.
pub struct NoEvaluation;

impl Evaluate for NoEvaluation {
    fn evaluate(&self, _state: &State) -> Result<Config, Vec<Diagnostic>> {
        Err(vec![Diagnostic::error(
            None,
            "This apply cannot evaluate the blueprint",
            "The plan has attributes known only after apply, and this apply was started without the blueprint to evaluate them from.",
        )])
    }
}

/// True when a change's create or update needs its unknown attributes evaluated first.
pub fn needs_resolving(change: &Change) -> bool {
    !change.unknown.is_empty()
        && matches!(
            change.action,
            Action::Create | Action::Update | Action::Replace
        )
}

/// The final attributes of each change, evaluated once with `state`: the planned `after`
/// with the unknown attributes filled in. A change whose attributes are still unknown, or
/// one whose values known at plan time came out different (an impure function such as
/// `timestamp()` in a value the plan showed), is an error naming the attribute.
pub fn resolve(
    evaluator: &dyn Evaluate,
    changes: &[&Change],
    state: &State,
) -> Vec<Result<Attrs, Vec<Diagnostic>>> {
    let config = match evaluator.evaluate(state) {
        Ok(config) => config,
        Err(diags) => return changes.iter().map(|_| Err(diags.clone())).collect(),
    };
    changes.iter().map(|c| resolve_one(&config, c)).collect()
}

fn resolve_one(config: &Config, change: &Change) -> Result<Attrs, Vec<Diagnostic>> {
    let error =
        |summary: String, detail: String| Err(vec![Diagnostic::error(None, summary, detail)]);
    let Some(inst) = config.instance(&change.address) else {
        return error(
            format!("{} is no longer in the blueprint", change.address),
            "The blueprint changed while the apply ran. Run plan again.".into(),
        );
    };
    let still = unknown(&inst.fields);
    if !still.is_empty() {
        return error(
            format!("{} still has values known only after apply", change.address),
            format!(
                "{} depend on objects that do not exist yet, although everything this object depends on was created first. Check the references in these attributes.",
                still.join(", ")
            ),
        );
    }
    let want = desired(inst);
    let after = match (change.action, &change.before) {
        (Action::Update, Some(prior)) => after_update(
            &change.kind,
            prior,
            &want,
            &inst.lifecycle.ignore_changes,
            &change.unknown,
        ),
        _ => want,
    };
    let planned = change.after.as_ref();
    if let Some(name) = planned.and_then(|p| p.iter().find(|(k, v)| after.get(*k) != Some(*v))) {
        return error(
            format!(
                "{}: \"{}\" changed between plan and apply",
                change.address, name.0
            ),
            "The plan showed one value and evaluating it during the apply gave another, so the apply does not carry out what was approved. A value that changes on every evaluation (timestamp(), uuid()) or a blueprint edited during the apply does this. Run plan again.".into(),
        );
    }
    Ok(after)
}
