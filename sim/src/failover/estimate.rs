//! How many events one replication of a [`Failover`] simulation is expected to handle,
//! from its topology and scenario alone, before anything runs: what `strata simulate`
//! sizes a run by (docs/simulation.md).
//!
//! A unit whose class has a failure model alternates up (mean `mtbf`) and down (mean
//! `mttr`), so it fails about `horizon / (mtbf + mttr)` times. Each failure is two events
//! (`Fail`, `Repaired`) plus those it sets off, counted with the chance that they happen
//! before the unit returns or fails again, down and up times taken as exponential (as
//! fixed for a fixed repair time or an injection):
//! - a host: HA detection if it stays down past `ha_detection`, then a restart pass of its
//!   pool, and another when it returns (passes due at one instant are one); each of its VMs boots
//!   once (restarted elsewhere, or on the host when it returns before detection and stays
//!   up for `vm_boot`), and each pod of a node VM starts again; a node whose VM is down
//!   past `node_monitor_grace + pod_eviction` is evicted; each Ceph OSD on it is marked
//!   out if it stays down past `ceph_rereplication`. A rack or site: the same for each of
//!   its hosts.
//! - a VM: what its node sets off; a node: an eviction (past the delay) and its pods
//!   started again; a replica: nothing more; a storage unit: a Ceph OSD marked out.
//!
//! An injection is two events plus what it sets off for each unit it takes down.
//! Maintenance drains each host of a pool once per round (two events), a round lasting
//! `every` or, if longer, the pool's hosts one after another. Limited repair crews,
//! rooms that HA cannot find and placement changes make the real count lower or higher:
//! the tests hold the estimate within a factor of 1.5 of real runs.

use super::Failover;
use super::scenario::{Class, Target};
use crate::distribution::Shape;
use crate::time::SimTime;

/// The expected events of one replication, by what causes them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Estimate {
    /// Failures of each class and what they set off, by [`Class::index`].
    pub failures: [f64; 7],
    /// Injections and what they set off.
    pub injections: f64,
    /// Maintenance drains.
    pub maintenance: f64,
}

impl Estimate {
    /// Every expected event.
    pub fn total(&self) -> f64 {
        self.failures.iter().sum::<f64>() + self.injections + self.maintenance
    }

    /// The class whose failures are expected to cause the most events, and how many.
    pub fn largest_class(&self) -> Option<(Class, f64)> {
        Class::ALL
            .into_iter()
            .map(|c| (c, self.failures[c.index()]))
            .filter(|(_, n)| *n > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// How long a unit stays down.
#[derive(Clone, Copy)]
enum Down {
    /// Exponential with this mean, in milliseconds.
    Mean(f64),
    /// Exactly this long, in milliseconds.
    Fixed(f64),
}

impl Down {
    /// The chance that the unit is still down `delay` after it went down.
    fn outlasts(self, delay: SimTime) -> f64 {
        let delay = delay.as_millis() as f64;
        match self {
            Down::Mean(mean) if mean > 0.0 => (-delay / mean).exp(),
            Down::Mean(_) => 0.0,
            Down::Fixed(length) => f64::from(u8::from(length > delay)),
        }
    }
}

/// The chance that a unit back up (mean up time `up` ms) stays up for `delay`.
fn stays(delay: SimTime, up: f64) -> f64 {
    (-(delay.as_millis() as f64) / up).exp()
}

impl Failover {
    /// The expected events of one replication over `horizon`; see the module
    /// documentation of [`estimate`](self).
    pub fn estimate(&self, horizon: SimTime) -> Estimate {
        let sizer = Sizer::new(self);
        let h = horizon.as_millis() as f64;
        let scenario = &self.scenario;
        let mut estimate = Estimate::default();
        for class in Class::ALL {
            let failures = &scenario.failures[class.index()];
            for u in 0..sizer.units(class) {
                let Some(model) = failures.model(u) else {
                    continue;
                };
                let up = model.time_to_failure.mean().as_millis() as f64;
                let repair = model.time_to_repair.mean().as_millis() as f64;
                let down = match model.time_to_repair.shape() {
                    Shape::Fixed => Down::Fixed(repair),
                    _ => Down::Mean(repair),
                };
                let cycles = h / (up + repair).max(1.0);
                estimate.failures[class.index()] +=
                    cycles * (2.0 + sizer.set_off(class, u, down, up.max(1.0)));
            }
        }
        for injection in &scenario.injections {
            if injection.at >= horizon {
                continue;
            }
            let down = Down::Fixed(injection.duration.as_millis() as f64);
            let set_off: f64 = match &injection.target {
                Target::Units(class, units) => units
                    .iter()
                    .map(|&u| sizer.set_off(*class, u, down, f64::INFINITY))
                    .sum(),
                Target::Storage(_) => 0.0,
            };
            estimate.injections += 2.0 + set_off;
        }
        if let Some(m) = scenario.maintenance {
            let every = m.every.as_millis() as f64;
            for pool in &self.topology.pools {
                let hosts = pool.hosts.len() as f64;
                let round = every.max(hosts * m.duration.as_millis() as f64).max(1.0);
                let rounds = ((h - every) / round + 1.0).max(0.0).floor();
                estimate.maintenance += 2.0 * hosts * rounds;
            }
        }
        estimate
    }
}

/// The topology counted once for the estimate.
struct Sizer<'a> {
    sim: &'a Failover,
    /// VMs placed on each host.
    host_vms: Vec<Vec<u32>>,
    /// Pods placed on each node.
    node_pods: Vec<u32>,
}

impl<'a> Sizer<'a> {
    fn new(sim: &'a Failover) -> Sizer<'a> {
        let t = &sim.topology;
        let mut host_vms = vec![Vec::new(); t.hosts.len()];
        for (v, vm) in t.vms.iter().enumerate() {
            host_vms[vm.host as usize].push(v as u32);
        }
        let mut node_pods = vec![0; t.nodes.len()];
        for replica in t.replicas.iter().filter_map(|r| r.node()) {
            node_pods[replica as usize] += 1;
        }
        Sizer {
            sim,
            host_vms,
            node_pods,
        }
    }

    /// Units of a class.
    fn units(&self, class: Class) -> u32 {
        super::scenario::units(&self.sim.topology, class) as u32
    }

    /// Events one failure of unit `u` of `class` sets off, besides its own two.
    fn set_off(&self, class: Class, u: u32, down: Down, up: f64) -> f64 {
        let d = &self.sim.derived;
        match class {
            Class::Site => d.site_hosts[u as usize]
                .iter()
                .map(|&h| self.host(h, down, up))
                .sum(),
            Class::Rack => d.rack_hosts[u as usize]
                .iter()
                .map(|&h| self.host(h, down, up))
                .sum(),
            Class::Host => self.host(u, down, up),
            Class::Vm => self.sim.topology.vms[u as usize]
                .node
                .map_or(0.0, |n| self.node(n, down, up)),
            Class::Node => self.node(u, down, up),
            Class::Replica => 0.0,
            Class::Storage => match d.storage_units[u as usize] {
                (_, Some(_)) => down.outlasts(self.sim.scenario.timings.ceph_rereplication),
                (_, None) => 0.0,
            },
        }
    }

    /// A host down: HA detection, VM boots, node evictions and pod starts, OSDs out.
    fn host(&self, h: u32, down: Down, up: f64) -> f64 {
        let t = &self.sim.topology;
        let timings = &self.sim.scenario.timings;
        let detected = down.outlasts(timings.ha_detection);
        let boots = detected + (1.0 - detected) * stays(timings.vm_boot, up);
        // A node VM restarted by HA is down for detection and boot; one that waits for
        // its host, for the host's repair.
        let restarted = timings.ha_detection.saturating_add(timings.vm_boot);
        let evict_after = timings
            .node_monitor_grace
            .saturating_add(timings.pod_eviction);
        let evicted = detected * f64::from(u8::from(restarted > evict_after))
            + (1.0 - detected) * down.outlasts(evict_after);
        let vms: f64 = self.host_vms[h as usize]
            .iter()
            .map(|&v| match t.vms[v as usize].node {
                Some(n) => boots * (1.0 + f64::from(self.node_pods[n as usize])) + evicted,
                None => boots,
            })
            .sum();
        let osds = self.sim.derived.host_osds[h as usize].len() as f64
            * down.outlasts(timings.ceph_rereplication);
        // Restart passes: one after detection, one when the host returns.
        let passes = detected + 1.0;
        detected + passes + vms + osds
    }

    /// A node down: an eviction past the delay, and its pods started again.
    fn node(&self, n: u32, down: Down, up: f64) -> f64 {
        let timings = &self.sim.scenario.timings;
        let evicted = down.outlasts(
            timings
                .node_monitor_grace
                .saturating_add(timings.pod_eviction),
        );
        let pods = f64::from(self.node_pods[n as usize]);
        evicted + pods * (evicted + (1.0 - evicted) * stays(timings.pod_start, up))
    }
}
