//! What capacity planning reads from a blueprint: host pools and their hosts, the VMs and
//! Kubernetes nodes asked of them, clusters, workloads (services, jobs and the clones of
//! environments) with their requests, storage, and the growth of scenarios.
//!
//! [`Inventory::from_config`] builds it once from an evaluated [`Config`], filling in what
//! the blueprint leaves unset (an absent `ha` block reserves nothing, an absent `reserved`
//! block uses the tiered reservations); every other part of the capacity module works on it.

use std::collections::HashMap;

use blueprint::{Config, Fields, Instance};

use super::growth::{Growth, Model, Period};
use placement::reserve::Reservations;

/// Bytes in a GiB.
pub const GIB: f64 = (1u64 << 30) as f64;
/// Bytes in a MiB.
pub const MIB: f64 = (1u64 << 20) as f64;
/// Days in a month, as the capacity module counts them (a year of 365 days, the `y` unit).
pub const DAYS_PER_MONTH: f64 = 365.0 / 12.0;
/// Milliseconds in a month.
pub const MS_PER_MONTH: f64 = DAYS_PER_MONTH * 86_400_000.0;

/// Tolerance when comparing sums of resource amounts.
const EPSILON: f64 = 1e-9;

/// CPU in cores (or vCPUs) of millicores.
fn cores(m: u64) -> f64 {
    m as f64 / 1000.0
}

/// An amount of CPU (cores or vCPUs, or GHz for slots) and memory (bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Res {
    /// CPU.
    pub cpu: f64,
    /// Memory, in bytes.
    pub memory: f64,
}

impl Res {
    /// `cpu` and `memory`.
    pub const fn new(cpu: f64, memory: f64) -> Res {
        Res { cpu, memory }
    }

    /// True when `need` fits into this free amount.
    pub fn holds(&self, need: Res) -> bool {
        need.cpu <= self.cpu + EPSILON && need.memory <= self.memory + EPSILON * GIB
    }

    /// Both amounts times `k`.
    pub fn times(self, k: f64) -> Res {
        Res::new(self.cpu * k, self.memory * k)
    }
}

impl std::ops::Add for Res {
    type Output = Res;
    fn add(self, o: Res) -> Res {
        Res::new(self.cpu + o.cpu, self.memory + o.memory)
    }
}

impl std::ops::Sub for Res {
    type Output = Res;
    fn sub(self, o: Res) -> Res {
        Res::new(self.cpu - o.cpu, self.memory - o.memory)
    }
}

impl std::ops::AddAssign for Res {
    fn add_assign(&mut self, o: Res) {
        *self = *self + o;
    }
}

impl std::ops::SubAssign for Res {
    fn sub_assign(&mut self, o: Res) {
        *self = *self - o;
    }
}

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

fn nested<'a>(fields: &'a Fields, name: &str) -> Option<&'a Fields> {
    fields.block(name).map(|b| &b.fields)
}

fn num_in(fields: Option<&Fields>, name: &str, default: f64) -> f64 {
    fields.and_then(|f| f.num(name)).unwrap_or(default)
}

fn size_in(fields: Option<&Fields>, name: &str, default: f64) -> f64 {
    fields
        .and_then(|f| f.size(name))
        .map_or(default, |b| b as f64)
}

impl Inventory {
    /// Reads the capacity-relevant parts of an evaluated blueprint: the guests and pods of
    /// the one placement reading ([`placement::Demand`]), with what capacity planning adds
    /// (disks, costs, volumes, load, targets, growth).
    pub fn from_config(config: &Config) -> Inventory {
        Inventory::with_demand(config, &placement::Demand::from_config(config))
    }

    /// As [`Inventory::from_config`], with the demand already read.
    pub fn with_demand(config: &Config, demand: &placement::Demand) -> Inventory {
        let mut inv = Inventory {
            demand: demand.clone(),
            ..Inventory::default()
        };
        let mut pools: HashMap<String, usize> = HashMap::new();
        let instances: HashMap<String, &Instance> = config
            .instances
            .iter()
            .map(|i| (i.address.to_string(), i))
            .collect();
        for inst in config.of_kind("host_pool") {
            pools.insert(inst.address.to_string(), inv.pools.len());
            inv.pools.push(read_pool(inst));
        }
        for inst in config.of_kind("storage") {
            let f = &inst.fields;
            inv.storage.push(Storage {
                address: inst.address.to_string(),
                kind: f.str("type").unwrap_or("local").to_string(),
                capacity: f.size("capacity").unwrap_or(0) as f64,
                replicas: f.int("replicas").map(|r| r.max(1) as u32),
                min_size: f.int("min_size").map(|r| r.max(1) as u32),
                pool: f
                    .reference("pool")
                    .and_then(|p| pools.get(&p.to_string()).copied()),
                cost_per_tib: f.num("cost"),
            });
        }
        for g in &demand.guests {
            inv.guests.push(Guest {
                name: g.name.clone(),
                pool: g.pool,
                need: Res::new(cores(g.need.cpu_m), g.need.memory as f64),
                disk: g.disk as f64,
                group: g.group.clone(),
                role: g.role.clone(),
                priority: g.priority,
            });
        }
        for c in &demand.clusters {
            if let Some(inst) = instances.get(&c.address) {
                inv.read_cluster(inst, c);
            }
        }
        for w in &demand.workloads {
            if let Some(source) = instances.get(&w.source) {
                inv.workloads.push(read_workload(source, w));
            }
        }
        for inst in config.of_kind("scenario") {
            if let Some(g) = read_growth(inst) {
                inv.growth.push(g);
            }
        }
        inv
    }

    fn read_cluster(&mut self, inst: &Instance, spec: &placement::demand::ClusterSpec) {
        let f = &inst.fields;
        let cp = nested(f, "control_plane");
        let control_plane_size =
            Res::new(num_in(cp, "cpu", 4.0), size_in(cp, "memory", 16.0 * GIB));
        let mut groups = Vec::new();
        for (g, block) in f.blocks("node_group").iter().enumerate() {
            let gf = &block.fields;
            groups.push(NodeGroup {
                name: block.label.clone().unwrap_or_else(|| format!("group{g}")),
                count: gf.int("count").unwrap_or(0).max(0) as usize,
                size: Res::new(
                    gf.num("cpu").unwrap_or(0.0),
                    gf.size("memory").unwrap_or(0) as f64,
                ),
                disk: gf.size("disk").map_or(100.0 * GIB, |d| d as f64),
            });
        }
        let overhead = nested(f, "vm_overhead");
        self.clusters.push(Cluster {
            address: spec.address.clone(),
            pool: spec.pool,
            purpose: f.str("purpose").unwrap_or("dev").to_string(),
            purpose_written: f.get("purpose").is_some() && !f.implied.contains("purpose"),
            storage: f.reference("storage").map(|s| s.to_string()),
            control_plane: spec.control_plane,
            control_plane_size,
            groups,
            nodes: spec.nodes.clone(),
            reserved: spec.reserved,
            vm_overhead: Res::new(
                num_in(overhead, "cpu", 1.0),
                size_in(overhead, "memory", 2.0 * GIB),
            ),
        });
    }
}

fn read_pool(inst: &Instance) -> Pool {
    let f = &inst.fields;
    let host = nested(f, "host");
    let overcommit = nested(f, "overcommit");
    let ha = HaPolicy::from_fields(nested(f, "ha"));
    Pool {
        address: inst.address.to_string(),
        site: f.reference("site").map(|s| s.to_string()),
        racks: f
            .references("racks")
            .iter()
            .map(|r| r.to_string())
            .collect(),
        hosts: f.int("hosts").unwrap_or(0).max(0) as usize,
        cores: num_in(host, "cpu", 0.0),
        memory: size_in(host, "memory", 0.0),
        ghz: host.and_then(|h| h.num("ghz")),
        disk: host.and_then(|h| h.size("disk")).map(|d| d as f64),
        overcommit_cpu: num_in(overcommit, "cpu", 1.0).max(1.0),
        overcommit_memory: num_in(overcommit, "memory", 1.0).max(1.0),
        ha,
        cost: f.num("cost"),
    }
}

/// A workload of the demand, with its volume, load and target read from `inst` (the
/// service a clone of an environment comes from has them; the clone does not).
fn read_workload(inst: &Instance, w: &placement::demand::WorkloadSpec) -> Workload {
    use placement::demand::WorkloadKind as K;
    let f = &inst.fields;
    let own = w.kind == K::Service;
    let volume = nested(f, "volume").and_then(|v| {
        Some((
            v.size("size")? as f64,
            v.reference("storage").map(|s| s.to_string()),
        ))
    });
    let load = nested(f, "load").and_then(|l| {
        Some(Load {
            rps: l.num("rps")?,
            service_time: l.duration("service_time")? as f64 / 1000.0,
            concurrency: l.int("concurrency").unwrap_or(1).clamp(1, 1_000_000) as u32,
        })
    });
    Workload {
        address: w.address.clone(),
        kind: match w.kind {
            K::Service => WorkloadKind::Service,
            K::Job => WorkloadKind::Job,
            K::Environment => WorkloadKind::Environment,
        },
        cluster: w.cluster,
        replicas: w.replicas,
        request: Res::new(cores(w.need.cpu_m), w.need.memory as f64),
        quorum: if w.kind == K::Job {
            1
        } else {
            f.int("quorum").unwrap_or(1).max(0) as usize
        },
        spread: match w.spread {
            placement::pods::Spread::Host => Spread::Host,
            placement::pods::Spread::Node => Spread::Node,
            placement::pods::Spread::None => Spread::None,
        },
        volume: volume.filter(|_| own),
        load: load.filter(|_| own),
        target: f.num("target").filter(|_| own),
    }
}

fn read_growth(inst: &Instance) -> Option<GrowthScenario> {
    let f = &inst.fields;
    let g = nested(f, "growth")?;
    let per = match g.str("per").unwrap_or("month") {
        "day" => Period::Day,
        "week" => Period::Week,
        "year" => Period::Year,
        _ => Period::Month,
    };
    let model = match g.str("model").unwrap_or("compound") {
        "linear" => Model::Linear,
        _ => Model::Compound,
    };
    Some(GrowthScenario {
        scenario: inst.address.to_string(),
        growth: Growth {
            rate: g.num("rate")?,
            per,
            model,
            ceiling: g.num("ceiling").unwrap_or(0.8),
        },
        horizon_months: f.duration("horizon").unwrap_or(31_536_000_000) as f64 / MS_PER_MONTH,
    })
}
