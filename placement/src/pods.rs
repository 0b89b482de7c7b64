//! The worker node for one pod, as the Kubernetes scheduler would pick it with its
//! default spreading: the rule the `sim` provider applies when it creates a service or
//! job, the simulator's topology, the capacity analysis, and the failure simulation when
//! it reschedules evicted pods.
//!
//! Among the ready worker nodes whose allocatable has room for the pod's requests, the one
//! that runs the fewest pods of the same workload on the same host (`spread = "host"`, the
//! default) or node (`"node"`) wins, then the most free memory, the most free CPU, the
//! lowest index. Spreading is a preference: with more replicas than hosts, some share.

use std::cmp::Reverse;

use crate::{Need, Room};

/// How replicas of one workload spread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spread {
    /// Preferably on different hosts.
    Host,
    /// Preferably on different nodes.
    Node,
    /// Anywhere.
    None,
}

impl Spread {
    /// From the `spread` attribute (`"host"` when unset).
    pub fn parse(value: Option<&str>) -> Spread {
        match value {
            Some("node") => Spread::Node,
            Some("none") => Spread::None,
            _ => Spread::Host,
        }
    }

    /// The crowding of a node for this spread: pods of the workload on the node itself,
    /// or on its host.
    pub fn crowd(self, on_node: u64, on_host: u64) -> u64 {
        match self {
            Spread::Host => on_host,
            Spread::Node => on_node,
            Spread::None => 0,
        }
    }
}

/// One worker node as the scheduler sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its index (the caller's).
    pub index: usize,
    /// Allocatable left.
    pub room: Room,
    /// Pods of the workload where the spread counts them ([`Spread::crowd`]).
    pub crowd: u64,
}

/// The node for a pod requesting `need` among `candidates` (ready workers only), or
/// `None` when none has room.
pub fn choose(candidates: impl IntoIterator<Item = Candidate>, need: Need) -> Option<usize> {
    let mut best: Option<(u64, Reverse<i64>, Reverse<i64>, usize)> = None;
    for c in candidates {
        if !c.room.holds(need) {
            continue;
        }
        let key = (
            c.crowd,
            Reverse(c.room.memory),
            Reverse(c.room.cpu_m),
            c.index,
        );
        if best.is_none_or(|b| key < b) {
            best = Some(key);
        }
    }
    best.map(|(_, _, _, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_crowded_node_with_room_wins() {
        let node = |index, memory, crowd| Candidate {
            index,
            room: Room {
                cpu_m: 4000,
                memory,
            },
            crowd,
        };
        let need = Need::new(500, 10);
        assert_eq!(choose([node(0, 100, 1), node(1, 50, 0)], need), Some(1));
        assert_eq!(choose([node(0, 100, 0), node(1, 50, 0)], need), Some(0));
        assert_eq!(choose([node(0, 5, 0)], need), None);
        assert_eq!(Spread::parse(None).crowd(2, 3), 3);
        assert_eq!(Spread::parse(Some("node")).crowd(2, 3), 2);
    }
}
