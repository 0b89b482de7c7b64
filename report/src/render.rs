//! Rendering a report or a comparison as HTML, Markdown or JSON. The templates are
//! embedded; numbers are formatted here so that the templates only lay them out.

use serde::Serialize;
use serde_json::{Value, json};

use crate::chart::{self, Bar, Line, Pair};
use crate::{Comparison, Error, Phases, Report};

const HTML: &str = include_str!("../templates/report.html.tera");
const MARKDOWN: &str = include_str!("../templates/report.md.tera");

/// What to render: one blueprint's report, or two compared.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Document {
    /// One blueprint.
    Single(Box<Report>),
    /// Two blueprints side by side.
    Compare(Box<Comparison>),
    /// The phases of a migration side by side.
    Phases(Box<Phases>),
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A self-contained HTML page.
    Html,
    /// Markdown for a merge-request comment.
    Markdown,
    /// The model as JSON.
    Json,
}

impl Document {
    /// The document in `format`.
    pub fn render(&self, format: Format) -> Result<String, Error> {
        match format {
            Format::Json => Ok(serde_json::to_string_pretty(self)? + "\n"),
            Format::Html => self.template("report.html", HTML, true),
            Format::Markdown => self.template("report.md", MARKDOWN, false),
        }
    }

    fn reports(&self) -> Vec<&Report> {
        match self {
            Document::Single(r) => vec![r],
            Document::Compare(c) => vec![&c.base, &c.other],
            Document::Phases(p) => p.phases.iter().map(|p| &p.report).collect(),
        }
    }

    fn template(&self, name: &str, text: &str, charts: bool) -> Result<String, Error> {
        let format = if charts { "HTML" } else { "Markdown" };
        let wrap = |source| Error::Template { format, source };
        let mut tera = tera::Tera::default();
        tera.add_raw_template(name, text).map_err(wrap)?;
        let reports: Vec<Value> = self.reports().iter().map(|r| view(r, charts)).collect();
        let delta = match self {
            Document::Compare(c) => delta_view(c),
            _ => Value::Null,
        };
        let phases = match self {
            Document::Phases(p) => p.view(percent, num, charts),
            _ => Value::Null,
        };
        let context = tera::Context::from_value(
            json!({ "reports": reports, "delta": delta, "phases": phases }),
        )
        .map_err(wrap)?;
        tera.render(name, &context).map_err(wrap)
    }
}

/// At most `digits` decimals, no trailing zeros.
fn num(x: f64, digits: usize) -> String {
    let text = format!("{x:.digits$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

fn percent(a: f64) -> String {
    format!("{}%", num(a * 100.0, 4))
}

fn nines(n: Option<f64>) -> String {
    n.map_or("∞".into(), |n| num(n, 2))
}

fn signed(x: f64, digits: usize) -> String {
    let text = num(x, digits);
    if x > 0.0 && text != "0" {
        format!("+{text}")
    } else {
        text
    }
}

/// A service row's figures, formatted.
fn row_view(s: &crate::ServiceRow) -> Value {
    json!({
                "address": s.address,
                "availability": percent(s.availability),
                "ci95": format!("{} – {}", percent(s.availability_ci95[0]), percent(s.availability_ci95[1])),
                "nines": nines(s.nines),
                "target": s.target.map(percent).unwrap_or_else(|| "–".into()),
                "met": match s.met { Some(true) => "met", Some(false) => "missed", None => "–" },
                "downtime": num(s.downtime_minutes_per_year, 1),
                "downtime_ci95": format!("{} – {}", num(s.downtime_ci95[0], 1), num(s.downtime_ci95[1], 1)),
                "worst": s.worst_downtime_minutes_per_year.map_or("–".into(), |m| num(m, 1)),
                "outages": num(s.outages_per_year, 2),
                "outage_p95": s.outage_p95_minutes.map_or("–".into(), |m| num(m, 1)),
    })
}

fn view(r: &Report, charts: bool) -> Value {
    let services: Vec<Value> = r.services.iter().map(row_view).collect();
    let troubled: Vec<Value> = r
        .domains
        .iter()
        .filter(|d| d.verdict != "survives")
        .map(|d| json!({ "kind": d.kind, "domain": d.domain, "hosts": d.hosts, "verdict": d.verdict }))
        .collect();
    let consolidation: Vec<Value> = r
        .consolidation
        .iter()
        .map(|c| {
            json!({
                "cluster": c.cluster, "vm_hosts": c.vm_hosts, "container_hosts": c.container_hosts,
                "vm_cost": c.vm_cost_per_year.map_or("–".into(), |x| num(x, 0)),
                "container_cost": c.container_cost_per_year.map_or("–".into(), |x| num(x, 0)),
            })
        })
        .collect();
    let s = &r.summary;
    json!({
        "blueprint": r.blueprint,
        "scenario": r.scenario,
        "seed": r.seed,
        "replications": r.replications,
        "horizon_years": num(r.horizon_years, 2),
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
        "migrations": crate::migration::view(&r.migrations, row_view),
        "hosts": r.totals.hosts,
        "cost": num(r.totals.cost_per_year, 0),
        "charts": if charts { charts_of(r) } else { Vec::new() },
    })
}

fn delta_view(c: &Comparison) -> Value {
    let d = &c.delta;
    let services: Vec<Value> = d
        .services
        .iter()
        .map(|s| {
            let side = |a: Option<f64>| a.map_or("–".into(), percent);
            let down = |a: Option<f64>| a.map_or("–".into(), |m| num(m, 1));
            json!({
                "address": s.address,
                "base": side(s.availability[0]), "other": side(s.availability[1]),
                "delta": s.availability_delta.map_or("–".into(), |x| format!("{} pp", signed(x * 100.0, 4))),
                "base_down": down(s.downtime_minutes_per_year[0]),
                "other_down": down(s.downtime_minutes_per_year[1]),
                "down_delta": s.downtime_delta.map_or("–".into(), |x| signed(x, 1)),
            })
        })
        .collect();
    json!({
        "services": services,
        "hosts": signed(d.hosts as f64, 0),
        "cost": signed(d.cost_per_year, 0),
        "failed": signed(d.domains_failed as f64, 0),
    })
}

/// The SVG charts of a report, each with a title.
fn charts_of(r: &Report) -> Vec<Value> {
    let rows: Vec<_> = r.services.iter().collect();
    let availability: Vec<Bar> = rows
        .iter()
        .map(|s| Bar {
            label: s.address.clone(),
            value: crate::nines(s.availability).unwrap_or(9.0).min(9.0),
            interval: Some(
                s.availability_ci95
                    .map(|a| crate::nines(a).unwrap_or(9.0).min(9.0)),
            ),
            target: s.target.and_then(crate::nines),
            warn: s.met == Some(false),
        })
        .collect();
    let downtime: Vec<Bar> = rows
        .iter()
        .map(|s| Bar {
            label: s.address.clone(),
            value: s.downtime_minutes_per_year,
            interval: Some(s.downtime_p10_p90),
            target: s.worst_downtime_minutes_per_year,
            warn: s.met == Some(false),
        })
        .collect();
    let mut out = vec![
        json!({ "title": "Availability per service", "note": "nines (−log10 of the unavailable fraction), 95% interval as whiskers, target as an orange tick", "svg": chart::hbars("Availability (nines)", "nines", &availability) }),
        json!({ "title": "Yearly downtime", "note": "how downtime spreads over the simulated years: the mean as the bar, the 10th to 90th percentile of years as whiskers, the worst year as an orange tick", "svg": chart::hbars("Downtime per year", "minutes per year", &downtime) }),
    ];
    if let Some(g) = &r.growth {
        let horizon = g.horizon_months.max(1.0);
        let x_max = horizon;
        let lines: Vec<Line> = g
            .series
            .iter()
            .map(|s| Line {
                label: s.name.clone(),
                points: (0..=48)
                    .map(|i| {
                        let m = x_max * i as f64 / 48.0;
                        (m, g.project(s.now_percent, m))
                    })
                    .collect(),
            })
            .collect();
        let ceiling = format!("ceiling {}%", num(g.ceiling_percent, 1));
        let svg = chart::lines(
            "Capacity over time",
            "months",
            "% used",
            x_max,
            g.ceiling_percent,
            &ceiling,
            &lines,
        );
        out.push(json!({ "title": "Capacity over time", "note": format!("{} growth of {}% per {} month(s); where a line crosses the dashed ceiling, capacity is exhausted", g.model, num(g.rate_percent, 2), num(g.per_months, 2)), "svg": svg }));
    }
    if !r.consolidation.is_empty() {
        let pairs: Vec<Pair> = r
            .consolidation
            .iter()
            .map(|c| Pair {
                label: c.cluster.clone(),
                first: c.vm_hosts as f64,
                second: c.container_hosts as f64,
            })
            .collect();
        out.push(json!({ "title": "Consolidation", "note": "hosts needed with one VM per replica against containers", "svg": chart::pairs("Hosts per cluster", "hosts", ["VMs", "containers"], &pairs) }));
        let costs: Vec<Pair> = r
            .consolidation
            .iter()
            .filter_map(|c| {
                Some(Pair {
                    label: c.cluster.clone(),
                    first: c.vm_cost_per_year?,
                    second: c.container_cost_per_year?,
                })
            })
            .collect();
        if !costs.is_empty() {
            out.push(json!({ "title": "Consolidation cost", "note": "cost per year with one VM per replica against containers", "svg": chart::pairs("Cost per year", "cost per year", ["VMs", "containers"], &costs) }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(99.99000, 4), "99.99");
        assert_eq!(num(12.0, 0), "12");
        assert_eq!(signed(0.5, 1), "+0.5");
        assert_eq!(percent(0.999), "99.9%");
    }
}
