//! Scenario checks: distribution parameters and injections that point at real things.

use super::World;
use crate::diagnostic::Diagnostic;

pub(super) fn check(world: &World, out: &mut Vec<Diagnostic>) {
    for scenario in world.of_kind("scenario") {
        if let Some(failures) = scenario.fields.block("failures") {
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
