//! The parts of the human plan that `moved` and `removed` blocks add, in Terraform's
//! words: `# vm.a has moved to vm.b`, `# (moved from vm.a)`, `# vm.a will no longer be
//! managed by Strata`, and the count of forgotten objects in the summary.

use std::fmt::Write;

use super::header;
use crate::plan::{Action, Change, Plan};

/// An object that only moves.
pub(super) fn moved_only(out: &mut String, change: &Change) {
    let Some(previous) = &change.previous_address else {
        return;
    };
    let _ = writeln!(out, "  # {previous} has moved to {}", change.address);
    hidden(out, change, "unchanged attributes hidden");
}

/// The line under a change's title when the object also moves.
pub(super) fn moved_from(out: &mut String, change: &Change) {
    if let Some(previous) = &change.previous_address {
        let _ = writeln!(out, "  # (moved from {previous})");
    }
}

/// An object a `removed` block forgets.
pub(super) fn forgotten(out: &mut String, change: &Change) {
    let _ = writeln!(
        out,
        "  # {} will no longer be managed by Strata (it keeps running; `strata import` takes it back)",
        change.address
    );
    moved_from(out, change);
    hidden(out, change, "attributes hidden");
}

/// The block with its id and how many attributes are not shown.
fn hidden(out: &mut String, change: &Change, what: &str) {
    let before = change.before.as_ref();
    let id = change
        .id
        .as_ref()
        .map(|id| serde_json::Value::from(id.as_str()));
    let count = before.map_or(0, |b| b.keys().filter(|k| *k != "id").count());
    let _ = writeln!(out, "    {} {{", header(&change.address));
    if let Some(id) = id {
        let _ = writeln!(out, "        id = {id}");
    }
    let _ = writeln!(out, "        # ({count} {what})\n    }}\n");
}

/// `, 1 to forget` for the summary line, when the plan forgets objects.
pub(super) fn summary_suffix(plan: &Plan) -> String {
    match plan
        .actions()
        .filter(|c| c.action == Action::Forget)
        .count()
    {
        0 => String::new(),
        n => format!(", {n} to forget"),
    }
}
