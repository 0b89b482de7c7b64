//! The human form of a plan, in the shape Terraform users read every day.

use std::fmt::Write;

use super::render_refactor as refactor;
use super::{Action, Change, Drift, Plan};
use crate::provider::Attrs;

/// The plan as text: drift first, then the proposed changes, then the summary line.
pub fn render(plan: &Plan) -> String {
    let mut out = String::new();
    if !plan.drift.is_empty() {
        out.push_str("Objects changed outside Strata since the last apply:\n\n");
        for drift in &plan.drift {
            render_drift(&mut out, drift);
        }
        out.push('\n');
    }
    if plan.is_empty() {
        out.push_str(if plan.drift.is_empty() {
            "No changes. The platform matches the blueprint.\n"
        } else {
            "No changes. The blueprint already matches the platform as it is now; the next apply records the drift above in the state.\n"
        });
        return out;
    }
    out.push_str("Strata will perform the following actions:\n\n");
    for change in plan.actions() {
        render_change(&mut out, change);
    }
    let (add, change, destroy) = plan.counts();
    let _ = writeln!(
        out,
        "Plan: {add} to add, {change} to change, {destroy} to destroy{}.",
        refactor::summary_suffix(plan)
    );
    out
}

fn header(change: &Change) -> String {
    block_header(&change.address, &change.kind)
}

/// `vm "web" [2]`: the block the change is about, as the blueprint writes it.
pub(super) fn block_header(address: &str, kind: &str) -> String {
    match address.parse::<blueprint::Address>() {
        Ok(a) => match &a.key {
            Some(key) => format!("{} \"{}\" {key}", a.kind, a.name),
            None => format!("{} \"{}\"", a.kind, a.name),
        },
        Err(_) => format!("{kind} {address}"),
    }
}

fn render_drift(out: &mut String, drift: &Drift) {
    match &drift.after {
        None => {
            let _ = writeln!(out, "  # {} has been deleted", drift.address);
        }
        Some(after) => {
            let _ = writeln!(out, "  # {} has been changed", drift.address);
            let _ = writeln!(out, "  ~ {} {{", block_header(&drift.address, &drift.kind));
            // Only what the blueprint describes: a provider's own bookkeeping (placement,
            // a job's status) changing is not drift.
            let described = |k: &String| {
                blueprint::schema::kind(&drift.kind)
                    .is_some_and(|s| s.body.attr(k).is_some() || s.body.block(k).is_some())
            };
            for key in changed_keys(&drift.before, after)
                .into_iter()
                .filter(described)
            {
                let _ = writeln!(
                    out,
                    "      ~ {key} = {} -> {}",
                    masked(drift.before.get(&key), drift.sensitive.contains(&key)),
                    masked(after.get(&key), drift.sensitive.contains(&key))
                );
            }
            out.push_str("    }\n");
        }
    }
}

fn render_change(out: &mut String, change: &Change) {
    let reason = change
        .reason
        .as_ref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    let (title, sign) = match change.action {
        Action::Create => ("will be created", "  +"),
        Action::Update => ("will be updated in place", "  ~"),
        Action::Replace if change.create_before_destroy => {
            ("must be replaced (new one created first)", "+/-")
        }
        Action::Replace => ("must be replaced", "-/+"),
        Action::Delete => ("will be destroyed", "  -"),
        Action::NoOp => return refactor::moved_only(out, change),
        Action::Forget => return refactor::forgotten(out, change),
    };
    let _ = writeln!(out, "  # {} {title}{reason}", change.address);
    refactor::moved_from(out, change);
    let _ = writeln!(out, "{sign} {} {{", header(change));
    let empty = Attrs::new();
    let before = change.before.as_ref().unwrap_or(&empty);
    let after = change.after.as_ref().unwrap_or(&empty);
    let computed: Vec<String> = crate::provider::blueprint_schema(&change.kind)
        .computed
        .iter()
        .filter(|c| !after.contains_key(**c))
        .map(|c| c.to_string())
        .collect();
    let keys: Vec<String> = match change.action {
        Action::Create => {
            let mut keys: Vec<String> = after.keys().cloned().chain(computed).collect();
            keys.sort();
            keys
        }
        Action::Delete => Vec::new(),
        _ => changed_keys(before, after),
    };
    let width = keys.iter().map(String::len).max().unwrap_or(0);
    for key in &keys {
        let forces = if change.replace_because.contains(key) {
            " # forces replacement"
        } else {
            ""
        };
        let secret = change.sensitive.contains(key);
        let line = match change.action {
            Action::Create => format!("      + {key:width$} = {}", masked(after.get(key), secret)),
            _ => format!(
                "      ~ {key:width$} = {} -> {}{forces}",
                masked(before.get(key), secret),
                masked(after.get(key), secret)
            ),
        };
        let _ = writeln!(out, "{line}");
    }
    let hidden = match change.action {
        Action::Update | Action::Replace => before.len().saturating_sub(keys.len()),
        Action::Delete => before.len(),
        _ => 0,
    };
    if hidden > 0 && change.action == Action::Delete {
        let _ = writeln!(out, "        # ({hidden} attributes hidden)");
    } else if hidden > 0 {
        let _ = writeln!(out, "        # ({hidden} unchanged attributes hidden)");
    }
    out.push_str("    }\n\n");
}

/// Keys whose values differ, in order.
fn changed_keys(before: &Attrs, after: &Attrs) -> Vec<String> {
    let mut keys: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// A value as the plan shows it, hidden when it is sensitive.
fn masked(value: Option<&serde_json::Value>, sensitive: bool) -> String {
    match value {
        Some(_) if sensitive => "(sensitive)".to_string(),
        other => show(other),
    }
}

/// A value as the plan shows it.
fn show(value: Option<&serde_json::Value>) -> String {
    match value {
        None => "(known after apply)".to_string(),
        Some(serde_json::Value::Null) => "null".to_string(),
        Some(v) => v.to_string(),
    }
}
