//! The topology of a blueprint: what runs where, as the failure simulation sees it.
//!
//! [`Topology::from_config`] reads an evaluated [`blueprint::Config`] and places it with
//! the one set of placement rules the `sim` provider and the capacity analysis also follow
//! (the `placement` crate: [`placement::Demand`] read from the blueprint, placed in
//! blueprint order by [`placement::layout::place`]):
//! - **sites** and **racks**; each **host pool** gives `hosts` hosts of
//!   `cpu × overcommit.cpu` vCPU and `memory × overcommit.memory`, spread round-robin over
//!   the pool's racks, with its HA admission policy;
//! - **VMs** go to the host of their pool with room and the most free memory, never next to
//!   a VM of the same `anti_affinity` group, never on a host kept empty for failover;
//! - a **Kubernetes cluster**'s nodes are VMs on its pool: control-plane nodes first on
//!   hosts with the fewest control-plane nodes of the cluster, workers on hosts with the
//!   fewest nodes of the cluster, then by free memory; a node offers its allocatable;
//! - a **service** on a cluster has its replicas on the worker nodes with room for their
//!   requests that run the fewest replicas of the service on the same host (`spread =
//!   "host"`, the default) or node (`"node"`), then the most free memory; jobs take room
//!   as `apply` would have them running, but are not simulated;
//! - a **service on VMs** (`vms = [...]`, a legacy application) has one replica per VM;
//! - **Ceph** keeps `replicas` copies of every placement group on distinct hosts of its
//!   pool and serves I/O while `min_size` are up; NFS is one server; local disks fail with
//!   their node;
//! - each service depends on the services it `requires`, on its cluster's control plane
//!   (an etcd majority) and, with a volume, on the storage the volume is on.
//!
//! A blueprint that the provider could not place (no host or node with room) is a
//! [`TopologyError`], as `apply` would fail on it.

mod build;
mod migration;

use std::fmt;
use std::ops::Range;

pub use build::TopologyError;
pub use migration::{Migration, ON_VMS, Side};
pub use placement::ha::{HaPolicy, Priority};
pub use placement::pods::Spread;

/// Where one host, VM, node or replica stands; indices are positions in [`Topology`]'s
/// vectors.
#[derive(Clone, Debug, PartialEq)]
pub struct Topology {
    /// Sites, in blueprint order.
    pub sites: Vec<Site>,
    /// Racks.
    pub racks: Vec<Rack>,
    /// Host pools.
    pub pools: Vec<Pool>,
    /// Every host of every pool, pool by pool.
    pub hosts: Vec<Host>,
    /// Every VM: the blueprint's `vm`s and the nodes of clusters.
    pub vms: Vec<Vm>,
    /// Kubernetes clusters.
    pub clusters: Vec<Cluster>,
    /// Every node of every cluster, cluster by cluster, control plane first.
    pub nodes: Vec<Node>,
    /// Services.
    pub services: Vec<Service>,
    /// Every replica of every service, service by service.
    pub replicas: Vec<Replica>,
    /// Storage systems.
    pub storages: Vec<Storage>,
}

/// A datacenter.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// Its address.
    pub address: String,
}

/// A rack of a site.
#[derive(Clone, Debug, PartialEq)]
pub struct Rack {
    /// Its address.
    pub address: String,
    /// The site it stands in.
    pub site: u32,
}

/// A host pool.
#[derive(Clone, Debug, PartialEq)]
pub struct Pool {
    /// Its address.
    pub address: String,
    /// The site of its hosts.
    pub site: u32,
    /// Its hosts (indices into [`Topology::hosts`]).
    pub hosts: Range<u32>,
    /// Its VMs, node VMs included (indices into [`Topology::vms`]).
    pub vms: Vec<u32>,
    /// HA admission control: the room kept for restarts.
    pub ha: HaPolicy,
}

/// One virtualisation host.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    /// Its pool.
    pub pool: u32,
    /// Its position in the pool, from 0 (`host-N`).
    pub index: u32,
    /// Its site.
    pub site: u32,
    /// Its rack, when the pool names racks.
    pub rack: Option<u32>,
    /// vCPU after overcommit, in millicores.
    pub cpu_m: u64,
    /// Memory after overcommit, in bytes.
    pub memory: u64,
}

/// A VM: a blueprint `vm` or a cluster node.
#[derive(Clone, Debug, PartialEq)]
pub struct Vm {
    /// Its address (`vm.web[0]`), or `CLUSTER/NODE` for a node.
    pub name: String,
    /// Its pool.
    pub pool: u32,
    /// The host it is placed on.
    pub host: u32,
    /// vCPU, in millicores.
    pub cpu_m: u64,
    /// Memory, in bytes.
    pub memory: u64,
    /// Its anti-affinity group (an index shared by VMs with the same group name).
    pub group: Option<u32>,
    /// The node it carries, for a node VM.
    pub node: Option<u32>,
    /// Its HA restart priority.
    pub priority: Priority,
}

/// A Kubernetes cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// Its address.
    pub address: String,
    /// Its pool.
    pub pool: u32,
    /// Its nodes (indices into [`Topology::nodes`]); the first `control_plane` are the
    /// control plane.
    pub nodes: Range<u32>,
    /// Control-plane nodes (etcd members).
    pub control_plane: u32,
    /// Its services (indices into [`Topology::services`]).
    pub services: Vec<u32>,
}

impl Cluster {
    /// Control-plane nodes that must be up for etcd to have quorum: a majority.
    pub fn etcd_quorum(&self) -> u32 {
        self.control_plane / 2 + 1
    }

    /// Worker nodes.
    pub fn workers(&self) -> u32 {
        self.nodes.len() as u32 - self.control_plane
    }
}

/// A Kubernetes node.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// `cp-N` or `GROUP-N`.
    pub name: String,
    /// Its cluster.
    pub cluster: u32,
    /// The VM it runs on.
    pub vm: u32,
    /// A control-plane node (runs etcd, takes no pods).
    pub control_plane: bool,
    /// Allocatable CPU (after kube-reserved, system-reserved), in millicores.
    pub cpu_m: u64,
    /// Allocatable memory (after reservations and the eviction threshold), in bytes.
    pub memory: u64,
}

/// A service: replicas on a cluster, or an application on VMs (`vms = [...]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// Its address.
    pub address: String,
    /// Its catalog kind.
    pub kind: String,
    /// Its cluster; `None` for a service on VMs, whose replicas are its VMs.
    pub cluster: Option<u32>,
    /// Its replicas (indices into [`Topology::replicas`]).
    pub replicas: Range<u32>,
    /// Replicas that must run for it to be up.
    pub quorum: u32,
    /// Keeps data on its replicas: not rescheduled away from an unreachable node.
    pub stateful: bool,
    /// How its replicas spread.
    pub spread: Spread,
    /// CPU request per replica, in millicores.
    pub cpu_m: u64,
    /// Memory request per replica, in bytes.
    pub memory: u64,
    /// Services it cannot work without.
    pub requires: Vec<u32>,
    /// The storage of its volume, if it has one.
    pub storage: Option<u32>,
    /// The services it becomes after migration (`migrates_to`).
    pub migrates_to: Vec<u32>,
}

/// Where a replica runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum On {
    /// A pod on this node (index into [`Topology::nodes`]).
    Node(u32),
    /// The application's instance on this VM (index into [`Topology::vms`]).
    Vm(u32),
}

/// One replica of a service: a pod, or one VM of an application on VMs.
#[derive(Clone, Debug, PartialEq)]
pub struct Replica {
    /// Its service.
    pub service: u32,
    /// Where it is placed.
    pub on: On,
}

impl Replica {
    /// The node of a pod.
    pub fn node(&self) -> Option<u32> {
        match self.on {
            On::Node(n) => Some(n),
            On::Vm(_) => None,
        }
    }
}

/// A storage system.
#[derive(Clone, Debug, PartialEq)]
pub struct Storage {
    /// Its address.
    pub address: String,
    /// What it is.
    pub kind: StorageKind,
}

/// The kinds of storage and how each keeps its data.
#[derive(Clone, Debug, PartialEq)]
pub enum StorageKind {
    /// Ceph: `size` copies of each placement group on distinct `hosts`, I/O while
    /// `min_size` are up.
    Ceph {
        /// The OSD hosts (indices into [`Topology::hosts`]).
        hosts: Vec<u32>,
        /// Copies of each placement group (the pool's `replicas`).
        size: u32,
        /// Copies needed to serve I/O.
        min_size: u32,
    },
    /// An NFS server: one unit.
    Nfs,
    /// Disks local to the nodes: fail with them.
    Local,
}

impl Topology {
    /// A host's name: `host_pool.prod/host-3`.
    pub fn host_name(&self, host: u32) -> String {
        let h = &self.hosts[host as usize];
        format!("{}/host-{}", self.pools[h.pool as usize].address, h.index)
    }

    /// A node's name: `kubernetes_cluster.prod/cp-0`.
    pub fn node_name(&self, node: u32) -> String {
        let n = &self.nodes[node as usize];
        format!("{}/{}", self.clusters[n.cluster as usize].address, n.name)
    }

    /// The host a node's VM is placed on.
    pub fn node_host(&self, node: u32) -> u32 {
        self.vms[self.nodes[node as usize].vm as usize].host
    }
}

/// A canonical dump of the placement, one line per host, VM, node and replica, for tests
/// and for people.
impl fmt::Display for Topology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, h) in self.hosts.iter().enumerate() {
            let site = &self.sites[h.site as usize].address;
            write!(f, "{} in {site}", self.host_name(i as u32))?;
            if let Some(rack) = h.rack {
                write!(f, ", {}", self.racks[rack as usize].address)?;
            }
            writeln!(f)?;
        }
        for vm in &self.vms {
            writeln!(f, "{} on {}", vm.name, self.host_name(vm.host))?;
        }
        for s in &self.services {
            let nodes: Vec<String> = s
                .replicas
                .clone()
                .map(|r| match self.replicas[r as usize].on {
                    On::Node(n) => self.node_name(n),
                    On::Vm(v) => self.vms[v as usize].name.clone(),
                })
                .collect();
            writeln!(f, "{} on {}", s.address, nodes.join(", "))?;
        }
        for s in &self.storages {
            if let StorageKind::Ceph {
                hosts,
                size,
                min_size,
            } = &s.kind
            {
                let names: Vec<String> = hosts.iter().map(|&h| self.host_name(h)).collect();
                writeln!(
                    f,
                    "{} size {size} min_size {min_size} on {}",
                    s.address,
                    names.join(", ")
                )?;
            }
        }
        Ok(())
    }
}
