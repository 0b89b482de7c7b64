//! Building a [`Topology`] from an evaluated blueprint, with the `sim` provider's
//! placement rules (see the module documentation of [`super`]).

use std::cmp::Reverse;
use std::collections::HashMap;

use blueprint::schema::catalog_entry;
use blueprint::units::parse_size;
use blueprint::{Address, Config, Fields, Instance};
use thiserror::Error;

use super::{
    Cluster, Host, Node, Pool, Rack, Replica, Service, Site, Spread, Storage, StorageKind,
    Topology, Vm,
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

/// Free vCPU (millicores) and memory of one host or node, as placement sees it.
#[derive(Clone, Copy, Debug)]
struct Free {
    cpu_m: i64,
    memory: i128,
}

impl Free {
    fn new(cpu_m: u64, memory: u64) -> Free {
        Free {
            cpu_m: cpu_m as i64,
            memory: memory as i128,
        }
    }

    fn holds(&self, cpu_m: u64, memory: u64) -> bool {
        self.cpu_m >= cpu_m as i64 && self.memory >= memory as i128
    }

    fn take(&mut self, cpu_m: u64, memory: u64) {
        self.cpu_m -= cpu_m as i64;
        self.memory -= memory as i128;
    }
}

/// The blueprint's instances by address, and the topology as it is built.
struct Builder<'c> {
    topology: Topology,
    sites: HashMap<&'c Address, u32>,
    racks: HashMap<&'c Address, u32>,
    pools: HashMap<&'c Address, u32>,
    clusters: HashMap<&'c Address, u32>,
    /// The storage a cluster's volumes default to.
    cluster_storage: Vec<Option<u32>>,
    services: HashMap<&'c Address, u32>,
    storages: HashMap<&'c Address, u32>,
    groups: HashMap<String, u32>,
    host_free: Vec<Free>,
    /// VMs of each anti-affinity group on each host: (host, group).
    host_groups: HashMap<(u32, u32), u32>,
    node_free: Vec<Free>,
}

impl Topology {
    /// Places the blueprint's hosts, VMs, nodes, replicas and storage; see the module
    /// documentation.
    pub fn from_config(config: &Config) -> Result<Topology, TopologyError> {
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
            sites: HashMap::new(),
            racks: HashMap::new(),
            pools: HashMap::new(),
            clusters: HashMap::new(),
            cluster_storage: Vec::new(),
            services: HashMap::new(),
            storages: HashMap::new(),
            groups: HashMap::new(),
            host_free: Vec::new(),
            host_groups: HashMap::new(),
            node_free: Vec::new(),
        };
        // Failure domains and storage first; then VMs, clusters and services in the
        // blueprint's dependency order, as apply creates them.
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
        let mut requires = Vec::new();
        for inst in &config.instances {
            match inst.kind {
                "vm" => b.vm(inst)?,
                "kubernetes_cluster" => b.cluster(inst)?,
                "service" => requires.push((b.service(inst)?, inst)),
                _ => {}
            }
        }
        for (service, inst) in requires {
            let mut deps = Vec::new();
            for address in inst.fields.references("requires") {
                let dep = *b.services.get(address).ok_or(TopologyError::Reference {
                    owner: inst.address.to_string(),
                    attr: "requires",
                    kind: "service",
                })?;
                if dep != service && !deps.contains(&dep) {
                    deps.push(dep);
                }
            }
            b.topology.services[service as usize].requires = deps;
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
        self.racks.insert(&inst.address, index);
        Ok(())
    }

    fn pool(&mut self, inst: &'c Instance) -> Result<(), TopologyError> {
        let f = &inst.fields;
        let site = self.lookup(&self.sites, inst, f, "site", "site")?;
        let mut racks = Vec::new();
        for address in f.references("racks") {
            racks.push(
                *self
                    .racks
                    .get(address)
                    .ok_or_else(|| TopologyError::Reference {
                        owner: owner(inst),
                        attr: "racks",
                        kind: "rack",
                    })?,
            );
        }
        let count = f.int("hosts").ok_or_else(|| missing(inst, "hosts"))?.max(0) as u32;
        let host = f.block("host").ok_or_else(|| missing(inst, "host"))?;
        let cpu = host
            .fields
            .num("cpu")
            .ok_or_else(|| missing(inst, "host.cpu"))?;
        let memory = host
            .fields
            .size("memory")
            .ok_or_else(|| missing(inst, "host.memory"))?;
        let ratio = |name: &str| {
            f.block("overcommit")
                .and_then(|o| o.fields.num(name))
                .unwrap_or(1.0)
                .max(1.0)
        };
        let (cpu_ratio, memory_ratio) = (ratio("cpu"), ratio("memory"));
        let cpu_m = (cpu * cpu_ratio * 1000.0).round() as u64;
        let memory = if memory_ratio == 1.0 {
            memory
        } else {
            (memory as f64 * memory_ratio) as u64
        };
        let pool = self.topology.pools.len() as u32;
        let first = self.topology.hosts.len() as u32;
        for i in 0..count {
            self.topology.hosts.push(Host {
                pool,
                index: i,
                site,
                rack: (!racks.is_empty()).then(|| racks[i as usize % racks.len()]),
                cpu_m,
                memory,
            });
            self.host_free.push(Free::new(cpu_m, memory));
        }
        self.topology.pools.push(Pool {
            address: owner(inst),
            site,
            hosts: first..first + count,
            vms: Vec::new(),
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

    /// The host of `pool` for a VM: room, no VM of its group, then the least `penalty`,
    /// the most free memory, the most free vCPU, the lowest index.
    fn choose_host(
        &self,
        pool: u32,
        cpu_m: u64,
        memory: u64,
        group: Option<u32>,
        penalty: impl Fn(u32) -> u64,
    ) -> Option<u32> {
        let mut best: Option<(u64, Reverse<i128>, Reverse<i64>, u32)> = None;
        for h in self.topology.pools[pool as usize].hosts.clone() {
            let free = self.host_free[h as usize];
            if !free.holds(cpu_m, memory) {
                continue;
            }
            if group.is_some_and(|g| self.host_groups.get(&(h, g)).is_some_and(|&n| n > 0)) {
                continue;
            }
            let key = (penalty(h), Reverse(free.memory), Reverse(free.cpu_m), h);
            if best.as_ref().is_none_or(|b| key < *b) {
                best = Some(key);
            }
        }
        best.map(|(_, _, _, h)| h)
    }

    fn put_vm(&mut self, vm: Vm) -> u32 {
        let index = self.topology.vms.len() as u32;
        self.host_free[vm.host as usize].take(vm.cpu_m, vm.memory);
        if let Some(g) = vm.group {
            *self.host_groups.entry((vm.host, g)).or_default() += 1;
        }
        self.topology.pools[vm.pool as usize].vms.push(index);
        self.topology.vms.push(vm);
        index
    }

    fn vm(&mut self, inst: &'c Instance) -> Result<(), TopologyError> {
        let f = &inst.fields;
        let pool = self.lookup(&self.pools, inst, f, "pool", "host_pool")?;
        let cpu = f.num("cpu").ok_or_else(|| missing(inst, "cpu"))?;
        let cpu_m = (cpu * 1000.0).round() as u64;
        let memory = f.size("memory").ok_or_else(|| missing(inst, "memory"))?;
        let group = f.str("anti_affinity").map(|name| {
            let next = self.groups.len() as u32;
            *self.groups.entry(name.to_string()).or_insert(next)
        });
        let host = self
            .choose_host(pool, cpu_m, memory, group, |_| 0)
            .ok_or_else(|| self.no_host(pool, owner(inst), cpu_m, memory))?;
        self.put_vm(Vm {
            name: owner(inst),
            pool,
            host,
            cpu_m,
            memory,
            group,
            node: None,
        });
        Ok(())
    }

    fn no_host(&self, pool: u32, what: String, cpu_m: u64, memory: u64) -> TopologyError {
        TopologyError::NoHost {
            pool: self.topology.pools[pool as usize].address.clone(),
            what,
            cpu: cores(cpu_m),
            memory: size(memory),
        }
    }

    fn cluster(&mut self, inst: &'c Instance) -> Result<(), TopologyError> {
        let f = &inst.fields;
        let pool = self.lookup(&self.pools, inst, f, "pool", "host_pool")?;
        let storage = match f.reference("storage") {
            Some(_) => Some(self.lookup(&self.storages, inst, f, "storage", "storage")?),
            None => None,
        };
        // (name, control plane, vCPU, memory), as the provider names the nodes.
        let mut specs: Vec<(String, bool, u64, u64)> = Vec::new();
        let cp = f.block("control_plane").map(|b| &b.fields);
        let count = cp.and_then(|c| c.int("count")).unwrap_or(1).max(1);
        let cpu = cp.and_then(|c| c.num("cpu")).unwrap_or(4.0);
        let memory = cp.and_then(|c| c.size("memory")).unwrap_or(16 << 30);
        for i in 0..count {
            let cpu_m = (cpu * 1000.0).round() as u64;
            specs.push((format!("cp-{i}"), true, cpu_m, memory));
        }
        for (g, group) in f.blocks("node_group").iter().enumerate() {
            let label = group.label.clone().unwrap_or_else(|| format!("group{g}"));
            let gf = &group.fields;
            let count = gf.int("count").unwrap_or(0).max(0);
            let cpu = gf
                .num("cpu")
                .ok_or_else(|| missing(inst, "node_group.cpu"))?;
            let memory = gf
                .size("memory")
                .ok_or_else(|| missing(inst, "node_group.memory"))?;
            for i in 0..count {
                let cpu_m = (cpu * 1000.0).round() as u64;
                specs.push((format!("{label}-{i}"), false, cpu_m, memory));
            }
        }
        let cluster = self.topology.clusters.len() as u32;
        let address = owner(inst);
        let first = self.topology.nodes.len() as u32;
        // Control-plane and all nodes of this cluster per host, for spreading.
        let mut per_host: HashMap<u32, (u64, u64)> = HashMap::new();
        for (name, control_plane, cpu_m, memory) in specs {
            let host = self
                .choose_host(pool, cpu_m, memory, None, |h| {
                    let (cps, all) = per_host.get(&h).copied().unwrap_or_default();
                    if control_plane {
                        (cps << 32) | all
                    } else {
                        all
                    }
                })
                .ok_or_else(|| {
                    self.no_host(pool, format!("node {name} of {address}"), cpu_m, memory)
                })?;
            let counts = per_host.entry(host).or_default();
            counts.0 += u64::from(control_plane);
            counts.1 += 1;
            let node = self.topology.nodes.len() as u32;
            let vm = self.put_vm(Vm {
                name: format!("{address}/{name}"),
                pool,
                host,
                cpu_m,
                memory,
                group: None,
                node: Some(node),
            });
            self.topology.nodes.push(Node {
                name,
                cluster,
                vm,
                control_plane,
                cpu_m,
                memory,
            });
            self.node_free.push(Free::new(cpu_m, memory));
        }
        let last = self.topology.nodes.len() as u32;
        self.topology.clusters.push(Cluster {
            address,
            pool,
            nodes: first..last,
            control_plane: count as u32,
            services: Vec::new(),
        });
        self.cluster_storage.push(storage);
        self.clusters.insert(&inst.address, cluster);
        Ok(())
    }

    fn service(&mut self, inst: &'c Instance) -> Result<u32, TopologyError> {
        let f = &inst.fields;
        let cluster = self.lookup(&self.clusters, inst, f, "cluster", "kubernetes_cluster")?;
        let kind = f.str("kind").unwrap_or("application");
        let entry = catalog_entry(kind)
            .or_else(|| catalog_entry("application"))
            .expect("the catalog has \"application\"");
        let replicas = f.int("replicas").unwrap_or(entry.replicas).max(0) as u32;
        let quorum = (f.int("quorum").or(entry.quorum).unwrap_or(1).max(1) as u32).min(replicas);
        let stateful = f.bool("stateful").unwrap_or(entry.stateful);
        let cpu_m = f
            .num("cpu")
            .map_or((entry.cpu * 1000.0).round() as u64, |c| {
                (c * 1000.0).round() as u64
            });
        let memory = f
            .size("memory")
            .unwrap_or_else(|| parse_size(entry.memory).unwrap_or(0));
        let spread = Spread::parse(f.str("spread"));
        let storage = match f.block("volume") {
            Some(volume) => match volume.fields.reference("storage") {
                Some(_) => {
                    Some(self.lookup(&self.storages, inst, &volume.fields, "storage", "storage")?)
                }
                None => self.cluster_storage[cluster as usize],
            },
            None => None,
        };
        let service = self.topology.services.len() as u32;
        let address = owner(inst);
        let first = self.topology.replicas.len() as u32;
        let nodes = self.topology.clusters[cluster as usize].nodes.clone();
        let mut per_node: HashMap<u32, u64> = HashMap::new();
        let mut per_host: HashMap<u32, u64> = HashMap::new();
        for replica in 0..replicas {
            let mut best: Option<(u64, Reverse<i128>, Reverse<i64>, u32)> = None;
            for n in nodes.clone() {
                let node = &self.topology.nodes[n as usize];
                let free = self.node_free[n as usize];
                if node.control_plane || !free.holds(cpu_m, memory) {
                    continue;
                }
                let crowd = match spread {
                    Spread::Host => per_host
                        .get(&self.topology.node_host(n))
                        .copied()
                        .unwrap_or(0),
                    Spread::Node => per_node.get(&n).copied().unwrap_or(0),
                    Spread::None => 0,
                };
                let key = (crowd, Reverse(free.memory), Reverse(free.cpu_m), n);
                if best.as_ref().is_none_or(|b| key < *b) {
                    best = Some(key);
                }
            }
            let Some((_, _, _, n)) = best else {
                return Err(TopologyError::NoNode {
                    cluster: self.topology.clusters[cluster as usize].address.clone(),
                    service: address,
                    replica: replica + 1,
                    cpu: cores(cpu_m),
                    memory: size(memory),
                });
            };
            self.node_free[n as usize].take(cpu_m, memory);
            *per_node.entry(n).or_default() += 1;
            *per_host.entry(self.topology.node_host(n)).or_default() += 1;
            self.topology.replicas.push(Replica { service, node: n });
        }
        self.topology.services.push(Service {
            address,
            kind: entry.kind.to_string(),
            cluster,
            replicas: first..first + replicas,
            quorum,
            stateful,
            spread,
            cpu_m,
            memory,
            requires: Vec::new(),
            storage,
        });
        self.topology.clusters[cluster as usize]
            .services
            .push(service);
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
