//! The impact of a change: one blueprint before and after (`strata plan -impact`), each
//! side's capacity analysis and simulated availability set side by side, with the delta
//! and every regression flagged (docs/impact.md).
//!
//! Flagged: a failure domain whose loss the platform survived (or survived degraded) and
//! now does not, or one the change adds whose loss fails; a pool that met N+1 and no
//! longer does, or one the change adds that does not; an availability target met
//! before and missed after; an availability whose 95% interval after lies wholly below
//! its interval before; a pool or cluster whose headroom becomes negative.

pub mod render;

use serde::{Deserialize, Serialize};
use sim::capacity::Capacity;

use crate::model::{Report, ServiceRow};

/// One side of the comparison: the blueprint's report (availability, domains, growth,
/// cost) and its capacity analysis.
pub struct Side<'a> {
    /// The report of the blueprint under the scenario.
    pub report: &'a Report,
    /// Its capacity analysis.
    pub capacity: &'a Capacity,
}

/// A value before and after (`None` where that side does not have it).
pub type Pair<T> = [Option<T>; 2];

/// The impact of a change; see the module documentation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Impact {
    /// What "before" is: `the last apply`, or `git revision REF`.
    pub base: String,
    /// The scenario simulated.
    pub scenario: String,
    /// Replications of each side's run (the same seed on both sides).
    pub replications: u64,
    /// The seed.
    pub seed: u64,
    /// Simulated years per replication.
    pub horizon_years: f64,
    /// Headroom and runway of each pool's and cluster's CPU and memory that changes.
    pub capacity: Vec<CapacityRow>,
    /// Pools and clusters whose figures do not change.
    pub capacity_unchanged: usize,
    /// N+1 of every pool whose verdict changes.
    pub n_plus_one: Vec<VerdictRow>,
    /// Failure domains whose verdict changes.
    pub domains: Vec<VerdictRow>,
    /// The simulated availability of every service the change touches.
    pub availability: Vec<AvailabilityRow>,
    /// Cost per year of pools and storage.
    pub cost_per_year: Pair<f64>,
    /// The regressions, one sentence each.
    pub flags: Vec<String>,
}

/// One resource's headroom and runway.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CapacityRow {
    /// Such as `host_pool.compute cpu` or `module.prod.kubernetes_cluster.main memory`.
    pub name: String,
    /// Headroom in percent of capacity (negative when over).
    pub headroom_percent: Pair<f64>,
    /// Months until the growth scenario fills it, if it does within the projection.
    pub runway_months: Pair<f64>,
    /// Headroom became negative.
    pub flagged: bool,
}

/// A verdict before and after.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerdictRow {
    /// The pool, or the domain (`host prod-3`, `rack r1`, `site dc2`).
    pub name: String,
    /// survives, degraded or fails.
    pub verdict: Pair<String>,
    /// It got worse and now fails.
    pub flagged: bool,
}

/// One service's simulated availability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AvailabilityRow {
    /// The address.
    pub address: String,
    /// Mean availability.
    pub availability: Pair<f64>,
    /// Its 95% interval.
    pub ci95: Pair<[f64; 2]>,
    /// Minutes down per year.
    pub downtime_minutes_per_year: Pair<f64>,
    /// The target after the change (else before), if any.
    pub target: Option<f64>,
    /// Whether each side meets it.
    pub met: Pair<bool>,
    /// A met target is missed, or the availability fell beyond both intervals.
    pub flagged: bool,
}

/// How bad a verdict is, for telling a regression.
fn rank(verdict: &str) -> u8 {
    match verdict {
        "survives" => 0,
        "degraded" => 1,
        _ => 2,
    }
}

/// True when `after` fails and `before` did not, or did not exist (a pool or domain the
/// change adds, and whose loss fails).
fn now_fails(verdict: &Pair<String>) -> bool {
    match verdict {
        [Some(b), Some(a)] => rank(a) == 2 && rank(b) < 2,
        [None, Some(a)] => rank(a) == 2,
        _ => false,
    }
}

impl Impact {
    /// Compares `before` (`None` when there is nothing to compare with) and `after`;
    /// `touched` are the addresses of the services the change touches, `base` says what
    /// before is.
    pub fn new(before: Option<&Side>, after: &Side, touched: &[String], base: &str) -> Impact {
        let (capacity, capacity_unchanged) = capacity_rows(before, after);
        let n_plus_one = verdicts(before.map(|s| pools(s.capacity)), pools(after.capacity));
        let domains = verdicts(before.map(|s| domains(s.report)), domains(after.report));
        let availability = availability_rows(before, after, touched);
        let cost = |s: &Side| s.report.totals.cost_per_year;
        let mut impact = Impact {
            base: base.to_string(),
            scenario: after.report.scenario.clone(),
            replications: after.report.replications,
            seed: after.report.seed,
            horizon_years: after.report.horizon_years,
            capacity,
            capacity_unchanged,
            n_plus_one,
            domains,
            availability,
            cost_per_year: [before.map(cost), Some(cost(after))],
            flags: Vec::new(),
        };
        impact.flags = impact.sentences();
        impact
    }

    /// The regressions, one sentence each.
    fn sentences(&self) -> Vec<String> {
        let mut flags = Vec::new();
        for row in self.domains.iter().filter(|r| r.flagged) {
            flags.push(match row.verdict[0].as_deref() {
                Some("survives") => format!("losing {} was survived; it now fails", row.name),
                Some(_) => format!("losing {} was survived degraded; it now fails", row.name),
                None => format!("losing {} fails (added by this change)", row.name),
            });
        }
        for row in self.n_plus_one.iter().filter(|r| r.flagged) {
            flags.push(match row.verdict[0] {
                Some(_) => format!("{} no longer survives the loss of one host (N+1)", row.name),
                None => format!(
                    "{} does not survive the loss of one host (N+1; added by this change)",
                    row.name
                ),
            });
        }
        for row in self.availability.iter().filter(|r| r.flagged) {
            let target_missed = row.met == [Some(true), Some(false)];
            flags.push(match (target_missed, row.target) {
                (true, Some(t)) => format!(
                    "{} misses its availability target {} (it met it before)",
                    row.address,
                    render::percent(t)
                ),
                _ => format!(
                    "{} is less available: {} → {}, beyond both 95% intervals",
                    row.address,
                    render::percent(row.availability[0].unwrap_or(0.0)),
                    render::percent(row.availability[1].unwrap_or(0.0))
                ),
            });
        }
        for row in self.capacity.iter().filter(|r| r.flagged) {
            flags.push(format!("{} is over capacity", row.name));
        }
        flags
    }

    /// True when something is flagged.
    pub fn regresses(&self) -> bool {
        !self.flags.is_empty()
    }
}

/// `name resource` → (headroom %, runway) of every pool and cluster.
fn capacity_figures(side: &Side) -> Vec<(String, f64, Option<f64>)> {
    let runway = |name: &str| {
        side.report
            .growth
            .as_ref()
            .and_then(|g| g.series.iter().find(|s| s.name == name))
            .and_then(|s| s.crosses_in_months)
    };
    let mut out = Vec::new();
    for p in &side.capacity.pools {
        for (what, headroom) in [
            ("cpu", p.cpu.headroom_percent),
            ("memory", p.memory.headroom_percent),
        ] {
            let name = format!("{} {what}", p.pool);
            out.push((name.clone(), headroom, runway(&name)));
        }
    }
    for c in &side.capacity.clusters {
        for (what, headroom) in [
            ("cpu", c.cpu.headroom_percent),
            ("memory", c.memory.headroom_percent),
        ] {
            let name = format!("{} {what}", c.cluster);
            out.push((name.clone(), headroom, runway(&name)));
        }
    }
    out
}

fn capacity_rows(before: Option<&Side>, after: &Side) -> (Vec<CapacityRow>, usize) {
    let old = before.map(capacity_figures).unwrap_or_default();
    let new = capacity_figures(after);
    let mut names: Vec<&String> = old.iter().map(|(n, _, _)| n).collect();
    for (n, _, _) in &new {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let find = |list: &[(String, f64, Option<f64>)], n: &str| {
        list.iter()
            .find(|(m, _, _)| m == n)
            .map(|(_, h, r)| (*h, *r))
    };
    let mut rows = Vec::new();
    let mut unchanged = 0;
    for name in names {
        let (b, a) = (find(&old, name), find(&new, name));
        if before.is_some() && b == a {
            unchanged += 1;
            continue;
        }
        let headroom = [b.map(|x| x.0), a.map(|x| x.0)];
        rows.push(CapacityRow {
            name: name.clone(),
            flagged: matches!(headroom, [Some(x), Some(y)] if x >= 0.0 && y < 0.0)
                || matches!(headroom, [None, Some(y)] if y < 0.0),
            headroom_percent: headroom,
            runway_months: [b.and_then(|x| x.1), a.and_then(|x| x.1)],
        });
    }
    // Pools and clusters count once, not once per resource.
    (rows, unchanged / 2)
}

fn pools(capacity: &Capacity) -> Vec<(String, String)> {
    capacity
        .survivability
        .pools
        .iter()
        .map(|p| (p.pool.clone(), p.one_host.name().to_string()))
        .collect()
}

fn domains(report: &Report) -> Vec<(String, String)> {
    report
        .domains
        .iter()
        .map(|d| (format!("{} {}", d.kind, d.domain), d.verdict.clone()))
        .collect()
}

/// The rows whose verdict differs.
fn verdicts(
    before: Option<Vec<(String, String)>>,
    after: Vec<(String, String)>,
) -> Vec<VerdictRow> {
    let old = before.unwrap_or_default();
    let mut names: Vec<&String> = old.iter().map(|(n, _)| n).collect();
    for (n, _) in &after {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let find = |list: &[(String, String)], n: &str| {
        list.iter().find(|(m, _)| m == n).map(|(_, v)| v.clone())
    };
    names
        .into_iter()
        .filter_map(|name| {
            let verdict = [find(&old, name), find(&after, name)];
            (verdict[0] != verdict[1]).then(|| VerdictRow {
                name: name.clone(),
                flagged: now_fails(&verdict),
                verdict,
            })
        })
        .collect()
}

fn availability_rows(
    before: Option<&Side>,
    after: &Side,
    touched: &[String],
) -> Vec<AvailabilityRow> {
    fn row<'a>(side: Option<&Side<'a>>, address: &str) -> Option<&'a ServiceRow> {
        side.and_then(|s| s.report.services.iter().find(|r| r.address == address))
    }
    touched
        .iter()
        .filter_map(|address| {
            let (b, a) = (row(before, address), row(Some(after), address));
            if b.is_none() && a.is_none() {
                return None;
            }
            let met = [b.and_then(|r| r.met), a.and_then(|r| r.met)];
            let ci95 = [
                b.map(|r| r.availability_ci95),
                a.map(|r| r.availability_ci95),
            ];
            let below = matches!(ci95, [Some(x), Some(y)] if y[1] < x[0]);
            Some(AvailabilityRow {
                address: address.clone(),
                availability: [b.map(|r| r.availability), a.map(|r| r.availability)],
                ci95,
                downtime_minutes_per_year: [
                    b.map(|r| r.downtime_minutes_per_year),
                    a.map(|r| r.downtime_minutes_per_year),
                ],
                target: a.and_then(|r| r.target).or(b.and_then(|r| r.target)),
                flagged: met == [Some(true), Some(false)] || below,
                met,
            })
        })
        .collect()
}
