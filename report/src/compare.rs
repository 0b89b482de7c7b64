//! Two blueprints under the same scenario side by side, with the deltas of availability,
//! downtime, hosts and cost (the second minus the first). A change of availability is a
//! finding only when the two 95% intervals do not overlap ([`ServiceDelta::differs`]):
//! closer than that, the simulation cannot tell the designs apart.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::Report;
use crate::render::{num, percent, signed};

/// Two reports and what changes from the first to the second.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The first blueprint's report.
    pub base: Report,
    /// The second blueprint's report.
    pub other: Report,
    /// What changes.
    pub delta: Delta,
}

/// Second minus first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    /// Per row present in either report, in the first report's order then the second's.
    pub services: Vec<ServiceDelta>,
    /// Hosts.
    pub hosts: i64,
    /// Cost per year.
    pub cost_per_year: f64,
    /// Failure domains that stop something.
    pub domains_failed: i64,
}

/// One row's change; a side is `None` when the row is only in the other report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceDelta {
    /// The address.
    pub address: String,
    /// Availability in the first and second report.
    pub availability: [Option<f64>; 2],
    /// Change in availability.
    pub availability_delta: Option<f64>,
    /// Minutes down per year in the first and second report.
    pub downtime_minutes_per_year: [Option<f64>; 2],
    /// Change in minutes down per year.
    pub downtime_delta: Option<f64>,
    /// The 95% interval of availability in the first and second report.
    #[serde(default)]
    pub availability_ci95: [Option<[f64; 2]>; 2],
    /// True when both reports have the row and their 95% intervals do not overlap: a
    /// change the simulation supports; `false` when it is within the noise.
    #[serde(default)]
    pub differs: bool,
}

/// A change of money with its sign and thousands separators: `+48,000`, `-1,200`, `0`.
fn signed_money(x: f64) -> String {
    let text = crate::thousands(x);
    if text != "0" && !text.starts_with('-') {
        format!("+{text}")
    } else {
        text
    }
}

/// True when the intervals `a` and `b` have no point in common.
pub fn apart(a: [f64; 2], b: [f64; 2]) -> bool {
    a[1] < b[0] || b[1] < a[0]
}

impl Comparison {
    /// Compares `base` with `other`.
    pub fn new(base: Report, other: Report) -> Self {
        let mut addresses: Vec<&str> = base.services.iter().map(|s| s.address.as_str()).collect();
        for s in &other.services {
            if !addresses.contains(&s.address.as_str()) {
                addresses.push(&s.address);
            }
        }
        let find = |r: &Report, a: &str| r.services.iter().find(|s| s.address == a).cloned();
        let services = addresses
            .iter()
            .map(|a| {
                let (l, r) = (find(&base, a), find(&other, a));
                let av = [
                    l.as_ref().map(|s| s.availability),
                    r.as_ref().map(|s| s.availability),
                ];
                let down = [
                    l.as_ref().map(|s| s.downtime_minutes_per_year),
                    r.as_ref().map(|s| s.downtime_minutes_per_year),
                ];
                let ci = [
                    l.as_ref().map(|s| s.availability_ci95),
                    r.as_ref().map(|s| s.availability_ci95),
                ];
                ServiceDelta {
                    address: a.to_string(),
                    differs: ci[0].zip(ci[1]).is_some_and(|(x, y)| apart(x, y)),
                    availability_ci95: ci,
                    availability_delta: av[0].zip(av[1]).map(|(x, y)| y - x),
                    availability: av,
                    downtime_delta: down[0].zip(down[1]).map(|(x, y)| y - x),
                    downtime_minutes_per_year: down,
                }
            })
            .collect();
        let delta = Delta {
            services,
            hosts: other.totals.hosts as i64 - base.totals.hosts as i64,
            cost_per_year: other.totals.cost_per_year - base.totals.cost_per_year,
            domains_failed: other.summary.domains_failed as i64
                - base.summary.domains_failed as i64,
        };
        Comparison { base, other, delta }
    }
}

impl Comparison {
    /// The template's view: one line per figure of each design side by side (VMs, nodes,
    /// hosts, cost, runway, targets met, failing domains), then each row's availability
    /// with its interval; a change is marked only where [`ServiceDelta::differs`].
    pub(crate) fn view(&self) -> Value {
        let (a, b) = (&self.base, &self.other);
        let count = |x: usize, y: usize| json!({ "base": x.to_string(), "other": y.to_string(), "change": signed(y as f64 - x as f64, 0), "differs": x != y });
        let runway = |r: &Report| {
            r.summary
                .runway_months
                .map_or("beyond projection".into(), |m| {
                    format!("{} months", num(m, 1))
                })
        };
        let failing = |r: &Report| {
            let names: Vec<String> = r
                .first_page
                .production
                .iter()
                .filter(|f| f.verdict == "fails")
                .map(|f| format!("{} {}", f.kind, f.domain))
                .collect();
            if names.is_empty() {
                "none".to_string()
            } else {
                format!("{}: {}", names.len(), names.join(", "))
            }
        };
        let targets = |r: &Report| {
            format!(
                "{} of {}",
                r.summary.targets_met,
                r.summary.targets_met + r.summary.targets_missed
            )
        };
        let design = vec![
            json!({ "label": "VMs", "row": count(a.totals.vms, b.totals.vms) }),
            json!({ "label": "Kubernetes nodes", "row": count(a.totals.nodes, b.totals.nodes) }),
            json!({ "label": "Hosts", "row": count(a.totals.hosts, b.totals.hosts) }),
            json!({ "label": "Cost per year", "row": {
                "base": a.provenance.money(a.totals.cost_per_year), "other": b.provenance.money(b.totals.cost_per_year),
                "change": signed_money(self.delta.cost_per_year), "differs": self.delta.cost_per_year.abs() >= 0.5 } }),
            json!({ "label": "Runway", "row": { "base": runway(a), "other": runway(b), "change": "", "differs": runway(a) != runway(b) } }),
            json!({ "label": "Targets met", "row": { "base": targets(a), "other": targets(b), "change": signed(b.summary.targets_met as f64 - a.summary.targets_met as f64, 0), "differs": a.summary.targets_met != b.summary.targets_met } }),
            json!({ "label": "Failure domains production does not survive", "row": { "base": failing(a), "other": failing(b), "change": signed(self.delta.domains_failed as f64, 0), "differs": failing(a) != failing(b) } }),
        ];
        let services: Vec<Value> = self
            .delta
            .services
            .iter()
            .map(|s| {
                // A row with no downtime seen says so, with the bound its years allow.
                let side = |i: usize| {
                    let report = if i == 0 { a } else { b };
                    let row = report.services.iter().find(|r| r.address == s.address);
                    match (row, s.availability[i], s.availability_ci95[i]) {
                        (Some(r), _, _) if r.nines.is_none() => crate::view::nines_text(r),
                        (_, Some(x), Some(ci)) => format!("{} ({} – {})", percent(x), percent(ci[0]), percent(ci[1])),
                        (_, Some(x), None) => percent(x),
                        _ => "–".into(),
                    }
                };
                let change = match s.availability_delta {
                    None => "–".to_string(),
                    Some(x) if s.differs => format!("{} pp", signed(x * 100.0, 4)),
                    Some(_) => "no change beyond the noise".to_string(),
                };
                json!({ "address": s.address, "base": side(0), "other": side(1), "change": change, "differs": s.differs })
            })
            .collect();
        json!({ "design": design, "services": services, "runway_scenario": a.summary.runway_scenario })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_changes_carry_sign_and_separators() {
        assert_eq!(signed_money(48_000.0), "+48,000");
        assert_eq!(signed_money(-1_200.4), "-1,200");
        assert_eq!(signed_money(0.2), "0");
    }

    #[test]
    fn intervals_that_touch_or_overlap_are_not_apart() {
        assert!(!apart([0.9990, 0.9992], [0.9991, 0.9993]));
        assert!(!apart([0.9990, 0.9992], [0.9992, 0.9993]));
        assert!(apart([0.9990, 0.9991], [0.99911, 0.9993]));
        assert!(apart([0.9995, 0.9996], [0.9990, 0.9991]));
        assert!(!apart([0.9, 1.0], [0.95, 0.96]));
    }
}
