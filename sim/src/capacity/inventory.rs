//! What capacity planning reads from a blueprint: host pools and their hosts, the VMs and
//! Kubernetes nodes asked of them, clusters, workloads (services, jobs and the clones of
//! environments) with their requests, storage, and the growth of scenarios.
//!
//! [`Inventory::from_config`] builds it once from an evaluated [`Config`](blueprint::Config), filling in what
//! the blueprint leaves unset (an absent `ha` block reserves nothing, an absent `reserved`
//! block uses the tiered reservations); every other part of the capacity module works on it.

mod read;
mod res;

use super::growth::Growth;
use placement::reserve::Reservations;
pub use res::Res;

/// Bytes in a GiB.
pub const GIB: f64 = (1u64 << 30) as f64;
/// Bytes in a MiB.
pub const MIB: f64 = (1u64 << 20) as f64;
/// Days in a month, as the capacity module counts them (a year of 365 days, the `y` unit).
pub const DAYS_PER_MONTH: f64 = 365.0 / 12.0;
/// Milliseconds in a month.
pub const MS_PER_MONTH: f64 = DAYS_PER_MONTH * 86_400_000.0;

pub use placement::ha::HaPolicy;

/// A host pool: `hosts` identical hosts.
#[derive(Clone, Debug)]
pub struct Pool {
    /// Its address, such as `host_pool.dc1_compute`.
    pub address: String,
    /// The site its hosts stand in.
    pub site: Option<String>,
    /// The racks its hosts are spread over, round-robin.
    pub racks: Vec<String>,
    /// Number of hosts.
    pub hosts: usize,
    /// Physical cores per host.
    pub cores: f64,
    /// Memory per host, in bytes.
    pub memory: f64,
    /// Clock per core in GHz.
    pub ghz: Option<f64>,
    /// Local disk per host, in bytes.
    pub disk: Option<f64>,
    /// vCPUs per physical core.
    pub overcommit_cpu: f64,
    /// Memory overcommit ratio.
    pub overcommit_memory: f64,
    /// HA admission control.
    pub ha: HaPolicy,
    /// Cost of one host per year.
    pub cost: Option<f64>,
}

impl Pool {
    /// What one host offers to VMs: vCPUs and memory, overcommit included.
    pub fn per_host(&self) -> Res {
        Res::new(
            self.cores * self.overcommit_cpu,
            self.memory * self.overcommit_memory,
        )
    }

    /// What all hosts offer.
    pub fn total(&self) -> Res {
        self.per_host().times(self.hosts as f64)
    }

    /// A host's name: `host_pool.prod/host-3`.
    pub fn host_name(&self, host: usize) -> String {
        format!("{}/host-{host}", self.address)
    }

    /// The rack a host stands in.
    pub fn rack(&self, host: usize) -> Option<&str> {
        if self.racks.is_empty() {
            None
        } else {
            Some(&self.racks[host % self.racks.len()])
        }
    }

    /// True for a host kept empty by the `failover_hosts` policy (the last ones).
    pub fn is_failover_host(&self, host: usize) -> bool {
        self.ha.is_failover_host(self.hosts, host)
    }
}

/// What a VM is: placement's roles (cluster indices are the same in [`Inventory::clusters`]).
pub use placement::demand::Role;

/// A VM on a host pool: a `vm`, or a Kubernetes node.
#[derive(Clone, Debug)]
pub struct Guest {
    /// `vm.bastion[0]`, or `kubernetes_cluster.prod/general-3` for a node.
    pub name: String,
    /// Its pool (index into [`Inventory::pools`]).
    pub pool: usize,
    /// vCPUs and memory.
    pub need: Res,
    /// Disk, in bytes.
    pub disk: f64,
    /// Its anti-affinity group: guests of one group run on different hosts.
    pub group: Option<String>,
    /// What it is.
    pub role: Role,
    /// Its HA restart priority.
    pub priority: placement::ha::Priority,
}

impl Guest {
    /// The cluster of a node.
    pub fn cluster(&self) -> Option<usize> {
        match self.role {
            Role::Vm => None,
            Role::ControlPlane { cluster } | Role::Worker { cluster, .. } => Some(cluster),
        }
    }
}

/// A node group of a cluster.
#[derive(Clone, Debug)]
pub struct NodeGroup {
    /// Its label.
    pub name: String,
    /// Nodes in it.
    pub count: usize,
    /// vCPUs and memory of one node.
    pub size: Res,
    /// Disk of one node.
    pub disk: f64,
}

/// A Kubernetes cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// Its address.
    pub address: String,
    /// The pool its nodes run on.
    pub pool: usize,
    /// What it is for.
    pub purpose: String,
    /// True when the blueprint writes `purpose` (else it is the schema's default).
    pub purpose_written: bool,
    /// Its default storage.
    pub storage: Option<String>,
    /// Control-plane nodes.
    pub control_plane: usize,
    /// Size of a control-plane node.
    pub control_plane_size: Res,
    /// Its node groups.
    pub groups: Vec<NodeGroup>,
    /// Its nodes (indexes into [`Inventory::guests`]), control plane first.
    pub nodes: Vec<usize>,
    /// What each node keeps back from pods.
    pub reserved: Reservations,
    /// Guest OS overhead of one VM per replica, for consolidation.
    pub vm_overhead: Res,
}

impl Cluster {
    /// The node group new nodes are added to: the one with the most nodes (the first on ties).
    pub fn growth_group(&self) -> Option<&NodeGroup> {
        self.groups.iter().rev().max_by_key(|g| g.count)
    }
}

/// How replicas spread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spread {
    /// Preferably on different hosts.
    Host,
    /// Preferably on different nodes.
    Node,
    /// Anywhere.
    None,
}

/// What kind of workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkloadKind {
    /// A long-running service.
    Service,
    /// A batch job, at its parallelism.
    Job,
    /// A service cloned into an environment.
    Environment,
}

/// Peak load of a service.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Load {
    /// Requests per second.
    pub rps: f64,
    /// Mean service time of one request on one replica, in seconds.
    pub service_time: f64,
    /// Requests one replica serves at once.
    pub concurrency: u32,
}

/// Pods of one kind on a cluster: a service's replicas, a job's parallel pods, or the
/// replicas of a service cloned into an environment.
#[derive(Clone, Debug)]
pub struct Workload {
    /// `service.payments`, `job.etl`, or `environment.sit/service.payments`.
    pub address: String,
    /// What it is.
    pub kind: WorkloadKind,
    /// Its cluster (index into [`Inventory::clusters`]).
    pub cluster: usize,
    /// Pods.
    pub replicas: usize,
    /// Requests of one pod.
    pub request: Res,
    /// Pods that must run for it to be up.
    pub quorum: usize,
    /// How its pods spread.
    pub spread: Spread,
    /// Volume per replica: size in bytes and the storage it is on.
    pub volume: Option<(f64, Option<String>)>,
    /// Peak load.
    pub load: Option<Load>,
    /// Availability target, 0 to 1.
    pub target: Option<f64>,
}

/// A storage system.
#[derive(Clone, Debug)]
pub struct Storage {
    /// Its address.
    pub address: String,
    /// `ceph`, `nfs` or `local`.
    pub kind: String,
    /// Usable capacity, in bytes.
    pub capacity: f64,
    /// Ceph replicas.
    pub replicas: Option<u32>,
    /// Ceph min_size.
    pub min_size: Option<u32>,
    /// The pool whose hosts carry it.
    pub pool: Option<usize>,
    /// Cost per TiB per year.
    pub cost_per_tib: Option<f64>,
}

/// A scenario with a `growth` block.
#[derive(Clone, Debug)]
pub struct GrowthScenario {
    /// The scenario's address.
    pub scenario: String,
    /// How load grows.
    pub growth: Growth,
    /// Its horizon, in months.
    pub horizon_months: f64,
}

/// Everything capacity planning reads from a blueprint.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    /// Host pools.
    pub pools: Vec<Pool>,
    /// VMs and nodes, in blueprint order.
    pub guests: Vec<Guest>,
    /// Kubernetes clusters.
    pub clusters: Vec<Cluster>,
    /// Services, jobs and environment clones, in blueprint order.
    pub workloads: Vec<Workload>,
    /// Storage systems.
    pub storage: Vec<Storage>,
    /// Scenarios with growth.
    pub growth: Vec<GrowthScenario>,
    /// What the blueprint asks of hosts and nodes, as placement reads it (guests and
    /// workloads above are these, by index).
    pub demand: placement::Demand,
}
