//! Survivability (N+k): for every failure domain (each host, each rack, each site, and
//! with k = 2 every two hosts of a pool) the hosts are taken away, what ran there is placed
//! again ([`super::place::after_failure`]), and the outcome says what no longer fits: VMs
//! that could not restart, clusters whose control plane lost quorum, and per workload the
//! pods down right after the failure and still down once everything that fits has moved.
//! Ceph storage on the failed hosts is judged by its replicas and `min_size`.
//!
//! A domain's verdict is `survives` (everything runs again), `degraded` (every service keeps
//! its quorum but some pods, nodes or storage redundancy are not restored) or `fails` (a VM
//! stays down, a service falls below its quorum, a control plane or storage stops).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::allocation::volume_storage;
use super::explain::{self, Reason};
use super::inventory::{Inventory, Role, WorkloadKind};
use super::place::NotRestarted;
use super::place::{Aftermath, Placement, after_failure};

/// Pools larger than this check the pairs of their most loaded hosts only, with `--k 2`.
pub const MAX_PAIR_HOSTS: usize = 64;

/// What kind of failure domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DomainKind {
    /// One host.
    Host,
    /// Two hosts of one pool.
    TwoHosts,
    /// A rack: its share of every pool spread over it.
    Rack,
    /// A site: every pool that stands in it.
    Site,
}

impl DomainKind {
    /// How it reads.
    pub fn name(self) -> &'static str {
        match self {
            DomainKind::Host => "host",
            DomainKind::TwoHosts => "two hosts",
            DomainKind::Rack => "rack",
            DomainKind::Site => "site",
        }
    }
}

/// A set of hosts that fail together.
#[derive(Clone, Debug)]
pub struct Domain {
    /// What kind.
    pub kind: DomainKind,
    /// Its name: a host, `a + b` for two hosts, a rack or a site address.
    pub name: String,
    /// The hosts: (pool, host index).
    pub hosts: Vec<(usize, usize)>,
}

/// Every failure domain of the blueprint, for `k` = 1 or 2.
pub fn domains(inv: &Inventory, base: &Placement, k: u8) -> (Vec<Domain>, usize, usize) {
    let mut out = Vec::new();
    for (p, pool) in inv.pools.iter().enumerate() {
        for h in 0..pool.hosts {
            out.push(Domain {
                kind: DomainKind::Host,
                name: pool.host_name(h),
                hosts: vec![(p, h)],
            });
        }
    }
    let (mut checked, mut total) = (0, 0);
    if k >= 2 {
        for (p, pool) in inv.pools.iter().enumerate() {
            let n = pool.hosts;
            total += n * n.saturating_sub(1) / 2;
            let mut hosts: Vec<usize> = (0..n).collect();
            if n > MAX_PAIR_HOSTS {
                let used = base.host_used(inv, p);
                hosts.sort_by(|&a, &b| {
                    used[b]
                        .memory
                        .total_cmp(&used[a].memory)
                        .then(used[b].cpu.total_cmp(&used[a].cpu))
                        .then(a.cmp(&b))
                });
                hosts.truncate(MAX_PAIR_HOSTS);
                hosts.sort_unstable();
            }
            for (i, &a) in hosts.iter().enumerate() {
                for &b in &hosts[i + 1..] {
                    checked += 1;
                    out.push(Domain {
                        kind: DomainKind::TwoHosts,
                        name: format!("{} + host-{b}", pool.host_name(a)),
                        hosts: vec![(p, a), (p, b)],
                    });
                }
            }
        }
    }
    let mut racks: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    let mut sites: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (p, pool) in inv.pools.iter().enumerate() {
        for h in 0..pool.hosts {
            if let Some(rack) = pool.rack(h) {
                racks.entry(rack).or_default().push((p, h));
            }
            if let Some(site) = &pool.site {
                sites.entry(site).or_default().push((p, h));
            }
        }
    }
    for (kind, map) in [(DomainKind::Rack, racks), (DomainKind::Site, sites)] {
        for (name, hosts) in map {
            out.push(Domain {
                kind,
                name: name.to_string(),
                hosts,
            });
        }
    }
    (out, checked, total)
}

/// How a domain's failure ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Everything runs again.
    Survives,
    /// Services keep their quorum, but not everything is restored.
    Degraded,
    /// Something stops.
    Fails,
}

impl Verdict {
    /// How it reads.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Survives => "survives",
            Verdict::Degraded => "degraded",
            Verdict::Fails => "fails",
        }
    }
}

/// A workload's state once everything that fits has moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every pod runs again.
    Recovers,
    /// Some pods fit nowhere; the quorum still runs.
    Degraded,
    /// Fewer pods than its quorum run, or its storage serves no I/O.
    Down,
}

/// What a domain's failure does to one workload.
#[derive(Clone, Debug, Serialize)]
pub struct WorkloadImpact {
    /// Its address.
    pub workload: String,
    /// `service`, `job` or `environment`.
    pub kind: WorkloadKind,
    /// Pods it should run.
    pub replicas: usize,
    /// Pods that ran on the failed hosts.
    pub down_now: usize,
    /// Pods running once everything that fits has moved.
    pub running_after: usize,
    /// Pods that no longer fit.
    pub no_room: usize,
    /// Pods it needs to be up.
    pub quorum: usize,
    /// Its state.
    pub status: Status,
    /// Whether it is production ([`super::explain::production_workload`]).
    pub production: bool,
    /// Why it is down, when it is not for lack of room.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Its index in the inventory.
    #[serde(skip)]
    pub index: usize,
}

/// What a domain's failure does to a Ceph pool.
#[derive(Clone, Debug, Serialize)]
pub struct StorageImpact {
    /// The storage.
    pub storage: String,
    /// Its hosts that failed.
    pub hosts_down: usize,
    /// Its hosts.
    pub hosts: usize,
    /// `recovers`, `degraded` (I/O continues, redundancy or space not restored), `at_risk`
    /// (some placement groups on their last copy, I/O continues), `no_io` (placement groups
    /// below `min_size`: unavailable) or `all_copies_down` (every copy of some data on the
    /// failed hosts: unavailable until they return, not lost).
    pub status: &'static str,
}

/// The outcome of one failure domain.
#[derive(Clone, Debug, Serialize)]
pub struct DomainOutcome {
    /// What kind of domain.
    pub kind: DomainKind,
    /// Its name.
    pub domain: String,
    /// Hosts that fail.
    pub hosts: usize,
    /// How it ends.
    pub verdict: Verdict,
    /// VMs (not nodes) that fit on no surviving host.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vms_not_restarted: Vec<String>,
    /// Kubernetes nodes that fit on no surviving host.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nodes_not_restarted: Vec<String>,
    /// Clusters whose control plane lost its etcd quorum.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub control_plane_lost: Vec<String>,
    /// Workloads with pods on the failed hosts or without room.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<WorkloadImpact>,
    /// Ceph pools with hosts among the failed ones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub storage: Vec<StorageImpact>,
    /// Why each VM of `vms_not_restarted` (in order) was not restarted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub why_not_restarted: Vec<NotRestarted>,
    /// Everything that stops or is not restored, in words ([`super::explain`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    /// The verdict counting production only (VMs, services and jobs outside environments,
    /// clusters whose purpose is not dev, test or staging, storage).
    pub production_verdict: Verdict,
    /// Per workload (by index): pods down right after the failure.
    #[serde(skip)]
    pub down_now: Vec<usize>,
    /// Per workload (by index): pods running afterwards.
    #[serde(skip)]
    pub running_after: Vec<usize>,
}

/// The worst verdict for the host failures of one pool.
#[derive(Clone, Debug, Serialize)]
pub struct PoolVerdict {
    /// The pool.
    pub pool: String,
    /// Hosts.
    pub hosts: usize,
    /// The worst outcome of losing any one host (N+1).
    pub one_host: Verdict,
    /// The worst outcome of losing any two hosts (N+2), with `k = 2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub two_hosts: Option<Verdict>,
}

/// Where one workload does not survive.
#[derive(Clone, Debug, Serialize)]
pub struct WorkloadVerdict {
    /// The workload.
    pub workload: String,
    /// Domains after whose failure it is down.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub down_in: Vec<String>,
    /// Domains after whose failure some of its pods fit nowhere.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub degraded_in: Vec<String>,
}

/// Survivability of the whole blueprint.
#[derive(Clone, Debug, Serialize)]
pub struct Survivability {
    /// Host failures per pool considered: 1 or 2.
    pub k: u8,
    /// Domains checked.
    pub domains: usize,
    /// Domains whose failure everything survives.
    pub survives: usize,
    /// Domains whose failure leaves things degraded.
    pub degraded: usize,
    /// Domains whose failure stops something.
    pub fails: usize,
    /// With k = 2: host pairs checked and host pairs there are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pairs: Option<(usize, usize)>,
    /// N+1 (and N+2) per pool.
    pub pools: Vec<PoolVerdict>,
    /// Per workload, the domains it does not survive.
    pub workloads: Vec<WorkloadVerdict>,
    /// Every domain's outcome.
    pub outcomes: Vec<DomainOutcome>,
    /// Production services (not jobs, not copies in environments) in the blueprint.
    pub production_services: usize,
}

fn storage_impacts(inv: &Inventory, failed: &[(usize, usize)]) -> Vec<StorageImpact> {
    let mut out = Vec::new();
    for s in &inv.storage {
        let (Some(p), "ceph") = (s.pool, s.kind.as_str()) else {
            continue;
        };
        let down = failed.iter().filter(|&&(fp, _)| fp == p).count();
        if down == 0 {
            continue;
        }
        let n = inv.pools[p].hosts;
        let replicas = s.replicas.unwrap_or(3).min(n.max(1) as u32) as usize;
        let min_size = s.min_size.unwrap_or(1).min(replicas as u32) as usize;
        let claimed: f64 = (0..inv.workloads.len())
            .filter_map(|w| volume_storage(inv, w))
            .filter(|(_, on)| *on == s.address)
            .map(|(b, _)| b)
            .sum();
        let left = n.saturating_sub(down);
        let status = if down >= replicas {
            "all_copies_down"
        } else if down > replicas - min_size {
            "no_io"
        } else if replicas > 1 && down + 1 == replicas {
            "at_risk"
        } else if left < replicas || claimed > s.capacity * left as f64 / n.max(1) as f64 {
            "degraded"
        } else {
            "recovers"
        };
        out.push(StorageImpact {
            storage: s.address.clone(),
            hosts_down: down,
            hosts: n,
            status,
        });
    }
    out
}

/// The outcome of failing `domain`.
pub fn outcome(inv: &Inventory, base: &Placement, domain: &Domain) -> DomainOutcome {
    let after: Aftermath = after_failure(inv, base, &domain.hosts);
    let storage = storage_impacts(inv, &domain.hosts);
    let stopped: BTreeSet<&str> = storage
        .iter()
        .filter(|s| s.stopped())
        .map(|s| s.storage.as_str())
        .collect();
    let mut vms = Vec::new();
    let mut why_not_restarted = Vec::new();
    let mut nodes = Vec::new();
    let mut node_clusters = Vec::new();
    for (&g, why) in after.lost.iter().zip(&after.why_lost) {
        let guest = &inv.guests[g];
        if guest.role == Role::Vm {
            vms.push(guest.name.clone());
            why_not_restarted.push(why.clone());
        } else {
            nodes.push(guest.name.clone());
            node_clusters.push(guest.cluster());
        }
    }
    let control_plane_lost: Vec<String> = after
        .no_quorum
        .iter()
        .map(|&c| inv.clusters[c].address.clone())
        .collect();
    let mut workloads = Vec::new();
    for (w, workload) in inv.workloads.iter().enumerate() {
        let before = base.running(w);
        let running = after.running[w];
        let on_stopped = volume_storage(inv, w).filter(|(_, on)| stopped.contains(on.as_str()));
        if after.down_now[w] == 0 && running >= before && on_stopped.is_none() {
            continue;
        }
        let reason = if let Some((_, on)) = &on_stopped {
            Some(format!("their volumes on {on} are unavailable"))
        } else if after.no_quorum.contains(&workload.cluster) && running < before {
            Some(format!(
                "the control plane of {} lost quorum: nothing is rescheduled",
                inv.clusters[workload.cluster].address
            ))
        } else {
            None
        };
        let status = if on_stopped.is_some() || running < workload.quorum.max(1) {
            Status::Down
        } else if running < workload.replicas {
            Status::Degraded
        } else {
            Status::Recovers
        };
        workloads.push(WorkloadImpact {
            workload: workload.address.clone(),
            kind: workload.kind,
            replicas: workload.replicas,
            down_now: after.down_now[w],
            running_after: running,
            no_room: before.saturating_sub(running),
            quorum: workload.quorum,
            status,
            production: explain::production_workload(inv, w),
            reason,
            index: w,
        });
    }
    let fails = !vms.is_empty()
        || !control_plane_lost.is_empty()
        || !stopped.is_empty()
        || workloads
            .iter()
            .any(|w| w.status == Status::Down && w.kind != WorkloadKind::Job);
    let degraded = !nodes.is_empty()
        || workloads.iter().any(|w| w.status != Status::Recovers)
        || storage.iter().any(|s| s.status != "recovers");
    let mut out = DomainOutcome {
        kind: domain.kind,
        domain: domain.name.clone(),
        hosts: domain.hosts.len(),
        verdict: if fails {
            Verdict::Fails
        } else if degraded {
            Verdict::Degraded
        } else {
            Verdict::Survives
        },
        vms_not_restarted: vms,
        nodes_not_restarted: nodes,
        control_plane_lost,
        workloads,
        storage,
        why_not_restarted,
        reasons: Vec::new(),
        production_verdict: Verdict::Survives,
        down_now: after.down_now,
        running_after: after.running,
    };
    out.reasons = explain::reasons(inv, &out, &out.why_not_restarted, &node_clusters);
    out.production_verdict = explain::production_verdict(&out.reasons);
    out
}

/// Fails every domain in turn, for `k` = 1 or 2.
pub fn analyse(inv: &Inventory, base: &Placement, k: u8) -> Survivability {
    let k = k.clamp(1, 2);
    let (domains, checked, total) = domains(inv, base, k);
    let outcomes: Vec<DomainOutcome> = domains.iter().map(|d| outcome(inv, base, d)).collect();
    let count = |v: Verdict| outcomes.iter().filter(|o| o.verdict == v).count();
    let pools = inv
        .pools
        .iter()
        .enumerate()
        .map(|(p, pool)| {
            let worst = |kind: DomainKind| {
                domains
                    .iter()
                    .zip(&outcomes)
                    .filter(|(d, _)| d.kind == kind && d.hosts.iter().all(|&(dp, _)| dp == p))
                    .map(|(_, o)| o.verdict)
                    .max()
            };
            PoolVerdict {
                pool: pool.address.clone(),
                hosts: pool.hosts,
                one_host: worst(DomainKind::Host).unwrap_or(Verdict::Survives),
                two_hosts: if k >= 2 {
                    Some(worst(DomainKind::TwoHosts).unwrap_or(Verdict::Survives))
                } else {
                    None
                },
            }
        })
        .collect();
    let mut workloads: Vec<WorkloadVerdict> = inv
        .workloads
        .iter()
        .map(|w| WorkloadVerdict {
            workload: w.address.clone(),
            down_in: Vec::new(),
            degraded_in: Vec::new(),
        })
        .collect();
    for o in &outcomes {
        for i in &o.workloads {
            match i.status {
                Status::Down => workloads[i.index].down_in.push(o.domain.clone()),
                Status::Degraded => workloads[i.index].degraded_in.push(o.domain.clone()),
                Status::Recovers => {}
            }
        }
    }
    workloads.retain(|v| !v.down_in.is_empty() || !v.degraded_in.is_empty());
    Survivability {
        k,
        domains: outcomes.len(),
        survives: count(Verdict::Survives),
        degraded: count(Verdict::Degraded),
        fails: count(Verdict::Fails),
        pairs: (k >= 2).then_some((checked, total)),
        pools,
        workloads,
        outcomes,
        production_services: (0..inv.workloads.len())
            .filter(|&w| {
                inv.workloads[w].kind == WorkloadKind::Service
                    && explain::production_workload(inv, w)
            })
            .count(),
    }
}
