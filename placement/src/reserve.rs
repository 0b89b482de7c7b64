//! Node allocatable: what a Kubernetes node offers to pods after kube-reserved,
//! system-reserved and the hard eviction threshold, as the kubelet computes it.
//!
//! When a cluster's `reserved` block does not set them, kube-reserved CPU and memory follow
//! the tiers GKE and AKS document: CPU 6% of the first core, 1% of the next, 0.5% of the
//! next 2 and 0.25% of every core above 4; memory 25% of the first 4 GiB, 20% of the next
//! 4, 10% of the next 8, 6% of the next 112 and 2% of everything above 128 GiB. The
//! eviction threshold is 100 MiB unless set; system-reserved is nothing unless set.
//! Placement uses [`Reservations::allocatable`], in whole millicores and bytes (rounded
//! down); capacity figures use the exact [`Reservations::reserve_of`].

use blueprint::Fields;

use crate::Need;

const GIB: f64 = (1u64 << 30) as f64;

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

/// The default hard eviction threshold, `memory.available<100Mi`, in bytes.
pub const DEFAULT_EVICTION: f64 = 100.0 * 1024.0 * 1024.0;

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

/// A cluster's reservation settings (its `reserved` block).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reservations {
    /// kube-reserved CPU per node, in cores; tiered when `None`.
    pub kube_cpu: Option<f64>,
    /// kube-reserved memory per node, in bytes; tiered when `None`.
    pub kube_memory: Option<f64>,
    /// system-reserved CPU per node, in cores.
    pub system_cpu: f64,
    /// system-reserved memory per node, in bytes.
    pub system_memory: f64,
    /// Hard eviction threshold per node, in bytes.
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

    /// kube-reserved (CPU in cores, memory in bytes) of a node of `cores` and `bytes`.
    pub fn kube_of(&self, cores: f64, bytes: f64) -> (f64, f64) {
        (
            self.kube_cpu.unwrap_or_else(|| tiered_cpu(cores)),
            self.kube_memory.unwrap_or_else(|| tiered_memory(bytes)),
        )
    }

    /// Everything a node of `cores` and `bytes` keeps back from pods: (cores, bytes).
    pub fn reserve_of(&self, cores: f64, bytes: f64) -> (f64, f64) {
        let (kube_cpu, kube_memory) = self.kube_of(cores, bytes);
        (
            kube_cpu + self.system_cpu,
            kube_memory + self.system_memory + self.eviction,
        )
    }

    /// What a node of `size` offers to pods, rounded down to whole millicores and bytes.
    pub fn allocatable(&self, size: Need) -> Need {
        let cores = size.cpu_m as f64 / 1000.0;
        let bytes = size.memory as f64;
        let (cpu, memory) = self.reserve_of(cores, bytes);
        Need {
            cpu_m: ((cores - cpu) * 1000.0 + 1e-6).floor().max(0.0) as u64,
            memory: (bytes - memory).floor().max(0.0) as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sixteen_core_sixty_four_gib_node_keeps_the_documented_share() {
        // 0.06 + 0.01 + 2 × 0.005 + 12 × 0.0025 = 0.11 cores;
        // 1 + 0.8 + 0.8 + 48 × 0.06 = 5.48 GiB, plus 100 MiB eviction.
        let r = Reservations::default();
        let a = r.allocatable(Need::new(16_000, 64 << 30));
        assert_eq!(a.cpu_m, 15_890);
        let expected = 64.0 * GIB - 5.48 * GIB - DEFAULT_EVICTION;
        assert!((a.memory as f64 - expected).abs() < 2.0);
    }

    #[test]
    fn set_reservations_replace_the_tiers() {
        let r = Reservations {
            kube_cpu: Some(0.5),
            kube_memory: Some(GIB),
            system_cpu: 0.25,
            system_memory: GIB,
            eviction: 0.0,
        };
        assert_eq!(
            r.allocatable(Need::new(4000, 8 << 30)),
            Need::new(3250, 6 << 30)
        );
    }
}
