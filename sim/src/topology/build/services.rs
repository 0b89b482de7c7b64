//! Placing a service's replicas on the nodes or VMs the layout gave it, and linking the
//! services it requires or migrates to.

use blueprint::Instance;
use blueprint::schema::catalog_entry;
use placement::Need;
use placement::pods::Spread;

use super::super::{On, Replica, Service};

use super::error::{cores, size};
use super::{Builder, TopologyError, missing, owner};

impl<'c> Builder<'c> {
    pub(super) fn service_refs(
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

    pub(super) fn service(&mut self, inst: &'c Instance) -> Result<u32, TopologyError> {
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
