//! The report model: the simulation outcome and the capacity analysis of one blueprint
//! under one scenario, executive summary first. Serialisable; documented in docs/report.md.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sim::Outcome;
use sim::capacity::Capacity;
use sim::capacity::growth::{Growth, GrowthReport, Model};

/// One blueprint's report; see the module documentation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The document's version.
    pub format_version: String,
    /// The blueprint's name (its folder's name).
    pub blueprint: String,
    /// The scenario simulated.
    pub scenario: String,
    /// The seed of the simulation.
    pub seed: u64,
    /// Replications simulated.
    pub replications: u64,
    /// Simulated years per replication.
    pub horizon_years: f64,
    /// When, by which Strata, from which commit, in which currency.
    pub provenance: crate::Provenance,
    /// What breaks and why: the headline, failing domains with reasons (production and
    /// non-production apart), overloads.
    pub first_page: crate::FirstPage,
    /// What to read first.
    pub summary: Summary,
    /// Every row of the simulation (services, clusters, storage, data at risk).
    pub services: Vec<ServiceRow>,
    /// The verdict of every failure domain (N+k survivability).
    pub domains: Vec<DomainRow>,
    /// The growth projection of the scenario, if it has one (else the first there is).
    pub growth: Option<GrowthSummary>,
    /// One VM per replica against containers, per cluster.
    pub consolidation: Vec<ConsolidationRow>,
    /// Every service with a `load` block as an M/M/c queue (Erlang C).
    pub load: Vec<crate::LoadRow>,
    /// Hosts and cost of the whole blueprint.
    pub totals: Totals,
    /// Applications today on VMs beside what they become after migration (services with
    /// `migrates_to`); absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub migrations: Vec<crate::MigrationRow>,
}

/// The executive summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Rows with a target that meet it.
    pub targets_met: usize,
    /// Rows with a target that miss it.
    pub targets_missed: usize,
    /// Failure domains everything survives.
    pub domains_survived: usize,
    /// Failure domains that leave something degraded.
    pub domains_degraded: usize,
    /// Failure domains that stop something.
    pub domains_failed: usize,
    /// Months until the first resource reaches the growth ceiling; `None` when none does
    /// within the projection (or without growth).
    pub runway_months: Option<f64>,
    /// What fills up first.
    pub first_full: Option<String>,
    /// The scenario the runway comes from (its `growth` block), which may not be the
    /// scenario simulated.
    pub runway_scenario: Option<String>,
}

/// One row of the simulation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceRow {
    /// The address, such as `service.kafka`.
    pub address: String,
    /// Mean availability over replications.
    pub availability: f64,
    /// Its 95% interval.
    pub availability_ci95: [f64; 2],
    /// The availability in nines (`-log10(1 - a)`); `None` when no downtime was seen.
    pub nines: Option<f64>,
    /// When no downtime was seen: the outages per year the simulated years still allow at
    /// 95% confidence ([`outage_rate_bound`]); `None` otherwise.
    pub outages_per_year_below: Option<f64>,
    /// The availability target, if the service sets one.
    pub target: Option<f64>,
    /// Whether the mean availability meets the target.
    pub met: Option<bool>,
    /// Mean minutes down per year.
    pub downtime_minutes_per_year: f64,
    /// Its 95% interval.
    pub downtime_ci95: [f64; 2],
    /// How yearly downtime spreads over the simulated years: the 10th and 90th percentile,
    /// and the median, in minutes per year.
    pub downtime_p10_p90: [f64; 2],
    /// The median simulated year's downtime, in minutes.
    pub downtime_median: f64,
    /// Minutes down per year in the worst replication (the tail of the distribution of
    /// yearly downtime), if any ran.
    pub worst_downtime_minutes_per_year: Option<f64>,
    /// Outages begun per year.
    pub outages_per_year: f64,
    /// 95th percentile of outage length (minutes), if there were outages.
    pub outage_p95_minutes: Option<f64>,
}

/// A failure domain's verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DomainRow {
    /// host, two hosts, rack or site.
    pub kind: String,
    /// The domain's name.
    pub domain: String,
    /// Hosts it takes down.
    pub hosts: usize,
    /// survives, degraded or fails.
    pub verdict: String,
    /// The verdict counting production only.
    pub production_verdict: String,
    /// Why it is not survived, as `strata capacity` prints it (`non-production: ` before
    /// reasons that touch non-production only).
    pub reasons: Vec<String>,
}

/// The growth projection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GrowthSummary {
    /// The growth scenario.
    pub scenario: String,
    /// Growth per period, in percent.
    pub rate_percent: f64,
    /// The period in months.
    pub per_months: f64,
    /// compound or linear.
    pub model: String,
    /// Utilisation that counts as full, in percent.
    pub ceiling_percent: f64,
    /// Months projected.
    pub horizon_months: f64,
    /// Utilisation now of each pool's and cluster's CPU and memory and each storage.
    pub series: Vec<GrowthSeries>,
}

/// One resource's utilisation now and when it crosses the ceiling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GrowthSeries {
    /// Such as `pool.compute cpu`.
    pub name: String,
    /// Utilisation now, in percent.
    pub now_percent: f64,
    /// Months until it reaches the ceiling, if it does within the projection.
    pub crosses_in_months: Option<f64>,
}

/// One cluster's consolidation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsolidationRow {
    /// The cluster.
    pub cluster: String,
    /// Hosts needed with one VM per replica.
    pub vm_hosts: usize,
    /// Hosts needed with containers.
    pub container_hosts: usize,
    /// Cost per year with VMs, if hosts have a cost.
    pub vm_cost_per_year: Option<f64>,
    /// Cost per year with containers.
    pub container_cost_per_year: Option<f64>,
}

/// Hosts and cost of the blueprint as designed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Hosts in every pool.
    pub hosts: usize,
    /// VMs (`vm` instances, not Kubernetes nodes) in every pool.
    #[serde(default)]
    pub vms: usize,
    /// Kubernetes nodes (control plane and workers) in every pool.
    #[serde(default)]
    pub nodes: usize,
    /// Cost per year of pools and storage that set one.
    pub cost_per_year: f64,
}

/// Minutes in a 365-day year.
const MINUTES_PER_YEAR: f64 = 365.0 * 24.0 * 60.0;

/// The 95% upper bound on the rate of outages per year when none was seen in `years`
/// simulated years: `−ln(0.05) / years ≈ 3 / years`, the exact Poisson (Clopper-Pearson)
/// bound for zero events, known as the rule of three (Hanley and Lippman-Hand, "If nothing
/// goes wrong, is everything all right?", JAMA 249(13), 1983, pp. 1743–1745).
pub fn outage_rate_bound(years: f64) -> f64 {
    -(0.05f64.ln()) / years.max(f64::MIN_POSITIVE)
}

/// The availability in nines; `None` for 1 (no downtime seen).
pub fn nines(availability: f64) -> Option<f64> {
    let down = 1.0 - availability;
    (down > 0.0).then(|| -down.log10())
}

impl Report {
    /// Combines the outcome and the capacity analysis; `targets` maps addresses to
    /// availability targets.
    /// `injected` lists the failure domains the scenario takes down on purpose, with the
    /// hours each stays down.
    pub fn new(
        blueprint: &str,
        outcome: &Outcome,
        capacity: &Capacity,
        targets: &HashMap<String, f64>,
        injected: &[(String, f64)],
    ) -> Self {
        let years = outcome.replications as f64 * outcome.horizon.as_years_f64();
        let services: Vec<ServiceRow> = outcome
            .services
            .iter()
            .map(|s| {
                let target = targets.get(&s.address).copied();
                ServiceRow {
                    address: s.address.clone(),
                    availability: s.availability.mean,
                    availability_ci95: s.availability.ci95,
                    nines: nines(s.availability.mean),
                    outages_per_year_below: nines(s.availability.mean)
                        .is_none()
                        .then(|| outage_rate_bound(years)),
                    target,
                    met: target.map(|t| s.availability.mean >= t),
                    downtime_minutes_per_year: s.downtime_minutes_per_year.mean,
                    downtime_ci95: s.downtime_minutes_per_year.ci95,
                    downtime_p10_p90: [s.downtime_distribution.p10, s.downtime_distribution.p90],
                    downtime_median: s.downtime_distribution.p50,
                    worst_downtime_minutes_per_year: s
                        .worst_replication
                        .as_ref()
                        .map(|w| (1.0 - w.availability) * MINUTES_PER_YEAR),
                    outages_per_year: s.outages_per_year.mean,
                    outage_p95_minutes: s.outage_minutes.p95,
                }
            })
            .collect();
        let domains: Vec<DomainRow> = capacity
            .survivability
            .outcomes
            .iter()
            .map(|d| DomainRow {
                kind: d.kind.name().to_string(),
                domain: d.domain.clone(),
                hosts: d.hosts,
                verdict: d.verdict.name().to_string(),
                production_verdict: d.production_verdict.name().to_string(),
                reasons: d
                    .reasons
                    .iter()
                    .map(|r| {
                        if r.production {
                            r.text.clone()
                        } else {
                            format!("non-production: {}", r.text)
                        }
                    })
                    .collect(),
            })
            .collect();
        let growth = pick_growth(&capacity.growth, &outcome.scenario);
        let count = |v: &str| domains.iter().filter(|d| d.verdict == v).count();
        let summary = Summary {
            targets_met: services.iter().filter(|s| s.met == Some(true)).count(),
            targets_missed: services.iter().filter(|s| s.met == Some(false)).count(),
            domains_survived: count("survives"),
            domains_degraded: count("degraded"),
            domains_failed: count("fails"),
            runway_months: growth.and_then(|g| g.runway_months),
            first_full: growth.and_then(|g| g.first_full.clone()),
            runway_scenario: growth.map(|g| g.scenario.clone()),
        };
        let load = crate::load::rows(capacity);
        let first_page = crate::FirstPage::new(capacity, &load, injected, &outcome.scenario);
        let consolidation = capacity
            .consolidation
            .clusters
            .iter()
            .map(|c| ConsolidationRow {
                cluster: c.cluster.clone(),
                vm_hosts: c.vms.hosts,
                container_hosts: c.containers.hosts,
                vm_cost_per_year: c.vms.cost_per_year,
                container_cost_per_year: c.containers.cost_per_year,
            })
            .collect();
        let cost = capacity
            .pools
            .iter()
            .filter_map(|p| p.cost_per_year)
            .sum::<f64>()
            + capacity
                .storage
                .iter()
                .filter_map(|s| s.cost_per_year)
                .sum::<f64>();
        Report {
            format_version: "1".into(),
            blueprint: blueprint.to_string(),
            scenario: outcome.scenario.clone(),
            seed: outcome.seed,
            replications: outcome.replications,
            horizon_years: outcome.horizon.as_years_f64(),
            provenance: crate::Provenance::default(),
            first_page,
            summary,
            services,
            domains,
            growth: growth.map(growth_summary),
            consolidation,
            load,
            totals: Totals {
                hosts: capacity.pools.iter().map(|p| p.hosts).sum(),
                vms: capacity.pools.iter().map(|p| p.vms).sum(),
                nodes: capacity.pools.iter().map(|p| p.nodes).sum(),
                cost_per_year: cost,
            },
            migrations: Vec::new(),
        }
    }
}

/// The growth report of `scenario`, else the first.
fn pick_growth<'a>(reports: &'a [GrowthReport], scenario: &str) -> Option<&'a GrowthReport> {
    let named = |g: &&GrowthReport| {
        g.scenario == scenario || g.scenario.strip_prefix("scenario.") == Some(scenario)
    };
    reports.iter().find(named).or(reports.first())
}

fn growth_summary(g: &GrowthReport) -> GrowthSummary {
    let mut series = Vec::new();
    for c in &g.clusters {
        let name = match &c.node_group {
            Some(group) => format!("{} {group}", c.cluster),
            None => c.cluster.clone(),
        };
        series.push(one(format!("{name} cpu"), &c.cpu));
        series.push(one(format!("{name} memory"), &c.memory));
    }
    for p in &g.pools {
        series.push(one(format!("{} cpu", p.pool), &p.cpu));
        series.push(one(format!("{} memory", p.pool), &p.memory));
    }
    for s in &g.storage {
        series.push(one(s.storage.clone(), &s.space));
    }
    GrowthSummary {
        scenario: g.scenario.clone(),
        rate_percent: g.rate_percent,
        per_months: g.per.months(),
        model: match g.model {
            Model::Compound => "compound",
            Model::Linear => "linear",
        }
        .into(),
        ceiling_percent: g.ceiling_percent,
        horizon_months: g.horizon_months,
        series,
    }
}

fn one(name: String, r: &sim::capacity::growth::ResourceGrowth) -> GrowthSeries {
    GrowthSeries {
        name,
        now_percent: r.now_percent,
        crosses_in_months: r.crosses_in_months,
    }
}

impl Report {
    /// The report with its provenance (when, by what, from which commit, which currency).
    pub fn with_provenance(mut self, provenance: crate::Provenance) -> Report {
        self.provenance = provenance;
        self
    }
}

impl GrowthSummary {
    /// Utilisation (percent) of a resource at `now_percent` after `months`.
    pub fn project(&self, now_percent: f64, months: f64) -> f64 {
        let growth = Growth {
            rate: self.rate_percent / 100.0,
            per: sim::capacity::growth::Period::Month,
            model: if self.model == "linear" {
                Model::Linear
            } else {
                Model::Compound
            },
            ceiling: self.ceiling_percent / 100.0,
        };
        now_percent * growth.factor(months / self.per_months)
    }
}
