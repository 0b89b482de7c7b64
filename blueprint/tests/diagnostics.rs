//! Snapshots of the rendered diagnostics of invalid blueprints: one mistake per test (and
//! one test with several), each blueprint written inline, loaded from a temporary folder
//! and rendered as `strata validate` prints it. The temporary folder's path reads `<dir>`.
//!
//! Besides the snapshot, each test checks the error and warning counts and a key phrase,
//! so that a blindly accepted snapshot still fails the test when the diagnostic changes
//! in substance.

mod common;

/// A site, a host pool of four 32-core hosts, and one network zone (lines 1 to 15).
macro_rules! platform {
    () => {
        r#"site "dc1" {}

host_pool "main" {
  site  = site.dc1
  hosts = 4

  host {
    cpu    = 32
    memory = "256GiB"
  }
}

network_zone "app" {
  cidr = "10.10.0.0/16"
}
"#
    };
}

/// `platform!()` plus a Kubernetes cluster with three control-plane nodes and three
/// 8-CPU, 32GiB workers (lines 17 to 30).
macro_rules! with_cluster {
    () => {
        concat!(
            platform!(),
            r#"
kubernetes_cluster "main" {
  pool = host_pool.main
  zone = network_zone.app

  control_plane {
    count = 3
  }

  node_group "workers" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}
"#
        )
    };
}

// The topics, one file each under diagnostics/ (a test crate's root resolves `mod` paths
// beside itself, hence the `#[path]`s).
#[path = "diagnostics/checks.rs"]
mod checks;
#[path = "diagnostics/cycles.rs"]
mod cycles;
#[path = "diagnostics/expressions.rs"]
mod expressions;
#[path = "diagnostics/modules.rs"]
mod modules;
#[path = "diagnostics/repetition.rs"]
mod repetition;
#[path = "diagnostics/several.rs"]
mod several;
#[path = "diagnostics/structure.rs"]
mod structure;
#[path = "diagnostics/syntax.rs"]
mod syntax;
#[path = "diagnostics/types.rs"]
mod types;
#[path = "diagnostics/variables.rs"]
mod variables;
