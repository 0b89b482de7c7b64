//! The human form of a plan, in the shape Terraform users read every day: drift first,
//! then each object's change with its attributes and nested blocks, the summary line, and
//! the changes to outputs.

mod body;
mod refactor;
mod state;
pub mod value;

use std::fmt::Write;

use blueprint::Address;

use body::{Body, Marks, Mode};
pub use state::render_state;

use super::{Action, Change, Drift, OutputChange, Plan, Reason};
use crate::provider::{Attrs, blueprint_schema};

/// The plan as text.
pub fn render(plan: &Plan) -> String {
    let mut out = String::new();
    if !plan.drift.is_empty() {
        out.push_str("Objects changed outside Strata since the last apply:\n\n");
        for drift in &plan.drift {
            render_drift(&mut out, drift);
        }
    }
    if plan.is_empty() {
        out.push_str(if plan.drift.is_empty() {
            "No changes. The platform matches the blueprint.\n"
        } else {
            "No changes. The blueprint already matches the platform as it is now; the next apply records the drift above in the state.\n"
        });
        return out;
    }
    if !plan.changes_no_objects() {
        out.push_str("Strata will perform the following actions:\n\n");
        for change in plan.actions() {
            render_change(&mut out, change);
        }
        for deferred in &plan.deferred {
            let _ = writeln!(out, "Provider {} will be {deferred}.\n", deferred.key);
        }
        let (add, change, destroy) = plan.counts();
        let _ = writeln!(
            out,
            "Plan: {add} to add, {change} to change, {destroy} to destroy{}.",
            refactor::summary_suffix(plan)
        );
    }
    if plan.output_actions().next().is_some() {
        out.push_str(if plan.changes_no_objects() {
            "Changes to Outputs:\n"
        } else {
            "\nChanges to Outputs:\n"
        });
        for output in plan.output_actions() {
            render_output(&mut out, output);
        }
        if plan.changes_no_objects() {
            out.push_str("\nYou can apply this plan to save these new output values to the Strata state, without changing any real infrastructure.\n");
        }
        out.push('\n');
    }
    out
}

/// One object's change as the plan draws it (for a plan shown object by object, such as
/// a merge-request comment); nothing for a no-op.
pub fn render_one(change: &Change) -> String {
    let mut out = String::new();
    if change.acts() {
        render_change(&mut out, change);
    }
    out
}

/// One object changed outside Strata, as the plan draws it.
pub fn render_drift_one(drift: &Drift) -> String {
    let mut out = String::new();
    render_drift(&mut out, drift);
    out
}

/// The changes to root outputs, as the plan draws them after the summary line; empty
/// when none changes.
pub fn render_outputs(plan: &Plan) -> String {
    let mut out = String::new();
    for output in plan.output_actions() {
        render_output(&mut out, output);
    }
    out
}

/// `vm "web"`: the block the change is about, as the blueprint writes it.
fn header(address: &Address) -> String {
    format!(
        "{} {}",
        address.kind,
        blueprint::literal::quote(&address.name)
    )
}

fn render_drift(out: &mut String, drift: &Drift) {
    let schema = blueprint::schema::kind(&drift.kind).map(|k| &k.body);
    // Only what the blueprint describes: a provider's own bookkeeping (placement, a job's
    // status) changing is not drift.
    let described = |attrs: &Attrs| -> Attrs {
        attrs
            .iter()
            .filter(|(k, _)| {
                *k == "id" || schema.is_some_and(|s| s.attr(k).is_some() || s.block(k).is_some())
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let before = described(&drift.before);
    let after = drift.after.as_ref().map(described);
    let (title, sign, mode) = match after {
        None => ("has been deleted", '-', Mode::Delete),
        Some(_) => ("has changed", '~', Mode::Update),
    };
    let _ = writeln!(out, "  # {} {title}", drift.address);
    let _ = writeln!(out, "  {sign} {} {{", header(&drift.address));
    let body = Body {
        schema,
        before: Some(&before),
        after: after.as_ref(),
        mode,
    };
    let marks = Marks {
        sensitive: &drift.sensitive,
        ..Marks::default()
    };
    body::write(out, &body, &marks, "", 6);
    out.push_str("    }\n\n");
}

fn render_change(out: &mut String, change: &Change) {
    let deposed = change.reason == Some(Reason::DeleteBecauseDeposed);
    let (title, sign, mode) = match change.action {
        Action::Create => ("will be created", "  +", Mode::Create),
        Action::Update => ("will be updated in-place", "  ~", Mode::Update),
        Action::Replace if change.reason == Some(Reason::ReplaceByRequest) => {
            let sign = if change.create_before_destroy {
                "+/-"
            } else {
                "-/+"
            };
            ("will be replaced, as requested", sign, Mode::Replace)
        }
        Action::Replace if change.create_before_destroy => (
            "must be replaced (the new one is created first)",
            "+/-",
            Mode::Replace,
        ),
        Action::Replace => ("must be replaced", "-/+", Mode::Replace),
        Action::Delete => ("will be destroyed", "  -", Mode::Delete),
        Action::NoOp => return refactor::moved_only(out, change),
        Action::Forget => return refactor::forgotten(out, change),
    };
    match (deposed, &change.id) {
        (true, Some(id)) => {
            let _ = writeln!(out, "  # {} (deposed object {id}) {title}", change.address);
        }
        _ => {
            let _ = writeln!(out, "  # {} {title}", change.address);
        }
    }
    if let Some(reason) = change.reason.filter(|r| *r != Reason::ReplaceByRequest) {
        let _ = writeln!(out, "  # (because {})", reason.explain(&change.address));
    }
    for note in &change.notes {
        let _ = writeln!(out, "  # ({note})");
    }
    refactor::moved_from(out, change);
    let _ = writeln!(out, "{sign} {} {{", header(&change.address));
    let schema = blueprint::schema::kind(&change.kind).map(|k| &k.body);
    let computed = blueprint_schema(&change.kind).computed;
    let body = Body {
        schema,
        before: change.before.as_ref(),
        after: change.after.as_ref(),
        mode,
    };
    let marks = Marks {
        sensitive: &change.sensitive,
        unknown: &change.unknown,
        implied: &change.implied,
        forces: &change.replace_because,
        computed: &computed,
    };
    body::write(out, &body, &marks, "", 6);
    out.push_str("    }\n\n");
}

fn render_output(out: &mut String, output: &OutputChange) {
    let shown = |v: &serde_json::Value, sign: char| {
        if output.sensitive {
            value::SENSITIVE.to_string()
        } else {
            value::whole(v, sign, 2)
        }
    };
    let later = || value::UNKNOWN.to_string();
    let (sign, text) = match (output.action, &output.before, &output.after) {
        (Action::Create, _, Some(a)) => ('+', shown(a, '+')),
        (Action::Create, _, None) => ('+', later()),
        (Action::Delete, Some(b), _) => ('-', format!("{} -> null", shown(b, '-'))),
        (Action::Update, Some(b), None) => ('~', format!("{} -> {}", shown(b, '-'), later())),
        (Action::Update, Some(b), Some(a)) if output.sensitive || b == a => {
            ('~', format!("{} -> {}", shown(b, '-'), shown(a, '+')))
        }
        (Action::Update, Some(b), Some(a)) => ('~', value::changed(b, a, 2)),
        _ => return,
    };
    let _ = writeln!(out, "  {sign} {} = {text}", output.name);
}
