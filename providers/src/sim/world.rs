//! The world: every record of the simulated datacenter, and indexes derived from them.
//!
//! The indexes (usage of each host, pods on each node, bytes claimed on each storage,
//! addresses taken in each zone, who uses what) are kept up to date as [`Change`]s are
//! applied, so a placement looks at a pool's hosts rather than at every object. Jobs hold
//! their pods until they complete; [`World::reap`] releases the pods of completed jobs.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::IpAddr;

use blueprint::{Address, Diagnostic};

use super::ipam::{first_host, from_u128, to_u128};
use super::record::{Alloc, Change, Record, id_number, id_prefix};

/// What runs on a host.
#[derive(Clone, Debug, Default)]
pub(crate) struct HostUse {
    /// vCPUs in use, in millicores.
    pub cpu_m: u64,
    /// Memory in use, in bytes.
    pub memory: u64,
    /// VMs per anti-affinity group.
    pub groups: HashMap<String, u32>,
    /// VMs and cluster nodes on it.
    pub guests: u32,
}

/// What runs on a pool.
#[derive(Clone, Debug, Default)]
pub(crate) struct PoolUse {
    /// Per host, by index.
    pub hosts: Vec<HostUse>,
    /// Addresses of the VMs and clusters on it.
    pub users: BTreeSet<String>,
}

/// Pod requests on a node.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct NodeUse {
    /// CPU requested, in millicores.
    pub cpu_m: u64,
    /// Memory requested, in bytes.
    pub memory: u64,
}

/// What runs on a cluster.
#[derive(Clone, Debug, Default)]
pub(crate) struct ClusterUse {
    /// Requests of running pods, per node name.
    pub nodes: HashMap<String, NodeUse>,
    /// Addresses of the services and jobs on it.
    pub users: BTreeSet<String>,
}

/// Claims on a storage.
#[derive(Clone, Debug, Default)]
pub(crate) struct StorageUse {
    /// Bytes claimed.
    pub claimed: u64,
    /// Addresses of the services with volumes on it.
    pub users: BTreeSet<String>,
}

/// Addresses taken in a zone.
#[derive(Clone, Debug, Default)]
pub(crate) struct ZoneUse {
    /// Address → the object holding it.
    pub used: HashMap<IpAddr, String>,
    /// Every host address of the zone below this one is taken: where a search starts.
    pub low: u128,
}

impl ZoneUse {
    fn insert(&mut self, ip: IpAddr, holder: String, first: Option<u128>) {
        self.used.insert(ip, holder);
        if let Some(first) = first {
            self.low = self.low.max(first);
            let v4 = ip.is_ipv4();
            while self.used.contains_key(&from_u128(self.low, v4)) {
                self.low += 1;
            }
        }
    }

    fn remove(&mut self, ip: &IpAddr) {
        if self.used.remove(ip).is_some() {
            self.low = self.low.min(to_u128(*ip));
        }
    }
}

/// Every record and the indexes derived from them.
#[derive(Debug, Default)]
pub(crate) struct World {
    records: HashMap<String, Record>,
    by_address: HashMap<String, String>,
    pools: HashMap<String, PoolUse>,
    clusters: HashMap<String, ClusterUse>,
    storage: HashMap<String, StorageUse>,
    zones: HashMap<String, ZoneUse>,
    /// Jobs holding pods: (completion time, id).
    running: BTreeSet<(u64, String)>,
    /// Jobs whose pods were released.
    released: HashSet<String>,
    next_id: u64,
}

impl World {
    /// A world of `records`, ids continuing from `next_id`, jobs judged at `now_ms`.
    pub fn from_records(records: Vec<Record>, next_id: u64, now_ms: u64) -> World {
        let mut world = World {
            next_id,
            ..World::default()
        };
        world.apply(
            &Change {
                put: records,
                del: Vec::new(),
            },
            now_ms,
        );
        world
    }

    /// Number of objects.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// The next id to give, for ids that survive reopening.
    pub fn next_id_number(&self) -> u64 {
        self.next_id
    }

    /// The id a new object of `kind` gets (the change that creates it takes it).
    pub fn new_id(&self, kind: &str) -> String {
        format!("{}-{:06}", id_prefix(kind), self.next_id)
    }

    /// The record with this id.
    pub fn get(&self, id: &str) -> Option<&Record> {
        self.records.get(id)
    }

    /// The record at this address.
    pub fn at(&self, address: &Address) -> Option<&Record> {
        self.at_text(&address.to_string())
    }

    /// The record at this address, given as blueprint text.
    pub fn at_text(&self, address: &str) -> Option<&Record> {
        self.at_key(address).or_else(|| {
            // An object created with a key of its own (create-before-destroy).
            self.records
                .values()
                .find(|r| r.address.to_string() == address)
        })
    }

    /// The record created with this idempotency key.
    pub fn at_key(&self, key: &str) -> Option<&Record> {
        self.by_address.get(key).and_then(|id| self.records.get(id))
    }

    /// Every record, in no particular order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.records.values()
    }

    /// The object `owner` refers to through `attr`, which must be of `kind`.
    pub fn target(
        &self,
        owner: &Address,
        attr: &str,
        address: &str,
        kind: &str,
    ) -> Result<&Record, Diagnostic> {
        match self.at_text(address) {
            Some(record) if record.kind == kind => Ok(record),
            Some(record) => Err(Diagnostic::error(
                None,
                format!("{owner} refers to {address}, which is not a {kind}"),
                format!(
                    "\"{attr}\" of {owner} must name a {kind}, but {address} is a {}.",
                    record.kind
                ),
            )),
            None => Err(Diagnostic::error(
                None,
                format!("{address} does not exist in the simulated datacenter"),
                format!(
                    "{owner} refers to {address} through \"{attr}\", but the simulated datacenter has no such {kind}. Create it first (apply the blueprint that declares it), or check the address."
                ),
            )),
        }
    }

    /// Usage of a pool.
    pub fn pool_use(&self, pool: &str) -> Option<&PoolUse> {
        self.pools.get(pool)
    }

    /// Usage of a cluster.
    pub fn cluster_use(&self, cluster: &str) -> Option<&ClusterUse> {
        self.clusters.get(cluster)
    }

    /// Claims on a storage.
    pub fn storage_use(&self, storage: &str) -> Option<&StorageUse> {
        self.storage.get(storage)
    }

    /// Addresses taken in a zone.
    pub fn zone_use(&self, zone: &str) -> Option<&ZoneUse> {
        self.zones.get(zone)
    }

    /// True when the pods of this job still hold their requests.
    pub fn is_running(&self, id: &str) -> bool {
        !self.released.contains(id)
    }

    /// Applies a change: records and indexes.
    pub fn apply(&mut self, change: &Change, now_ms: u64) {
        for id in &change.del {
            if let Some(old) = self.records.remove(id) {
                self.unindex(&old);
                self.by_address.remove(&index_key(&old));
            }
        }
        for record in &change.put {
            if let Some(old) = self.records.remove(&record.id) {
                self.unindex(&old);
                self.by_address.remove(&index_key(&old));
            }
            self.index(record, now_ms);
            self.by_address.insert(index_key(record), record.id.clone());
            self.records.insert(record.id.clone(), record.clone());
            if let Some(n) = id_number(&record.id) {
                self.next_id = self.next_id.max(n + 1);
            }
        }
    }

    /// Releases the pods of jobs that completed by `now_ms`.
    pub fn reap(&mut self, now_ms: u64) {
        while let Some(first) = self.running.first() {
            if first.0 > now_ms {
                break;
            }
            let (_, id) = self.running.pop_first().expect("not empty");
            if let Some(record) = self.records.get(&id).cloned() {
                self.workload_pods(&record, false);
            }
            self.released.insert(id);
        }
    }

    fn index(&mut self, record: &Record, now_ms: u64) {
        let address = record.address.to_string();
        match &record.alloc {
            Alloc::None | Alloc::Zone { .. } | Alloc::Storage { .. } => {}
            Alloc::Pool { hosts } => {
                let usage = self.pools.entry(address).or_default();
                if usage.hosts.len() < hosts.len() {
                    usage.hosts.resize_with(hosts.len(), HostUse::default);
                }
            }
            Alloc::Vm {
                pool,
                host,
                cpu_m,
                memory,
                group,
                lease,
            } => {
                let usage = self.pools.entry(pool.clone()).or_default();
                usage.users.insert(address.clone());
                let h = host_use(usage, *host);
                h.cpu_m += cpu_m;
                h.memory += memory;
                h.guests += 1;
                if let Some(group) = group {
                    *h.groups.entry(group.clone()).or_default() += 1;
                }
                if let Some(lease) = lease {
                    let first = self.first_host(&lease.zone);
                    let zone = self.zones.entry(lease.zone.clone()).or_default();
                    zone.insert(lease.ip, address, first);
                }
            }
            Alloc::Cluster { pool, zone, nodes } => {
                let usage = self.pools.entry(pool.clone()).or_default();
                usage.users.insert(address.clone());
                for node in nodes {
                    let h = host_use(usage, node.host);
                    h.cpu_m += node.cpu_m;
                    h.memory += node.memory;
                    h.guests += 1;
                }
                let first = self.first_host(zone);
                let zone = self.zones.entry(zone.clone()).or_default();
                for node in nodes {
                    zone.insert(node.ip, address.clone(), first);
                }
            }
            Alloc::Workload {
                cluster,
                claim,
                until_ms,
                ..
            } => {
                let usage = self.clusters.entry(cluster.clone()).or_default();
                usage.users.insert(address.clone());
                match until_ms {
                    Some(until) if *until <= now_ms => {
                        self.released.insert(record.id.clone());
                    }
                    _ => {
                        self.workload_pods(record, true);
                        if let Some(until) = until_ms {
                            self.running.insert((*until, record.id.clone()));
                        }
                    }
                }
                if let Some(claim) = claim {
                    let usage = self.storage.entry(claim.storage.clone()).or_default();
                    usage.claimed += claim.bytes;
                    usage.users.insert(address);
                }
            }
        }
    }

    fn unindex(&mut self, record: &Record) {
        let address = record.address.to_string();
        match &record.alloc {
            Alloc::None | Alloc::Zone { .. } | Alloc::Storage { .. } | Alloc::Pool { .. } => {}
            Alloc::Vm {
                pool,
                host,
                cpu_m,
                memory,
                group,
                lease,
            } => {
                let usage = self.pools.entry(pool.clone()).or_default();
                usage.users.remove(&address);
                let h = host_use(usage, *host);
                h.cpu_m = h.cpu_m.saturating_sub(*cpu_m);
                h.memory = h.memory.saturating_sub(*memory);
                h.guests = h.guests.saturating_sub(1);
                if let Some(group) = group
                    && let Some(count) = h.groups.get_mut(group)
                {
                    *count = count.saturating_sub(1);
                    if *count == 0 {
                        h.groups.remove(group);
                    }
                }
                if let Some(lease) = lease
                    && let Some(zone) = self.zones.get_mut(&lease.zone)
                {
                    zone.remove(&lease.ip);
                }
            }
            Alloc::Cluster { pool, zone, nodes } => {
                let usage = self.pools.entry(pool.clone()).or_default();
                usage.users.remove(&address);
                for node in nodes {
                    let h = host_use(usage, node.host);
                    h.cpu_m = h.cpu_m.saturating_sub(node.cpu_m);
                    h.memory = h.memory.saturating_sub(node.memory);
                    h.guests = h.guests.saturating_sub(1);
                }
                if let Some(zone) = self.zones.get_mut(zone) {
                    for node in nodes {
                        zone.remove(&node.ip);
                    }
                }
            }
            Alloc::Workload {
                cluster,
                claim,
                until_ms,
                ..
            } => {
                if let Some(usage) = self.clusters.get_mut(cluster) {
                    usage.users.remove(&address);
                }
                if !self.released.remove(&record.id) {
                    self.workload_pods(record, false);
                    if let Some(until) = until_ms {
                        self.running.remove(&(*until, record.id.clone()));
                    }
                }
                if let Some(claim) = claim
                    && let Some(usage) = self.storage.get_mut(&claim.storage)
                {
                    usage.claimed = usage.claimed.saturating_sub(claim.bytes);
                    usage.users.remove(&address);
                }
            }
        }
    }

    /// The first host address of a zone (after the network address and the gateway).
    fn first_host(&self, zone: &str) -> Option<u128> {
        match self.at_text(zone)?.alloc {
            Alloc::Zone { cidr } => Some(first_host(&cidr)),
            _ => None,
        }
    }

    /// Adds (or removes) the requests of a workload's pods to its cluster's nodes.
    fn workload_pods(&mut self, record: &Record, add: bool) {
        let Alloc::Workload { cluster, pods, .. } = &record.alloc else {
            return;
        };
        let usage = self.clusters.entry(cluster.clone()).or_default();
        for pod in pods {
            let node = usage.nodes.entry(pod.node.clone()).or_default();
            if add {
                node.cpu_m += pod.cpu_m;
                node.memory += pod.memory;
            } else {
                node.cpu_m = node.cpu_m.saturating_sub(pod.cpu_m);
                node.memory = node.memory.saturating_sub(pod.memory);
            }
        }
    }
}

fn host_use(usage: &mut PoolUse, host: usize) -> &mut HostUse {
    if usage.hosts.len() <= host {
        usage.hosts.resize_with(host + 1, HostUse::default);
    }
    &mut usage.hosts[host]
}

/// The key a record is found by: its own idempotency key, or its address.
fn index_key(record: &Record) -> String {
    record
        .key
        .clone()
        .unwrap_or_else(|| record.address.to_string())
}
