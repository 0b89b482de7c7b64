//! Growth: a scenario's `growth { rate, per, model, ceiling }` projected forward.
//!
//! Load grows by `rate` per period, compounding (`(1 + rate)^periods`) or linearly
//! (`1 + rate × periods`). Every workload's demand grows with it: the pod requests on each
//! cluster and the VMs that are not Kubernetes nodes. A cluster is full when its requests
//! cross `ceiling` of its allocatable; from then on nodes of its largest node group are
//! added to keep it under. A pool's demand is its VMs plus its clusters' nodes (those
//! added included); it is full when that crosses `ceiling` of what HA admission control
//! leaves usable, and hosts are added to keep it under. Storage is full when its claims
//! cross `ceiling` of its capacity.
//!
//! For each: the months until it crosses (from now), its utilisation at the scenario's
//! horizon, and what to add by when, as steps "by month M, N added in all".

use serde::Serialize;

use super::inventory::{DAYS_PER_MONTH, GrowthScenario, HaPolicy, Inventory, Res, Role};
use super::reserve::Allocatable;
use super::round;

/// Compound or linear growth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// `(1 + rate)^periods`.
    Compound,
    /// `1 + rate × periods`.
    Linear,
}

/// The period a rate is given for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// A day.
    Day,
    /// A week.
    Week,
    /// A month (a twelfth of 365 days).
    Month,
    /// A year of 365 days.
    Year,
}

impl Period {
    /// The period in months.
    pub fn months(self) -> f64 {
        match self {
            Period::Day => 1.0 / DAYS_PER_MONTH,
            Period::Week => 7.0 / DAYS_PER_MONTH,
            Period::Month => 1.0,
            Period::Year => 12.0,
        }
    }
}

/// How load grows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Growth {
    /// Growth per period (0.05 for 5%).
    pub rate: f64,
    /// The period.
    pub per: Period,
    /// Compound or linear.
    pub model: Model,
    /// Utilisation that counts as full (0.8 for 80%).
    pub ceiling: f64,
}

impl Growth {
    /// How much load there is after `months`, relative to now.
    pub fn factor(&self, months: f64) -> f64 {
        let periods = months.max(0.0) / self.per.months();
        match self.model {
            Model::Compound => (1.0 + self.rate).powf(periods),
            Model::Linear => 1.0 + self.rate * periods,
        }
    }

    /// Months until load has grown by `factor`; `None` when it never does.
    pub fn months_until(&self, factor: f64) -> Option<f64> {
        if factor <= 1.0 {
            return Some(0.0);
        }
        if self.rate <= 0.0 {
            return None;
        }
        let periods = match self.model {
            Model::Compound => factor.ln() / self.rate.ln_1p(),
            Model::Linear => (factor - 1.0) / self.rate,
        };
        Some(periods * self.per.months())
    }
}

/// Months until `utilisation` (0 to 1) grows to the ceiling: 0 when it is there already,
/// `None` when it never gets there.
pub fn months_to_ceiling(utilisation: f64, growth: &Growth) -> Option<f64> {
    if utilisation >= growth.ceiling {
        return Some(0.0);
    }
    if utilisation <= 0.0 {
        return None;
    }
    growth.months_until(growth.ceiling / utilisation)
}

/// Searched this far ahead for crossings, in months, when the horizon is shorter.
const SEARCH_MONTHS: f64 = 240.0;
/// At most this many steps are listed per pool or cluster.
const MAX_STEPS: usize = 100;

/// One resource's utilisation over time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResourceGrowth {
    /// Utilisation now, in percent.
    pub now_percent: f64,
    /// Months from now until it crosses the ceiling; `None` when it does not within 20 years.
    pub crosses_in_months: Option<f64>,
    /// Utilisation at the horizon without adding anything, in percent.
    pub at_horizon_percent: f64,
}

/// A step of what to add: by `by_month`, `total` added in all.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// Months from now.
    pub by_month: f64,
    /// Added in all by then.
    pub total: u64,
}

/// A cluster's growth.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterGrowth {
    /// The cluster.
    pub cluster: String,
    /// The node group new nodes are added to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_group: Option<String>,
    /// Worker nodes now.
    pub workers: usize,
    /// CPU requests against allocatable.
    pub cpu: ResourceGrowth,
    /// Memory requests against allocatable.
    pub memory: ResourceGrowth,
    /// Nodes to add by the horizon.
    pub nodes_to_add: u64,
    /// When.
    pub add: Vec<Step>,
}

/// A pool's growth.
#[derive(Clone, Debug, Serialize)]
pub struct PoolGrowth {
    /// The pool.
    pub pool: String,
    /// Hosts now.
    pub hosts: usize,
    /// vCPUs asked against what HA leaves usable.
    pub cpu: ResourceGrowth,
    /// Memory asked against what HA leaves usable.
    pub memory: ResourceGrowth,
    /// Hosts to add by the horizon.
    pub hosts_to_add: u64,
    /// When.
    pub add: Vec<Step>,
}

/// A storage system's growth.
#[derive(Clone, Debug, Serialize)]
pub struct StorageGrowth {
    /// The storage.
    pub storage: String,
    /// Claims against capacity.
    pub space: ResourceGrowth,
    /// Capacity to add by the horizon, in bytes.
    pub bytes_to_add: u64,
}

/// One scenario's projection.
#[derive(Clone, Debug, Serialize)]
pub struct GrowthReport {
    /// The scenario.
    pub scenario: String,
    /// Growth per period, in percent.
    pub rate_percent: f64,
    /// The period.
    pub per: Period,
    /// Compound or linear.
    pub model: Model,
    /// Utilisation that counts as full, in percent.
    pub ceiling_percent: f64,
    /// The scenario's horizon, in months.
    pub horizon_months: f64,
    /// Months until the first pool, cluster or storage is full; `None` when none is within 20 years.
    pub runway_months: Option<f64>,
    /// What is full first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_full: Option<String>,
    /// Clusters.
    pub clusters: Vec<ClusterGrowth>,
    /// Host pools.
    pub pools: Vec<PoolGrowth>,
    /// Storage systems.
    pub storage: Vec<StorageGrowth>,
}

/// The earliest month in `(0, limit]` at which the nondecreasing `f` reaches `level`.
fn first_reaching(f: &dyn Fn(f64) -> f64, level: f64, limit: f64) -> Option<f64> {
    if f(0.0) >= level {
        return Some(0.0);
    }
    if f(limit) < level {
        return None;
    }
    let (mut lo, mut hi) = (0.0, limit);
    for _ in 0..64 {
        let mid = (lo + hi) / 2.0;
        if f(mid) >= level { hi = mid } else { lo = mid }
    }
    Some(hi)
}

/// The times the nondecreasing count `f` steps up within `[0, horizon]`.
fn steps(f: &dyn Fn(f64) -> u64, horizon: f64) -> Vec<Step> {
    let mut out = Vec::new();
    let mut prev = f(0.0);
    if prev > 0 {
        out.push(Step {
            by_month: 0.0,
            total: prev,
        });
    }
    let n = (horizon * 8.0).ceil().max(1.0) as usize;
    let mut prev_t = 0.0;
    for i in 1..=n {
        let t = horizon * i as f64 / n as f64;
        let now = f(t);
        while prev < now {
            let level = prev + 1;
            let (mut lo, mut hi) = (prev_t, t);
            for _ in 0..50 {
                let mid = (lo + hi) / 2.0;
                if f(mid) >= level { hi = mid } else { lo = mid }
            }
            prev = f(hi);
            prev_t = hi;
            out.push(Step {
                by_month: round(hi, 2),
                total: prev,
            });
            if out.len() >= MAX_STEPS {
                return out;
            }
        }
        prev_t = t;
    }
    out
}

fn ceil_count(x: f64) -> u64 {
    if x <= 0.0 || !x.is_finite() {
        0
    } else {
        (x - 1e-9).ceil().max(0.0) as u64
    }
}

fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        part / whole
    } else if part > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

fn resource(now: f64, crosses: Option<f64>, at_horizon: f64) -> ResourceGrowth {
    let pct = |x: f64| {
        if x.is_finite() {
            round(x * 100.0, 2)
        } else {
            0.0
        }
    };
    ResourceGrowth {
        now_percent: pct(now),
        crosses_in_months: crosses.map(|m| round(m, 3)),
        at_horizon_percent: pct(at_horizon),
    }
}

/// What a cluster asks and offers: requests, allocatable of its workers, allocatable of a
/// node of its growth group.
struct ClusterModel {
    requested: Res,
    allocatable: Res,
    node: Res,
    node_size: Res,
}

impl ClusterModel {
    fn extra_nodes(&self, g: f64, ceiling: f64) -> u64 {
        let need = |r: f64, a: f64, n: f64| {
            if n <= 0.0 {
                0
            } else {
                ceil_count((r * g / ceiling - a) / n)
            }
        };
        need(self.requested.cpu, self.allocatable.cpu, self.node.cpu).max(need(
            self.requested.memory,
            self.allocatable.memory,
            self.node.memory,
        ))
    }
}

/// Projects one growth scenario.
pub fn project(inv: &Inventory, scenario: &GrowthScenario) -> GrowthReport {
    let growth = scenario.growth;
    let c = growth.ceiling;
    let horizon = scenario.horizon_months;
    let limit = horizon.max(SEARCH_MONTHS);
    let gh = growth.factor(horizon);
    let models: Vec<ClusterModel> = inv
        .clusters
        .iter()
        .enumerate()
        .map(|(i, cluster)| {
            let requested = inv
                .workloads
                .iter()
                .filter(|w| w.cluster == i)
                .fold(Res::default(), |a, w| {
                    a + w.request.times(w.replicas as f64)
                });
            let allocatable = cluster.groups.iter().fold(Res::default(), |a, g| {
                a + cluster
                    .reserved
                    .allocatable_res(g.size)
                    .times(g.count as f64)
            });
            let (node, node_size) = cluster.growth_group().map_or_else(Default::default, |g| {
                (cluster.reserved.allocatable_res(g.size), g.size)
            });
            ClusterModel {
                requested,
                allocatable,
                node,
                node_size,
            }
        })
        .collect();
    let mut firsts: Vec<(f64, String)> = Vec::new();
    let clusters = inv
        .clusters
        .iter()
        .zip(&models)
        .map(|(cluster, m)| {
            let util = |r: f64, a: f64| share(r, a);
            let (ucpu, umem) = (
                util(m.requested.cpu, m.allocatable.cpu),
                util(m.requested.memory, m.allocatable.memory),
            );
            let cpu = resource(ucpu, months_to_ceiling(ucpu, &growth), ucpu * gh);
            let memory = resource(umem, months_to_ceiling(umem, &growth), umem * gh);
            for r in [&cpu, &memory] {
                if let Some(t) = r.crosses_in_months {
                    firsts.push((t, cluster.address.clone()));
                }
            }
            let f = |t: f64| m.extra_nodes(growth.factor(t), c);
            ClusterGrowth {
                cluster: cluster.address.clone(),
                node_group: cluster.growth_group().map(|g| g.name.clone()),
                workers: cluster.groups.iter().map(|g| g.count).sum(),
                cpu,
                memory,
                nodes_to_add: f(horizon),
                add: steps(&f, horizon),
            }
        })
        .collect();
    let pools = inv
        .pools
        .iter()
        .enumerate()
        .map(|(p, pool)| {
            let mut vms = Res::default();
            let mut nodes = Res::default();
            for g in inv.guests.iter().filter(|g| g.pool == p) {
                if g.role == Role::Vm {
                    vms += g.need;
                } else {
                    nodes += g.need;
                }
            }
            let on_pool: Vec<usize> = (0..inv.clusters.len())
                .filter(|&i| inv.clusters[i].pool == p)
                .collect();
            let demand = |t: f64| {
                let g = growth.factor(t);
                let mut d = vms.times(g) + nodes;
                for &i in &on_pool {
                    let m = &models[i];
                    d += m.node_size.times(m.extra_nodes(g, c) as f64);
                }
                d
            };
            let usable = pool.total().times(pool.ha.usable_share(pool.hosts));
            let ucpu = |t: f64| share(demand(t).cpu, usable.cpu);
            let umem = |t: f64| share(demand(t).memory, usable.memory);
            let cpu = resource(ucpu(0.0), first_reaching(&ucpu, c, limit), ucpu(horizon));
            let memory = resource(umem(0.0), first_reaching(&umem, c, limit), umem(horizon));
            for r in [&cpu, &memory] {
                if let Some(t) = r.crosses_in_months {
                    firsts.push((t, pool.address.clone()));
                }
            }
            let per_host = pool.per_host();
            let (per_host, spare) = match pool.ha {
                HaPolicy::Percentage { reserve } => (per_host.times(1.0 - reserve), 0),
                HaPolicy::Slots { host_failures } => (per_host, host_failures as u64),
                HaPolicy::FailoverHosts { hosts } => (per_host, hosts as u64),
                HaPolicy::Disabled => (per_host, 0),
            };
            let hosts_needed = |t: f64| {
                let d = demand(t);
                let by = |x: f64, h: f64| if h > 0.0 { ceil_count(x / (c * h)) } else { 0 };
                by(d.cpu, per_host.cpu).max(by(d.memory, per_host.memory)) + spare
            };
            let to_add = |t: f64| hosts_needed(t).saturating_sub(pool.hosts as u64);
            PoolGrowth {
                pool: pool.address.clone(),
                hosts: pool.hosts,
                cpu,
                memory,
                hosts_to_add: to_add(horizon),
                add: steps(&to_add, horizon),
            }
        })
        .collect();
    let storage = inv
        .storage
        .iter()
        .map(|s| {
            let claimed: f64 = (0..inv.workloads.len())
                .filter_map(|w| super::allocation::volume_storage(inv, w))
                .filter(|(_, on)| *on == s.address)
                .map(|(b, _)| b)
                .sum();
            let u = share(claimed, s.capacity);
            let space = resource(u, months_to_ceiling(u, &growth), u * gh);
            if let Some(t) = space.crosses_in_months {
                firsts.push((t, s.address.clone()));
            }
            StorageGrowth {
                storage: s.address.clone(),
                space,
                bytes_to_add: (claimed * gh / c - s.capacity).max(0.0).round() as u64,
            }
        })
        .collect();
    let first = firsts
        .into_iter()
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    GrowthReport {
        scenario: scenario.scenario.clone(),
        rate_percent: round(growth.rate * 100.0, 4),
        per: growth.per,
        model: growth.model,
        ceiling_percent: round(c * 100.0, 2),
        horizon_months: round(horizon, 3),
        runway_months: first.as_ref().map(|f| f.0),
        first_full: first.map(|f| f.1),
        clusters,
        pools,
        storage,
    }
}
