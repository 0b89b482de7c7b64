//! One placement: random blueprints place identically through the three paths that place
//! them — the `sim` provider creating each object in blueprint order (as `apply` with
//! `-parallelism=1` does), the simulator's topology, and the capacity analysis.
//!
//! Each path is reduced to one map, what → where: a VM or node to its host
//! (`vm.a[0]` → `host_pool.p0/host-1`, `kubernetes_cluster.k0/w0-2` → a host) and a
//! replica to its node (`service.s1#2` → `kubernetes_cluster.k0/w0-2`). When the provider
//! refuses an object (no room), everything created before it must match, and the other
//! paths must leave that object (or part of it) unplaced too.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use blueprint::{Config, Inputs, SourceMap};
use planner::Provider;
use planner::plan::attrs::desired;
use planner::provider::CreateRequest;
use proptest::prelude::*;
use providers::{SimConfig, SimProvider};
use sim::capacity::Inventory;
use sim::capacity::place;
use sim::topology::Topology;

type Where = BTreeMap<String, String>;

#[derive(Clone, Debug)]
struct Pool {
    hosts: u32,
    cpu: u32,
    memory_gib: u32,
    overcommit: u32,
    ha: &'static str,
}

#[derive(Clone, Debug)]
enum Item {
    Vm {
        pool: usize,
        count: u32,
        cpu: u32,
        memory_gib: u32,
        group: Option<&'static str>,
    },
    Cluster {
        pool: usize,
        control_plane: u32,
        groups: Vec<(u32, u32, u32)>,
    },
}

#[derive(Clone, Debug)]
struct Service {
    cluster: usize,
    replicas: u32,
    cpu_m: u32,
    memory_mib: u32,
    spread: &'static str,
}

fn pool() -> impl Strategy<Value = Pool> {
    (
        2u32..8,
        prop::sample::select(vec![16u32, 32, 64]),
        prop::sample::select(vec![128u32, 256, 512]),
        1u32..4,
        prop::sample::select(vec![
            "",
            "percentage",
            "slots",
            "failover_hosts",
            "disabled",
        ]),
    )
        .prop_map(|(hosts, cpu, memory_gib, overcommit, ha)| Pool {
            hosts,
            cpu,
            memory_gib,
            overcommit,
            ha,
        })
}

fn item(pools: usize) -> impl Strategy<Value = Item> {
    prop_oneof![
        (
            0..pools,
            1u32..4,
            1u32..9,
            1u32..33,
            prop::option::of(prop::sample::select(vec!["a", "b"]))
        )
            .prop_map(|(pool, count, cpu, memory_gib, group)| Item::Vm {
                pool,
                count,
                cpu,
                memory_gib,
                group,
            }),
        (
            0..pools,
            prop::sample::select(vec![1u32, 3]),
            prop::collection::vec((1u32..5, 4u32..9, 16u32..33), 1..3)
        )
            .prop_map(|(pool, control_plane, groups)| Item::Cluster {
                pool,
                control_plane,
                groups,
            }),
    ]
}

fn service() -> impl Strategy<Value = Service> {
    (
        0usize..4,
        1u32..7,
        100u32..2000,
        128u32..4096,
        prop::sample::select(vec!["none", "host", "node"]),
    )
        .prop_map(|(cluster, replicas, cpu_m, memory_mib, spread)| Service {
            cluster,
            replicas,
            cpu_m,
            memory_mib,
            spread,
        })
}

fn blueprint() -> impl Strategy<Value = String> {
    prop::collection::vec(pool(), 1..3)
        .prop_flat_map(|pools| {
            let n = pools.len();
            (
                Just(pools),
                prop::collection::vec(item(n), 1..7),
                prop::collection::vec(service(), 0..6),
            )
        })
        .prop_map(|(pools, items, services)| render(&pools, &items, &services))
}

/// The blueprint as HCL.
fn render(pools: &[Pool], items: &[Item], services: &[Service]) -> String {
    let mut out = String::from(
        "site \"dc1\" {\n  location = \"Main\"\n}\n\nnetwork_zone \"app\" {\n  cidr = \"10.0.0.0/16\"\n}\n",
    );
    for (i, p) in pools.iter().enumerate() {
        let _ = write!(
            out,
            "\nhost_pool \"p{i}\" {{\n  site  = site.dc1\n  hosts = {}\n  host {{\n    cpu    = {}\n    memory = \"{}GiB\"\n  }}\n  overcommit {{\n    cpu = {}\n  }}\n",
            p.hosts, p.cpu, p.memory_gib, p.overcommit
        );
        if !p.ha.is_empty() {
            let _ = write!(out, "  ha {{\n    admission = \"{}\"\n  }}\n", p.ha);
        }
        out.push_str("}\n");
    }
    let mut clusters = 0;
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Vm {
                pool,
                count,
                cpu,
                memory_gib,
                group,
            } => {
                let _ = write!(
                    out,
                    "\nvm \"v{i}\" {{\n  count  = {count}\n  pool   = host_pool.p{pool}\n  zone   = network_zone.app\n  cpu    = {cpu}\n  memory = \"{memory_gib}GiB\"\n  disk   = \"20GiB\"\n"
                );
                if let Some(g) = group {
                    let _ = writeln!(out, "  anti_affinity = \"{g}\"");
                }
                out.push_str("}\n");
            }
            Item::Cluster {
                pool,
                control_plane,
                groups,
            } => {
                let _ = write!(
                    out,
                    "\nkubernetes_cluster \"k{clusters}\" {{\n  pool    = host_pool.p{pool}\n  zone    = network_zone.app\n  purpose = \"test\"\n  control_plane {{\n    count  = {control_plane}\n    cpu    = 4\n    memory = \"16GiB\"\n  }}\n"
                );
                for (g, (count, cpu, memory_gib)) in groups.iter().enumerate() {
                    let _ = write!(
                        out,
                        "  node_group \"w{g}\" {{\n    count  = {count}\n    cpu    = {cpu}\n    memory = \"{memory_gib}GiB\"\n  }}\n"
                    );
                }
                out.push_str("}\n");
                clusters += 1;
            }
        }
    }
    if clusters > 0 {
        for (i, s) in services.iter().enumerate() {
            let _ = write!(
                out,
                "\nservice \"s{i}\" {{\n  cluster  = kubernetes_cluster.k{}\n  replicas = {}\n  quorum   = 1\n  cpu      = \"{}m\"\n  memory   = \"{}MiB\"\n  spread   = \"{}\"\n}}\n",
                s.cluster % clusters,
                s.replicas,
                s.cpu_m,
                s.memory_mib,
                s.spread
            );
        }
    }
    out
}

fn load(hcl: &str) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), hcl).unwrap();
    let mut sources = SourceMap::default();
    let (config, diags) = blueprint::load(dir.path(), &Inputs::default(), &mut sources);
    assert!(!diags.has_errors(), "{}\n{hcl}", diags.render(&sources));
    (dir, config)
}

/// The `sim` provider's placement: every object created in blueprint order. Returns what
/// was placed and the first object refused, if any (nothing is created after it).
fn through_provider(dir: &std::path::Path, config: &Config) -> (Where, Option<String>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sim = SimProvider::open(&dir.join("sim.json"), SimConfig::default()).unwrap();
        let mut out = Where::new();
        for inst in &config.instances {
            let attrs = desired(inst);
            let response = sim
                .create(CreateRequest {
                    key: String::new(),
                    kind: inst.kind.to_string(),
                    address: inst.address.clone(),
                    attrs: attrs.clone(),
                    sensitive: Vec::new(),
                    progress: Default::default(),
                })
                .await;
            let address = inst.address.to_string();
            if response.id.is_none() {
                return (out, Some(address));
            }
            let got = response.attrs;
            match inst.kind {
                "vm" => {
                    out.insert(address, got["host"].as_str().unwrap().to_string());
                }
                "kubernetes_cluster" => {
                    for n in got["nodes"].as_array().unwrap() {
                        out.insert(
                            format!("{address}/{}", n["name"].as_str().unwrap()),
                            n["host"].as_str().unwrap().to_string(),
                        );
                    }
                }
                "service" => {
                    let cluster = attrs["cluster"].as_str().unwrap();
                    for p in got["placement"].as_array().unwrap() {
                        out.insert(
                            format!("{address}#{}", p["replica"]),
                            format!("{cluster}/{}", p["node"].as_str().unwrap()),
                        );
                    }
                }
                _ => {}
            }
        }
        (out, None)
    })
}

/// The simulator's topology; `None` when some VM or node has no host.
fn through_topology(config: &Config) -> Option<Where> {
    let t = Topology::from_config(config).ok()?;
    let mut out = Where::new();
    for vm in &t.vms {
        let name = match vm.node {
            Some(n) => t.node_name(n),
            None => vm.name.clone(),
        };
        out.insert(name, t.host_name(vm.host));
    }
    for s in &t.services {
        for (i, r) in s.replicas.clone().enumerate() {
            if let Some(n) = t.replicas[r as usize].node() {
                out.insert(format!("{}#{i}", s.address), t.node_name(n));
            }
        }
    }
    Some(out)
}

/// The capacity analysis's initial placement, and the objects it left (partly) unplaced.
fn through_capacity(config: &Config) -> (Where, Vec<String>) {
    let inv = Inventory::from_config(config);
    let placed = place::initial(&inv);
    let mut out = Where::new();
    let mut unplaced = Vec::new();
    for (g, guest) in inv.guests.iter().enumerate() {
        match placed.host[g] {
            Some(h) => {
                out.insert(guest.name.clone(), inv.pools[guest.pool].host_name(h));
            }
            None => unplaced.push(guest.name.clone()),
        }
    }
    for (w, workload) in inv.workloads.iter().enumerate() {
        for (i, node) in placed.pods[w].iter().enumerate() {
            match node {
                Some(n) => {
                    out.insert(
                        format!("{}#{i}", workload.address),
                        inv.guests[*n].name.clone(),
                    );
                }
                None => unplaced.push(format!("{}#{i}", workload.address)),
            }
        }
    }
    (out, unplaced)
}

/// `map` without what the provider never got to (objects from `refused` on, in blueprint
/// order).
fn before(map: &Where, config: &Config, refused: &str) -> Where {
    let order: Vec<String> = config
        .instances
        .iter()
        .map(|i| i.address.to_string())
        .collect();
    let rank = |key: &str| {
        let object = key.split(['/', '#']).next().unwrap_or(key);
        order.iter().position(|a| a == object).unwrap_or(usize::MAX)
    };
    let stop = rank(refused);
    map.iter()
        .filter(|(k, _)| rank(k) < stop)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_blueprints_place_identically_through_each_path(hcl in blueprint()) {
        let (dir, config) = load(&hcl);
        let (provider, refused) = through_provider(dir.path(), &config);
        let (capacity, unplaced) = through_capacity(&config);
        let topology = through_topology(&config);
        match refused {
            None => {
                prop_assert!(unplaced.is_empty(), "capacity left {unplaced:?} unplaced\n{hcl}");
                prop_assert_eq!(&provider, &capacity, "provider against capacity\n{}", hcl);
                prop_assert_eq!(Some(&provider), topology.as_ref(), "provider against topology\n{}", hcl);
            }
            Some(refused) => {
                let object = |k: &String| k.split(['/', '#']).next() == Some(refused.as_str());
                prop_assert!(
                    unplaced.iter().any(object),
                    "the provider refused {refused}, the capacity analysis placed it\n{hcl}"
                );
                prop_assert_eq!(&provider, &before(&capacity, &config, &refused), "provider against capacity\n{}", hcl);
                if let Some(t) = topology {
                    prop_assert_eq!(&provider, &before(&t, &config, &refused), "provider against topology\n{}", hcl);
                }
            }
        }
    }
}
