//! Where things run: the one set of placement rules that the `sim` provider (when it
//! creates VMs, clusters and services), the simulator's topology and the capacity analysis
//! all follow, so that the three never disagree about where a VM, a node or a pod lands.
//!
//! # API, bottom up (each a module)
//! - [`Need`] (what a VM, node or pod asks: millicores and bytes) and [`Room`] (what a host
//!   or node has left; negative when overcommitted).
//! - [`host`]: [`host::choose`] picks the host for one VM among [`host::Candidate`]s
//!   (room, anti-affinity, a preferred host, a spreading penalty, then the most free
//!   memory, the most free vCPU, the lowest index); [`host::node_penalty`] is how a
//!   cluster's nodes spread (control-plane nodes apart first).
//! - [`pods`]: [`pods::Spread`] and [`pods::choose`], the worker node for one pod (room
//!   in its allocatable, the fewest pods of the workload on the node or host, then the
//!   most free memory).
//! - [`reserve`]: node allocatable after kube-reserved, system-reserved and the eviction
//!   threshold (the GKE/AKS tiers when unset).
//! - [`ha`]: vSphere HA: the admission policy ([`ha::HaPolicy`]), dedicated failover hosts,
//!   slot sizes, restart priorities, the restart order and the room a policy keeps for
//!   restarts ([`ha::RestartRoom`]).
//! - [`demand`] and [`layout`]: a whole evaluated blueprint read into what it asks of
//!   hosts and nodes ([`Demand::from_config`]) and placed in blueprint order
//!   ([`layout::place`]) into a [`Layout`].
//!
//! The crate sits on `blueprint` only, so that `providers` (which cannot depend on the
//! simulator) and `sim` both use it. Nothing here prints.

pub mod demand;
pub mod ha;
pub mod host;
pub mod layout;
pub mod pods;
pub mod reserve;

pub use demand::Demand;
pub use layout::Layout;

/// What a VM, node or pod asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Need {
    /// CPU (vCPUs for a VM, cores for a pod), in millicores.
    pub cpu_m: u64,
    /// Memory, in bytes.
    pub memory: u64,
}

impl Need {
    /// `cpu_m` millicores and `memory` bytes.
    pub const fn new(cpu_m: u64, memory: u64) -> Need {
        Need { cpu_m, memory }
    }
}

/// What a host or node has left: capacity less what runs on it. Negative when more runs
/// than it holds (drift, or a pool shrunk by hand).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Room {
    /// CPU, in millicores.
    pub cpu_m: i64,
    /// Memory, in bytes.
    pub memory: i64,
}

impl Room {
    /// The whole of a host or node of capacity `size`.
    pub fn of(size: Need) -> Room {
        Room {
            cpu_m: i64::try_from(size.cpu_m).unwrap_or(i64::MAX),
            memory: i64::try_from(size.memory).unwrap_or(i64::MAX),
        }
    }

    /// True when `need` fits.
    pub fn holds(&self, need: Need) -> bool {
        self.cpu_m >= i64::try_from(need.cpu_m).unwrap_or(i64::MAX)
            && self.memory >= i64::try_from(need.memory).unwrap_or(i64::MAX)
    }

    /// Takes `need` away.
    pub fn take(&mut self, need: Need) {
        self.cpu_m = self.cpu_m.saturating_sub_unsigned(need.cpu_m);
        self.memory = self.memory.saturating_sub_unsigned(need.memory);
    }

    /// Gives `need` back.
    pub fn give(&mut self, need: Need) {
        self.cpu_m = self.cpu_m.saturating_add_unsigned(need.cpu_m);
        self.memory = self.memory.saturating_add_unsigned(need.memory);
    }
}
