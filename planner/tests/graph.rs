//! The instance graph: exact edges from references (one instance when the index is known),
//! edges through locals and modules without internal nodes, and a creation order that
//! respects every edge.

use blueprint::{Inputs, SourceMap};
use planner::{Graph, GraphBuilder};
use proptest::prelude::*;

fn graph_of(files: &[(&str, &str)]) -> Graph {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut sources = SourceMap::default();
    let (config, diags) = blueprint::load(dir.path(), &Inputs::default(), &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    GraphBuilder::build(&config)
}

/// One line per node: `address <- dependency, dependency`.
fn dump(graph: &Graph) -> String {
    graph
        .adjacency()
        .into_iter()
        .map(|(node, deps)| {
            let deps: Vec<String> = deps.iter().map(ToString::to_string).collect();
            format!("{} <- {}\n", node.address, deps.join(", "))
        })
        .collect()
}

const BASE: &str = r#"
site "dc" {}
host_pool "p" {
  site  = site.dc
  hosts = 4
  host {
    cpu    = 64
    memory = "512GiB"
  }
}
network_zone "z" {
  cidr = "10.0.0.0/16"
}
"#;

#[test]
fn indexed_references_make_exact_edges() {
    let graph = graph_of(&[(
        "main.hcl",
        &format!(
            "{BASE}{}",
            r#"
vm "web" {
  count  = 3
  pool   = host_pool.p
  zone   = network_zone.z
  cpu    = 2
  memory = "4GiB"
}
locals {
  second = vm.web[1]
}
vm "proxy" {
  pool        = host_pool.p
  zone        = network_zone.z
  cpu         = 1
  memory      = "2GiB"
  description = "in front of ${local.second.name} and ${vm.web[2].name}"
}
vm "all" {
  pool        = host_pool.p
  zone        = network_zone.z
  cpu         = 1
  memory      = "2GiB"
  description = join(",", vm.web[*].name)
  depends_on  = [vm.proxy]
}
"#
        ),
    )]);
    insta::assert_snapshot!(dump(&graph), @r"
    host_pool.p <- site.dc
    network_zone.z <- 
    site.dc <- 
    vm.all <- host_pool.p, network_zone.z, vm.proxy, vm.web[0], vm.web[1], vm.web[2]
    vm.proxy <- host_pool.p, network_zone.z, vm.web[1], vm.web[2]
    vm.web[0] <- host_pool.p, network_zone.z
    vm.web[1] <- host_pool.p, network_zone.z
    vm.web[2] <- host_pool.p, network_zone.z
    ");
}

#[test]
fn module_instances_have_addresses_and_edges_through_outputs() {
    let module = r#"
variable "pool" {}
variable "zone" {}
vm "node" {
  pool   = var.pool
  zone   = var.zone
  cpu    = 2
  memory = "4GiB"
}
output "node" {
  value = vm.node
}
"#;
    let root = format!(
        "{BASE}{}",
        r#"
module "env" {
  source   = "./env"
  for_each = toset(["sit", "uat"])
  pool     = host_pool.p
  zone     = network_zone.z
}
vm "jump" {
  pool        = host_pool.p
  zone        = network_zone.z
  cpu         = 1
  memory      = "1GiB"
  description = module.env["uat"].node.name
}
"#
    );
    let graph = graph_of(&[("main.hcl", &root), ("env/main.hcl", module)]);
    insta::assert_snapshot!(dump(&graph), @r#"
    host_pool.p <- site.dc
    network_zone.z <- 
    site.dc <- 
    vm.jump <- host_pool.p, network_zone.z, module.env["uat"].vm.node
    module.env["sit"].vm.node <- host_pool.p, network_zone.z
    module.env["uat"].vm.node <- host_pool.p, network_zone.z
    "#);
}

#[test]
fn scenarios_are_not_in_the_graph() {
    let graph = graph_of(&[(
        "main.hcl",
        &format!("{BASE}scenario \"s\" {{\n  horizon = \"30d\"\n}}\n"),
    )]);
    assert_eq!(graph.node_count(), 3);
    assert!(!dump(&graph).contains("scenario"));
}

/// A blueprint of `deps.len()` VMs where VM i depends on the VMs listed in deps[i], all
/// earlier ones, half of them through references and half through depends_on.
fn chain_blueprint(deps: &[Vec<usize>]) -> String {
    let mut text = BASE.to_string();
    for (i, ds) in deps.iter().enumerate() {
        let refs: Vec<String> = ds
            .iter()
            .filter(|d| *d % 2 == 0)
            .map(|d| format!("vm.v{d}.name"))
            .collect();
        let order: Vec<String> = ds
            .iter()
            .filter(|d| *d % 2 == 1)
            .map(|d| format!("vm.v{d}"))
            .collect();
        text.push_str(&format!(
            "vm \"v{i}\" {{\n  pool = host_pool.p\n  zone = network_zone.z\n  cpu = 1\n  memory = \"1GiB\"\n  description = join(\",\", [{}])\n  depends_on = [{}]\n}}\n",
            refs.join(", "),
            order.join(", ")
        ));
    }
    text
}

fn dag() -> impl Strategy<Value = Vec<Vec<usize>>> {
    (1..25usize).prop_flat_map(|n| {
        (0..n)
            .map(|i| {
                prop::collection::btree_set(0..i.max(1), 0..i.min(4) + 1)
                    .prop_map(move |s| s.into_iter().filter(|d| *d < i).collect::<Vec<_>>())
            })
            .collect::<Vec<_>>()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn creation_order_respects_every_edge(deps in dag()) {
        let graph = graph_of(&[("main.hcl", &chain_blueprint(&deps))]);
        prop_assert_eq!(graph.node_count(), deps.len() + 3);
        let order: Vec<String> = graph.creation_order().iter().map(ToString::to_string).collect();
        let position = |a: &str| order.iter().position(|o| o == a).unwrap();
        for (i, ds) in deps.iter().enumerate() {
            for d in ds {
                let (before, after) = (format!("vm.v{d}"), format!("vm.v{i}"));
                prop_assert!(position(&before) < position(&after), "{} must come before {}", before, after);
            }
        }
        let edges: usize = deps.iter().map(Vec::len).sum::<usize>() + 2 * deps.len() + 1;
        prop_assert_eq!(graph.edge_count(), edges);
    }
}
