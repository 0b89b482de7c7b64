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
use super::reserve::Reservations;

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
}

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
        match self.ha {
            HaPolicy::FailoverHosts { hosts } => {
                let f = hosts as usize;
                f < self.hosts && host >= self.hosts - f
            }
            _ => false,
        }
    }
}

/// What a VM is.
#[derive(Clone, Debug, PartialEq)]
pub enum Role {
    /// A `vm` of the blueprint.
    Vm,
    /// A control-plane node of a cluster.
    ControlPlane {
        /// The cluster (index into [`Inventory::clusters`]).
        cluster: usize,
    },
    /// A worker node of a cluster's node group.
    Worker {
        /// The cluster.
        cluster: usize,
        /// The node group's label.
        group: String,
    },
}

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
    /// Reads the capacity-relevant parts of an evaluated blueprint.
    pub fn from_config(config: &Config) -> Inventory {
        let mut inv = Inventory::default();
        let mut pools: HashMap<String, usize> = HashMap::new();
        let mut clusters: HashMap<String, usize> = HashMap::new();
        let services: HashMap<String, &Instance> = config
            .of_kind("service")
            .map(|s| (s.address.to_string(), s))
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
        for inst in &config.instances {
            match inst.kind {
                "vm" => inv.read_vm(inst, &pools),
                "kubernetes_cluster" => {
                    if let Some(c) = inv.read_cluster(inst, &pools) {
                        clusters.insert(inst.address.to_string(), c);
                    }
                }
                "service" | "job" => {
                    if let Some(w) = read_workload(inst, &clusters) {
                        inv.workloads.push(w);
                    }
                }
                "environment" => {
                    let Some(&cluster) = inst
                        .fields
                        .reference("cluster")
                        .and_then(|c| clusters.get(&c.to_string()))
                    else {
                        continue;
                    };
                    for service in inst.fields.references("services") {
                        let Some(source) = services.get(&service.to_string()) else {
                            continue;
                        };
                        if let Some(mut w) = read_workload(source, &clusters) {
                            w.address = format!("{}/{}", inst.address, source.address);
                            w.kind = WorkloadKind::Environment;
                            w.cluster = cluster;
                            w.volume = None;
                            w.load = None;
                            w.target = None;
                            inv.workloads.push(w);
                        }
                    }
                }
                "scenario" => {
                    if let Some(g) = read_growth(inst) {
                        inv.growth.push(g);
                    }
                }
                _ => {}
            }
        }
        inv
    }

    fn read_vm(&mut self, inst: &Instance, pools: &HashMap<String, usize>) {
        let f = &inst.fields;
        let Some(&pool) = f.reference("pool").and_then(|p| pools.get(&p.to_string())) else {
            return;
        };
        self.guests.push(Guest {
            name: inst.address.to_string(),
            pool,
            need: Res::new(
                f.num("cpu").unwrap_or(0.0),
                f.size("memory").unwrap_or(0) as f64,
            ),
            disk: f.size("disk").unwrap_or(0) as f64,
            group: f.str("anti_affinity").map(str::to_string),
            role: Role::Vm,
        });
    }

    fn read_cluster(&mut self, inst: &Instance, pools: &HashMap<String, usize>) -> Option<usize> {
        let f = &inst.fields;
        let pool = *f
            .reference("pool")
            .and_then(|p| pools.get(&p.to_string()))?;
        let index = self.clusters.len();
        let address = inst.address.to_string();
        let cp = nested(f, "control_plane");
        let control_plane = num_in(cp, "count", 1.0).max(0.0) as usize;
        let control_plane_size =
            Res::new(num_in(cp, "cpu", 4.0), size_in(cp, "memory", 16.0 * GIB));
        let cp_disk = size_in(cp, "disk", 100.0 * GIB);
        let mut nodes = Vec::new();
        for i in 0..control_plane {
            nodes.push(self.guests.len());
            self.guests.push(Guest {
                name: format!("{address}/cp-{i}"),
                pool,
                need: control_plane_size,
                disk: cp_disk,
                group: None,
                role: Role::ControlPlane { cluster: index },
            });
        }
        let mut groups = Vec::new();
        for (g, block) in f.blocks("node_group").iter().enumerate() {
            let name = block.label.clone().unwrap_or_else(|| format!("group{g}"));
            let gf = &block.fields;
            let group = NodeGroup {
                name: name.clone(),
                count: gf.int("count").unwrap_or(0).max(0) as usize,
                size: Res::new(
                    gf.num("cpu").unwrap_or(0.0),
                    gf.size("memory").unwrap_or(0) as f64,
                ),
                disk: gf.size("disk").map_or(100.0 * GIB, |d| d as f64),
            };
            for i in 0..group.count {
                nodes.push(self.guests.len());
                self.guests.push(Guest {
                    name: format!("{address}/{name}-{i}"),
                    pool,
                    need: group.size,
                    disk: group.disk,
                    group: None,
                    role: Role::Worker {
                        cluster: index,
                        group: name.clone(),
                    },
                });
            }
            groups.push(group);
        }
        let reserved = Reservations::from_fields(nested(f, "reserved"));
        let overhead = nested(f, "vm_overhead");
        self.clusters.push(Cluster {
            address,
            pool,
            purpose: f.str("purpose").unwrap_or("dev").to_string(),
            storage: f.reference("storage").map(|s| s.to_string()),
            control_plane,
            control_plane_size,
            groups,
            nodes,
            reserved,
            vm_overhead: Res::new(
                num_in(overhead, "cpu", 1.0),
                size_in(overhead, "memory", 2.0 * GIB),
            ),
        });
        Some(index)
    }
}

fn read_pool(inst: &Instance) -> Pool {
    let f = &inst.fields;
    let host = nested(f, "host");
    let overcommit = nested(f, "overcommit");
    let ha = nested(f, "ha").map_or(HaPolicy::Disabled, |ha| {
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
    });
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

fn read_workload(inst: &Instance, clusters: &HashMap<String, usize>) -> Option<Workload> {
    let f = &inst.fields;
    let cluster = *f
        .reference("cluster")
        .and_then(|c| clusters.get(&c.to_string()))?;
    let job = inst.kind == "job";
    let replicas = if job {
        f.int("parallelism").unwrap_or(1)
    } else {
        f.int("replicas").unwrap_or(1)
    }
    .max(0) as usize;
    let spread = match f.str("spread") {
        _ if job => Spread::None,
        Some("node") => Spread::Node,
        Some("none") => Spread::None,
        _ => Spread::Host,
    };
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
    Some(Workload {
        address: inst.address.to_string(),
        kind: if job {
            WorkloadKind::Job
        } else {
            WorkloadKind::Service
        },
        cluster,
        replicas,
        request: Res::new(
            f.num("cpu").unwrap_or(if job { 1.0 } else { 0.0 }),
            f.size("memory").unwrap_or(if job { 1 << 30 } else { 0 }) as f64,
        ),
        quorum: if job {
            1
        } else {
            f.int("quorum").unwrap_or(1).max(0) as usize
        },
        spread,
        volume,
        load,
        target: f.num("target"),
    })
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
