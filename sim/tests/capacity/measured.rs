//! Measured host figures and counts replace the blueprint's in capacity and the simulation.

use sim::capacity::Options;
use sim::measured::Measured;

use crate::common::{self, GIB, capacity_of, capacity_with};

#[test]
fn host_figures_a_provider_measured_replace_the_blueprint_s() {
    let hcl = r#"site "dc1" {}

host_pool "kvm" {
  site  = site.dc1
  hosts = 2
  host {
    cpu    = 8
    memory = "32GiB"
  }
  overcommit {
    cpu = 4
  }
}
"#;
    let guessed = capacity_of(hcl, 1);
    assert_eq!(guessed.pools[0].cpu.capacity, 2.0 * 8.0 * 4.0);
    let measured = Options {
        measured: [(
            "host_pool.kvm".to_string(),
            Measured {
                hosts: None,
                cores: 2.0,
                memory: 6.0 * GIB,
                ..Measured::default()
            },
        )]
        .into(),
        ..Options::default()
    };
    let real = capacity_with(hcl, &measured);
    let pool = &real.pools[0];
    assert_eq!(pool.host.cores, 2.0);
    assert_eq!(pool.host.memory as f64, 6.0 * GIB);
    assert_eq!(pool.cpu.capacity, 2.0 * 2.0 * 4.0);
    assert_eq!(pool.memory.capacity as f64, 2.0 * 6.0 * GIB);
    // Another pool's figures are not touched.
    let other = Options {
        measured: [(
            "host_pool.other".to_string(),
            Measured {
                hosts: None,
                cores: 1.0,
                memory: GIB,
                ..Measured::default()
            },
        )]
        .into(),
        ..Options::default()
    };
    assert_eq!(capacity_with(hcl, &other).pools[0].cpu.capacity, 64.0);
}

#[test]
fn a_measured_host_count_replaces_the_blueprint_s_in_capacity_and_the_simulation() {
    let hcl = r#"site "dc1" {}

host_pool "cluster" {
  site  = site.dc1
  hosts = 4
  host {
    cpu    = 16
    memory = "64GiB"
  }
  overcommit {
    cpu = 2
  }
}
"#;
    let measured: std::collections::BTreeMap<_, _> = [(
        "host_pool.cluster".to_string(),
        Measured {
            hosts: Some(3),
            cores: 6.0,
            memory: 10.0 * GIB,
            ..Measured::default()
        },
    )]
    .into();
    let options = Options {
        measured: measured.clone(),
        ..Options::default()
    };
    let pool = &capacity_with(hcl, &options).pools[0];
    assert_eq!(pool.hosts, 3);
    assert_eq!(pool.cpu.capacity, 3.0 * 6.0 * 2.0);
    assert_eq!(pool.memory.capacity as f64, 3.0 * 10.0 * GIB);
    // The simulation's hosts are the same: three of 12 vCPUs (overcommit 2) and 10 GiB.
    let config = sim::measured::apply(&common::load(hcl), &measured);
    let topology = sim::Topology::from_config(&config).unwrap();
    assert_eq!(topology.hosts.len(), 3);
    assert!(
        topology
            .hosts
            .iter()
            .all(|h| h.cpu_m == 12_000 && h.memory as f64 == 10.0 * GIB),
        "{:?}",
        topology.hosts
    );
}
