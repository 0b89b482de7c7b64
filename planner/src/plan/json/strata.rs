//! Strata's own JSON plan, `format_version` 1 (`strata plan -json -json-format=strata`), as
//! it was before Terraform's representation became the default; docs/plan-json.md, "Strata's
//! own format".

use crate::plan::Plan;

/// The plan as JSON: the plan itself plus a summary.
pub fn to_json(plan: &Plan) -> serde_json::Value {
    let (add, change, destroy) = plan.counts();
    let changes: Vec<crate::plan::Change> = plan
        .changes
        .iter()
        .filter(|c| c.acts())
        .map(masked)
        .collect();
    let drift: Vec<crate::plan::Drift> = plan.drift.iter().map(masked_drift).collect();
    let outputs: Vec<crate::plan::OutputChange> = plan
        .output_actions()
        .map(|o| {
            let mut shown = o.clone();
            if o.sensitive {
                for value in [&mut shown.before, &mut shown.after].into_iter().flatten() {
                    *value = "(sensitive)".into();
                }
            }
            shown
        })
        .collect();
    serde_json::json!({
        "format_version": plan.format_version,
        "lineage": plan.lineage,
        "serial": plan.serial,
        "destroy": plan.destroy,
        "resource_changes": changes,
        "resource_drift": drift,
        "output_changes": outputs,
        "summary": { "add": add, "change": change, "destroy": destroy },
    })
}

/// Drift with its sensitive values replaced by `"(sensitive)"`.
fn masked_drift(drift: &crate::plan::Drift) -> crate::plan::Drift {
    let mut shown = drift.clone();
    for attrs in [Some(&mut shown.before), shown.after.as_mut()]
        .into_iter()
        .flatten()
    {
        hide(attrs, &drift.sensitive);
    }
    shown
}

fn hide(attrs: &mut crate::provider::Attrs, names: &[String]) {
    for name in names {
        if let Some(value) = attrs.get_mut(name) {
            *value = "(sensitive)".into();
        }
    }
}

/// A change with its sensitive values replaced by `"(sensitive)"`.
fn masked(change: &crate::plan::Change) -> crate::plan::Change {
    let mut shown = change.clone();
    for attrs in [&mut shown.before, &mut shown.after].into_iter().flatten() {
        for name in &change.sensitive {
            if let Some(value) = attrs.get_mut(name) {
                *value = "(sensitive)".into();
            }
        }
    }
    shown
}
