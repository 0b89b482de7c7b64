//! The failure simulation of a blueprint: its [`Topology`] under a [`Scenario`], with
//! failover as vSphere HA, Kubernetes and Ceph carry it out.
//!
//! [`Failover::new(topology, scenario)`](Failover::new) is a [`Simulation`]: each
//! replication draws failures of every unit of every class that has a failure model (each
//! unit on its own random lane), applies the scenario's injections and maintenance, and
//! follows what happens with the scenario's [`Timings`]:
//! - **Hosts** stop when they fail or their rack or site does; their VMs stop with them.
//!   After `ha_detection`, vSphere HA restarts each VM on the surviving host of its pool
//!   with the most free memory that has room for it (and no VM of its anti-affinity
//!   group), the room admission control keeps; the VM then boots (`vm_boot`). A VM with no
//!   room waits, and restarts as soon as a host of its pool returns (its own, after
//!   repair, boots it in place). A VM that restarted elsewhere moves back to its host by
//!   vMotion, without stopping, once that host is back.
//! - A **Kubernetes node** is ready while its VM runs and the node itself has not failed.
//!   Its pods stop with it. `node_monitor_grace + pod_eviction` after it stopped, the pods
//!   of stateless services are evicted and scheduled on ready workers where their requests
//!   fit, preferring the host (or node) with the fewest replicas of the service, then the
//!   most free memory; a pod with no room stays Pending until a node returns. Pods of
//!   stateful services (catalog kinds such as kafka, rabbitmq, database, or
//!   `stateful = true`) stay bound to the node and wait for it. A pod starts `pod_start`
//!   after it is scheduled or its node returns. With the control plane down (fewer than an
//!   etcd majority of control-plane nodes ready) nothing is evicted or scheduled; that
//!   waits for the control plane.
//! - **Ceph** keeps `size` copies of each placement group on distinct hosts; an OSD host
//!   that is down for `ceph_rereplication` is marked out and its copies are made again on
//!   the hosts that are up (at once: the simulation does not model recovery bandwidth).
//!   I/O stops while some placement group has fewer than `min_size` copies up. Data is at
//!   risk while some placement group has one copy left.
//! - A **service** is up while at least `quorum` of its replicas run, its cluster's control
//!   plane is up, the storage of its volume serves I/O, and every service it requires is
//!   up. It is degraded while fewer than all its replicas run.
//! - **Maintenance** drains the hosts of each pool one at a time, every `every`, for
//!   `duration` each: a host is drained only when every host of its pool is up, its VMs fit
//!   on the others (they move by vMotion, without stopping) and its Ceph OSDs can go down
//!   without stopping I/O; otherwise it is skipped until the next round.
//!
//! The outcome has one row per service, then one per cluster (its control plane: up while
//! etcd has a majority; degraded while a node is down), one per storage (up while it
//! serves I/O; degraded while a copy is missing) and, for Ceph pools of two or more
//! copies, a row `storage.NAME/data_at_risk` whose outages are the times some placement
//! group was down to one copy. [`row_kind`] tells the rows apart.

pub mod estimate;
mod model;
pub mod scenario;
mod scope;

use placement::Need;
use placement::ha::RestartRoom;

use crate::runner::{Control, Replication, ReplicationResult, Simulation};
use crate::topology::{On, StorageKind, Topology};

pub use estimate::Estimate;
pub use scenario::{
    Class, ClassFailures, FailureModel, Injection, Maintenance, Scenario, ScenarioError, Target,
    Timings,
};

/// The suffix of the data-at-risk row of a Ceph storage.
pub const DATA_AT_RISK: &str = "/data_at_risk";

/// The suffix of the row of an application on VMs as it runs after migration: up while
/// every service of its `migrates_to` is up.
pub const AFTER_MIGRATION: &str = "/after_migration";

/// What an outcome row is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// A service.
    Service,
    /// A cluster's control plane.
    Cluster,
    /// A storage system's I/O.
    Storage,
    /// The times a Ceph pool was down to one copy.
    DataAtRisk,
    /// An application on VMs as it runs after migration (its `migrates_to`, together).
    AfterMigration,
}

/// The kind of an outcome row, from its address.
pub fn row_kind(address: &str) -> RowKind {
    if address.ends_with(DATA_AT_RISK) {
        return RowKind::DataAtRisk;
    }
    if address.ends_with(AFTER_MIGRATION) {
        return RowKind::AfterMigration;
    }
    // The kind is the part before the name, after any module path.
    let kind = address
        .parse::<blueprint::Address>()
        .map(|a| a.kind)
        .unwrap_or_default();
    match kind.as_str() {
        "kubernetes_cluster" => RowKind::Cluster,
        "storage" => RowKind::Storage,
        _ => RowKind::Service,
    }
}

/// The failure simulation of a topology under a scenario; see the module documentation.
#[derive(Clone, Debug)]
pub struct Failover {
    topology: Topology,
    scenario: Scenario,
    derived: Derived,
}

/// Lookups computed once from the topology.
#[derive(Clone, Debug)]
struct Derived {
    /// Hosts of each site.
    site_hosts: Vec<Vec<u32>>,
    /// Hosts of each rack.
    rack_hosts: Vec<Vec<u32>>,
    /// Replicas of the services of each cluster.
    cluster_replicas: Vec<Vec<u32>>,
    /// Services in dependency order (what a service requires comes first).
    order: Vec<u32>,
    /// Storage failure units: (storage, OSD position for Ceph).
    storage_units: Vec<(u32, Option<u32>)>,
    /// The first unit of each storage.
    first_unit: Vec<u32>,
    /// The Ceph OSDs on each host: (storage, OSD position).
    host_osds: Vec<Vec<(u32, u32)>>,
    /// Anti-affinity groups.
    groups: u32,
    /// Storages with a data-at-risk row.
    at_risk: Vec<u32>,
    /// Services on VMs with an after-migration row.
    migrations: Vec<u32>,
    /// The replicas of applications on each VM.
    vm_replicas: Vec<Vec<u32>>,
    /// The restart room of each pool's HA admission policy, before anything fails.
    rooms: Vec<RestartRoom>,
    /// Row addresses.
    addresses: Vec<String>,
}

impl Failover {
    /// The simulation of `topology` under `scenario`.
    pub fn new(topology: Topology, scenario: Scenario) -> Failover {
        let derived = Derived::new(&topology);
        Failover {
            topology,
            scenario,
            derived,
        }
    }

    /// The topology.
    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
}

impl Derived {
    fn new(t: &Topology) -> Derived {
        let mut site_hosts = vec![Vec::new(); t.sites.len()];
        let mut rack_hosts = vec![Vec::new(); t.racks.len()];
        for (h, host) in t.hosts.iter().enumerate() {
            site_hosts[host.site as usize].push(h as u32);
            if let Some(r) = host.rack {
                rack_hosts[r as usize].push(h as u32);
            }
        }
        let cluster_replicas = t
            .clusters
            .iter()
            .map(|c| {
                c.services
                    .iter()
                    .flat_map(|&s| t.services[s as usize].replicas.clone())
                    .collect()
            })
            .collect();
        let mut storage_units = Vec::new();
        let mut first_unit = Vec::new();
        let mut host_osds = vec![Vec::new(); t.hosts.len()];
        let mut at_risk = Vec::new();
        for (s, storage) in t.storages.iter().enumerate() {
            first_unit.push(storage_units.len() as u32);
            match &storage.kind {
                StorageKind::Ceph { hosts, size, .. } => {
                    for (k, &h) in hosts.iter().enumerate() {
                        storage_units.push((s as u32, Some(k as u32)));
                        host_osds[h as usize].push((s as u32, k as u32));
                    }
                    if *size >= 2 {
                        at_risk.push(s as u32);
                    }
                }
                StorageKind::Nfs => storage_units.push((s as u32, None)),
                StorageKind::Local => {}
            }
        }
        let groups = t
            .vms
            .iter()
            .filter_map(|v| v.group)
            .max()
            .map_or(0, |g| g + 1);
        let mut addresses: Vec<String> = t.services.iter().map(|s| s.address.clone()).collect();
        addresses.extend(t.clusters.iter().map(|c| c.address.clone()));
        addresses.extend(t.storages.iter().map(|s| s.address.clone()));
        addresses.extend(
            at_risk
                .iter()
                .map(|&s| format!("{}{DATA_AT_RISK}", t.storages[s as usize].address)),
        );
        let migrations: Vec<u32> = (0..t.services.len() as u32)
            .filter(|&s| !t.services[s as usize].migrates_to.is_empty())
            .collect();
        addresses.extend(
            migrations
                .iter()
                .map(|&s| format!("{}{AFTER_MIGRATION}", t.services[s as usize].address)),
        );
        let mut vm_replicas = vec![Vec::new(); t.vms.len()];
        for (r, replica) in t.replicas.iter().enumerate() {
            if let On::Vm(v) = replica.on {
                vm_replicas[v as usize].push(r as u32);
            }
        }
        let rooms = t
            .pools
            .iter()
            .map(|p| {
                let sizes: Vec<Need> = p
                    .hosts
                    .clone()
                    .map(|h| Need::new(t.hosts[h as usize].cpu_m, t.hosts[h as usize].memory))
                    .collect();
                let vms: Vec<Need> = p
                    .vms
                    .iter()
                    .map(|&v| Need::new(t.vms[v as usize].cpu_m, t.vms[v as usize].memory))
                    .collect();
                RestartRoom::new(p.ha, &sizes, &vms)
            })
            .collect();
        Derived {
            site_hosts,
            rack_hosts,
            cluster_replicas,
            order: dependency_order(t),
            storage_units,
            first_unit,
            host_osds,
            groups,
            at_risk,
            migrations,
            vm_replicas,
            rooms,
            addresses,
        }
    }
}

/// Services with what they require first (a cycle is cut where it closes).
fn dependency_order(t: &Topology) -> Vec<u32> {
    fn visit(t: &Topology, s: u32, state: &mut [u8], order: &mut Vec<u32>) {
        if state[s as usize] != 0 {
            return;
        }
        state[s as usize] = 1;
        for &d in &t.services[s as usize].requires {
            visit(t, d, state, order);
        }
        state[s as usize] = 2;
        order.push(s);
    }
    let mut state = vec![0u8; t.services.len()];
    let mut order = Vec::with_capacity(t.services.len());
    for s in 0..t.services.len() as u32 {
        visit(t, s, &mut state, &mut order);
    }
    order
}

impl Simulation for Failover {
    fn services(&self) -> Vec<String> {
        self.derived.addresses.clone()
    }

    fn replicate(&self, replication: &Replication) -> ReplicationResult {
        model::replicate(self, replication, &Control::default())
            .expect("a replication stops early only when asked to")
    }

    fn replicate_with(
        &self,
        replication: &Replication,
        control: &Control,
    ) -> Option<ReplicationResult> {
        model::replicate(self, replication, control)
    }
}
