//! Consolidation: VMs per replica against containers, and first-fit decreasing packing.

use sim::capacity::Res;
use sim::capacity::consolidation::pack;

use crate::common::{GIB, capacity_of};

#[test]
fn consolidation_of_one_vm_per_replica_against_containers() {
    let hcl = r#"
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 4
  cost  = 10000
  host {
    cpu    = 8
    memory = "32GiB"
  }
}
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.app
  control_plane {
    count  = 1
    cpu    = 2
    memory = "4GiB"
  }
  node_group "w" {
    count  = 2
    cpu    = 4
    memory = "16GiB"
  }
}
service "a" {
  cluster  = kubernetes_cluster.k
  replicas = 12
  cpu      = "250m"
  memory   = "512MiB"
  spread   = "none"
}
"#;
    let r = capacity_of(hcl, 1);
    let c = &r.consolidation.clusters[0];
    assert_eq!((c.services, c.replicas), (1, 12));
    // 12 VMs of 1 + 1 vCPU and 0.5 + 2 GiB: 24 vCPUs, 30 GiB on hosts of 8 vCPUs.
    assert_eq!(c.vms.guests, 12);
    assert_eq!(c.vms.allocated.cpu, 24.0);
    assert_eq!(c.vms.allocated.memory, (30.0 * GIB) as u64);
    assert_eq!(c.vms.hosts, 3);
    assert_eq!(c.vms.cost_per_year, Some(30000.0));
    assert_eq!(c.vms.useful_percent.cpu, 12.5);
    assert_eq!(c.vms.allocated_percent.cpu, 100.0);
    // 3 cores and 6 GiB of pods fit one node (3.92 cores allocatable); with the control
    // plane that is 6 vCPUs and 20 GiB: one host.
    assert_eq!(c.containers.guests, 2);
    assert_eq!(c.containers.hosts, 1);
    assert_eq!(c.containers.cost_per_year, Some(10000.0));
    assert_eq!(c.containers.useful_percent.cpu, 37.5);
    assert_eq!(c.containers.allocated_percent.memory, 62.5);
    assert_eq!(c.savings.hosts, 2);
    assert_eq!(c.savings.cost_per_year, Some(20000.0));
    assert_eq!(c.savings.percent, 66.67);
    assert_eq!(r.consolidation.total.savings.cost_per_year, Some(20000.0));
    // Without guest OS overhead the VMs need 12 vCPUs: two hosts.
    let lean = hcl.replace(
        "  node_group \"w\" {",
        "  vm_overhead {\n    cpu    = 0\n    memory = \"0B\"\n  }\n  node_group \"w\" {",
    );
    let r = capacity_of(&lean, 1);
    assert_eq!(r.consolidation.clusters[0].vms.hosts, 2);
    assert_eq!(r.consolidation.clusters[0].savings.hosts, 1);
}

#[test]
fn first_fit_decreasing_keeps_groups_apart() {
    let bin = Res::new(4.0, 16.0);
    let items = vec![(Res::new(1.0, 4.0), Some(0)); 3];
    assert_eq!(pack(&items, bin), 3);
    let items = vec![(Res::new(1.0, 4.0), None); 3];
    assert_eq!(pack(&items, bin), 1);
    let items = vec![(Res::new(3.0, 1.0), None), (Res::new(2.0, 9.0), None)];
    assert_eq!(pack(&items, bin), 2);
}
