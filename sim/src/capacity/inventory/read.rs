//! Reading the inventory from an evaluated blueprint, on the one placement reading of it.

use std::collections::HashMap;

use blueprint::{Config, Fields, Instance};

use super::super::growth::{Growth, Model, Period};
use super::{
    Cluster, GIB, GrowthScenario, Guest, HaPolicy, Inventory, Load, MS_PER_MONTH, NodeGroup, Pool,
    Res, Spread, Storage, Workload, WorkloadKind,
};

/// CPU in cores (or vCPUs) of millicores.
fn cores(m: u64) -> f64 {
    m as f64 / 1000.0
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
    /// Reads the capacity-relevant parts of an evaluated blueprint: the guests and pods of
    /// the one placement reading ([`placement::Demand`]), with what capacity planning adds
    /// (disks, costs, volumes, load, targets, growth).
    pub fn from_config(config: &Config) -> Inventory {
        Inventory::with_demand(config, &placement::Demand::from_config(config))
    }

    /// As [`Inventory::from_config`], with the demand already read.
    pub fn with_demand(config: &Config, demand: &placement::Demand) -> Inventory {
        let mut inv = Inventory {
            demand: demand.clone(),
            ..Inventory::default()
        };
        let mut pools: HashMap<String, usize> = HashMap::new();
        let instances: HashMap<String, &Instance> = config
            .instances
            .iter()
            .map(|i| (i.address.to_string(), i))
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
        for g in &demand.guests {
            inv.guests.push(Guest {
                name: g.name.clone(),
                pool: g.pool,
                need: Res::new(cores(g.need.cpu_m), g.need.memory as f64),
                disk: g.disk as f64,
                group: g.group.clone(),
                role: g.role.clone(),
                priority: g.priority,
            });
        }
        for c in &demand.clusters {
            if let Some(inst) = instances.get(&c.address) {
                inv.read_cluster(inst, c);
            }
        }
        for w in &demand.workloads {
            if let Some(source) = instances.get(&w.source) {
                inv.workloads.push(read_workload(source, w));
            }
        }
        for inst in config.of_kind("scenario") {
            if let Some(g) = read_growth(inst) {
                inv.growth.push(g);
            }
        }
        inv
    }

    fn read_cluster(&mut self, inst: &Instance, spec: &placement::demand::ClusterSpec) {
        let f = &inst.fields;
        let cp = nested(f, "control_plane");
        let control_plane_size =
            Res::new(num_in(cp, "cpu", 4.0), size_in(cp, "memory", 16.0 * GIB));
        let mut groups = Vec::new();
        for (g, block) in f.blocks("node_group").iter().enumerate() {
            let gf = &block.fields;
            groups.push(NodeGroup {
                name: block.label.clone().unwrap_or_else(|| format!("group{g}")),
                count: gf.int("count").unwrap_or(0).max(0) as usize,
                size: Res::new(
                    gf.num("cpu").unwrap_or(0.0),
                    gf.size("memory").unwrap_or(0) as f64,
                ),
                disk: gf.size("disk").map_or(100.0 * GIB, |d| d as f64),
            });
        }
        let overhead = nested(f, "vm_overhead");
        self.clusters.push(Cluster {
            address: spec.address.clone(),
            pool: spec.pool,
            purpose: f.str("purpose").unwrap_or("dev").to_string(),
            purpose_written: f.get("purpose").is_some() && !f.implied.contains("purpose"),
            storage: f.reference("storage").map(|s| s.to_string()),
            control_plane: spec.control_plane,
            control_plane_size,
            groups,
            nodes: spec.nodes.clone(),
            reserved: spec.reserved,
            vm_overhead: Res::new(
                num_in(overhead, "cpu", 1.0),
                size_in(overhead, "memory", 2.0 * GIB),
            ),
        });
    }
}

fn read_pool(inst: &Instance) -> Pool {
    let f = &inst.fields;
    let host = nested(f, "host");
    let overcommit = nested(f, "overcommit");
    let ha = HaPolicy::from_fields(nested(f, "ha"));
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

/// A workload of the demand, with its volume, load and target read from `inst` (the
/// service a clone of an environment comes from has them; the clone does not).
fn read_workload(inst: &Instance, w: &placement::demand::WorkloadSpec) -> Workload {
    use placement::demand::WorkloadKind as K;
    let f = &inst.fields;
    let own = w.kind == K::Service;
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
    Workload {
        address: w.address.clone(),
        kind: match w.kind {
            K::Service => WorkloadKind::Service,
            K::Job => WorkloadKind::Job,
            K::Environment => WorkloadKind::Environment,
        },
        cluster: w.cluster,
        replicas: w.replicas,
        request: Res::new(cores(w.need.cpu_m), w.need.memory as f64),
        quorum: if w.kind == K::Job {
            1
        } else {
            f.int("quorum").unwrap_or(1).max(0) as usize
        },
        spread: match w.spread {
            placement::pods::Spread::Host => Spread::Host,
            placement::pods::Spread::Node => Spread::Node,
            placement::pods::Spread::None => Spread::None,
        },
        volume: volume.filter(|_| own),
        load: load.filter(|_| own),
        target: f.num("target").filter(|_| own),
    }
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
