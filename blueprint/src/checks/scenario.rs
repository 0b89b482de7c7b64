//! Scenario checks: distribution parameters, failure models scoped once each, and
//! injections that point at real things.

use super::World;
use crate::diagnostic::Diagnostic;
use crate::schema::FAILURE_SCOPES;

/// Each block of a class names at most one scope, and no two blocks the same one.
fn scopes(failures: &crate::config::Fields, out: &mut Vec<Diagnostic>) {
    for (class, attrs) in FAILURE_SCOPES {
        let mut seen: Vec<(Option<&str>, Vec<String>, crate::source::Span)> = Vec::new();
        for model in failures.blocks(class) {
            let set: Vec<&str> = attrs
                .iter()
                .map(|(a, _)| *a)
                .filter(|a| model.fields.get(a).is_some())
                .collect();
            if set.len() > 1 {
                out.push(Diagnostic::error(
                    model.fields.span(set[1]).unwrap_or(model.span),
                    format!("A {class} failure model has two scopes ({} and {})", set[0], set[1]),
                    format!("Each `{class}` block applies to the units of one scope. Write one block per scope, such as `{class} {{ {} = ... }}` and `{class} {{ {} = ... }}`.", set[0], set[1]),
                ));
                continue;
            }
            let scope = set.first().copied();
            let mut targets: Vec<String> = scope
                .map(|a| {
                    model
                        .fields
                        .references(a)
                        .iter()
                        .map(|r| r.to_string())
                        .collect()
                })
                .unwrap_or_default();
            targets.sort();
            if let Some((_, _, first)) = seen.iter().find(|(a, t, _)| *a == scope && *t == targets)
            {
                let what = match scope {
                    Some(a) => format!("{a} = {}", targets.join(", ")),
                    None => "no scope (the default)".into(),
                };
                out.push(
                    Diagnostic::error(
                        model.span,
                        format!("Two {class} failure models with {what}"),
                        format!("A unit takes one failure model: the block of its most specific scope, else the block without a scope. Merge these two `{class}` blocks."),
                    )
                    .with_note("the other block", *first),
                );
                continue;
            }
            seen.push((scope, targets, model.span));
        }
    }
}

pub(super) fn check(world: &World, out: &mut Vec<Diagnostic>) {
    for scenario in world.of_kind("scenario") {
        if let Some(failures) = scenario.fields.block("failures") {
            scopes(&failures.fields, out);
            for (class, models) in &failures.fields.blocks {
                for model in models {
                    let needs = match model.fields.str("distribution") {
                        Some("weibull") => "shape",
                        Some("lognormal") => "sigma",
                        _ => continue,
                    };
                    if model.fields.num(needs).is_none() {
                        out.push(Diagnostic::error(
                            model.fields.span("distribution").unwrap_or(model.span),
                            format!("The {class} failure model needs \"{needs}\""),
                            format!("A {} distribution is defined by its {needs}; add `{needs} = ...` (for example 1.5).", model.fields.str("distribution").unwrap_or_default()),
                        ));
                    }
                }
            }
        }
        for inject in scenario.fields.blocks("inject") {
            let Some(host) = inject.fields.int("host") else {
                continue;
            };
            let target = inject.fields.reference("fail").and_then(|a| world.get(a));
            match target {
                Some(pool) if pool.kind == "host_pool" => {
                    let hosts = pool.fields.int("hosts").unwrap_or(0);
                    if host >= hosts {
                        out.push(Diagnostic::error(
                            inject.fields.span("host").unwrap_or(inject.span),
                            format!("{} has no host {host}", pool.address),
                            format!("Hosts are numbered from 0 to {}.", hosts - 1),
                        ));
                    }
                }
                Some(other) => out.push(Diagnostic::error(
                    inject.fields.span("host").unwrap_or(inject.span),
                    "\"host\" needs a host pool",
                    format!("`host` picks one host of a host pool, but `fail` names {}. Remove `host`, or fail a host pool.", other.address),
                )),
                None => {}
            }
        }
        if let (Some(horizon), Some(_)) = (
            scenario.fields.duration("horizon"),
            scenario.fields.block("inject"),
        ) {
            for inject in scenario.fields.blocks("inject") {
                if inject.fields.duration("at").is_some_and(|at| at >= horizon) {
                    out.push(Diagnostic::warning(
                        inject.fields.span("at").unwrap_or(inject.span),
                        "Injection after the horizon",
                        format!("The failure is injected at or after the end of the simulation ({}), so it never happens.", crate::units::format_duration(horizon)),
                    ));
                }
            }
        }
    }
}
