//! Where everything runs: VMs and Kubernetes nodes on hosts, pods on nodes, and where they
//! go again when hosts fail, by the one set of placement rules (the `placement` crate) the
//! `sim` provider and the failure simulation also follow.
//!
//! [`initial`] is the blueprint placed as the simulated datacenter places it
//! ([`placement::layout::place`]): a VM goes to a host with room (overcommit included) that
//! runs no VM of its anti-affinity group and is not kept empty for failover, preferring
//! (for a cluster's nodes) the host with the fewest nodes of that cluster, control-plane
//! nodes first apart, then the most free memory. Pods go to worker nodes with room in their
//! allocatable, preferring the node (or host) that runs the fewest pods of the same
//! workload, then the most free memory.
//!
//! [`after_failure`] takes hosts away: the VMs that ran there restart as vSphere HA
//! restarts them ([`placement::ha`]: restart priority, then the largest first, each within
//! the room its pool's admission policy keeps, on the surviving host with the most free
//! memory); the pods of nodes that could not restart are scheduled again on the nodes
//! still running, unless the cluster's control plane lost its etcd quorum.

use std::collections::{HashMap, HashSet};

use placement::ha::{self, RestartCandidate, RestartRoom};
use placement::host::Candidate;
use placement::{Layout, Need};

use super::inventory::{Inventory, Res, Role};

/// Where everything runs with every host up.
#[derive(Clone, Debug)]
pub struct Placement {
    /// The host of each guest (by index into [`Inventory::guests`]); `None` when no host had room.
    pub host: Vec<Option<usize>>,
    /// What each host of each pool has left.
    pub host_free: Vec<Vec<Res>>,
    /// The node (a guest index) of each pod of each workload; `None` when no node had room.
    pub pods: Vec<Vec<Option<usize>>>,
    /// Allocatable left on each node (by guest index; zero for VMs that are not nodes).
    pub node_free: Vec<Res>,
    /// The placement as the `placement` crate gives it, in whole millicores and bytes.
    pub layout: Layout,
}

impl Placement {
    /// Pods of a workload that run.
    pub fn running(&self, workload: usize) -> usize {
        self.pods[workload].iter().filter(|p| p.is_some()).count()
    }

    /// Guests of a pool that run on a host: (vCPU, memory) used per host.
    pub fn host_used(&self, inv: &Inventory, pool: usize) -> Vec<Res> {
        let per_host = inv.pools[pool].per_host();
        self.host_free[pool].iter().map(|f| per_host - *f).collect()
    }
}

fn res(room: placement::Room) -> Res {
    Res::new(room.cpu_m as f64 / 1000.0, room.memory as f64)
}

/// Places every guest and every pod with all hosts up.
pub fn initial(inv: &Inventory) -> Placement {
    let layout = placement::layout::place(&inv.demand);
    Placement {
        host: layout.host.clone(),
        host_free: layout
            .host_room
            .iter()
            .map(|p| p.iter().map(|&r| res(r)).collect())
            .collect(),
        pods: layout.pods.clone(),
        node_free: layout.node_room.iter().map(|&r| res(r)).collect(),
        layout,
    }
}

/// What a set of failed hosts does to the platform.
#[derive(Clone, Debug, Default)]
pub struct Aftermath {
    /// Guests that ran on a failed host and restarted elsewhere: (guest, new host).
    pub restarted: Vec<(usize, usize)>,
    /// Guests that ran on a failed host and fit on no surviving host.
    pub lost: Vec<usize>,
    /// Why each guest of `lost` (in the same order) did not restart.
    pub why_lost: Vec<NotRestarted>,
    /// Per workload: pods that ran on a failed host (down right after the failure).
    pub down_now: Vec<usize>,
    /// Per workload: pods running once VMs restarted and pods were scheduled again.
    pub running: Vec<usize>,
    /// Clusters whose control plane lost its etcd quorum (more than half its members down).
    pub no_quorum: Vec<usize>,
}

/// Why vSphere HA did not restart a VM after a failure.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "why")]
pub enum NotRestarted {
    /// Its restart priority is `disabled`.
    RestartDisabled,
    /// No host of its pool survives.
    NoHostLeft,
    /// Every surviving host already runs a VM of its anti-affinity group.
    AntiAffinity {
        /// The group.
        group: String,
    },
    /// No surviving host (outside the anti-affinity group's) has that much free room in
    /// one piece: the pool's free capacity, summed over hosts, is not free on one host.
    LargerThanAnyHostsRoom,
    /// Some host has the room, but admission control keeps it for its reserve (the
    /// percentage, the slots or the failover hosts).
    AdmissionControl,
}

impl NotRestarted {
    /// How it reads, after the VM's name.
    pub fn describe(&self) -> String {
        match self {
            NotRestarted::RestartDisabled => "its HA restart priority is disabled".into(),
            NotRestarted::NoHostLeft => "no host of its pool survives".into(),
            NotRestarted::AntiAffinity { group } => format!(
                "anti-affinity: every surviving host already runs a VM of group {group}"
            ),
            NotRestarted::LargerThanAnyHostsRoom => {
                "larger than the free room of any one surviving host (free capacity is counted over the pool, a VM needs it on one host)".into()
            }
            NotRestarted::AdmissionControl => {
                "HA admission control keeps the room that is left for its reserve".into()
            }
        }
    }
}

/// Re-places what ran on `failed` hosts (pairs of pool and host index).
pub fn after_failure(inv: &Inventory, base: &Placement, failed: &[(usize, usize)]) -> Aftermath {
    let dead: HashSet<(usize, usize)> = failed.iter().copied().collect();
    let pools: HashSet<usize> = failed.iter().map(|&(p, _)| p).collect();
    let mut displaced: Vec<usize> = (0..inv.guests.len())
        .filter(|&g| {
            let pool = inv.guests[g].pool;
            pools.contains(&pool) && base.host[g].is_some_and(|h| dead.contains(&(pool, h)))
        })
        .collect();
    let d = &inv.demand;
    ha::restart_order(&mut displaced, |g| (d.guests[g].priority, d.guests[g].need));
    let mut free: HashMap<usize, Vec<placement::Room>> = pools
        .iter()
        .map(|&p| (p, base.layout.host_room[p].clone()))
        .collect();
    let mut guests_on: HashMap<(usize, usize), u64> = HashMap::new();
    let mut groups: HashSet<(usize, usize, &str)> = HashSet::new();
    for (g, guest) in inv.guests.iter().enumerate() {
        if let Some(h) = base.host[g]
            && pools.contains(&guest.pool)
            && !dead.contains(&(guest.pool, h))
        {
            *guests_on.entry((guest.pool, h)).or_default() += 1;
            if let Some(group) = &guest.group {
                groups.insert((guest.pool, h, group));
            }
        }
    }
    let mut rooms: HashMap<usize, RestartRoom> = pools
        .iter()
        .map(|&p| {
            let pool = &d.pools[p];
            let vms: Vec<Need> = (0..d.guests.len())
                .filter(|&g| d.guests[g].pool == p && base.host[g].is_some())
                .map(|g| d.guests[g].need)
                .collect();
            (
                p,
                RestartRoom::new(pool.ha, &vec![pool.host; pool.hosts], &vms),
            )
        })
        .collect();
    let mut out = Aftermath::default();
    let mut host_now: HashMap<usize, Option<usize>> = HashMap::new();
    for &g in &displaced {
        let guest = &inv.guests[g];
        let need = d.guests[g].need;
        let hosts = free
            .get_mut(&guest.pool)
            .expect("the pool of a displaced guest");
        let candidates: Vec<RestartCandidate> = (0..hosts.len())
            .filter(|&h| !dead.contains(&(guest.pool, h)))
            .map(|h| RestartCandidate {
                host: Candidate {
                    index: h,
                    room: hosts[h],
                    blocked: guest
                        .group
                        .as_deref()
                        .is_some_and(|grp| groups.contains(&(guest.pool, h, grp))),
                    penalty: 0,
                },
                guests: guests_on.get(&(guest.pool, h)).copied().unwrap_or(0),
            })
            .collect();
        let room = rooms.get_mut(&guest.pool).expect("a room per pool");
        let why = if guest.priority == ha::Priority::Disabled {
            NotRestarted::RestartDisabled
        } else if candidates.is_empty() {
            NotRestarted::NoHostLeft
        } else if candidates.iter().all(|c| c.host.blocked) {
            NotRestarted::AntiAffinity {
                group: guest.group.clone().unwrap_or_default(),
            }
        } else if !candidates
            .iter()
            .any(|c| !c.host.blocked && c.host.room.holds(need))
        {
            NotRestarted::LargerThanAnyHostsRoom
        } else {
            NotRestarted::AdmissionControl
        };
        let chosen = if why == NotRestarted::RestartDisabled {
            None
        } else {
            ha::restart_host(candidates, need, room)
        };
        match chosen {
            Some(h) => {
                hosts[h].take(need);
                room.take(need);
                *guests_on.entry((guest.pool, h)).or_default() += 1;
                if let Some(group) = &guest.group {
                    groups.insert((guest.pool, h, group));
                }
                out.restarted.push((g, h));
            }
            None => {
                out.lost.push(g);
                out.why_lost.push(why);
            }
        }
        host_now.insert(g, chosen);
    }
    let lost: HashSet<usize> = out.lost.iter().copied().collect();
    let on_failed: HashSet<usize> = displaced.iter().copied().collect();
    let clusters: HashSet<usize> = displaced
        .iter()
        .filter_map(|&g| inv.guests[g].cluster())
        .collect();
    for &c in &clusters {
        let cluster = &inv.clusters[c];
        let cps: Vec<usize> = cluster
            .nodes
            .iter()
            .copied()
            .filter(|&n| matches!(inv.guests[n].role, Role::ControlPlane { .. }))
            .collect();
        let up = cps
            .iter()
            .filter(|&&n| base.host[n].is_some() && !lost.contains(&n))
            .count();
        if !cps.is_empty() && up * 2 <= cps.len() {
            out.no_quorum.push(c);
        }
    }
    out.no_quorum.sort_unstable();
    let mut node_free: HashMap<usize, placement::Room> = HashMap::new();
    for (w, workload) in inv.workloads.iter().enumerate() {
        let pods = &base.pods[w];
        let running = base.running(w);
        if !clusters.contains(&workload.cluster) {
            out.down_now.push(0);
            out.running.push(running);
            continue;
        }
        let down_now = pods
            .iter()
            .filter(|p| p.is_some_and(|n| on_failed.contains(&n)))
            .count();
        let orphans = pods
            .iter()
            .filter(|p| p.is_some_and(|n| lost.contains(&n)))
            .count();
        out.down_now.push(down_now);
        if orphans == 0 {
            out.running.push(running);
            continue;
        }
        if out.no_quorum.binary_search(&workload.cluster).is_ok() {
            out.running.push(running - orphans);
            continue;
        }
        let cluster = &inv.clusters[workload.cluster];
        let workers: Vec<usize> = cluster
            .nodes
            .iter()
            .copied()
            .filter(|&n| {
                matches!(inv.guests[n].role, Role::Worker { .. })
                    && base.host[n].is_some()
                    && !lost.contains(&n)
            })
            .collect();
        for &n in &workers {
            node_free.entry(n).or_insert(base.layout.node_room[n]);
        }
        let node_host = |n: usize| host_now.get(&n).copied().unwrap_or(base.host[n]);
        let mut per_node: HashMap<usize, u64> = HashMap::new();
        let mut per_host: HashMap<usize, u64> = HashMap::new();
        for n in pods.iter().flatten().filter(|n| !lost.contains(n)) {
            *per_node.entry(*n).or_default() += 1;
            if let Some(h) = node_host(*n) {
                *per_host.entry(h).or_default() += 1;
            }
        }
        let mut placed = 0;
        let need = inv.demand.workloads[w].need;
        for _ in 0..orphans {
            let candidates = workers.iter().map(|&n| placement::pods::Candidate {
                index: n,
                room: node_free[&n],
                crowd: inv.demand.workloads[w].spread.crowd(
                    per_node.get(&n).copied().unwrap_or(0),
                    node_host(n)
                        .and_then(|h| per_host.get(&h).copied())
                        .unwrap_or(0),
                ),
            });
            let Some(n) = placement::pods::choose(candidates, need) else {
                break;
            };
            if let Some(f) = node_free.get_mut(&n) {
                f.take(need);
            }
            *per_node.entry(n).or_default() += 1;
            if let Some(h) = node_host(n) {
                *per_host.entry(h).or_default() += 1;
            }
            placed += 1;
        }
        out.running.push(running - orphans + placed);
    }
    out
}
