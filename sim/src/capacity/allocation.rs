//! Allocation against capacity: per host pool (vCPUs against cores × overcommit, memory,
//! local disk), per Kubernetes cluster (pod requests against the allocatable of its
//! worker nodes) and per storage system (volume claims against usable capacity), with the
//! headroom in figures and percent.

use serde::Serialize;

use super::ha::{Admission, admission};
use super::inventory::{Inventory, Res, Role, WorkloadKind};
use super::place::Placement;
use super::reserve::Allocatable;
use super::reserve::NodeReserve;
use super::{Amount, round};

/// CPU against capacity, in vCPUs (pools) or cores (clusters).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Cpu {
    /// What exists.
    pub capacity: f64,
    /// What is allocated or requested.
    pub used: f64,
    /// `capacity − used` (negative when over).
    pub headroom: f64,
    /// Headroom in percent of capacity.
    pub headroom_percent: f64,
}

impl Cpu {
    /// The figures for `used` of `capacity`.
    pub fn new(capacity: f64, used: f64) -> Cpu {
        Cpu {
            capacity: round(capacity, 3),
            used: round(used, 3),
            headroom: round(capacity - used, 3),
            headroom_percent: percent(capacity - used, capacity),
        }
    }
}

/// Bytes against capacity.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bytes {
    /// What exists.
    pub capacity: u64,
    /// What is allocated, requested or claimed.
    pub used: u64,
    /// `capacity − used` (negative when over).
    pub headroom: i64,
    /// Headroom in percent of capacity.
    pub headroom_percent: f64,
}

impl Bytes {
    /// The figures for `used` of `capacity`.
    pub fn new(capacity: f64, used: f64) -> Bytes {
        Bytes {
            capacity: capacity.round() as u64,
            used: used.round() as u64,
            headroom: (capacity - used).round() as i64,
            headroom_percent: percent(capacity - used, capacity),
        }
    }
}

/// `part / whole` in percent, two decimals; 0 when there is no whole.
pub fn percent(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        round(part / whole * 100.0, 2)
    } else {
        0.0
    }
}

/// The size of one host.
#[derive(Clone, Debug, Serialize)]
pub struct HostSize {
    /// Physical cores.
    pub cores: f64,
    /// vCPUs it offers (cores × overcommit).
    pub vcpu: f64,
    /// Memory, in bytes.
    pub memory: u64,
    /// Memory it offers, overcommit included.
    pub memory_offered: u64,
    /// Clock per core.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ghz: Option<f64>,
    /// Local disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk: Option<u64>,
}

/// One host and what runs on it.
#[derive(Clone, Debug, Serialize)]
pub struct HostUse {
    /// `host_pool.prod/host-3`.
    pub host: String,
    /// Its rack.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rack: Option<String>,
    /// VMs and nodes on it.
    pub guests: usize,
    /// vCPUs allocated.
    pub vcpu: f64,
    /// Memory allocated.
    pub memory: u64,
}

/// A host pool's allocation.
#[derive(Clone, Debug, Serialize)]
pub struct PoolCapacity {
    /// Its address.
    pub pool: String,
    /// Its site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Hosts.
    pub hosts: usize,
    /// One host.
    pub host: HostSize,
    /// `vm` blocks placed on it.
    pub vms: usize,
    /// Kubernetes nodes placed on it.
    pub nodes: usize,
    /// vCPUs allocated against cores × overcommit.
    pub cpu: Cpu,
    /// Memory allocated against memory × overcommit.
    pub memory: Bytes,
    /// VM disks against local disks, when hosts have disks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk: Option<Bytes>,
    /// What VMs may use once HA admission control has reserved its share (vCPU, bytes).
    pub usable: Amount,
    /// VMs and nodes that fit on no host.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_placed: Vec<String>,
    /// HA admission control.
    pub ha: Admission,
    /// Where the host figures and HA settings come from when a provider read them
    /// (`vSphere cluster "DC0_C0"`); absent when they are the blueprint's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures_from: Option<String>,
    /// Cost of all hosts per year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_per_year: Option<f64>,
    /// Each host.
    pub per_host: Vec<HostUse>,
}

/// Allocation of every host pool.
pub fn pools(inv: &Inventory, base: &Placement) -> Vec<PoolCapacity> {
    (0..inv.pools.len())
        .map(|p| {
            let pool = &inv.pools[p];
            let guests: Vec<usize> = (0..inv.guests.len())
                .filter(|&g| inv.guests[g].pool == p)
                .collect();
            let asked = guests
                .iter()
                .fold(Res::default(), |a, &g| a + inv.guests[g].need);
            let disk: f64 = guests.iter().map(|&g| inv.guests[g].disk).sum();
            let total = pool.total();
            let share = pool.ha.usable_share(pool.hosts);
            let used = base.host_used(inv, p);
            let per_host = (0..pool.hosts)
                .map(|h| HostUse {
                    host: pool.host_name(h),
                    rack: pool.rack(h).map(str::to_string),
                    guests: guests.iter().filter(|&&g| base.host[g] == Some(h)).count(),
                    vcpu: round(used[h].cpu, 3),
                    memory: used[h].memory.round() as u64,
                })
                .collect();
            PoolCapacity {
                pool: pool.address.clone(),
                site: pool.site.clone(),
                hosts: pool.hosts,
                host: HostSize {
                    cores: pool.cores,
                    vcpu: round(pool.per_host().cpu, 3),
                    memory: pool.memory.round() as u64,
                    memory_offered: pool.per_host().memory.round() as u64,
                    ghz: pool.ghz,
                    disk: pool.disk.map(|d| d.round() as u64),
                },
                vms: guests
                    .iter()
                    .filter(|&&g| inv.guests[g].role == Role::Vm)
                    .count(),
                nodes: guests
                    .iter()
                    .filter(|&&g| inv.guests[g].role != Role::Vm)
                    .count(),
                cpu: Cpu::new(total.cpu, asked.cpu),
                memory: Bytes::new(total.memory, asked.memory),
                disk: pool.disk.map(|d| Bytes::new(d * pool.hosts as f64, disk)),
                usable: Amount::of(total.times(share)),
                not_placed: guests
                    .iter()
                    .filter(|&&g| base.host[g].is_none())
                    .map(|&g| inv.guests[g].name.clone())
                    .collect(),
                ha: admission(inv, base, p),
                figures_from: None,
                cost_per_year: pool.cost.map(|c| round(c * pool.hosts as f64, 2)),
                per_host,
            }
        })
        .collect()
}

/// A node group and what one of its nodes offers to pods.
#[derive(Clone, Debug, Serialize)]
pub struct GroupCapacity {
    /// Its label.
    pub name: String,
    /// Nodes.
    pub count: usize,
    /// vCPUs per node.
    pub vcpu: f64,
    /// Memory per node.
    pub memory: u64,
    /// Reservations and allocatable of one node.
    pub node: NodeReserve,
}

/// One workload's requests on a cluster.
#[derive(Clone, Debug, Serialize)]
pub struct WorkloadRequests {
    /// Its address.
    pub workload: String,
    /// `service`, `job` or `environment`.
    pub kind: WorkloadKind,
    /// Pods.
    pub replicas: usize,
    /// CPU request per pod.
    pub cpu: f64,
    /// Memory request per pod.
    pub memory: u64,
    /// Pods that found a node.
    pub scheduled: usize,
}

/// A cluster's requests against its allocatable.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterCapacity {
    /// Its address.
    pub cluster: String,
    /// Its pool.
    pub pool: String,
    /// What it is for.
    pub purpose: String,
    /// Control-plane nodes (no pods run there).
    pub control_plane: usize,
    /// Worker nodes.
    pub workers: usize,
    /// Node groups.
    pub node_groups: Vec<GroupCapacity>,
    /// CPU requests against allocatable CPU, in cores.
    pub cpu: Cpu,
    /// Memory requests against allocatable memory.
    pub memory: Bytes,
    /// Reserved on the workers (kube-reserved, system-reserved, eviction), in cores and bytes.
    pub reserved: Amount,
    /// Pods of every workload.
    pub pods: usize,
    /// Each workload's requests.
    pub workloads: Vec<WorkloadRequests>,
    /// Workloads with pods that fit on no node: (workload, pods).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_scheduled: Vec<(String, usize)>,
}

/// Requests against allocatable of every cluster.
pub fn clusters(inv: &Inventory, base: &Placement) -> Vec<ClusterCapacity> {
    inv.clusters
        .iter()
        .enumerate()
        .map(|(c, cluster)| {
            let mut size = Res::default();
            let mut allocatable = Res::default();
            for g in &cluster.groups {
                size += g.size.times(g.count as f64);
                allocatable += cluster
                    .reserved
                    .allocatable_res(g.size)
                    .times(g.count as f64);
            }
            let mut requested = Res::default();
            let mut workloads = Vec::new();
            let mut not_scheduled = Vec::new();
            let mut pods = 0;
            for (w, workload) in inv.workloads.iter().enumerate() {
                if workload.cluster != c {
                    continue;
                }
                requested += workload.request.times(workload.replicas as f64);
                pods += workload.replicas;
                let scheduled = base.running(w);
                if scheduled < workload.replicas {
                    not_scheduled.push((workload.address.clone(), workload.replicas - scheduled));
                }
                workloads.push(WorkloadRequests {
                    workload: workload.address.clone(),
                    kind: workload.kind,
                    replicas: workload.replicas,
                    cpu: round(workload.request.cpu, 3),
                    memory: workload.request.memory.round() as u64,
                    scheduled,
                });
            }
            let reserved = size - allocatable;
            ClusterCapacity {
                cluster: cluster.address.clone(),
                pool: inv.pools[cluster.pool].address.clone(),
                purpose: cluster.purpose.clone(),
                control_plane: cluster.control_plane,
                workers: cluster.groups.iter().map(|g| g.count).sum(),
                node_groups: cluster
                    .groups
                    .iter()
                    .map(|g| GroupCapacity {
                        name: g.name.clone(),
                        count: g.count,
                        vcpu: g.size.cpu,
                        memory: g.size.memory.round() as u64,
                        node: cluster.reserved.node(g.size),
                    })
                    .collect(),
                cpu: Cpu::new(allocatable.cpu, requested.cpu),
                memory: Bytes::new(allocatable.memory, requested.memory),
                reserved: Amount::of(reserved),
                pods,
                workloads,
                not_scheduled,
            }
        })
        .collect()
}

/// One workload's claim on a storage system.
#[derive(Clone, Debug, Serialize)]
pub struct Claim {
    /// The workload.
    pub workload: String,
    /// Volume size × replicas, in bytes.
    pub bytes: u64,
}

/// A storage system's claims against its capacity.
#[derive(Clone, Debug, Serialize)]
pub struct StorageCapacity {
    /// Its address.
    pub storage: String,
    /// `ceph`, `nfs` or `local`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Usable capacity against the volumes claimed.
    pub space: Bytes,
    /// Raw capacity (usable × Ceph replicas).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<u64>,
    /// The host pool that carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    /// The claims.
    pub claims: Vec<Claim>,
    /// Cost of its capacity per year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_per_year: Option<f64>,
}

/// The storage a workload's volume is on: its own, or its cluster's.
pub fn volume_storage(inv: &Inventory, w: usize) -> Option<(f64, String)> {
    let workload = &inv.workloads[w];
    let (size, storage) = workload.volume.as_ref()?;
    let storage = storage
        .clone()
        .or_else(|| inv.clusters[workload.cluster].storage.clone())?;
    Some((*size * workload.replicas as f64, storage))
}

/// Claims against capacity of every storage system.
pub fn storage(inv: &Inventory) -> Vec<StorageCapacity> {
    inv.storage
        .iter()
        .map(|s| {
            let claims: Vec<Claim> = (0..inv.workloads.len())
                .filter_map(|w| {
                    let (bytes, on) = volume_storage(inv, w)?;
                    (on == s.address).then(|| Claim {
                        workload: inv.workloads[w].address.clone(),
                        bytes: bytes.round() as u64,
                    })
                })
                .collect();
            let claimed: f64 = claims.iter().map(|c| c.bytes as f64).sum();
            StorageCapacity {
                storage: s.address.clone(),
                kind: s.kind.clone(),
                space: Bytes::new(s.capacity, claimed),
                raw: s
                    .replicas
                    .filter(|_| s.kind == "ceph")
                    .map(|r| (s.capacity * f64::from(r)).round() as u64),
                pool: s.pool.map(|p| inv.pools[p].address.clone()),
                claims,
                cost_per_year: s
                    .cost_per_tib
                    .map(|c| round(c * s.capacity / (1u64 << 40) as f64, 2)),
            }
        })
        .collect()
}
