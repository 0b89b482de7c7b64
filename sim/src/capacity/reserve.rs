//! Node allocatable: what a Kubernetes node offers to pods after kube-reserved,
//! system-reserved and the hard eviction threshold.
//!
//! When a cluster's `reserved` block does not set them, kube-reserved CPU and memory follow
//! the tiers GKE and AKS document: CPU 6% of the first core, 1% of the next, 0.5% of the
//! next 2 and 0.25% of every core above 4; memory 25% of the first 4 GiB, 20% of the next
//! 4, 10% of the next 8, 6% of the next 112 and 2% of everything above 128 GiB. The
//! eviction threshold is 100 MiB unless set; system-reserved is nothing unless set.

use blueprint::Fields;
use serde::Serialize;

use super::inventory::{GIB, MIB, Res};

/// (tier width in cores, share reserved); the last tier is unbounded.
const CPU_TIERS: &[(f64, f64)] = &[
    (1.0, 0.06),
    (1.0, 0.01),
    (2.0, 0.005),
    (f64::INFINITY, 0.0025),
];

/// (tier width in GiB, share reserved); the last tier is unbounded.
const MEMORY_TIERS: &[(f64, f64)] = &[
    (4.0, 0.25),
    (4.0, 0.20),
    (8.0, 0.10),
    (112.0, 0.06),
    (f64::INFINITY, 0.02),
];

/// The default hard eviction threshold, `memory.available<100Mi`.
pub const DEFAULT_EVICTION: f64 = 100.0 * MIB;

fn tiered(amount: f64, tiers: &[(f64, f64)]) -> f64 {
    let mut rest = amount.max(0.0);
    let mut reserved = 0.0;
    for &(width, share) in tiers {
        let part = rest.min(width);
        reserved += part * share;
        rest -= part;
        if rest <= 0.0 {
            break;
        }
    }
    reserved
}

/// kube-reserved CPU, in cores, of a node with `cores` cores, by the GKE/AKS tiers.
pub fn tiered_cpu(cores: f64) -> f64 {
    tiered(cores, CPU_TIERS)
}

/// kube-reserved memory, in bytes, of a node with `bytes` of memory, by the GKE/AKS tiers.
pub fn tiered_memory(bytes: f64) -> f64 {
    tiered(bytes / GIB, MEMORY_TIERS) * GIB
}

/// A cluster's reservation settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reservations {
    /// kube-reserved CPU per node; tiered when `None`.
    pub kube_cpu: Option<f64>,
    /// kube-reserved memory per node; tiered when `None`.
    pub kube_memory: Option<f64>,
    /// system-reserved CPU per node.
    pub system_cpu: f64,
    /// system-reserved memory per node.
    pub system_memory: f64,
    /// Hard eviction threshold per node.
    pub eviction: f64,
}

impl Default for Reservations {
    fn default() -> Self {
        Reservations {
            kube_cpu: None,
            kube_memory: None,
            system_cpu: 0.0,
            system_memory: 0.0,
            eviction: DEFAULT_EVICTION,
        }
    }
}

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

impl Reservations {
    /// From a cluster's `reserved` block (the defaults when there is none).
    pub fn from_fields(fields: Option<&Fields>) -> Reservations {
        let d = Reservations::default();
        let Some(f) = fields else {
            return d;
        };
        Reservations {
            kube_cpu: f.num("kube_cpu"),
            kube_memory: f.size("kube_memory").map(|b| b as f64),
            system_cpu: f.num("system_cpu").unwrap_or(d.system_cpu),
            system_memory: f
                .size("system_memory")
                .map_or(d.system_memory, |b| b as f64),
            eviction: f.size("eviction").map_or(d.eviction, |b| b as f64),
        }
    }

    /// What a node of `size` (vCPUs, bytes) reserves, and its allocatable.
    pub fn reserve(&self, size: Res) -> Res {
        let kube_cpu = self.kube_cpu.unwrap_or_else(|| tiered_cpu(size.cpu));
        let kube_memory = self
            .kube_memory
            .unwrap_or_else(|| tiered_memory(size.memory));
        Res::new(
            kube_cpu + self.system_cpu,
            kube_memory + self.system_memory + self.eviction,
        )
    }

    /// What a node of `size` offers to pods.
    pub fn allocatable(&self, size: Res) -> Res {
        let r = size - self.reserve(size);
        Res::new(r.cpu.max(0.0), r.memory.max(0.0))
    }

    /// The breakdown for a node of `size`.
    pub fn node(&self, size: Res) -> NodeReserve {
        let kube_cpu = self.kube_cpu.unwrap_or_else(|| tiered_cpu(size.cpu));
        let kube_memory = self
            .kube_memory
            .unwrap_or_else(|| tiered_memory(size.memory));
        let a = self.allocatable(size);
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
