//! What the simulated datacenter stores per object, and the unit of change.
//!
//! A [`Record`] is one object: its id, address, kind, the attributes it reports and the
//! resources it holds ([`Alloc`]: hosts of a pool, the host and address of a VM, the nodes
//! of a cluster, the pods and volume claim of a service or job). Every index of the world
//! (host usage, addresses in use, storage claimed) is derived from the records, so the
//! records alone are what the journal persists. A [`Change`] puts and deletes records
//! atomically: one provider call is one change.

use std::net::IpAddr;

use blueprint::Address;
use ipnet::IpNet;
use planner::Attrs;
use serde::{Deserialize, Serialize};

/// One object of the simulated datacenter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Record {
    /// Its id, such as `vm-000042`.
    pub id: String,
    /// The address it was created for.
    pub address: Address,
    /// Its resource kind.
    pub kind: String,
    /// The attributes it reports (blueprint attributes, computed ones, and drift).
    pub attrs: Attrs,
    /// When it was created, in milliseconds since the Unix epoch.
    pub created_ms: u64,
    /// The idempotency key it was created with, when it is not its address (the new object
    /// of a create-before-destroy replacement, beside the old one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// What it holds.
    #[serde(default)]
    pub alloc: Alloc,
    /// Its attributes computed from sensitive values, kept protected (sealed or digests).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive: Vec<String>,
}

/// The resources an object holds; authoritative for capacity, whatever drift says.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Alloc {
    /// Nothing (sites, racks, policies, environments).
    #[default]
    None,
    /// A host pool: its hosts and their capacity after overcommit.
    Pool { hosts: Vec<Host> },
    /// A network zone and its range.
    Zone { cidr: IpNet },
    /// A storage system and its capacity in bytes.
    Storage { capacity: u64 },
    /// A VM on a host of a pool.
    Vm {
        /// The pool's address.
        pool: String,
        /// The host's index in the pool.
        host: usize,
        /// vCPUs, in millicores.
        cpu_m: u64,
        /// Memory in bytes.
        memory: u64,
        /// Its anti-affinity group.
        group: Option<String>,
        /// Its address.
        lease: Option<Lease>,
    },
    /// A Kubernetes cluster whose nodes are VMs on a pool.
    Cluster {
        /// The pool's address.
        pool: String,
        /// The zone its nodes take addresses from.
        zone: String,
        /// Its nodes.
        nodes: Vec<Node>,
    },
    /// A service or a job: pods on the nodes of a cluster and a volume claim.
    Workload {
        /// The cluster's address.
        cluster: String,
        /// Its pods.
        pods: Vec<Pod>,
        /// Its volumes, on one storage.
        claim: Option<Claim>,
        /// For a job: when it completes, in milliseconds since the Unix epoch.
        until_ms: Option<u64>,
    },
}

/// A host of a pool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Host {
    /// `host-0`, `host-1` …
    pub name: String,
    /// The rack it stands in.
    pub rack: Option<String>,
    /// vCPU capacity after overcommit, in millicores.
    pub cpu_m: u64,
    /// Memory capacity after overcommit, in bytes.
    pub memory: u64,
}

/// A node of a cluster: a VM on a host of the cluster's pool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Node {
    /// `cp-0`, `general-3` …
    pub name: String,
    /// True for control-plane nodes, which run no workloads.
    pub control_plane: bool,
    /// The host's index in the pool.
    pub host: usize,
    /// vCPUs, in millicores.
    pub cpu_m: u64,
    /// Memory in bytes.
    pub memory: u64,
    /// Its address in the cluster's zone.
    pub ip: IpAddr,
}

/// A pod of a service or job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Pod {
    /// The node it runs on.
    pub node: String,
    /// CPU request, in millicores.
    pub cpu_m: u64,
    /// Memory request, in bytes.
    pub memory: u64,
}

/// Bytes claimed on a storage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Claim {
    /// The storage's address.
    pub storage: String,
    /// Bytes claimed (size × replicas).
    pub bytes: u64,
}

/// An address taken from a zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Lease {
    /// The zone's address.
    pub zone: String,
    /// The address.
    pub ip: IpAddr,
}

/// Records put and deleted together, as one provider call.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Change {
    /// Records created or replaced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub put: Vec<Record>,
    /// Ids deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub del: Vec<String>,
}

impl Change {
    /// Puts one record.
    pub fn put(record: Record) -> Change {
        Change {
            put: vec![record],
            del: Vec::new(),
        }
    }

    /// Deletes one record.
    pub fn delete(id: &str) -> Change {
        Change {
            put: Vec::new(),
            del: vec![id.to_string()],
        }
    }
}

/// The number in an id (`vm-000042` is 42), to keep ids unique across reopening.
pub(crate) fn id_number(id: &str) -> Option<u64> {
    id.rsplit('-').next()?.parse().ok()
}

/// The id prefix of a kind.
pub(crate) fn id_prefix(kind: &str) -> &'static str {
    match kind {
        "site" => "site",
        "rack" => "rack",
        "host_pool" => "pool",
        "network_zone" => "net",
        "network_policy" => "fw",
        "storage" => "store",
        "vm" => "vm",
        "kubernetes_cluster" => "k8s",
        "service" => "svc",
        "job" => "job",
        "environment" => "env",
        _ => "obj",
    }
}
