//! Node reservations: the tiered GKE and AKS tables, and per-cluster settings.

use sim::capacity::Res;
use sim::capacity::reserve::{Allocatable, Reservations, tiered_cpu, tiered_memory};

use crate::common::{GIB, MIB, capacity_of, close};

#[test]
fn tiered_reservations_follow_the_gke_and_aks_tables() {
    close(tiered_cpu(1.0), 0.06, 1e-12);
    close(tiered_cpu(2.0), 0.07, 1e-12);
    close(tiered_cpu(4.0), 0.08, 1e-12);
    close(tiered_cpu(16.0), 0.11, 1e-12);
    close(tiered_cpu(64.0), 0.23, 1e-12);
    close(tiered_memory(1.0 * GIB) / GIB, 0.25, 1e-12);
    close(tiered_memory(4.0 * GIB) / GIB, 1.0, 1e-12);
    close(tiered_memory(8.0 * GIB) / GIB, 1.8, 1e-12);
    close(tiered_memory(16.0 * GIB) / GIB, 2.6, 1e-12);
    close(tiered_memory(64.0 * GIB) / GIB, 5.48, 1e-12);
    close(tiered_memory(128.0 * GIB) / GIB, 9.32, 1e-12);
    close(tiered_memory(256.0 * GIB) / GIB, 11.88, 1e-12);
    let node = Reservations::default().allocatable_res(Res::new(16.0, 64.0 * GIB));
    close(node.cpu, 15.89, 1e-12);
    close(node.memory, 64.0 * GIB - 5.48 * GIB - 100.0 * MIB, 1.0);
}

#[test]
fn reservations_are_configurable_per_cluster() {
    let hcl = r#"
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 2
  host {
    cpu    = 32
    memory = "128GiB"
  }
}
kubernetes_cluster "tiered" {
  pool = host_pool.p
  zone = network_zone.app
  control_plane {}
  node_group "w" {
    count  = 1
    cpu    = 16
    memory = "64GiB"
  }
}
kubernetes_cluster "fixed" {
  pool = host_pool.p
  zone = network_zone.app
  control_plane {}
  node_group "w" {
    count  = 2
    cpu    = 16
    memory = "64GiB"
  }
  reserved {
    kube_cpu      = "200m"
    kube_memory   = "2GiB"
    system_cpu    = "100m"
    system_memory = "1GiB"
    eviction      = "500MiB"
  }
}
service "s" {
  cluster  = kubernetes_cluster.fixed
  replicas = 4
  cpu      = 2
  memory   = "8GiB"
}
"#;
    let r = capacity_of(hcl, 1);
    let tiered = &r.clusters[0];
    let node = tiered.node_groups[0].node;
    assert_eq!(node.kube_cpu, 0.11);
    assert_eq!(node.kube_memory, (5.48 * GIB).round() as u64);
    assert_eq!(node.eviction, (100.0 * MIB) as u64);
    assert_eq!(node.allocatable_cpu, 15.89);
    let fixed = &r.clusters[1];
    let node = fixed.node_groups[0].node;
    assert_eq!((node.kube_cpu, node.system_cpu), (0.2, 0.1));
    assert_eq!(node.allocatable_cpu, 15.7);
    assert_eq!(
        node.allocatable_memory,
        (64.0 * GIB - 3.0 * GIB - 500.0 * MIB) as u64
    );
    // Requests against allocatable, with the headroom in figures and percent.
    assert_eq!(fixed.cpu.capacity, 31.4);
    assert_eq!(fixed.cpu.used, 8.0);
    assert_eq!(fixed.cpu.headroom, 23.4);
    assert_eq!(fixed.cpu.headroom_percent, 74.52);
    assert_eq!(fixed.memory.used, (32.0 * GIB) as u64);
    assert_eq!(fixed.pods, 4);
    // The pool: 3 nodes of 16 vCPU and 2 control planes of 4 on 64 vCPU.
    assert_eq!(r.pools[0].cpu.used, 56.0);
    assert_eq!(r.pools[0].cpu.headroom_percent, 12.5);
}
