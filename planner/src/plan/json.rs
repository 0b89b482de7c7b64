//! The machine-readable plan (`strata plan -json`), documented in docs/plan-json.md.

use super::{Action, Plan};

/// The plan as JSON: the plan itself plus a summary.
pub fn to_json(plan: &Plan) -> serde_json::Value {
    let (add, change, destroy) = plan.counts();
    let changes: Vec<&super::Change> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .collect();
    serde_json::json!({
        "format_version": plan.format_version,
        "lineage": plan.lineage,
        "serial": plan.serial,
        "destroy": plan.destroy,
        "resource_changes": changes,
        "resource_drift": plan.drift,
        "summary": { "add": add, "change": change, "destroy": destroy },
    })
}
