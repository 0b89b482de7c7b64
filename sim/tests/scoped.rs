//! Failure models by scope: each unit takes the block of the most specific scope that
//! matches it, else the block without a scope, else does not fail; a block no unit takes
//! is a warning. Checked against closed forms: a series stack of four k-of-n groups, each
//! failing by its own block.

mod common;

use common::{assert_matches, k_of_n, load, outcome, row, simulation};
use sim::failover::{Class, Scenario};
use sim::topology::Topology;

/// A roomy cluster with services `a` (2 of 3), `b` (1 of 2), `c` (3 of 4) and `d` (1 of 1),
/// `d` requiring `c` requiring `b` requiring `a`: a series stack.
fn stack(failures: &str) -> String {
    format!(
        r#"
site "s" {{}}
network_zone "z" {{ cidr = "10.0.0.0/16" }}
host_pool "p" {{
  site  = site.s
  hosts = 4
  host {{
    cpu    = 64
    memory = "256GiB"
  }}
}}
kubernetes_cluster "k" {{
  pool    = host_pool.p
  zone    = network_zone.z
  control_plane {{
    count  = 1
    cpu    = 2
    memory = "4GiB"
  }}
  node_group "w" {{
    count  = 4
    cpu    = 16
    memory = "64GiB"
  }}
}}
service "a" {{
  cluster  = kubernetes_cluster.k
  replicas = 3
  quorum   = 2
  cpu      = 1
  memory   = "1GiB"
}}
service "b" {{
  cluster  = kubernetes_cluster.k
  replicas = 2
  quorum   = 1
  cpu      = 1
  memory   = "1GiB"
  requires = [service.a]
}}
service "c" {{
  cluster  = kubernetes_cluster.k
  replicas = 4
  quorum   = 3
  cpu      = 1
  memory   = "1GiB"
  requires = [service.b]
}}
service "d" {{
  cluster  = kubernetes_cluster.k
  replicas = 1
  quorum   = 1
  cpu      = 1
  memory   = "1GiB"
  requires = [service.c]
}}
scenario "scoped" {{
  horizon      = "2y"
  replications = 500
  seed         = 7
  failures {{
{failures}
  }}
}}
"#
    )
}

const FOUR_SCOPES: &str = r#"
    replica {
      mtbf = "1h"
      mttr = "1h"
    }
    replica {
      cluster = [kubernetes_cluster.k]
      mtbf    = "1000h"
      mttr    = "1h"
    }
    replica {
      service = [service.a]
      mtbf    = "200h"
      mttr    = "2h"
    }
    replica {
      service = [service.b]
      mtbf    = "50h"
      mttr    = "1h"
    }
    replica {
      service = [service.c]
      mtbf    = "500h"
      mttr    = "1h"
    }
"#;

fn up(mtbf: f64, mttr: f64) -> f64 {
    mtbf / (mtbf + mttr)
}

#[test]
fn a_series_stack_of_four_groups_each_with_its_own_scoped_model() {
    let sim = simulation(&stack(FOUR_SCOPES), "scoped");
    // The cluster-wide block is the only one left for d; the default block applies to
    // nothing (every replica has a more specific block) and is a warning.
    let warnings: Vec<&str> = sim
        .scenario()
        .warnings
        .iter()
        .map(|w| w.summary.as_str())
        .collect();
    assert_eq!(
        warnings,
        ["The replica failure model without a scope applies to nothing"]
    );
    let out = outcome(&sim);
    let a = k_of_n(2, 3, up(200.0, 2.0));
    let b = k_of_n(1, 2, up(50.0, 1.0));
    let c = k_of_n(3, 4, up(500.0, 1.0));
    let d = up(1000.0, 1.0);
    assert_matches(row(&out, "service.a"), a, 0.1);
    assert_matches(row(&out, "service.b"), a * b, 0.1);
    assert_matches(row(&out, "service.c"), a * b * c, 0.1);
    assert_matches(row(&out, "service.d"), a * b * c * d, 0.1);
}

#[test]
fn each_unit_takes_its_most_specific_block() {
    let config = load(&stack(FOUR_SCOPES));
    let topology = Topology::from_config(&config).unwrap();
    let scenario = Scenario::from_config(&config, &topology, Some("scoped")).unwrap();
    let replicas = &scenario.failures[Class::Replica.index()];
    let scope_of = |r: u32| replicas.model(r).map(|m| m.scope.clone());
    let by_service: Vec<(String, Option<String>)> = topology
        .replicas
        .iter()
        .enumerate()
        .map(|(r, rep)| {
            (
                topology.services[rep.service as usize].address.clone(),
                scope_of(r as u32),
            )
        })
        .collect();
    for (service, scope) in &by_service {
        let expected = match service.as_str() {
            "service.d" => "cluster = kubernetes_cluster.k".to_string(),
            other => format!("service = {other}"),
        };
        assert_eq!(scope.as_deref(), Some(expected.as_str()), "{service}");
    }
    // Nodes have no block of their class: they do not fail.
    let nodes = &scenario.failures[Class::Node.index()];
    assert!((0..topology.nodes.len() as u32).all(|n| nodes.model(n).is_none()));
}

#[test]
fn without_a_matching_scope_a_unit_takes_the_default_or_does_not_fail() {
    // Only a and b have blocks; c and d take the default; nothing else fails.
    let failures = r#"
    replica {
      mtbf = "400h"
      mttr = "1h"
    }
    replica {
      service = [service.a, service.b]
      mtbf    = "100h"
      mttr    = "1h"
    }
    node {
      cluster = [kubernetes_cluster.k]
      mtbf    = "100h"
      mttr    = "1h"
    }
"#;
    let config = load(&stack(failures));
    let topology = Topology::from_config(&config).unwrap();
    let scenario = Scenario::from_config(&config, &topology, Some("scoped")).unwrap();
    assert!(scenario.warnings.is_empty(), "{:?}", scenario.warnings);
    let replicas = &scenario.failures[Class::Replica.index()];
    for (r, rep) in topology.replicas.iter().enumerate() {
        let address = &topology.services[rep.service as usize].address;
        let scope = replicas.model(r as u32).map(|m| m.scope.as_str());
        let expected = match address.as_str() {
            "service.a" | "service.b" => "service = service.a, service.b",
            _ => "",
        };
        assert_eq!(scope, Some(expected), "{address}");
    }
    assert!(scenario.failures[Class::Host.index()].model(0).is_none());
}

#[test]
fn a_scope_that_matches_nothing_is_a_warning() {
    let failures = r#"
    host {
      site = [site.elsewhere]
      mtbf = "1000h"
      mttr = "1h"
    }
"#;
    let hcl = stack(failures).replace("site \"s\" {}", "site \"s\" {}\nsite \"elsewhere\" {}");
    let sim = simulation(&hcl, "scoped");
    let w = &sim.scenario().warnings;
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(
        w[0].summary,
        "The host failure model for site = site.elsewhere applies to nothing"
    );
    assert!(w[0].span.is_some(), "the warning points at the block");
}
