//! A whole blueprint placed in blueprint order, as `apply` on the `sim` provider places it:
//! every VM and node on a host ([`crate::host`]; a cluster's nodes spread with
//! [`crate::host::node_penalty`]; hosts kept for failover stay empty), then every pod on a
//! worker node's allocatable ([`crate::pods`]). What fits nowhere is left unplaced
//! (`None`) and takes no room.

use std::collections::HashMap;

use crate::demand::{Demand, Role};
use crate::host::{self, Candidate};
use crate::pods;
use crate::{Need, Room};

/// Where everything runs with every host up.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// The host (index within its pool) of each guest of [`Demand::guests`]; `None` when no
    /// host had room.
    pub host: Vec<Option<usize>>,
    /// What each host of each pool has left.
    pub host_room: Vec<Vec<Room>>,
    /// The allocatable of each guest that is a node (zero for plain VMs).
    pub allocatable: Vec<Need>,
    /// Allocatable left on each guest that is a node.
    pub node_room: Vec<Room>,
    /// The node (a guest index) of each pod of each workload; `None` when no node had room.
    pub pods: Vec<Vec<Option<usize>>>,
}

impl Layout {
    /// Pods of workload `w` that run.
    pub fn running(&self, w: usize) -> usize {
        self.pods[w].iter().filter(|p| p.is_some()).count()
    }
}

/// Places everything `demand` asks for; see the module documentation.
pub fn place(demand: &Demand) -> Layout {
    let mut host = vec![None; demand.guests.len()];
    let mut host_room: Vec<Vec<Room>> = demand
        .pools
        .iter()
        .map(|p| vec![Room::of(p.host); p.hosts])
        .collect();
    let mut groups: HashMap<(usize, usize, &str), u64> = HashMap::new();
    // (cluster, host) -> (control-plane nodes, nodes)
    let mut spread: HashMap<(usize, usize), (u64, u64)> = HashMap::new();
    for (g, guest) in demand.guests.iter().enumerate() {
        let pool = &demand.pools[guest.pool];
        let candidates = (0..pool.hosts)
            .filter(|&h| !pool.is_failover_host(h))
            .map(|h| {
                let (cps, nodes) = guest
                    .cluster()
                    .and_then(|c| spread.get(&(c, h)).copied())
                    .unwrap_or_default();
                Candidate {
                    index: h,
                    room: host_room[guest.pool][h],
                    blocked: guest
                        .group
                        .as_deref()
                        .is_some_and(|grp| groups.contains_key(&(guest.pool, h, grp))),
                    penalty: match guest.role {
                        Role::Vm => 0,
                        Role::ControlPlane { .. } => host::node_penalty(true, cps, nodes),
                        Role::Worker { .. } => host::node_penalty(false, cps, nodes),
                    },
                }
            });
        let Ok(h) = host::choose(candidates, guest.need, None) else {
            continue;
        };
        host[g] = Some(h);
        host_room[guest.pool][h].take(guest.need);
        if let Some(grp) = &guest.group {
            *groups.entry((guest.pool, h, grp.as_str())).or_default() += 1;
        }
        if let Some(c) = guest.cluster() {
            let e = spread.entry((c, h)).or_default();
            e.0 += u64::from(matches!(guest.role, Role::ControlPlane { .. }));
            e.1 += 1;
        }
    }
    let allocatable: Vec<Need> = demand
        .guests
        .iter()
        .map(|g| match (g.cluster(), &g.role) {
            (Some(c), Role::Worker { .. } | Role::ControlPlane { .. }) => {
                demand.clusters[c].reserved.allocatable(g.need)
            }
            _ => Need::default(),
        })
        .collect();
    let mut node_room: Vec<Room> = allocatable.iter().map(|&a| Room::of(a)).collect();
    let mut pods = Vec::with_capacity(demand.workloads.len());
    for w in &demand.workloads {
        let cluster = &demand.clusters[w.cluster];
        let workers: Vec<usize> = cluster
            .nodes
            .iter()
            .copied()
            .filter(|&n| host[n].is_some() && matches!(demand.guests[n].role, Role::Worker { .. }))
            .collect();
        let mut per_node: HashMap<usize, u64> = HashMap::new();
        let mut per_host: HashMap<usize, u64> = HashMap::new();
        let mut placed = Vec::with_capacity(w.replicas);
        for _ in 0..w.replicas {
            let candidates = workers.iter().map(|&n| pods::Candidate {
                index: n,
                room: node_room[n],
                crowd: w.spread.crowd(
                    per_node.get(&n).copied().unwrap_or(0),
                    host[n].and_then(|h| per_host.get(&h).copied()).unwrap_or(0),
                ),
            });
            let node = pods::choose(candidates, w.need);
            if let Some(n) = node {
                node_room[n].take(w.need);
                *per_node.entry(n).or_default() += 1;
                if let Some(h) = host[n] {
                    *per_host.entry(h).or_default() += 1;
                }
            }
            placed.push(node);
        }
        pods.push(placed);
    }
    Layout {
        host,
        host_room,
        allocatable,
        node_room,
        pods,
    }
}
