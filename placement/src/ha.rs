//! vSphere HA: admission control and restarts, as the capacity analysis and the failure
//! simulation both apply them.
//!
//! A pool's `ha` block sets the admission policy ([`HaPolicy`]; none when the block is
//! absent). Admission control keeps room for restarts, and a restart uses only that room
//! ([`RestartRoom`]):
//! - **percentage**: `reserve` of the pool's CPU and memory; the VMs restarted away from
//!   their host may together use at most that much;
//! - **slots**: a slot is the largest vCPU by the largest memory of the pool's VMs; a host
//!   holds `min(⌊vCPU / slot vCPU⌋, ⌊memory / slot memory⌋)` slots ([`host_slots`]) and
//!   every VM on it takes one, so a VM restarts only on a host with a slot free;
//! - **failover_hosts**: the last `failover_hosts` hosts stay empty (nothing is placed
//!   there) and VMs restart there first; when the failover hosts have failed too or lack
//!   room, on the other hosts (vSphere Availability guide, "Dedicated Failover Hosts
//!   Admission Control");
//! - **disabled**: nothing is kept; HA restarts a VM wherever there happens to be room.
//!
//! VMs restart in order of their `ha { restart_priority }` (`highest` first; `disabled`
//! never restarts), then the largest first (memory, then vCPU), then in blueprint order
//! ([`restart_order`]), each on the host [`restart_host`] picks: physical room, no VM of
//! its anti-affinity group, the policy's room, then the most free memory (the rule of
//! [`crate::host`]).

use blueprint::Fields;

use crate::host::{self, Candidate};
use crate::{Need, Room};

/// Tolerance when comparing ratios.
const EPSILON: f64 = 1e-9;

/// vSphere HA admission control of a pool.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HaPolicy {
    /// A share of CPU and memory reserved for failover.
    Percentage {
        /// The share, 0 to 1.
        reserve: f64,
    },
    /// Enough slots kept free to restart every VM after this many host failures.
    Slots {
        /// Host failures to tolerate.
        host_failures: u32,
    },
    /// Hosts kept empty for failover.
    FailoverHosts {
        /// How many.
        hosts: u32,
    },
    /// Nothing reserved (HA still restarts VMs where there is room).
    Disabled,
}

impl HaPolicy {
    /// From a pool's `ha` block; `Disabled` without one.
    pub fn from_fields(ha: Option<&Fields>) -> HaPolicy {
        let Some(ha) = ha else {
            return HaPolicy::Disabled;
        };
        let int = |name: &str, default: i64| ha.int(name).unwrap_or(default).max(0) as u32;
        match ha.str("admission").unwrap_or("percentage") {
            "slots" => HaPolicy::Slots {
                host_failures: int("host_failures", 1),
            },
            "failover_hosts" => HaPolicy::FailoverHosts {
                hosts: int("failover_hosts", 1),
            },
            "disabled" => HaPolicy::Disabled,
            _ => HaPolicy::Percentage {
                reserve: ha.num("reserve").unwrap_or(0.25).clamp(0.0, 1.0),
            },
        }
    }

    /// The policy's name in the blueprint.
    pub fn name(self) -> &'static str {
        match self {
            HaPolicy::Percentage { .. } => "percentage",
            HaPolicy::Slots { .. } => "slots",
            HaPolicy::FailoverHosts { .. } => "failover_hosts",
            HaPolicy::Disabled => "disabled",
        }
    }

    /// Host failures the policy is configured for, in a pool of `hosts` hosts.
    pub fn configured_failures(self, hosts: usize) -> u32 {
        match self {
            HaPolicy::Percentage { reserve } => (reserve * hosts as f64 + EPSILON).floor() as u32,
            HaPolicy::Slots { host_failures } => host_failures,
            HaPolicy::FailoverHosts { hosts } => hosts,
            HaPolicy::Disabled => 0,
        }
    }

    /// The share of a pool of `hosts` hosts that VMs may use under the policy.
    pub fn usable_share(self, hosts: usize) -> f64 {
        let n = hosts.max(1) as f64;
        match self {
            HaPolicy::Percentage { reserve } => (1.0 - reserve).max(0.0),
            HaPolicy::Slots { host_failures } => ((n - f64::from(host_failures)) / n).max(0.0),
            HaPolicy::FailoverHosts { hosts } => ((n - f64::from(hosts)) / n).max(0.0),
            HaPolicy::Disabled => 1.0,
        }
    }

    /// Hosts a design needs when its guests fill `bins` hosts, with the policy's reserve.
    pub fn hosts_for(self, bins: usize) -> usize {
        match self {
            HaPolicy::Percentage { reserve } if reserve < 1.0 => {
                ((bins as f64 / (1.0 - reserve)) - EPSILON)
                    .ceil()
                    .max(bins as f64) as usize
            }
            HaPolicy::Percentage { .. } | HaPolicy::Disabled => bins,
            HaPolicy::Slots { host_failures } => bins + host_failures as usize,
            HaPolicy::FailoverHosts { hosts } => bins + hosts as usize,
        }
    }

    /// True for a host kept empty by the `failover_hosts` policy: the last ones of a pool
    /// of `hosts`, as long as some host is left for VMs.
    pub fn is_failover_host(self, hosts: usize, host: usize) -> bool {
        match self {
            HaPolicy::FailoverHosts { hosts: f } => {
                let f = f as usize;
                f < hosts && host >= hosts - f
            }
            _ => false,
        }
    }
}

/// A VM's `ha { restart_priority }`, vSphere's VM restart priority.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Never restarted by HA.
    Disabled,
    /// Restarted last.
    Lowest,
    /// After medium.
    Low,
    /// The default.
    #[default]
    Medium,
    /// Before medium.
    High,
    /// Restarted first.
    Highest,
}

impl Priority {
    /// Every value's name, from the first restarted.
    pub const NAMES: &'static [&'static str] =
        &["highest", "high", "medium", "low", "lowest", "disabled"];

    /// From the attribute (`medium` when unset or unknown).
    pub fn parse(value: Option<&str>) -> Priority {
        match value {
            Some("highest") => Priority::Highest,
            Some("high") => Priority::High,
            Some("low") => Priority::Low,
            Some("lowest") => Priority::Lowest,
            Some("disabled") => Priority::Disabled,
            _ => Priority::Medium,
        }
    }

    /// From a VM's fields (its `ha` block).
    pub fn from_fields(vm: &Fields) -> Priority {
        Priority::parse(
            vm.block("ha")
                .and_then(|b| b.fields.str("restart_priority")),
        )
    }
}

/// Slots a host of `host` (CPU, memory) holds for slots of `slot`, with `vms` VMs in the
/// pool (a slot of zero size fits every VM): `min(⌊cpu / slot cpu⌋, ⌊memory / slot
/// memory⌋)`. Any unit works, the same for both.
pub fn host_slots(host: (f64, f64), slot: (f64, f64), vms: usize) -> u64 {
    let fit = |have: f64, size: f64| -> Option<u64> {
        (size > 0.0).then(|| (have / size + EPSILON).floor().max(0.0) as u64)
    };
    match (fit(host.0, slot.0), fit(host.1, slot.1)) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => vms as u64,
    }
}

/// The slot size of VMs: the largest CPU by the largest memory.
pub fn slot_size(vms: impl IntoIterator<Item = (f64, f64)>) -> (f64, f64) {
    vms.into_iter()
        .fold((0.0, 0.0), |s, v| (s.0.max(v.0), s.1.max(v.1)))
}

/// Sorts VMs into restart order: priority (`highest` first), then the largest memory, the
/// largest vCPU, the lowest index. `of(vm)` gives a VM's priority and size.
pub fn restart_order(vms: &mut [usize], of: impl Fn(usize) -> (Priority, Need)) {
    vms.sort_by(|&a, &b| {
        let ((pa, na), (pb, nb)) = (of(a), of(b));
        pb.cmp(&pa)
            .then(nb.memory.cmp(&na.memory))
            .then(nb.cpu_m.cmp(&na.cpu_m))
            .then(a.cmp(&b))
    });
}

/// The room a pool's policy keeps for restarts, and what restarts use of it.
#[derive(Clone, Debug, PartialEq)]
pub struct RestartRoom {
    policy: HaPolicy,
    hosts: usize,
    /// Slots of each host (slots policy).
    slots: Vec<u64>,
    /// The reserve (percentage policy).
    budget: Room,
    /// What VMs restarted away from their host use of the reserve.
    used: Room,
}

impl RestartRoom {
    /// The room of a pool of hosts of `sizes` (after overcommit) under `policy`, whose VMs
    /// (node VMs included) are `vms`.
    pub fn new(policy: HaPolicy, sizes: &[Need], vms: &[Need]) -> RestartRoom {
        let slot = slot_size(vms.iter().map(|v| (v.cpu_m as f64, v.memory as f64)));
        let slots = match policy {
            HaPolicy::Slots { .. } => sizes
                .iter()
                .map(|h| host_slots((h.cpu_m as f64, h.memory as f64), slot, vms.len()))
                .collect(),
            _ => Vec::new(),
        };
        let budget = match policy {
            HaPolicy::Percentage { reserve } => {
                let total = sizes.iter().fold((0.0, 0.0), |t, h| {
                    (t.0 + h.cpu_m as f64, t.1 + h.memory as f64)
                });
                Room {
                    cpu_m: (total.0 * reserve + EPSILON).floor() as i64,
                    memory: (total.1 * reserve + EPSILON).floor() as i64,
                }
            }
            _ => Room::default(),
        };
        RestartRoom {
            policy,
            hosts: sizes.len(),
            slots,
            budget,
            used: Room::default(),
        }
    }

    /// The policy.
    pub fn policy(&self) -> HaPolicy {
        self.policy
    }

    /// Slots of host `h` (slots policy; `None` under the others).
    pub fn slots(&self, h: usize) -> Option<u64> {
        self.slots.get(h).copied()
    }

    /// Whether the policy lets a VM of `need` restart on host `h`, which runs `guests`
    /// VMs now (every host under `failover_hosts`, which only orders them: see
    /// [`restart_host`]).
    pub fn admits(&self, h: usize, guests: u64, need: Need) -> bool {
        match self.policy {
            HaPolicy::Percentage { .. } => {
                let mut after = self.used;
                after.give(need);
                after.cpu_m <= self.budget.cpu_m && after.memory <= self.budget.memory
            }
            HaPolicy::Slots { .. } => self.slots.get(h).is_some_and(|&s| guests < s),
            HaPolicy::FailoverHosts { .. } | HaPolicy::Disabled => true,
        }
    }

    /// A VM of `need` restarted away from its host.
    pub fn take(&mut self, need: Need) {
        self.used.give(need);
    }

    /// A VM of `need` that had restarted away from its host is back on it.
    pub fn give(&mut self, need: Need) {
        self.used.take(need);
    }
}

/// One surviving host for a restart: the candidate for [`crate::host::choose`] and the VMs
/// that run on it now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestartCandidate {
    /// The host as placement sees it (its room, and whether the VM's anti-affinity group
    /// blocks it).
    pub host: Candidate,
    /// VMs running on it now (for slots).
    pub guests: u64,
}

/// The host a VM of `need` restarts on among the surviving `candidates`, within the
/// policy's `room` (under `failover_hosts`, a failover host when one has room, else any
/// host); `None` when no host qualifies (the VM waits for a host to return).
pub fn restart_host(
    candidates: impl IntoIterator<Item = RestartCandidate>,
    need: Need,
    room: &RestartRoom,
) -> Option<usize> {
    let allowed: Vec<Candidate> = candidates
        .into_iter()
        .filter(|c| room.admits(c.host.index, c.guests, need))
        .map(|c| c.host)
        .collect();
    let failover = allowed
        .iter()
        .filter(|c| room.policy.is_failover_host(room.hosts, c.index))
        .copied();
    host::choose(failover, need, None)
        .or_else(|_| host::choose(allowed.iter().copied(), need, None))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(index: usize, free_gib: i64, guests: u64) -> RestartCandidate {
        RestartCandidate {
            host: Candidate {
                index,
                room: Room {
                    cpu_m: 64_000,
                    memory: free_gib << 30,
                },
                blocked: false,
                penalty: 0,
            },
            guests,
        }
    }

    #[test]
    fn vmware_slots_example() {
        // VMware's example: hosts of 9 GHz/9 GB, 9/6 and 6/6, a 2 GHz/2 GB slot.
        let slot = slot_size([(2.0, 1.0), (2.0, 1.0), (1.0, 2.0), (1.0, 1.0), (1.0, 1.0)]);
        assert_eq!(slot, (2.0, 2.0));
        let slots: Vec<u64> = [(9.0, 9.0), (9.0, 6.0), (6.0, 6.0)]
            .into_iter()
            .map(|h| host_slots(h, slot, 5))
            .collect();
        assert_eq!(slots, vec![4, 3, 3]);
    }

    #[test]
    fn a_slot_policy_refuses_a_full_host_though_it_has_room() {
        let sizes = [Need::new(16_000, 64 << 30); 2];
        let vms = [Need::new(8000, 32 << 30), Need::new(1000, 1 << 30)];
        let room = RestartRoom::new(HaPolicy::Slots { host_failures: 1 }, &sizes, &vms);
        assert_eq!(room.slots(0), Some(2));
        let need = Need::new(8000, 32 << 30);
        assert_eq!(restart_host([candidate(1, 62, 2)], need, &room), None);
        assert_eq!(restart_host([candidate(1, 62, 1)], need, &room), Some(1));
    }

    #[test]
    fn a_percentage_policy_restarts_within_its_reserve() {
        let sizes = [Need::new(16_000, 64 << 30); 4];
        let mut room = RestartRoom::new(HaPolicy::Percentage { reserve: 0.25 }, &sizes, &[]);
        let need = Need::new(8000, 40 << 30);
        assert!(room.admits(0, 0, need));
        room.take(need);
        assert!(
            !room.admits(0, 0, need),
            "80 GiB is over the 64 GiB reserve"
        );
        room.give(need);
        assert!(room.admits(0, 0, need));
    }

    #[test]
    fn failover_hosts_stay_empty_and_take_the_restarts() {
        let policy = HaPolicy::FailoverHosts { hosts: 1 };
        assert!(policy.is_failover_host(4, 3) && !policy.is_failover_host(4, 2));
        let room = RestartRoom::new(policy, &[Need::new(8000, 32 << 30); 4], &[]);
        let need = Need::new(1000, 1 << 30);
        let hosts = [candidate(1, 60, 0), candidate(3, 10, 0)];
        assert_eq!(restart_host(hosts, need, &room), Some(3));
        // A VM the failover host cannot hold restarts on another host.
        let large = Need::new(1000, 20 << 30);
        assert_eq!(restart_host(hosts, large, &room), Some(1));
    }

    #[test]
    fn restart_order_is_priority_then_size() {
        let of = |v: usize| match v {
            0 => (Priority::Medium, Need::new(1000, 1)),
            1 => (Priority::High, Need::new(1000, 1)),
            2 => (Priority::Medium, Need::new(1000, 9)),
            _ => (Priority::Disabled, Need::new(1000, 99)),
        };
        let mut vms = vec![0, 1, 2, 3];
        restart_order(&mut vms, of);
        assert_eq!(vms, vec![1, 2, 0, 3]);
        assert_eq!(Priority::parse(Some("high")), Priority::High);
        assert_eq!(Priority::parse(None), Priority::Medium);
    }
}
