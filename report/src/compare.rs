//! Two blueprints under the same scenario side by side, with the deltas of availability,
//! downtime, hosts and cost (the second minus the first).

use serde::{Deserialize, Serialize};

use crate::model::Report;

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
                ServiceDelta {
                    address: a.to_string(),
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
