//! Node allocatable in capacity figures: the kubelet's reservations (the one rule lives in
//! `placement::reserve`, where placement uses it in whole millicores and bytes) applied to
//! node sizes as capacity planning counts them (cores and bytes as `f64`), and the
//! breakdown `strata capacity` shows per node group.

use serde::Serialize;

pub use placement::reserve::{DEFAULT_EVICTION, Reservations, tiered_cpu, tiered_memory};

use super::inventory::Res;

/// What one node keeps back and what it offers to pods.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct NodeReserve {
    /// kube-reserved CPU, in cores.
    pub kube_cpu: f64,
    /// kube-reserved memory, in bytes.
    pub kube_memory: u64,
    /// system-reserved CPU, in cores.
    pub system_cpu: f64,
    /// system-reserved memory, in bytes.
    pub system_memory: u64,
    /// Hard eviction threshold, in bytes.
    pub eviction: u64,
    /// CPU left for pods, in cores.
    pub allocatable_cpu: f64,
    /// Memory left for pods, in bytes.
    pub allocatable_memory: u64,
}

/// A node size's reservations and allocatable, in capacity figures.
pub trait Allocatable {
    /// What a node of `size` offers to pods.
    fn allocatable_res(&self, size: Res) -> Res;
    /// The breakdown for a node of `size`.
    fn node(&self, size: Res) -> NodeReserve;
}

impl Allocatable for Reservations {
    fn allocatable_res(&self, size: Res) -> Res {
        let (cpu, memory) = self.reserve_of(size.cpu, size.memory);
        Res::new((size.cpu - cpu).max(0.0), (size.memory - memory).max(0.0))
    }

    fn node(&self, size: Res) -> NodeReserve {
        let (kube_cpu, kube_memory) = self.kube_of(size.cpu, size.memory);
        let a = self.allocatable_res(size);
        NodeReserve {
            kube_cpu: super::round(kube_cpu, 4),
            kube_memory: kube_memory.round() as u64,
            system_cpu: super::round(self.system_cpu, 4),
            system_memory: self.system_memory.round() as u64,
            eviction: self.eviction.round() as u64,
            allocatable_cpu: super::round(a.cpu, 4),
            allocatable_memory: a.memory.round() as u64,
        }
    }
}
