//! `strata plan -format=markdown`: the plan as a merge-request comment. A summary line;
//! the destroys and replacements of stateful objects called out first; the changes grouped
//! by action, each object's diff folded in `<details>`; drift; the policy results; the
//! impact. Within GitLab's limit on a comment's length: past it, diffs are left out (the
//! addresses stay) with a note saying so.

use std::fmt::Write;

use planner::plan::{Action, Change, Plan, render};
use policy::Results;
use report::Impact;
use report::impact::render::escape;

/// The most characters a GitLab comment (a note) may hold: 1,000,000
/// (`Gitlab::Database::MAX_TEXT_SIZE_LIMIT`, which notes are validated against).
pub const GITLAB_NOTE_LIMIT: usize = 1_000_000;

/// True for an object that keeps data: storage, and services that are stateful or claim
/// volumes. Destroying or replacing one loses data unless it was moved first.
fn stateful(change: &Change) -> bool {
    if change.kind == "storage" {
        return true;
    }
    let holds = |attrs: &Option<planner::Attrs>| {
        attrs.as_ref().is_some_and(|a| {
            a.get("stateful") == Some(&serde_json::Value::Bool(true))
                || a.get("volume").is_some_and(|v| !v.is_null())
        })
    };
    change.kind == "service" && (holds(&change.before) || holds(&change.after))
}

/// A group of changes: its title, and whether a change belongs to it.
type Group = (&'static str, fn(&Change) -> bool);

/// The groups of changes, in the order a reviewer reads them.
const GROUPS: [Group; 6] = [
    ("Stateful objects destroyed or replaced", |c| {
        matches!(c.action, Action::Delete | Action::Replace) && stateful(c)
    }),
    ("Replaced", |c| c.action == Action::Replace && !stateful(c)),
    ("Destroyed", |c| c.action == Action::Delete && !stateful(c)),
    ("Created", |c| c.action == Action::Create),
    ("Updated in place", |c| c.action == Action::Update),
    ("Moved or no longer managed", |c| {
        matches!(c.action, Action::NoOp | Action::Forget)
    }),
];

/// One object and its diff.
struct Item {
    line: String,
    diff: String,
}

/// A fenced block of `text` that no line of it can close.
fn fenced(text: &str, language: &str) -> String {
    let mut fence = "```".to_string();
    while text.contains(&fence) {
        fence.push('`');
    }
    format!("{fence}{language}\n{}\n{fence}\n", text.trim_end())
}

/// `<details>` with a summary and a diff.
fn folded(summary: &str, diff: &str) -> String {
    format!(
        "<details><summary>{summary}</summary>\n\n{}\n</details>\n",
        fenced(diff, "diff")
    )
}

/// The plan as Markdown within `limit` characters.
pub fn plan(
    plan: &Plan,
    policies: Option<&Results>,
    impact: Option<&Impact>,
    limit: usize,
) -> String {
    let (add, change, destroy) = plan.counts();
    let mut head = String::new();
    let verdict = match policies {
        Some(r) if !r.passed() => " · ❌ denied by policy",
        _ => "",
    };
    let flagged = if impact.is_some_and(Impact::regresses) {
        " · ⚠️ impact regressions"
    } else {
        ""
    };
    let _ = writeln!(
        head,
        "## Strata plan: {add} to add, {change} to change, {destroy} to destroy{verdict}{flagged}\n"
    );
    if plan.is_empty() {
        head.push_str("No changes. The platform matches the blueprint.\n\n");
    }
    let mut groups: Vec<(&str, Vec<Item>)> = Vec::new();
    for (title, belongs) in GROUPS {
        let items: Vec<Item> = plan
            .actions()
            .filter(|c| belongs(c))
            .map(|c| Item {
                line: format!(
                    "`{}`{}",
                    escape(&c.address.to_string()),
                    c.reason
                        .map(|r| format!(" — {}", escape(&r.explain(&c.address))))
                        .unwrap_or_default()
                ),
                diff: render::render_one(c),
            })
            .collect();
        if !items.is_empty() {
            groups.push((title, items));
        }
    }
    let drift: Vec<Item> = plan
        .drift
        .iter()
        .map(|d| Item {
            line: format!("`{}`", escape(&d.address.to_string())),
            diff: render::render_drift_one(d),
        })
        .collect();
    let mut tail = String::new();
    let outputs = render::render_outputs(plan);
    if !outputs.is_empty() {
        tail.push_str("### Changes to outputs\n\n");
        tail.push_str(&fenced(&outputs, "diff"));
        tail.push('\n');
    }
    if let Some(results) = policies {
        tail.push_str(&policy_section(results));
    }
    if let Some(impact) = impact {
        tail.push_str(&impact.markdown());
    }
    tail.push_str("\n<sub>Made by `strata plan -format=markdown`.</sub>\n");
    // Diffs fit as long as the budget lasts, in reading order; past it, only addresses.
    let fixed: usize = head.chars().count()
        + tail.chars().count()
        + groups
            .iter()
            .flat_map(|(_, items)| items)
            .chain(&drift)
            .map(|i| i.line.chars().count() + 8)
            .sum::<usize>()
        + 400;
    let mut budget = limit.saturating_sub(fixed);
    let mut left_out = 0;
    let mut body = String::new();
    let mut section = |title: &str, items: &[Item], body: &mut String| {
        let _ = writeln!(body, "### {title} ({})\n", items.len());
        for item in items {
            let shown = folded(&item.line, &item.diff);
            let size = shown.chars().count();
            if size <= budget {
                budget -= size;
                body.push_str(&shown);
            } else {
                left_out += 1;
                let _ = writeln!(body, "- {}", item.line);
            }
        }
        body.push('\n');
    };
    for (title, items) in &groups {
        section(title, items, &mut body);
    }
    if !drift.is_empty() {
        section("Changed outside Strata (drift)", &drift, &mut body);
    }
    if left_out > 0 {
        let _ = writeln!(
            body,
            "> {left_out} diff(s) were left out to keep this comment within GitLab's limit of {limit} characters; the addresses are listed. `strata show PLANFILE` prints them all.\n"
        );
    }
    format!("{head}{body}{tail}")
}

/// The policy results: a line, then each denial and warning.
fn policy_section(results: &Results) -> String {
    let mut out = String::from("### Policies\n\n");
    if results.passed() && results.warnings.is_empty() {
        let _ = writeln!(
            out,
            "✅ {} policy file(s), nothing denied.\n",
            results.files
        );
        return out;
    }
    let _ = writeln!(
        out,
        "{} {} denied, {} warning(s), from {} file(s).\n",
        if results.passed() { "✅" } else { "❌" },
        results.denials.len(),
        results.warnings.len(),
        results.files
    );
    for d in &results.denials {
        let _ = writeln!(
            out,
            "- ❌ **deny** `{}`: {}",
            escape(&d.namespace),
            escape(&d.message)
        );
    }
    for w in &results.warnings {
        let _ = writeln!(
            out,
            "- ⚠️ warn `{}`: {}",
            escape(&w.namespace),
            escape(&w.message)
        );
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use planner::plan::{Action, Change, Plan};

    fn change(address: &str, kind: &str, action: Action, description: &str) -> Change {
        let attrs: planner::Attrs = [
            ("cpu".to_string(), serde_json::json!(2)),
            ("description".to_string(), serde_json::json!(description)),
        ]
        .into_iter()
        .collect();
        let exists = action != Action::Create;
        Change {
            address: address.parse().unwrap(),
            kind: kind.into(),
            provider: "sim".into(),
            action,
            id: exists.then(|| "x-1".to_string()),
            before: exists.then(|| attrs.clone()),
            after: (action != Action::Delete).then_some(attrs),
            replace_because: Vec::new(),
            reason: None,
            dependencies: Vec::new(),
            create_before_destroy: false,
            retire: None,
            sensitive: Vec::new(),
            unknown: Vec::new(),
            implied: Vec::new(),
            notes: Vec::new(),
            previous_address: None,
            prior_dependencies: Vec::new(),
            prevent_destroy: false,
            prior_prevent_destroy: false,
        }
    }

    fn plan(changes: Vec<Change>) -> Plan {
        Plan {
            format_version: 1,
            lineage: "l".into(),
            serial: 1,
            destroy: false,
            changes,
            drift: Vec::new(),
            output_changes: Vec::new(),
            deferred: Vec::new(),
        }
    }

    #[test]
    fn a_long_plan_is_folded_within_the_limit_and_keeps_every_address() {
        let long = "x".repeat(2_000);
        let mut changes: Vec<Change> = (0..60)
            .map(|i| change(&format!("vm.web[{i}]"), "vm", Action::Create, &long))
            .collect();
        changes.push(change(
            "storage.ceph",
            "storage",
            Action::Delete,
            "kept data",
        ));
        let limit = 30_000;
        let text = super::plan(&plan(changes), None, None, limit);
        assert!(
            text.chars().count() <= limit,
            "{} chars",
            text.chars().count()
        );
        for i in 0..60 {
            assert!(
                text.contains(&format!("`vm.web[{i}]`")),
                "vm.web[{i}] missing"
            );
        }
        // The destroyed storage comes first, with its diff; later diffs are left out.
        let storage = text
            .find("### Stateful objects destroyed or replaced (1)")
            .unwrap();
        assert!(storage < text.find("### Created (60)").unwrap());
        assert!(text.contains("<details><summary>`storage.ceph`</summary>"));
        assert!(text.contains("diff(s) were left out to keep this comment within GitLab's limit"));
        assert!(text.contains("- `vm.web[59]`"));
        // With GitLab's real limit, every diff fits.
        let whole = super::plan(
            &plan(vec![change("vm.a", "vm", Action::Create, &long)]),
            None,
            None,
            super::GITLAB_NOTE_LIMIT,
        );
        assert!(!whole.contains("left out"));
        assert_eq!(whole.matches("<details>").count(), 1);
    }

    #[test]
    fn backticks_in_a_diff_cannot_close_its_fence() {
        let fenced = super::fenced("a\n```\nb", "diff");
        assert!(fenced.starts_with("````diff\n"), "{fenced}");
        assert!(fenced.ends_with("\n````\n"), "{fenced}");
    }
}
