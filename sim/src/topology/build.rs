//! Building a [`Topology`] from an evaluated blueprint, with the `sim` provider's
//! placement rules (see the module documentation of [`super`]).

use std::collections::HashMap;

use blueprint::schema::catalog_entry;
use blueprint::{Address, Config, Fields, Instance};
use placement::demand::Role;
use placement::pods::Spread;
use placement::{Demand, Layout, Need};
use thiserror::Error;

use super::{
    Cluster, Host, Node, On, Pool, Rack, Replica, Service, Site, Storage, StorageKind, Topology, Vm,
};

/// Why a blueprint gives no topology.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TopologyError {
    /// A reference that names nothing the simulator knows (the blueprint has errors).
    #[error("{owner}: `{attr}` does not name a {kind} of the blueprint")]
    Reference {
        /// The instance.
        owner: String,
        /// Its attribute.
        attr: &'static str,
        /// The kind it should name.
        kind: &'static str,
    },
    /// A required attribute without a value (the blueprint has errors).
    #[error("{owner}: `{attr}` has no value")]
    Missing {
        /// The instance.
        owner: String,
        /// Its attribute.
        attr: &'static str,
    },
    /// No host of a pool has room for a VM or node.
    #[error(
        "no host of {pool} has room for {what} (needs {cpu} vCPU, {memory}); apply would fail the same way"
    )]
    NoHost {
        /// The pool.
        pool: String,
        /// The VM or node.
        what: String,
        /// Its vCPU.
        cpu: String,
        /// Its memory.
        memory: String,
    },
    /// No worker node of a cluster has room for a replica.
    #[error(
        "no node of {cluster} has room for replica {replica} of {service} (needs {cpu} CPU, {memory}); apply would fail the same way"
    )]
    NoNode {
        /// The cluster.
        cluster: String,
        /// The service.
        service: String,
        /// Which replica, from 1.
        replica: u32,
        /// Its CPU request.
        cpu: String,
        /// Its memory request.
        memory: String,
    },
}

fn cores(m: u64) -> String {
    let text = format!("{:.3}", m as f64 / 1000.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn size(bytes: u64) -> String {
    blueprint::units::format_size(bytes)
}

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

    fn service_refs(
        &self,
        inst: &Instance,
        attr: &'static str,
        me: u32,
    ) -> Result<Vec<u32>, TopologyError> {
        let mut out = Vec::new();
        for address in inst.fields.references(attr) {
            let dep = *self.services.get(address).ok_or(TopologyError::Reference {
                owner: owner(inst),
                attr,
                kind: "service",
            })?;
            if dep != me && !out.contains(&dep) {
                out.push(dep);
            }
        }
        Ok(out)
    }

    fn service(&mut self, inst: &'c Instance) -> Result<u32, TopologyError> {
        let f = &inst.fields;
        let kind = f.str("kind").unwrap_or("application");
        let entry = catalog_entry(kind)
            .or_else(|| catalog_entry("application"))
            .expect("the catalog has \"application\"");
        let stateful = f.bool("stateful").unwrap_or(entry.stateful);
        let service = self.topology.services.len() as u32;
        let address = owner(inst);
        let first = self.topology.replicas.len() as u32;
        let (cluster, spread, need, storage) = if f.reference("cluster").is_some() {
            let cluster = *self
                .clusters
                .get(
                    &f.reference("cluster")
                        .map(|c| c.to_string())
                        .unwrap_or_default(),
                )
                .ok_or(TopologyError::Reference {
                    owner: owner(inst),
                    attr: "cluster",
                    kind: "kubernetes_cluster",
                })?;
            let (w, spec) = self
                .demand
                .workloads
                .iter()
                .enumerate()
                .find(|(_, w)| w.address == address)
                .ok_or_else(|| missing(inst, "cluster"))?;
            for (i, node) in self.layout.pods[w].iter().enumerate() {
                let Some(guest) = node else {
                    return Err(TopologyError::NoNode {
                        cluster: self.topology.clusters[cluster as usize].address.clone(),
                        service: address,
                        replica: i as u32 + 1,
                        cpu: cores(spec.need.cpu_m),
                        memory: size(spec.need.memory),
                    });
                };
                let node = self.topology.vms[*guest].node.expect("pods run on nodes");
                self.topology.replicas.push(Replica {
                    service,
                    on: On::Node(node),
                });
            }
            let storage = match f.block("volume") {
                Some(volume) => match volume.fields.reference("storage") {
                    Some(_) => Some(self.lookup(
                        &self.storages,
                        inst,
                        &volume.fields,
                        "storage",
                        "storage",
                    )?),
                    None => self.cluster_storage[cluster as usize],
                },
                None => None,
            };
            self.topology.clusters[cluster as usize]
                .services
                .push(service);
            (Some(cluster), spec.spread, spec.need, storage)
        } else {
            for vm in f.references("vms") {
                let v = *self
                    .vms
                    .get(&vm.to_string())
                    .ok_or(TopologyError::Reference {
                        owner: owner(inst),
                        attr: "vms",
                        kind: "vm",
                    })?;
                self.topology.replicas.push(Replica {
                    service,
                    on: On::Vm(v),
                });
            }
            (None, Spread::None, Need::default(), None)
        };
        let replicas = self.topology.replicas.len() as u32 - first;
        let quorum = (f.int("quorum").or(entry.quorum).unwrap_or(1).max(1) as u32).min(replicas);
        self.topology.services.push(Service {
            address,
            kind: entry.kind.to_string(),
            cluster,
            replicas: first..first + replicas,
            quorum,
            stateful,
            spread,
            cpu_m: need.cpu_m,
            memory: need.memory,
            requires: Vec::new(),
            storage,
            migrates_to: Vec::new(),
        });
        self.services.insert(&inst.address, service);
        Ok(service)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(hcl: &str) -> Config {
        static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("strata-topology-{}-{seq}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("main.hcl"), hcl).unwrap();
        let mut sources = blueprint::SourceMap::default();
        let (config, diags) = blueprint::load(&dir, &Default::default(), &mut sources);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(!diags.has_errors(), "{}", diags.render(&sources));
        config
    }

    const BASE: &str = r#"
site "a" {}
rack "r" {
  count = 2
  site  = site.a
}
network_zone "z" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.a
  racks = rack.r
  hosts = 3
  host {
    cpu    = 16
    memory = "64GiB"
  }
  overcommit { cpu = 2 }
}
"#;

    #[test]
    fn places_like_the_provider() {
        let config = load(&format!(
            r#"{BASE}
vm "web" {{
  count         = 2
  pool          = host_pool.p
  cpu           = 2
  memory        = "8GiB"
  zone          = network_zone.z
  anti_affinity = "web"
}}
storage "ceph" {{
  type     = "ceph"
  pool     = host_pool.p
  capacity = "10TiB"
}}
kubernetes_cluster "k" {{
  pool    = host_pool.p
  zone    = network_zone.z
  storage = storage.ceph
  control_plane {{
    count  = 3
    cpu    = 2
    memory = "8GiB"
  }}
  node_group "w" {{
    count  = 3
    cpu    = 4
    memory = "16GiB"
  }}
}}
service "api" {{
  cluster  = kubernetes_cluster.k
  replicas = 3
  cpu      = 1
  memory   = "1GiB"
}}
service "db" {{
  cluster  = kubernetes_cluster.k
  kind     = "database"
  requires = []
}}
service "app" {{
  cluster  = kubernetes_cluster.k
  replicas = 2
  requires = [service.api, service.db]
}}
"#
        ));
        let t = Topology::from_config(&config).unwrap();
        let dump = t.to_string();
        let expected = "\
host_pool.p/host-0 in site.a, rack.r[0]
host_pool.p/host-1 in site.a, rack.r[1]
host_pool.p/host-2 in site.a, rack.r[0]
vm.web[0] on host_pool.p/host-0
vm.web[1] on host_pool.p/host-1
kubernetes_cluster.k/cp-0 on host_pool.p/host-2
kubernetes_cluster.k/cp-1 on host_pool.p/host-0
kubernetes_cluster.k/cp-2 on host_pool.p/host-1
kubernetes_cluster.k/w-0 on host_pool.p/host-2
kubernetes_cluster.k/w-1 on host_pool.p/host-0
kubernetes_cluster.k/w-2 on host_pool.p/host-1
service.api on kubernetes_cluster.k/w-0, kubernetes_cluster.k/w-1, kubernetes_cluster.k/w-2
service.db on kubernetes_cluster.k/w-0, kubernetes_cluster.k/w-1, kubernetes_cluster.k/w-2
service.app on kubernetes_cluster.k/w-0, kubernetes_cluster.k/w-1
storage.ceph size 3 min_size 2 on host_pool.p/host-0, host_pool.p/host-1, host_pool.p/host-2
";
        assert_eq!(dump, expected);
        assert_eq!(t.hosts[0].cpu_m, 32_000);
        let db = &t.services[1];
        assert_eq!(
            (db.quorum, db.stateful, db.kind.as_str()),
            (2, true, "database")
        );
        assert_eq!((db.storage, t.services[0].storage), (Some(0), None));
        assert_eq!(t.services[2].requires, vec![0, 1]);
        assert_eq!(t.clusters[0].etcd_quorum(), 2);
    }

    #[test]
    fn a_blueprint_that_does_not_fit_is_an_error() {
        let config = load(&format!(
            r#"{BASE}
vm "one_per_host" {{
  count         = 4
  pool          = host_pool.p
  cpu           = 2
  memory        = "4GiB"
  zone          = network_zone.z
  anti_affinity = "one"
}}
"#
        ));
        let e = Topology::from_config(&config).unwrap_err();
        assert!(
            e.to_string()
                .contains("no host of host_pool.p has room for vm.one_per_host[3]"),
            "{e}"
        );
    }
}
