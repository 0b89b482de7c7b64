//! What an evaluated blueprint asks of its hosts and nodes: host pools and their hosts,
//! the VMs and Kubernetes nodes on them, clusters, and the pods of services, jobs and the
//! services cloned into environments. Read once, by one set of rules, for every caller.
//!
//! Sizes are what the `sim` provider reads from the same attributes: a host offers
//! `cpu × overcommit.cpu` vCPUs (to the millicore) and `memory × overcommit.memory`; a VM
//! or node asks its whole vCPUs and memory; a control plane is one node of 4 vCPUs and
//! 16 GiB unless its block says otherwise; a pod asks its requests (a service's catalog
//! defaults are filled in by the blueprint; a job without requests asks nothing, as a
//! best-effort pod). References that name nothing (a blueprint with errors) are skipped.

use std::collections::HashMap;

use blueprint::{Config, Fields, Instance};

use crate::Need;
use crate::ha::{HaPolicy, Priority};
use crate::pods::Spread;
use crate::reserve::Reservations;

/// A host pool: `hosts` identical hosts.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolSpec {
    /// Its address.
    pub address: String,
    /// Number of hosts.
    pub hosts: usize,
    /// What one host offers, overcommit included.
    pub host: Need,
    /// The racks its hosts are spread over, round-robin (addresses).
    pub racks: Vec<String>,
    /// HA admission control.
    pub ha: HaPolicy,
}

impl PoolSpec {
    /// The rack of host `h`.
    pub fn rack(&self, h: usize) -> Option<&str> {
        (!self.racks.is_empty()).then(|| self.racks[h % self.racks.len()].as_str())
    }

    /// True for a host kept empty for failover.
    pub fn is_failover_host(&self, h: usize) -> bool {
        self.ha.is_failover_host(self.hosts, h)
    }
}

/// What a VM on a pool is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// A `vm` of the blueprint.
    Vm,
    /// A control-plane node of a cluster (index into [`Demand::clusters`]).
    ControlPlane {
        /// The cluster.
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

/// A VM on a pool: a blueprint `vm`, or a Kubernetes node.
#[derive(Clone, Debug, PartialEq)]
pub struct GuestSpec {
    /// `vm.web[0]`, or `kubernetes_cluster.prod/general-3` for a node.
    pub name: String,
    /// Its pool (index into [`Demand::pools`]).
    pub pool: usize,
    /// vCPUs and memory.
    pub need: Need,
    /// Its anti-affinity group.
    pub group: Option<String>,
    /// What it is.
    pub role: Role,
    /// Its HA restart priority.
    pub priority: Priority,
    /// Its disk, in bytes (a `vm`'s `disk`; a node's, 100 GiB unless set).
    pub disk: u64,
}

impl GuestSpec {
    /// The cluster of a node.
    pub fn cluster(&self) -> Option<usize> {
        match self.role {
            Role::Vm => None,
            Role::ControlPlane { cluster } | Role::Worker { cluster, .. } => Some(cluster),
        }
    }

    /// The node's name within its cluster (`cp-0`, `general-3`), for a node.
    pub fn node_name(&self) -> Option<&str> {
        self.cluster()
            .and_then(|_| self.name.rsplit_once('/').map(|(_, n)| n))
    }
}

/// A Kubernetes cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterSpec {
    /// Its address.
    pub address: String,
    /// The pool its nodes run on.
    pub pool: usize,
    /// Its nodes (indices into [`Demand::guests`]), control plane first.
    pub nodes: Vec<usize>,
    /// Control-plane nodes.
    pub control_plane: usize,
    /// What each node keeps back from pods.
    pub reserved: Reservations,
}

/// What kind of pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadKind {
    /// A long-running service's replicas.
    Service,
    /// A batch job's pods, at its parallelism.
    Job,
    /// A service cloned into an environment.
    Environment,
}

/// Pods of one workload on a cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadSpec {
    /// `service.payments`, `job.etl`, or `environment.sit/service.payments`.
    pub address: String,
    /// The instance it is read from (the service, for an environment's clone).
    pub source: String,
    /// What it is.
    pub kind: WorkloadKind,
    /// Its cluster (index into [`Demand::clusters`]).
    pub cluster: usize,
    /// Pods.
    pub replicas: usize,
    /// Requests of one pod.
    pub need: Need,
    /// How its pods spread.
    pub spread: Spread,
}

/// Everything a blueprint asks of hosts and nodes; see the module documentation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Demand {
    /// Host pools, in blueprint order.
    pub pools: Vec<PoolSpec>,
    /// VMs and nodes, in blueprint order (a cluster's nodes: control plane, then each node
    /// group in order).
    pub guests: Vec<GuestSpec>,
    /// Kubernetes clusters.
    pub clusters: Vec<ClusterSpec>,
    /// Services and jobs in blueprint order, then the services cloned into environments.
    pub workloads: Vec<WorkloadSpec>,
}

/// A node's disk when its block does not set one.
const NODE_DISK: u64 = 100 << 30;

fn millicores(cores: f64) -> u64 {
    (cores * 1000.0).round().max(0.0) as u64
}

fn nested<'a>(fields: &'a Fields, name: &str) -> Option<&'a Fields> {
    fields.block(name).map(|b| &b.fields)
}

impl Demand {
    /// Reads what `config` asks of hosts and nodes.
    pub fn from_config(config: &Config) -> Demand {
        let mut d = Demand::default();
        let mut pools: HashMap<String, usize> = HashMap::new();
        let mut clusters: HashMap<String, usize> = HashMap::new();
        for inst in config.of_kind("host_pool") {
            pools.insert(inst.address.to_string(), d.pools.len());
            d.pools
                .push(read_pool(&inst.fields, inst.address.to_string()));
        }
        let mut clones = Vec::new();
        for inst in &config.instances {
            let f = &inst.fields;
            let pool = || {
                f.reference("pool")
                    .and_then(|p| pools.get(&p.to_string()).copied())
            };
            let cluster = || {
                f.reference("cluster")
                    .and_then(|c| clusters.get(&c.to_string()).copied())
            };
            match inst.kind {
                "vm" => {
                    if let Some(pool) = pool() {
                        d.guests.push(GuestSpec {
                            name: inst.address.to_string(),
                            pool,
                            need: Need::new(
                                millicores(f.num("cpu").unwrap_or(0.0)),
                                f.size("memory").unwrap_or(0),
                            ),
                            group: f.str("anti_affinity").map(str::to_string),
                            role: Role::Vm,
                            priority: Priority::from_fields(f),
                            disk: f.size("disk").unwrap_or(0),
                        });
                    }
                }
                "kubernetes_cluster" => {
                    if let Some(pool) = pool() {
                        clusters.insert(inst.address.to_string(), d.clusters.len());
                        d.read_cluster(inst, pool);
                    }
                }
                "service" | "job" => {
                    if let Some(c) = cluster() {
                        d.workloads.push(read_workload(inst, c));
                    }
                }
                "environment" => {
                    if let Some(c) = cluster() {
                        clones.push((inst, c));
                    }
                }
                _ => {}
            }
        }
        for (env, cluster) in clones {
            for service in env.fields.references("services") {
                if let Some(source) = config.instance(service)
                    && source.fields.reference("cluster").is_some()
                {
                    let mut w = read_workload(source, cluster);
                    w.address = format!("{}/{}", env.address, source.address);
                    w.kind = WorkloadKind::Environment;
                    d.workloads.push(w);
                }
            }
        }
        d
    }

    fn read_cluster(&mut self, inst: &Instance, pool: usize) {
        let f = &inst.fields;
        let index = self.clusters.len();
        let address = inst.address.to_string();
        let cp = nested(f, "control_plane");
        let count = cp.and_then(|c| c.int("count")).unwrap_or(1).max(1) as usize;
        let cp_need = Need::new(
            millicores(cp.and_then(|c| c.num("cpu")).unwrap_or(4.0)),
            cp.and_then(|c| c.size("memory")).unwrap_or(16 << 30),
        );
        let mut nodes = Vec::new();
        for i in 0..count {
            nodes.push(self.guests.len());
            self.guests.push(GuestSpec {
                name: format!("{address}/cp-{i}"),
                pool,
                need: cp_need,
                group: None,
                role: Role::ControlPlane { cluster: index },
                priority: Priority::default(),
                disk: cp.and_then(|c| c.size("disk")).unwrap_or(NODE_DISK),
            });
        }
        for (g, block) in f.blocks("node_group").iter().enumerate() {
            let label = block.label.clone().unwrap_or_else(|| format!("group{g}"));
            let gf = &block.fields;
            let need = Need::new(
                millicores(gf.num("cpu").unwrap_or(0.0)),
                gf.size("memory").unwrap_or(0),
            );
            for i in 0..gf.int("count").unwrap_or(0).max(0) {
                nodes.push(self.guests.len());
                self.guests.push(GuestSpec {
                    name: format!("{address}/{label}-{i}"),
                    pool,
                    need,
                    group: None,
                    role: Role::Worker {
                        cluster: index,
                        group: label.clone(),
                    },
                    priority: Priority::default(),
                    disk: gf.size("disk").unwrap_or(NODE_DISK),
                });
            }
        }
        self.clusters.push(ClusterSpec {
            address,
            pool,
            nodes,
            control_plane: count,
            reserved: Reservations::from_fields(nested(f, "reserved")),
        });
    }
}

/// A pool's hosts from its fields.
pub fn read_pool(f: &Fields, address: String) -> PoolSpec {
    let host = nested(f, "host");
    let ratio = |name: &str| {
        nested(f, "overcommit")
            .and_then(|o| o.num(name))
            .unwrap_or(1.0)
            .max(1.0)
    };
    let cpu = host.and_then(|h| h.num("cpu")).unwrap_or(0.0);
    let memory = host.and_then(|h| h.size("memory")).unwrap_or(0);
    PoolSpec {
        address,
        hosts: f.int("hosts").unwrap_or(0).max(0) as usize,
        host: Need::new(
            host_cpu(cpu, ratio("cpu")),
            host_memory(memory, ratio("memory")),
        ),
        racks: f
            .references("racks")
            .iter()
            .map(|r| r.to_string())
            .collect(),
        ha: HaPolicy::from_fields(nested(f, "ha")),
    }
}

/// A host's vCPUs after overcommit, in millicores: `cores × ratio`.
pub fn host_cpu(cores: f64, ratio: f64) -> u64 {
    millicores(cores * ratio.max(1.0))
}

/// A host's memory after overcommit: `memory × ratio`, in whole bytes.
pub fn host_memory(memory: u64, ratio: f64) -> u64 {
    if ratio <= 1.0 {
        memory
    } else {
        (memory as f64 * ratio) as u64
    }
}

fn read_workload(inst: &Instance, cluster: usize) -> WorkloadSpec {
    let f = &inst.fields;
    let job = inst.kind == "job";
    let replicas = if job {
        f.int("parallelism").unwrap_or(1)
    } else {
        f.int("replicas").unwrap_or(1)
    };
    WorkloadSpec {
        address: inst.address.to_string(),
        source: inst.address.to_string(),
        kind: if job {
            WorkloadKind::Job
        } else {
            WorkloadKind::Service
        },
        cluster,
        replicas: replicas.max(0) as usize,
        need: Need::new(
            millicores(f.num("cpu").unwrap_or(0.0)),
            f.size("memory").unwrap_or(0),
        ),
        spread: if job {
            Spread::None
        } else {
            Spread::parse(f.str("spread"))
        },
    }
}
