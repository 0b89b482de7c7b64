//! Building a [`Topology`] from an evaluated blueprint, with the `sim` provider's
//! placement rules (see the module documentation of [`super`]).

mod error;
mod services;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use blueprint::{Address, Config, Fields, Instance};
use placement::demand::Role;
use placement::{Demand, Layout};

use super::{Cluster, Host, Node, Pool, Rack, Site, Storage, StorageKind, Topology, Vm};

pub use error::TopologyError;
use error::{cores, size};

/// The blueprint's instances by address, and the topology as it is built.
struct Builder<'c> {
    topology: Topology,
    demand: Demand,
    layout: Layout,
    sites: HashMap<&'c Address, u32>,
    racks: HashMap<String, u32>,
    pools: HashMap<&'c Address, u32>,
    clusters: HashMap<String, u32>,
    /// The storage a cluster's volumes default to.
    cluster_storage: Vec<Option<u32>>,
    services: HashMap<&'c Address, u32>,
    storages: HashMap<&'c Address, u32>,
    vms: HashMap<String, u32>,
    groups: HashMap<String, u32>,
}

impl Topology {
    /// Places the blueprint's hosts, VMs, nodes, replicas and storage; see the module
    /// documentation.
    pub fn from_config(config: &Config) -> Result<Topology, TopologyError> {
        let demand = Demand::from_config(config);
        let layout = placement::layout::place(&demand);
        let mut b = Builder {
            topology: Topology {
                sites: Vec::new(),
                racks: Vec::new(),
                pools: Vec::new(),
                hosts: Vec::new(),
                vms: Vec::new(),
                clusters: Vec::new(),
                nodes: Vec::new(),
                services: Vec::new(),
                replicas: Vec::new(),
                storages: Vec::new(),
            },
            demand,
            layout,
            sites: HashMap::new(),
            racks: HashMap::new(),
            pools: HashMap::new(),
            clusters: HashMap::new(),
            cluster_storage: Vec::new(),
            services: HashMap::new(),
            storages: HashMap::new(),
            vms: HashMap::new(),
            groups: HashMap::new(),
        };
        for kind in ["site", "rack", "host_pool", "storage"] {
            for inst in config.instances.iter().filter(|i| i.kind == kind) {
                match kind {
                    "site" => b.site(inst),
                    "rack" => b.rack(inst)?,
                    "host_pool" => b.pool(inst)?,
                    _ => b.storage(inst)?,
                }
            }
        }
        b.guests()?;
        for inst in config.of_kind("kubernetes_cluster") {
            let storage = match inst.fields.reference("storage") {
                Some(_) => Some(b.lookup(&b.storages, inst, &inst.fields, "storage", "storage")?),
                None => None,
            };
            b.cluster_storage.push(storage);
        }
        let mut links = Vec::new();
        for inst in config.of_kind("service") {
            links.push((b.service(inst)?, inst));
        }
        for (service, inst) in links {
            let requires = b.service_refs(inst, "requires", service)?;
            let migrates_to = b.service_refs(inst, "migrates_to", service)?;
            let s = &mut b.topology.services[service as usize];
            s.requires = requires;
            s.migrates_to = migrates_to;
        }
        Ok(b.topology)
    }
}

fn owner(inst: &Instance) -> String {
    inst.address.to_string()
}

fn missing(inst: &Instance, attr: &'static str) -> TopologyError {
    TopologyError::Missing {
        owner: owner(inst),
        attr,
    }
}

impl<'c> Builder<'c> {
    fn lookup(
        &self,
        map: &HashMap<&'c Address, u32>,
        inst: &Instance,
        fields: &Fields,
        attr: &'static str,
        kind: &'static str,
    ) -> Result<u32, TopologyError> {
        let reference = fields.reference(attr).ok_or_else(|| missing(inst, attr))?;
        map.get(reference)
            .copied()
            .ok_or_else(|| TopologyError::Reference {
                owner: owner(inst),
                attr,
                kind,
            })
    }

    fn site(&mut self, inst: &'c Instance) {
        let index = self.topology.sites.len() as u32;
        self.topology.sites.push(Site {
            address: owner(inst),
        });
        self.sites.insert(&inst.address, index);
    }

    fn rack(&mut self, inst: &'c Instance) -> Result<(), TopologyError> {
        let site = self.lookup(&self.sites, inst, &inst.fields, "site", "site")?;
        let index = self.topology.racks.len() as u32;
        self.topology.racks.push(Rack {
            address: owner(inst),
            site,
        });
        self.racks.insert(owner(inst), index);
        Ok(())
    }

    fn pool(&mut self, inst: &'c Instance) -> Result<(), TopologyError> {
        let f = &inst.fields;
        let site = self.lookup(&self.sites, inst, f, "site", "site")?;
        let pool = self.topology.pools.len() as u32;
        let spec = self
            .demand
            .pools
            .get(pool as usize)
            .ok_or_else(|| missing(inst, "hosts"))?
            .clone();
        let first = self.topology.hosts.len() as u32;
        for i in 0..spec.hosts {
            let rack = match spec.rack(i) {
                Some(address) => {
                    Some(
                        *self
                            .racks
                            .get(address)
                            .ok_or_else(|| TopologyError::Reference {
                                owner: owner(inst),
                                attr: "racks",
                                kind: "rack",
                            })?,
                    )
                }
                None => None,
            };
            self.topology.hosts.push(Host {
                pool,
                index: i as u32,
                site,
                rack,
                cpu_m: spec.host.cpu_m,
                memory: spec.host.memory,
            });
        }
        self.topology.pools.push(Pool {
            address: owner(inst),
            site,
            hosts: first..first + spec.hosts as u32,
            vms: Vec::new(),
            ha: spec.ha,
        });
        self.pools.insert(&inst.address, pool);
        Ok(())
    }

    fn storage(&mut self, inst: &'c Instance) -> Result<(), TopologyError> {
        let f = &inst.fields;
        let kind = match f.str("type") {
            Some("ceph") if f.reference("pool").is_some() => {
                let pool = self.lookup(&self.pools, inst, f, "pool", "host_pool")?;
                let size = f.int("replicas").unwrap_or(3).max(1) as u32;
                let min_size = f
                    .int("min_size")
                    .map_or(size - size / 2, |m| m.max(1) as u32);
                StorageKind::Ceph {
                    hosts: self.topology.pools[pool as usize].hosts.clone().collect(),
                    size,
                    min_size,
                }
            }
            Some("local") => StorageKind::Local,
            _ => StorageKind::Nfs,
        };
        let index = self.topology.storages.len() as u32;
        self.topology.storages.push(Storage {
            address: owner(inst),
            kind,
        });
        self.storages.insert(&inst.address, index);
        Ok(())
    }

    /// Every VM and node where the layout put it; clusters with their nodes.
    fn guests(&mut self) -> Result<(), TopologyError> {
        let d = &self.demand;
        for (g, guest) in d.guests.iter().enumerate() {
            let pool = guest.pool as u32;
            let Some(h) = self.layout.host[g] else {
                let what = match guest.node_name() {
                    Some(node) => format!(
                        "node {node} of {}",
                        d.clusters[guest.cluster().unwrap_or_default()].address
                    ),
                    None => guest.name.clone(),
                };
                return Err(TopologyError::NoHost {
                    pool: d.pools[guest.pool].address.clone(),
                    what,
                    cpu: cores(guest.need.cpu_m),
                    memory: size(guest.need.memory),
                });
            };
            let group = guest.group.as_ref().map(|name| {
                let next = self.groups.len() as u32;
                *self.groups.entry(name.clone()).or_insert(next)
            });
            let host = self.topology.pools[guest.pool].hosts.start + h as u32;
            let node = guest.cluster().map(|_| self.topology.nodes.len() as u32);
            let vm = self.topology.vms.len() as u32;
            if let Some(cluster) = guest.cluster() {
                let allocatable = self.layout.allocatable[g];
                self.topology.nodes.push(Node {
                    name: guest.node_name().unwrap_or_default().to_string(),
                    cluster: cluster as u32,
                    vm,
                    control_plane: matches!(guest.role, Role::ControlPlane { .. }),
                    cpu_m: allocatable.cpu_m,
                    memory: allocatable.memory,
                });
            }
            self.topology.pools[guest.pool].vms.push(vm);
            self.vms.insert(guest.name.clone(), vm);
            self.topology.vms.push(Vm {
                name: guest.name.clone(),
                pool,
                host,
                cpu_m: guest.need.cpu_m,
                memory: guest.need.memory,
                group,
                node,
                priority: guest.priority,
            });
        }
        let mut first = 0;
        for (c, cluster) in d.clusters.iter().enumerate() {
            let count = cluster.nodes.len() as u32;
            self.topology.clusters.push(Cluster {
                address: cluster.address.clone(),
                pool: cluster.pool as u32,
                nodes: first..first + count,
                control_plane: cluster.control_plane as u32,
                services: Vec::new(),
            });
            self.clusters.insert(cluster.address.clone(), c as u32);
            first += count;
        }
        Ok(())
    }
}
