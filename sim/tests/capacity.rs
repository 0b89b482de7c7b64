//! Capacity planning against worked examples (VMware's slot example, compound growth,
//! Erlang C), the tiered node reservations, and small inline blueprints for N+1 / N+2,
//! HA admission control, growth, consolidation and latency under failure.

mod common;

use sim::capacity::consolidation::pack;
use sim::capacity::growth::{Growth, Model, Period, months_to_ceiling};
use sim::capacity::ha::slots;
use sim::capacity::queue::erlang_c;
use sim::capacity::reserve::{Allocatable, Reservations, tiered_cpu, tiered_memory};
use sim::capacity::survive::{Status, Verdict};
use sim::capacity::{Capacity, Options, Res, analyse};
use sim::measured::Measured;

const GIB: f64 = (1u64 << 30) as f64;
const MIB: f64 = (1u64 << 20) as f64;

/// Evaluates an inline blueprint (one file) and analyses it.
fn capacity_of(hcl: &str, k: u8) -> Capacity {
    capacity_with(
        hcl,
        &Options {
            k,
            ..Options::default()
        },
    )
}

/// The same, with `options`.
fn capacity_with(hcl: &str, options: &Options) -> Capacity {
    analyse(&common::load(hcl), options).unwrap()
}

fn close(actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} is not within {tolerance} of {expected}"
    );
}

#[test]
fn vmware_slot_example_gives_4_3_3_slots_and_tolerates_one_host() {
    // GHz and GB: hosts of 9/9, 9/6 and 6/6; five VMs whose largest reservations are
    // 2 GHz (CPU) and 2 GB (memory).
    let hosts = [Res::new(9.0, 9.0), Res::new(9.0, 6.0), Res::new(6.0, 6.0)];
    let vms = [
        Res::new(2.0, 1.0),
        Res::new(2.0, 1.0),
        Res::new(1.0, 2.0),
        Res::new(1.0, 1.0),
        Res::new(1.0, 1.0),
    ];
    let s = slots(&hosts, &vms);
    assert_eq!((s.slot_cpu, s.slot_memory), (2.0, 2.0));
    assert_eq!(s.per_host, vec![4, 3, 3]);
    assert_eq!((s.total, s.used, s.available), (10, 5, 5));
    assert_eq!(s.failover_capacity, 1);
}

#[test]
fn compound_growth_from_60_to_80_percent_at_5_percent_a_month_takes_5_896_months() {
    let growth = Growth {
        rate: 0.05,
        per: Period::Month,
        model: Model::Compound,
        ceiling: 0.8,
    };
    let months = months_to_ceiling(0.6, &growth).unwrap();
    close(months, 5.896, 0.0005);
    close(0.6 * growth.factor(months), 0.8, 1e-12);
    // Linear: 60% × (1 + 0.05 t) = 80% at t = 6.667 months; a yearly rate of 60% compounds
    // to the same monthly figure as (1.6)^(1/12).
    let linear = Growth {
        model: Model::Linear,
        ..growth
    };
    close(months_to_ceiling(0.6, &linear).unwrap(), 20.0 / 3.0, 1e-9);
    let yearly = Growth {
        rate: 0.6,
        per: Period::Year,
        ..growth
    };
    close(
        months_to_ceiling(0.6, &yearly).unwrap(),
        12.0 * (4.0f64 / 3.0).ln() / 1.6f64.ln(),
        1e-9,
    );
    assert_eq!(months_to_ceiling(0.85, &growth), Some(0.0));
    assert_eq!(months_to_ceiling(0.0, &growth), None);
    assert_eq!(
        months_to_ceiling(
            0.5,
            &Growth {
                rate: 0.0,
                ..growth
            }
        ),
        None
    );
}

#[test]
fn erlang_c_with_90_per_second_on_10_replicas_of_10_per_second() {
    let q = erlang_c(90.0, 10.0, 10);
    close(q.utilisation, 0.9, 1e-12);
    close(q.p_wait, 0.66873, 0.000005);
    close(q.mean_wait.unwrap() * 1000.0, 66.87, 0.005);
    close(q.mean_response.unwrap() * 1000.0, 166.87, 0.005);
    // M/M/1: P(wait) = ρ and Wq = ρ / (μ − λ).
    let m1 = erlang_c(5.0, 10.0, 1);
    close(m1.p_wait, 0.5, 1e-12);
    close(m1.mean_wait.unwrap(), 0.1, 1e-12);
    // At or above the replicas' capacity the queue grows without bound.
    let full = erlang_c(100.0, 10.0, 10);
    assert!(!full.stable());
    assert_eq!(full.p_wait, 1.0);
    assert!(!erlang_c(1.0, 10.0, 0).stable());
    // Thousands of replicas stay finite.
    let big = erlang_c(9_000.0, 1.0, 10_000);
    assert!(big.p_wait.is_finite() && big.p_wait < 1e-6);
}

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

/// Three hosts that each carry one big worker node: none can restart elsewhere.
const TIGHT: &str = r#"
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 3
  host {
    cpu    = 16
    memory = "64GiB"
  }
}
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.app
  control_plane {
    count  = 3
    cpu    = 1
    memory = "2GiB"
  }
  node_group "w" {
    count  = 3
    cpu    = 14
    memory = "56GiB"
  }
}
service "big" {
  cluster  = kubernetes_cluster.k
  replicas = 3
  quorum   = 2
  cpu      = 8
  memory   = "40GiB"
}
service "small" {
  cluster  = kubernetes_cluster.k
  replicas = 3
  cpu      = "500m"
  memory   = "1GiB"
}
"#;

#[test]
fn a_pool_that_cannot_lose_a_host_says_which_services_no_longer_fit() {
    let r = capacity_of(TIGHT, 1);
    let s = &r.survivability;
    assert_eq!(s.pools[0].one_host, Verdict::Degraded);
    let host0 = s
        .outcomes
        .iter()
        .find(|o| o.domain == "host_pool.p/host-0")
        .unwrap();
    assert_eq!(host0.verdict, Verdict::Degraded);
    assert_eq!(host0.nodes_not_restarted, vec!["kubernetes_cluster.k/w-0"]);
    assert!(host0.control_plane_lost.is_empty());
    let big = host0
        .workloads
        .iter()
        .find(|w| w.workload == "service.big")
        .unwrap();
    assert_eq!(
        (big.down_now, big.running_after, big.no_room),
        (1, 2, 1),
        "{big:?}"
    );
    assert_eq!(big.status, Status::Degraded);
    let small = host0
        .workloads
        .iter()
        .find(|w| w.workload == "service.small")
        .unwrap();
    assert_eq!((small.running_after, small.status), (3, Status::Recovers));
    let by_service = &s.workloads;
    assert_eq!(by_service[0].workload, "service.big");
    assert_eq!(
        by_service[0].degraded_in,
        vec![
            "host_pool.p/host-0",
            "host_pool.p/host-1",
            "host_pool.p/host-2"
        ]
    );
    assert_eq!(by_service[0].down_in, vec!["site.dc"]);
    assert_eq!(by_service[1].workload, "service.small");
    assert!(by_service[1].degraded_in.is_empty());
    // The site takes everything: the control plane loses quorum and both services stop.
    let site = s.outcomes.iter().find(|o| o.domain == "site.dc").unwrap();
    assert_eq!(site.verdict, Verdict::Fails);
    assert_eq!(site.control_plane_lost, vec!["kubernetes_cluster.k"]);
    assert!(site.workloads.iter().all(|w| w.status == Status::Down));
}

#[test]
fn n_plus_2_fails_where_n_plus_1_survives_and_names_the_vms() {
    let hcl = r#"
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 3
  host {
    cpu    = 16
    memory = "64GiB"
  }
  overcommit { cpu = 2 }
}
vm "a" {
  count  = 4
  pool   = host_pool.p
  cpu    = 8
  memory = "24GiB"
  zone   = network_zone.app
}
"#;
    let one = capacity_of(hcl, 1);
    assert_eq!(one.survivability.pools[0].one_host, Verdict::Survives);
    assert_eq!(one.survivability.pools[0].two_hosts, None);
    let two = capacity_of(hcl, 2);
    let s = &two.survivability;
    assert_eq!(s.k, 2);
    assert_eq!(s.pairs, Some((3, 3)));
    assert_eq!(s.pools[0].two_hosts, Some(Verdict::Fails));
    // vm.a[0] and vm.a[3] share host-0; a[1] and a[2] are alone on hosts 1 and 2.
    let pair = s
        .outcomes
        .iter()
        .find(|o| o.domain == "host_pool.p/host-1 + host-2")
        .unwrap();
    assert_eq!(pair.verdict, Verdict::Fails);
    assert_eq!(pair.vms_not_restarted, vec!["vm.a[1]", "vm.a[2]"]);
    let pair = s
        .outcomes
        .iter()
        .find(|o| o.domain == "host_pool.p/host-0 + host-1")
        .unwrap();
    assert_eq!(pair.vms_not_restarted.len(), 2);
}

#[test]
fn anti_affinity_is_honoured_when_vms_restart() {
    let hcl = r#"
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 2
  host {
    cpu    = 16
    memory = "64GiB"
  }
}
vm "db" {
  count         = 2
  pool          = host_pool.p
  cpu           = 2
  memory        = "4GiB"
  zone          = network_zone.app
  anti_affinity = "db"
}
"#;
    let r = capacity_of(hcl, 1);
    let host0 = &r.survivability.outcomes[0];
    assert_eq!(host0.verdict, Verdict::Fails);
    assert_eq!(host0.vms_not_restarted, vec!["vm.db[0]"]);
}

#[test]
fn ha_admission_control_per_policy() {
    let hcl = r#"
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "pct" {
  site  = site.dc
  hosts = 4
  host {
    cpu    = 10
    memory = "100GiB"
  }
  ha {
    admission = "percentage"
    reserve   = "25%"
  }
}
vm "p" {
  count  = 4
  pool   = host_pool.pct
  cpu    = 8
  memory = "20GiB"
  zone   = network_zone.app
}
host_pool "slots" {
  site  = site.dc
  hosts = 3
  host {
    cpu    = 4
    memory = "8GiB"
    ghz    = 2
  }
  ha {
    admission     = "slots"
    host_failures = 1
  }
}
vm "s" {
  count  = 5
  pool   = host_pool.slots
  cpu    = 1
  memory = "2GiB"
  zone   = network_zone.app
}
host_pool "spare" {
  site  = site.dc
  hosts = 3
  host {
    cpu    = 8
    memory = "32GiB"
  }
  ha {
    admission      = "failover_hosts"
    failover_hosts = 1
  }
}
vm "f" {
  count  = 3
  pool   = host_pool.spare
  cpu    = 4
  memory = "8GiB"
  zone   = network_zone.app
}
"#;
    let r = capacity_of(hcl, 1);
    // 32 of 40 vCPUs used: 20% free, below the 25% reserve.
    let pct = &r.pools[0].ha;
    assert_eq!(pct.policy, "percentage");
    assert_eq!(pct.configured_host_failures, 1);
    assert_eq!(pct.free_percent.unwrap().cpu, 20.0);
    assert_eq!(pct.free_percent.unwrap().memory, 80.0);
    assert!(!pct.admits);
    assert_eq!(r.pools[0].usable.cpu, 30.0);
    // Slots of 2 GHz (1 vCPU × 2 GHz) and 2 GiB: 4 per host, 12 in all, 5 used; losing
    // one host leaves 8, two leave 4 < 5.
    let slots = &r.pools[1].ha;
    let s = slots.slots.as_ref().unwrap();
    assert_eq!((s.slot_cpu, s.slot_memory), (2.0, 2.0 * GIB));
    assert_eq!(s.per_host, vec![4, 4, 4]);
    assert_eq!((s.total, s.used, s.failover_capacity), (12, 5, 1));
    assert_eq!(slots.slot_cpu_unit, Some("GHz"));
    assert!(slots.admits);
    // The failover host stays empty; the other two hold the three VMs.
    let spare = &r.pools[2];
    assert_eq!(spare.ha.failover_hosts, vec!["host_pool.spare/host-2"]);
    assert_eq!(spare.per_host[2].guests, 0);
    assert!(spare.ha.admits);
    assert!(spare.not_placed.is_empty());
}

#[test]
fn growth_of_a_pool_and_what_to_add() {
    let hcl = r#"
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 1
  host {
    cpu    = 10
    memory = "10GiB"
  }
}
vm "a" {
  pool   = host_pool.p
  cpu    = 6
  memory = "3GiB"
  zone   = network_zone.app
}
scenario "grow" {
  horizon = "365d"
  growth {
    rate = "5%"
    per  = "month"
  }
}
"#;
    let r = capacity_of(hcl, 1);
    let g = &r.growth[0];
    assert_eq!(g.scenario, "scenario.grow");
    assert_eq!(g.horizon_months, 12.0);
    let p = &g.pools[0];
    assert_eq!(p.cpu.now_percent, 60.0);
    close(p.cpu.crosses_in_months.unwrap(), 5.896, 0.0005);
    assert_eq!(p.memory.now_percent, 30.0);
    // 6 vCPUs × 1.05^12 = 10.78 needs two hosts at 80%: one more, by month 5.9.
    assert_eq!(p.hosts_to_add, 1);
    assert_eq!(p.add.len(), 1);
    close(p.add[0].by_month, 5.9, 0.005);
    assert_eq!(g.first_full.as_deref(), Some("host_pool.p"));
}

#[test]
fn growth_of_a_cluster_adds_nodes_of_its_largest_group() {
    let hcl = r#"
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 4
  host {
    cpu    = 64
    memory = "256GiB"
  }
}
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.app
  control_plane {}
  node_group "w" {
    count  = 2
    cpu    = 4
    memory = "16GiB"
  }
  reserved {
    kube_cpu    = 0
    kube_memory = "0B"
    eviction    = "0B"
  }
}
service "s" {
  cluster  = kubernetes_cluster.k
  replicas = 4
  cpu      = "1200m"
  memory   = "1GiB"
}
scenario "grow" {
  horizon = "2y"
  growth {
    rate  = "10%"
    per   = "month"
    model = "linear"
  }
}
"#;
    let r = capacity_of(hcl, 1);
    let c = &r.growth[0].clusters[0];
    // 4.8 of 8 cores: 60%; linear 10% a month reaches 80% after 3.33 months.
    assert_eq!(c.cpu.now_percent, 60.0);
    close(c.cpu.crosses_in_months.unwrap(), 10.0 / 3.0, 0.001);
    assert_eq!(c.node_group.as_deref(), Some("w"));
    // At 24 months: 4.8 × 3.4 = 16.32 cores / 0.8 = 20.4 → 6 nodes of 4, 4 more.
    assert_eq!(c.nodes_to_add, 4);
    assert_eq!(c.add.len(), 4);
    close(c.add[0].by_month, 3.33, 0.006);
    assert_eq!(c.add[3].total, 4);
}

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
fn latency_with_all_replicas_and_after_the_worst_host_loss() {
    let hcl = r#"
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 5
  host {
    cpu    = 16
    memory = "64GiB"
  }
}
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.app
  control_plane {
    count  = 1
    cpu    = 1
    memory = "1GiB"
  }
  node_group "w" {
    count  = 5
    cpu    = 8
    memory = "32GiB"
  }
}
service "api" {
  cluster  = kubernetes_cluster.k
  replicas = 10
  cpu      = "500m"
  memory   = "1GiB"
  load {
    rps          = 90
    service_time = "100ms"
  }
}
service "wide" {
  cluster  = kubernetes_cluster.k
  replicas = 10
  cpu      = "500m"
  memory   = "1GiB"
  load {
    rps          = 90
    service_time = "100ms"
    concurrency  = 2
  }
}
"#;
    let r = capacity_of(hcl, 1);
    let api = &r.latency[0];
    assert_eq!(api.service, "service.api");
    assert_eq!(api.all_replicas.replicas, 10);
    assert_eq!(api.all_replicas.p_wait, 0.66873);
    assert_eq!(api.all_replicas.mean_wait_ms, Some(66.873));
    assert_eq!(api.all_replicas.utilisation_percent, Some(90.0));
    // Two replicas per host: losing one leaves 8 for 9 Erlangs, which cannot keep up,
    // until they are scheduled again on the other nodes.
    let host = &api.after_loss[0];
    assert_eq!(host.now.replicas, 8);
    assert_eq!(host.now.mean_wait_ms, None);
    assert_eq!(host.recovered.replicas, 10);
    assert_eq!(host.recovered.p_wait, 0.66873);
    let worst = api.worst.as_ref().unwrap();
    assert_eq!(worst.now.replicas, 0);
    // With two requests at once per replica, 8 replicas are 16 servers.
    let wide = &r.latency[1];
    assert_eq!(wide.after_loss[0].now.servers, 16);
    assert!(wide.after_loss[0].now.mean_wait_ms.is_some());
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
