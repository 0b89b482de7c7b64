//! The templates' view of one report: every figure formatted (percentages, money with its
//! currency and thousands separators, "none seen" for nines without downtime), the first
//! page, the load section, and the source of every figure (the scenario simulated, the
//! capacity analysis, or the growth scenario).

use serde_json::{Value, json};

use crate::render::{num, percent};
use crate::{LoadRow, Report, ServiceRow};

/// A service row's figures, formatted; `years` is what was simulated in all.
pub(crate) fn row_view(s: &ServiceRow) -> Value {
    json!({
        "address": s.address,
        "availability": percent(s.availability),
        "ci95": format!("{} – {}", percent(s.availability_ci95[0]), percent(s.availability_ci95[1])),
        "nines": nines_text(s),
        "target": s.target.map(percent).unwrap_or_else(|| "–".into()),
        "met": match s.met { Some(true) => "met", Some(false) => "missed", None => "–" },
        "downtime": num(s.downtime_minutes_per_year, 1),
        "downtime_ci95": format!("{} – {}", num(s.downtime_ci95[0], 1), num(s.downtime_ci95[1], 1)),
        "worst": s.worst_downtime_minutes_per_year.map_or("–".into(), |m| num(m, 1)),
        "outages": num(s.outages_per_year, 2),
        "outage_p95": s.outage_p95_minutes.map_or("–".into(), |m| num(m, 1)),
    })
}

/// The nines, or, with no downtime seen, that none was and what the simulated years still
/// allow at 95%.
pub(crate) fn nines_text(s: &ServiceRow) -> String {
    match (s.nines, s.outages_per_year_below) {
        (Some(n), _) => num(n, 2),
        (None, Some(bound)) => format!(
            "no downtime seen (< {} outages a year at 95%)",
            significant(bound)
        ),
        (None, None) => "no downtime seen".into(),
    }
}

/// Two significant digits: 0.0015, 0.3, 3.
fn significant(x: f64) -> String {
    if x <= 0.0 || !x.is_finite() {
        return num(x, 0);
    }
    let digits = (1 - x.log10().floor() as i32).max(0) as usize;
    num(x, digits)
}

fn load_view(l: &LoadRow) -> Value {
    let util = |u: Option<f64>| u.map_or("no replica".into(), |u| format!("{}%", num(u, 1)));
    let response = |r: Option<f64>| r.map_or("unbounded".into(), |r| format!("{} ms", num(r, 2)));
    let saturated = |u: Option<f64>| u.is_none_or(|u| u >= crate::SATURATED_PERCENT);
    let after = l.after_worst_loss.as_ref();
    json!({
        "service": l.service,
        "rps": num(l.rps, 1),
        "replicas": l.replicas,
        "utilisation": util(l.utilisation_percent),
        "p_wait": num(l.p_wait, 3),
        "response": response(l.response_ms),
        "saturated": saturated(l.utilisation_percent),
        "after_domain": after.map_or("–".into(), |a| a.domain.clone()),
        "after_replicas": after.map_or("–".into(), |a| a.replicas.to_string()),
        "after_utilisation": after.map_or("–".into(), |a| util(a.utilisation_percent)),
        "after_p_wait": after.map_or("–".into(), |a| num(a.p_wait, 3)),
        "after_response": after.map_or("–".into(), |a| response(a.response_ms)),
        "after_saturated": after.is_some_and(|a| saturated(a.utilisation_percent)),
        "unavailable_after": l.unavailable_after.clone().unwrap_or_else(|| "–".into()),
    })
}

/// The view of one report; `charts` adds the SVG charts (HTML).
pub(crate) fn view(r: &Report, charts: bool) -> Value {
    let p = &r.provenance;
    let money = |x: f64| p.money(x);
    let services: Vec<Value> = r.services.iter().map(row_view).collect();
    let troubled: Vec<Value> = r
        .domains
        .iter()
        .filter(|d| d.verdict != "survives")
        .map(|d| json!({ "kind": d.kind, "domain": d.domain, "hosts": d.hosts, "verdict": d.verdict, "production_verdict": d.production_verdict }))
        .collect();
    let consolidation: Vec<Value> = r
        .consolidation
        .iter()
        .map(|c| {
            json!({
                "cluster": c.cluster, "vm_hosts": c.vm_hosts, "container_hosts": c.container_hosts,
                "vm_cost": c.vm_cost_per_year.map_or("–".into(), money),
                "container_cost": c.container_cost_per_year.map_or("–".into(), money),
            })
        })
        .collect();
    let s = &r.summary;
    let simulated = format!(
        "scenario {}: {} replications × {} year{}, seed {}",
        r.scenario,
        r.replications,
        num(r.horizon_years, 2),
        if r.horizon_years == 1.0 { "" } else { "s" },
        r.seed
    );
    let f = &r.first_page;
    json!({
        "blueprint": r.blueprint,
        "scenario": r.scenario,
        "seed": r.seed,
        "replications": r.replications,
        "horizon_years": num(r.horizon_years, 2),
        "provenance": {
            "generated_at": p.generated_at,
            "version": p.strata_version,
            "commit": p.commit_text(),
            "costs": p.currency.as_ref().map_or_else(|| "costs in no named currency (set it with strata { currency = \"EUR\" })".to_string(), |c| format!("costs in {c}")),
        },
        "sources": {
            "simulated": simulated,
            "capacity": "the capacity analysis: each host, rack and site lost in turn, N+1",
            "runway": s.runway_scenario.as_ref().map(|g| format!("growth of {g}")),
        },
        "first_page": {
            "headline": f.headline,
            "production": f.production,
            "non_production": f.non_production,
            "overloads": f.overloads.iter().map(|o| json!({
                "service": o.service, "when": o.when,
                "utilisation": o.utilisation_percent.map_or("no replica left".into(), |u| format!("{}%", num(u, 0))),
            })).collect::<Vec<_>>(),
        },
        "summary": {
            "met": s.targets_met, "missed": s.targets_missed,
            "survived": s.domains_survived, "degraded": s.domains_degraded, "failed": s.domains_failed,
            "runway": s.runway_months.map(|m| num(m, 1)),
            "first_full": s.first_full,
        },
        "services": services,
        "domains": r.domains,
        "troubled": troubled,
        "growth": r.growth.as_ref().map(|g| json!({
            "scenario": g.scenario, "rate": num(g.rate_percent, 2), "per_months": num(g.per_months, 2),
            "model": g.model, "ceiling": num(g.ceiling_percent, 1),
        })),
        "consolidation": consolidation,
        "load": r.load.iter().map(load_view).collect::<Vec<_>>(),
        "migrations": crate::migration::view(&r.migrations, row_view),
        "hosts": r.totals.hosts,
        "cost": money(r.totals.cost_per_year),
        "charts": if charts { crate::figures::charts_of(r) } else { Vec::new() },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_significant_digits() {
        assert_eq!(significant(0.0149787), "0.015");
        assert_eq!(significant(0.29957), "0.3");
        assert_eq!(significant(2.9957), "3");
        assert_eq!(significant(14.98), "15");
    }
}
