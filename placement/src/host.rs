//! The host for one VM (a blueprint `vm` or a Kubernetes node): the rule the `sim`
//! provider applies when it creates a VM, the simulator's topology and the capacity
//! analysis when they place a blueprint, and vSphere HA restarts (see [`crate::ha`]).
//!
//! Among the hosts with room for the VM's vCPUs and memory that run no VM of its
//! anti-affinity group, the preferred host (the one a VM being resized already runs on)
//! wins when it qualifies; otherwise the least `penalty` (how a cluster's nodes spread),
//! then the most free memory, the most free vCPU, the lowest index.

use std::cmp::Reverse;

use crate::{Need, Room};

/// One host as a placement sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its index in the pool.
    pub index: usize,
    /// What it has left.
    pub room: Room,
    /// It already runs a VM of the anti-affinity group of the VM being placed.
    pub blocked: bool,
    /// How much the VM should avoid it (0 for none); see [`node_penalty`].
    pub penalty: u64,
}

/// Why no host qualified.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shortfall {
    /// The host with the most free memory (then vCPU), if the pool has any.
    pub largest: Option<usize>,
    /// Hosts with room that already run a VM of the group.
    pub blocked: Vec<usize>,
}

/// The host for a VM needing `need` among `candidates`; `prefer` wins when it qualifies.
pub fn choose(
    candidates: impl IntoIterator<Item = Candidate>,
    need: Need,
    prefer: Option<usize>,
) -> Result<usize, Shortfall> {
    let mut shortfall = Shortfall::default();
    let mut largest: Option<(i64, i64, Reverse<usize>)> = None;
    let mut best: Option<(u64, Reverse<i64>, Reverse<i64>, usize)> = None;
    for c in candidates {
        let size = (c.room.memory, c.room.cpu_m, Reverse(c.index));
        if largest.is_none_or(|l| size > l) {
            largest = Some(size);
        }
        if !c.room.holds(need) {
            continue;
        }
        if c.blocked {
            shortfall.blocked.push(c.index);
            continue;
        }
        if prefer == Some(c.index) {
            return Ok(c.index);
        }
        let key = (
            c.penalty,
            Reverse(c.room.memory),
            Reverse(c.room.cpu_m),
            c.index,
        );
        if best.is_none_or(|b| key < b) {
            best = Some(key);
        }
    }
    shortfall.largest = largest.map(|(_, _, Reverse(h))| h);
    best.map(|(_, _, _, h)| h).ok_or(shortfall)
}

/// How a cluster's node avoids a host that already runs `control_plane` control-plane
/// nodes and `nodes` nodes of the cluster: a control-plane node goes to the host with the
/// fewest control-plane nodes first (so that etcd keeps quorum when a host fails), then the
/// fewest nodes; a worker to the host with the fewest nodes.
pub fn node_penalty(is_control_plane: bool, control_plane: u64, nodes: u64) -> u64 {
    if is_control_plane {
        (control_plane.min(u64::from(u32::MAX)) << 32) | nodes.min(u64::from(u32::MAX))
    } else {
        nodes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(index: usize, cpu_m: i64, memory: i64) -> Candidate {
        Candidate {
            index,
            room: Room { cpu_m, memory },
            blocked: false,
            penalty: 0,
        }
    }

    #[test]
    fn the_most_free_memory_wins_then_cpu_then_the_lowest_index() {
        let need = Need::new(1000, 10);
        let hosts = [host(0, 4000, 50), host(1, 4000, 80), host(2, 8000, 80)];
        assert_eq!(choose(hosts, need, None), Ok(2));
        let ties = [host(0, 4000, 80), host(1, 4000, 80)];
        assert_eq!(choose(ties, need, None), Ok(0));
    }

    #[test]
    fn penalties_come_first_and_a_preferred_host_wins_when_it_qualifies() {
        let need = Need::new(1000, 10);
        let mut hosts = [host(0, 4000, 50), host(1, 4000, 80)];
        hosts[1].penalty = 1;
        assert_eq!(choose(hosts, need, None), Ok(0));
        assert_eq!(choose(hosts, need, Some(1)), Ok(1));
        assert_eq!(choose(hosts, Need::new(5000, 1), Some(1)).ok(), None);
    }

    #[test]
    fn a_shortfall_names_the_largest_host_and_the_blocked_ones() {
        let mut hosts = [host(0, 4000, 50), host(1, 4000, 80)];
        hosts[1].blocked = true;
        let s = choose(hosts, Need::new(1000, 60), None).unwrap_err();
        assert_eq!(
            s,
            Shortfall {
                largest: Some(1),
                blocked: vec![1]
            }
        );
    }

    #[test]
    fn control_plane_nodes_spread_before_workers() {
        assert!(node_penalty(true, 0, 5) < node_penalty(true, 1, 0));
        assert_eq!(node_penalty(false, 3, 2), 2);
    }
}
