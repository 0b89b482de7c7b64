//! Consolidation against hand-computed cases: the VM design grows with the workload (a VM
//! per replica of its requests plus guest overhead, anti-affinity, HA reserve), and the
//! container design honours `spread`: replicas of a `spread = "host"` service end on
//! different hosts, through the nodes that carry them.

mod common;

use sim::capacity::consolidation::ClusterConsolidation;
use sim::capacity::{Options, analyse};

/// A pool of hosts of `host_cpu` cores and 160 GiB (`ha` as given), a cluster with one
/// control-plane node of 2 vCPU and 4 GiB and four 8-core, 32 GiB workers, and `services`.
fn platform(host_cpu: u32, ha: &str, services: &str) -> String {
    format!(
        r#"
site "dc" {{}}
network_zone "app" {{ cidr = "10.0.0.0/16" }}
host_pool "p" {{
  site  = site.dc
  hosts = 10
  host {{
    cpu    = {host_cpu}
    memory = "160GiB"
  }}
  {ha}
}}
kubernetes_cluster "k" {{
  pool = host_pool.p
  zone = network_zone.app
  control_plane {{
    count  = 1
    cpu    = 2
    memory = "4GiB"
  }}
  node_group "w" {{
    count  = 4
    cpu    = 8
    memory = "32GiB"
  }}
}}
{services}"#
    )
}

/// `n` services of `replicas` replicas requesting `cpu` cores and `memory` each.
fn services(n: usize, replicas: u32, cpu: u32, memory: &str, spread: &str) -> String {
    (0..n)
        .map(|i| {
            format!(
                "service \"s{i}\" {{\n  cluster  = kubernetes_cluster.k\n  replicas = {replicas}\n  cpu      = {cpu}\n  memory   = \"{memory}\"\n  spread   = \"{spread}\"\n}}\n"
            )
        })
        .collect()
}

fn consolidation(hcl: &str) -> ClusterConsolidation {
    let capacity = analyse(&common::load(hcl), &Options::default()).unwrap();
    capacity.consolidation.clusters[0].clone()
}

const DISABLED: &str = "ha {\n    admission = \"disabled\"\n  }";

/// vSphere HA's percentage policy with its default 25% reserve.
const PERCENTAGE: &str = "ha {\n    admission = \"percentage\"\n  }";

#[test]
fn the_vm_design_grows_with_the_workload() {
    // VMs of 2 + 1 vCPU and 4 + 2 GiB on hosts of 13 cores: four a host. The percentage
    // policy reserves 25%: hosts = ⌈bins / 0.75⌉.
    // One service of 2 replicas: 2 VMs on 2 hosts (anti-affinity), ⌈2 / 0.75⌉ = 3 hosts.
    let one = consolidation(&platform(
        13,
        PERCENTAGE,
        &services(1, 2, 2, "4GiB", "host"),
    ));
    assert_eq!((one.vms.guests, one.vms.hosts), (2, 3));
    assert_eq!(one.vms.allocated.cpu, 6.0);
    assert_eq!(one.vm_overhead.cpu, 1.0);
    assert_eq!(one.vm_overhead.memory, 2 << 30);
    // Eight of them: 16 VMs, four a host, each service's two on different hosts: 4 hosts
    // of VMs, ⌈4 / 0.75⌉ = 6 hosts.
    let eight = consolidation(&platform(
        13,
        PERCENTAGE,
        &services(8, 2, 2, "4GiB", "host"),
    ));
    assert_eq!((eight.vms.guests, eight.vms.hosts), (16, 6));
    assert_eq!(eight.vms.allocated.cpu, 48.0);
    assert_eq!(eight.vms.allocated.memory, 96 << 30);
    // Larger requests, larger VMs: 4 + 1 vCPU two a host, 8 hosts of VMs, 11 hosts.
    let larger = consolidation(&platform(
        13,
        PERCENTAGE,
        &services(8, 2, 4, "4GiB", "host"),
    ));
    assert_eq!(larger.vms.hosts, 11);
}

#[test]
fn the_container_design_honours_spread() {
    // Four replicas of 1 core and 2 GiB. VMs of 2 vCPU and 4 GiB: on one host of 36 cores
    // without spread, on four with it. Containers: workers of 8 cores (7.91 allocatable)
    // and the control plane on hosts of 36 cores and 160 GiB, HA disabled.
    let case =
        |spread: &str| consolidation(&platform(36, DISABLED, &services(1, 4, 1, "2GiB", spread)));
    // No spread: the four pods on one worker; it and the control plane share a host.
    let none = case("none");
    assert_eq!(
        (
            none.vms.hosts,
            none.containers.guests,
            none.containers.hosts
        ),
        (1, 2, 1)
    );
    // Different nodes: four workers (32 cores, 128 GiB) and the control plane (2 cores,
    // 4 GiB) on one host.
    let node = case("node");
    assert_eq!(
        (
            node.vms.hosts,
            node.containers.guests,
            node.containers.hosts
        ),
        (4, 5, 1)
    );
    // Different hosts: each of the four workers holds a replica, so each gets a host of its
    // own; the control plane joins the first.
    let host = case("host");
    assert_eq!(
        (
            host.vms.hosts,
            host.containers.guests,
            host.containers.hosts
        ),
        (4, 5, 4)
    );
    assert_eq!(host.savings.hosts, 0);
}

#[test]
fn one_replica_costs_what_its_control_plane_adds() {
    // One replica of 1 core: one VM of 2 vCPU on one host; one worker and the control
    // plane fit one host too. With a 25% reserve both need ⌈1 / 0.75⌉ = 2.
    let c = consolidation(&platform(
        36,
        PERCENTAGE,
        &services(1, 1, 1, "2GiB", "host"),
    ));
    assert_eq!((c.vms.hosts, c.containers.hosts), (2, 2));
    assert_eq!(c.savings.hosts, 0);
}
