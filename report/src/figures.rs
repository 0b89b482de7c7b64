//! The SVG charts of one report, each with a title, a note naming the scenario its
//! figures come from, and a legend drawn in the chart: a target is always an orange tick,
//! a worst case a purple dot; the capacity chart runs long enough to show where the first
//! resource reaches the ceiling.

use serde_json::{Value, json};

use crate::Report;
use crate::chart::{self, Bar, Legend, Line, Pair};
use crate::render::num;

/// The SVG charts of a report, each with a title.
pub(crate) fn charts_of(r: &Report) -> Vec<Value> {
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
    let from = format!("scenario {}", r.scenario);
    let no_downtime = if r.services.iter().any(|s| s.nines.is_none()) {
        "; a row with no downtime seen is drawn at 9 (its table row gives the bound the simulated years allow)"
    } else {
        ""
    };
    let mut out = vec![
        json!({ "title": "Availability per service", "note": format!("from {from}: nines (−log10 of the unavailable fraction){no_downtime}"), "svg": chart::hbars("Availability (nines)", "nines", &availability, &Legend { bar: "mean", whisker: "95% interval", mark: "target", mark_is_target: true }) }),
        json!({ "title": "Yearly downtime", "note": format!("from {from}: how downtime spreads over the simulated years"), "svg": chart::hbars("Downtime per year", "minutes per year", &downtime, &Legend { bar: "mean", whisker: "10th to 90th percentile of years", mark: "worst year", mark_is_target: false }) }),
    ];
    if let Some(g) = &r.growth {
        let x_max = chart_months(g);
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
        out.push(json!({ "title": "Capacity over time", "note": format!("from the growth of {}: {} growth of {}% per {} month(s); where a line crosses the dashed ceiling, capacity is exhausted", g.scenario, g.model, num(g.rate_percent, 2), num(g.per_months, 2)), "svg": svg }));
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
        out.push(json!({ "title": "Consolidation", "note": "from the capacity analysis: hosts needed with one VM per replica against containers", "svg": chart::pairs("Hosts per cluster", "hosts", ["VMs", "containers"], &pairs) }));
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
            let currency = r
                .provenance
                .currency
                .clone()
                .unwrap_or_else(|| "no currency set".into());
            out.push(json!({ "title": "Consolidation cost", "note": format!("from the capacity analysis: cost per year with one VM per replica against containers, in {}", currency), "svg": chart::pairs("Cost per year", &format!("cost per year ({currency})"), ["VMs", "containers"], &costs) }));
        }
    }
    out
}

/// Months the capacity chart spans: the projection's horizon, or longer (up to 20 years)
/// so that the first crossing of the ceiling shows with a fifth of the span after it.
pub(crate) fn chart_months(g: &crate::GrowthSummary) -> f64 {
    let first = g
        .series
        .iter()
        .filter_map(|s| s.crosses_in_months)
        .fold(f64::INFINITY, f64::min);
    let horizon = g.horizon_months.max(1.0);
    if first.is_finite() && first * 1.2 > horizon {
        (first * 1.2).min(240.0)
    } else {
        horizon
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn growth(crossings: &[Option<f64>]) -> crate::GrowthSummary {
        crate::GrowthSummary {
            scenario: "scenario.growth".into(),
            rate_percent: 5.0,
            per_months: 1.0,
            model: "compound".into(),
            ceiling_percent: 80.0,
            horizon_months: 36.0,
            series: crossings
                .iter()
                .map(|c| crate::GrowthSeries {
                    name: "x".into(),
                    now_percent: 10.0,
                    crosses_in_months: *c,
                })
                .collect(),
        }
    }

    #[test]
    fn the_capacity_chart_reaches_past_the_first_exhaustion() {
        assert_eq!(chart_months(&growth(&[Some(9.0), Some(6.7)])), 36.0);
        assert_eq!(chart_months(&growth(&[Some(50.0), Some(70.0)])), 60.0);
        assert_eq!(chart_months(&growth(&[None])), 36.0);
        assert_eq!(chart_months(&growth(&[Some(230.0)])), 240.0);
    }
}
