//! Where everything runs: VMs and Kubernetes nodes on hosts, pods on nodes, and where they
//! go again when hosts fail.
//!
//! [`initial`] places as the simulated datacenter does, in blueprint order: a VM goes to a
//! host with room (overcommit included) that runs no VM of its anti-affinity group and is
//! not kept empty for failover, preferring (for a cluster's nodes) the host with the fewest
//! nodes of that cluster, control-plane nodes first apart, then the most free memory. Pods
//! go to worker nodes with room in their allocatable, preferring the node (or host) that
//! runs the fewest pods of the same workload, then the most free memory.
//!
//! [`after_failure`] takes hosts away: the VMs that ran there restart first-fit decreasing
//! (largest memory first) on the surviving hosts, dedicated failover hosts first, as vSphere
//! HA restarts them; the pods of nodes that could not restart are scheduled again on the
//! nodes still running, unless the cluster's control plane lost its etcd quorum.

use std::collections::{HashMap, HashSet};

use super::inventory::{Inventory, Res, Role, Spread};

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

/// The allocatable of a node guest.
pub fn allocatable(inv: &Inventory, guest: usize) -> Res {
    let g = &inv.guests[guest];
    match g.cluster() {
        Some(c) => inv.clusters[c].reserved.allocatable(g.need),
        None => Res::default(),
    }
}

/// `(crowd, free memory, free cpu, index)`: smaller crowd, then more memory, then more CPU,
/// then the lower index wins.
fn better(a: (u64, Res, usize), b: &Option<(u64, Res, usize)>) -> bool {
    let Some(b) = b else {
        return true;
    };
    a.0.cmp(&b.0)
        .then(b.1.memory.total_cmp(&a.1.memory))
        .then(b.1.cpu.total_cmp(&a.1.cpu))
        .then(a.2.cmp(&b.2))
        .is_lt()
}

/// Places every guest and every pod with all hosts up.
pub fn initial(inv: &Inventory) -> Placement {
    let mut host = vec![None; inv.guests.len()];
    let mut host_free: Vec<Vec<Res>> = inv
        .pools
        .iter()
        .map(|p| vec![p.per_host(); p.hosts])
        .collect();
    let mut groups: HashSet<(usize, usize, String)> = HashSet::new();
    // (cluster, pool host) -> (control-plane nodes, all nodes)
    let mut spread: HashMap<(usize, usize), (u64, u64)> = HashMap::new();
    for (gi, guest) in inv.guests.iter().enumerate() {
        let pool = &inv.pools[guest.pool];
        let mut best = None;
        for (h, &free) in host_free[guest.pool].iter().enumerate() {
            if pool.is_failover_host(h) || !free.holds(guest.need) {
                continue;
            }
            if let Some(g) = &guest.group
                && groups.contains(&(guest.pool, h, g.clone()))
            {
                continue;
            }
            let penalty = match guest.role {
                Role::Vm => 0,
                Role::ControlPlane { cluster } => {
                    let (cps, all) = spread.get(&(cluster, h)).copied().unwrap_or_default();
                    (cps << 32) | all
                }
                Role::Worker { cluster, .. } => {
                    spread.get(&(cluster, h)).copied().unwrap_or_default().1
                }
            };
            if better((penalty, free, h), &best) {
                best = Some((penalty, free, h));
            }
        }
        if let Some((_, _, h)) = best {
            host[gi] = Some(h);
            host_free[guest.pool][h] -= guest.need;
            if let Some(g) = &guest.group {
                groups.insert((guest.pool, h, g.clone()));
            }
            if let Some(cluster) = guest.cluster() {
                let e = spread.entry((cluster, h)).or_default();
                e.0 += u64::from(matches!(guest.role, Role::ControlPlane { .. }));
                e.1 += 1;
            }
        }
    }
    let mut node_free: Vec<Res> = (0..inv.guests.len()).map(|g| allocatable(inv, g)).collect();
    let mut pods = Vec::with_capacity(inv.workloads.len());
    for w in &inv.workloads {
        let cluster = &inv.clusters[w.cluster];
        let workers: Vec<usize> = cluster
            .nodes
            .iter()
            .copied()
            .filter(|&n| host[n].is_some() && matches!(inv.guests[n].role, Role::Worker { .. }))
            .collect();
        let mut placed = Vec::with_capacity(w.replicas);
        let mut per_node: HashMap<usize, u64> = HashMap::new();
        let mut per_host: HashMap<usize, u64> = HashMap::new();
        for _ in 0..w.replicas {
            let node = schedule(&workers, &node_free, w.request, |n| match w.spread {
                Spread::Node => per_node.get(&n).copied().unwrap_or(0),
                Spread::Host => host[n].and_then(|h| per_host.get(&h).copied()).unwrap_or(0),
                Spread::None => 0,
            });
            if let Some(n) = node {
                node_free[n] -= w.request;
                *per_node.entry(n).or_default() += 1;
                if let Some(h) = host[n] {
                    *per_host.entry(h).or_default() += 1;
                }
            }
            placed.push(node);
        }
        pods.push(placed);
    }
    Placement {
        host,
        host_free,
        pods,
        node_free,
    }
}

/// The node among `nodes` with room for `need`, the least crowded, then the emptiest.
fn schedule(
    nodes: &[usize],
    free: &[Res],
    need: Res,
    crowd: impl Fn(usize) -> u64,
) -> Option<usize> {
    let mut best = None;
    for &n in nodes {
        if !free[n].holds(need) {
            continue;
        }
        let key = (crowd(n), free[n], n);
        if better(key, &best) {
            best = Some(key);
        }
    }
    best.map(|(_, _, n)| n)
}

/// What a set of failed hosts does to the platform.
#[derive(Clone, Debug, Default)]
pub struct Aftermath {
    /// Guests that ran on a failed host and restarted elsewhere: (guest, new host).
    pub restarted: Vec<(usize, usize)>,
    /// Guests that ran on a failed host and fit on no surviving host.
    pub lost: Vec<usize>,
    /// Per workload: pods that ran on a failed host (down right after the failure).
    pub down_now: Vec<usize>,
    /// Per workload: pods running once VMs restarted and pods were scheduled again.
    pub running: Vec<usize>,
    /// Clusters whose control plane lost its etcd quorum (more than half its members down).
    pub no_quorum: Vec<usize>,
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
    displaced.sort_by(|&a, &b| {
        let (ga, gb) = (&inv.guests[a], &inv.guests[b]);
        gb.need
            .memory
            .total_cmp(&ga.need.memory)
            .then(gb.need.cpu.total_cmp(&ga.need.cpu))
            .then(a.cmp(&b))
    });
    let mut free: HashMap<usize, Vec<Res>> = pools
        .iter()
        .map(|&p| (p, base.host_free[p].clone()))
        .collect();
    let mut groups: HashSet<(usize, usize, &str)> = HashSet::new();
    for (g, guest) in inv.guests.iter().enumerate() {
        if let (Some(h), Some(group)) = (base.host[g], &guest.group)
            && pools.contains(&guest.pool)
            && !dead.contains(&(guest.pool, h))
        {
            groups.insert((guest.pool, h, group));
        }
    }
    let mut out = Aftermath::default();
    let mut host_now: HashMap<usize, Option<usize>> = HashMap::new();
    for &g in &displaced {
        let guest = &inv.guests[g];
        let pool = &inv.pools[guest.pool];
        let order = (0..pool.hosts)
            .filter(|&h| pool.is_failover_host(h))
            .chain((0..pool.hosts).filter(|&h| !pool.is_failover_host(h)));
        let hosts = free
            .get_mut(&guest.pool)
            .expect("the pool of a displaced guest");
        let mut chosen = None;
        for h in order {
            if dead.contains(&(guest.pool, h)) || !hosts[h].holds(guest.need) {
                continue;
            }
            if let Some(group) = &guest.group
                && groups.contains(&(guest.pool, h, group.as_str()))
            {
                continue;
            }
            chosen = Some(h);
            break;
        }
        match chosen {
            Some(h) => {
                hosts[h] -= guest.need;
                if let Some(group) = &guest.group {
                    groups.insert((guest.pool, h, group));
                }
                out.restarted.push((g, h));
            }
            None => out.lost.push(g),
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
    let mut node_free: HashMap<usize, Res> = HashMap::new();
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
            node_free.entry(n).or_insert(base.node_free[n]);
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
        for _ in 0..orphans {
            let mut best = None;
            for &n in &workers {
                let f = node_free[&n];
                if !f.holds(workload.request) {
                    continue;
                }
                let crowd = match workload.spread {
                    Spread::Node => per_node.get(&n).copied().unwrap_or(0),
                    Spread::Host => node_host(n)
                        .and_then(|h| per_host.get(&h).copied())
                        .unwrap_or(0),
                    Spread::None => 0,
                };
                if better((crowd, f, n), &best) {
                    best = Some((crowd, f, n));
                }
            }
            let Some((_, _, n)) = best else {
                break;
            };
            if let Some(f) = node_free.get_mut(&n) {
                *f -= workload.request;
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
