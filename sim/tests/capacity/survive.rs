//! Host losses: N+1 and N+2, the services and VMs that no longer fit, anti-affinity when
//! VMs restart.

use sim::capacity::survive::{Status, Verdict};

use crate::common::capacity_of;

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
