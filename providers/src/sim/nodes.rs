//! Placing pods on the worker nodes of a cluster, as the Kubernetes scheduler would.
//!
//! A [`NodeView`] is a cluster's nodes as one change sees them: each node's allocatable
//! (its size less kube-reserved, system-reserved and the eviction threshold, as the kubelet
//! computes it: `placement::reserve`) less the requests of the pods on it.
//! [`NodeView::place`] puts replicas one at a time by the one scheduling rule
//! (`placement::pods`): a worker with room, preferring the node (or host) that runs the
//! fewest replicas of the same workload (`spread`), then the one with the most free
//! memory. Spreading is a preference, as the blueprint's check says: with more replicas
//! than hosts, some share.

use std::cmp::Reverse;
use std::collections::HashMap;

use blueprint::{Address, Diagnostic};
use placement::pods::{self, Candidate};
use placement::reserve::Reservations;
use serde_json::{Value, json};

use super::attrs::Reader;
use super::format::{cores, signed_size, size};
use super::record::{Node, Pod};
use super::world::ClusterUse;

pub(crate) use placement::Need as PodNeed;
pub(crate) use placement::pods::Spread;

/// A cluster's `reserved` block, read from its attributes (the kubelet's defaults when it
/// has none).
pub(crate) fn reservations(
    owner: &Address,
    attrs: &planner::Attrs,
) -> Result<Reservations, Diagnostic> {
    let d = Reservations::default();
    let Some(r) = Reader::new(owner, attrs).block("reserved") else {
        return Ok(d);
    };
    Ok(Reservations {
        kube_cpu: r.millicores("kube_cpu")?.map(|m| m as f64 / 1000.0),
        kube_memory: r.size("kube_memory")?.map(|b| b as f64),
        system_cpu: r
            .millicores("system_cpu")?
            .map_or(d.system_cpu, |m| m as f64 / 1000.0),
        system_memory: r
            .size("system_memory")?
            .map_or(d.system_memory, |b| b as f64),
        eviction: r.size("eviction")?.map_or(d.eviction, |b| b as f64),
    })
}

struct Slot {
    name: String,
    host: usize,
    worker: bool,
    cpu_free: i64,
    mem_free: i128,
}

/// A cluster's nodes, as one change sees them.
pub(crate) struct NodeView {
    cluster: String,
    slots: Vec<Slot>,
    index: HashMap<String, usize>,
}

impl NodeView {
    /// The nodes `nodes` of `cluster`, their allocatable under `reserved` less the requests
    /// `usage` records on them.
    pub fn new(
        cluster: &str,
        nodes: &[Node],
        reserved: &Reservations,
        usage: Option<&ClusterUse>,
    ) -> NodeView {
        let slots: Vec<Slot> = nodes
            .iter()
            .map(|n| {
                let used = usage
                    .and_then(|u| u.nodes.get(&n.name))
                    .copied()
                    .unwrap_or_default();
                let allocatable = reserved.allocatable(PodNeed::new(n.cpu_m, n.memory));
                Slot {
                    name: n.name.clone(),
                    host: n.host,
                    worker: !n.control_plane,
                    cpu_free: allocatable.cpu_m as i64 - used.cpu_m as i64,
                    mem_free: allocatable.memory as i128 - used.memory as i128,
                }
            })
            .collect();
        let index = slots
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i))
            .collect();
        NodeView {
            cluster: cluster.to_string(),
            slots,
            index,
        }
    }

    /// True when the cluster has a node of this name.
    pub fn has(&self, node: &str) -> bool {
        self.index.contains_key(node)
    }

    /// Gives back the requests of pods (a workload being re-placed).
    pub fn give(&mut self, pods: &[Pod]) {
        for pod in pods {
            if let Some(&i) = self.index.get(&pod.node) {
                self.slots[i].cpu_free += pod.cpu_m as i64;
                self.slots[i].mem_free += pod.memory as i128;
            }
        }
    }

    /// The first node whose pods request more than it holds: (name, cpu free, memory free).
    pub fn overcommitted(&self) -> Option<(&str, i64, i128)> {
        self.slots
            .iter()
            .find(|s| s.cpu_free < 0 || s.mem_free < 0)
            .map(|s| (s.name.as_str(), s.cpu_free, s.mem_free))
    }

    /// Places `count` more pods of `owner`, spread away from `existing` ones.
    pub fn place(
        &mut self,
        owner: &Address,
        count: usize,
        need: PodNeed,
        spread: Spread,
        existing: &[Pod],
    ) -> Result<Vec<Pod>, Diagnostic> {
        let workers = self.slots.iter().filter(|s| s.worker).count();
        if count > 0 && workers == 0 {
            return Err(Diagnostic::error(
                None,
                format!("{} has no worker nodes for {owner}", self.cluster),
                format!(
                    "Pods run on the nodes of node_group blocks, never on the control plane. Give {} a node_group with count of 1 or more.",
                    self.cluster
                ),
            ));
        }
        let mut per_node = vec![0u64; self.slots.len()];
        let mut per_host: HashMap<usize, u64> = HashMap::new();
        for pod in existing {
            if let Some(&i) = self.index.get(&pod.node) {
                per_node[i] += 1;
                *per_host.entry(self.slots[i].host).or_default() += 1;
            }
        }
        let mut placed = Vec::with_capacity(count);
        for replica in 0..count {
            let candidates =
                self.slots
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.worker)
                    .map(|(i, s)| Candidate {
                        index: i,
                        room: placement::Room {
                            cpu_m: s.cpu_free,
                            memory: i64::try_from(s.mem_free).unwrap_or(i64::MAX),
                        },
                        crowd: spread
                            .crowd(per_node[i], per_host.get(&s.host).copied().unwrap_or(0)),
                    });
            let Some(i) = pods::choose(candidates, need) else {
                return Err(self.no_room(
                    owner,
                    existing.len() + replica,
                    existing.len() + count,
                    need,
                    workers,
                ));
            };
            let slot = &mut self.slots[i];
            slot.cpu_free -= need.cpu_m as i64;
            slot.mem_free -= need.memory as i128;
            per_node[i] += 1;
            *per_host.entry(slot.host).or_default() += 1;
            placed.push(Pod {
                node: slot.name.clone(),
                cpu_m: need.cpu_m,
                memory: need.memory,
            });
        }
        Ok(placed)
    }

    fn no_room(
        &self,
        owner: &Address,
        placed: usize,
        total: usize,
        need: PodNeed,
        workers: usize,
    ) -> Diagnostic {
        let largest = self
            .slots
            .iter()
            .filter(|s| s.worker)
            .max_by_key(|s| (s.mem_free, s.cpu_free, Reverse(s.name.clone())))
            .map_or_else(String::new, |s| {
                format!(
                    "; the largest free is {} CPU, {} on {}",
                    cores(s.cpu_free),
                    signed_size(s.mem_free),
                    s.name
                )
            });
        Diagnostic::error(
            None,
            format!(
                "No node of {} has room for {owner} (replica {} of {total} needs {} CPU, {}{largest})",
                self.cluster,
                placed + 1,
                cores(need.cpu_m as i64),
                size(need.memory)
            ),
            format!(
                "{} has {workers} worker node(s); {placed} of the {total} replicas of {owner} fit. Add nodes to a node_group or make them larger, or lower the requests or replicas of {owner}.",
                self.cluster
            ),
        )
    }
}

/// The `placement` attribute: where each replica runs.
pub(crate) fn render_placement(pods: &[Pod]) -> Value {
    Value::Array(
        pods.iter()
            .enumerate()
            .map(|(i, p)| json!({ "replica": i, "node": p.node }))
            .collect(),
    )
}
