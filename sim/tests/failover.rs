//! Failover paths on small inline blueprints with injected failures: the downtime of each
//! service must be exactly what the scenario's timings give.

mod common;

use std::collections::BTreeMap;

use common::{load, records, simulation};
use sim::failover::{Failover, Scenario};
use sim::topology::Topology;
use sim::{Replication, RunConfig, ServiceRecord, SimTime, Simulation, run};

fn secs(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

/// Asserts one outage of exactly `down` seconds.
#[track_caller]
fn one_outage(records: &BTreeMap<String, ServiceRecord>, address: &str, down: u64) {
    let r = &records[address];
    assert_eq!((r.outages, r.downtime), (1, secs(down)), "{address}: {r:?}");
}

#[track_caller]
fn no_outage(records: &BTreeMap<String, ServiceRecord>, address: &str) {
    let r = &records[address];
    assert_eq!(
        (r.outages, r.downtime),
        (0, SimTime::ZERO),
        "{address}: {r:?}"
    );
}

/// Three hosts of `host_size`; one control-plane node (host-0) and two workers (host-1,
/// host-2); `web` (stateless, one replica) on w-0 (host-1) and `db` (stateful, one
/// replica) on w-1 (host-2).
fn two_workers(host: &str, scenarios: &str) -> String {
    format!(
        r#"
site "a" {{}}
network_zone "z" {{ cidr = "10.0.0.0/16" }}
host_pool "p" {{
  site  = site.a
  hosts = 3
  host {{
    {host}
  }}
}}
storage "nfs" {{
  type     = "nfs"
  server   = "nfs.example"
  capacity = "1TiB"
}}
kubernetes_cluster "k" {{
  pool    = host_pool.p
  zone    = network_zone.z
  storage = storage.nfs
  control_plane {{
    count  = 1
    cpu    = 2
    memory = "4GiB"
  }}
  node_group "w" {{
    count  = 2
    cpu    = 8
    memory = "16GiB"
  }}
}}
service "web" {{
  cluster  = kubernetes_cluster.k
  replicas = 1
  cpu      = 1
  memory   = "1GiB"
}}
service "db" {{
  cluster  = kubernetes_cluster.k
  kind     = "database"
  replicas = 1
  quorum   = 1
  volume {{ size = "10GiB" }}
}}
{scenarios}
"#
    )
}

const ROOMY: &str = r#"cpu = 32
    memory = "128GiB""#;
const FULL: &str = r#"cpu = 8
    memory = "16GiB""#;

fn inject(name: &str, blocks: &[(&str, &str, &str)]) -> String {
    let mut text = format!("scenario \"{name}\" {{\n  horizon = \"1d\"\n  replications = 1\n");
    for (at, fail, duration) in blocks {
        text.push_str(&format!(
            "  inject {{\n    at = \"{at}\"\n    {fail}\n    for = \"{duration}\"\n  }}\n"
        ));
    }
    text.push_str("}\n");
    text
}

#[test]
fn placement_of_the_test_platform() {
    let config = load(&two_workers(FULL, ""));
    let t = Topology::from_config(&config).unwrap();
    let text = t.to_string();
    assert!(
        text.contains("kubernetes_cluster.k/cp-0 on host_pool.p/host-0"),
        "{text}"
    );
    assert!(
        text.contains("kubernetes_cluster.k/w-0 on host_pool.p/host-1"),
        "{text}"
    );
    assert!(
        text.contains("kubernetes_cluster.k/w-1 on host_pool.p/host-2"),
        "{text}"
    );
    assert!(
        text.contains("service.web on kubernetes_cluster.k/w-0"),
        "{text}"
    );
    assert!(
        text.contains("service.db on kubernetes_cluster.k/w-1"),
        "{text}"
    );
}

#[test]
fn host_loss_with_admission_room_restarts_the_node_vm() {
    // HA restarts w-0 elsewhere: detection 15 s + boot 120 s + pod start 30 s.
    let fail = inject("s", &[("1h", "fail = host_pool.p\n    host = 1", "2h")]);
    let r = records(&two_workers(ROOMY, &fail), "s");
    one_outage(&r, "service.web", 15 + 120 + 30);
    no_outage(&r, "service.db");
    no_outage(&r, "kubernetes_cluster.k");
    // The cluster is degraded while w-0 is not ready: 15 s + 120 s.
    assert_eq!(r["kubernetes_cluster.k"].degraded, secs(135));
}

#[test]
fn host_loss_without_room_reschedules_a_stateless_pod() {
    // No host has room for w-0: the node stays down, its pod is evicted after
    // node_monitor_grace + pod_eviction and starts on w-1: 50 + 300 + 30 s.
    let fail = inject("s", &[("1h", "fail = host_pool.p\n    host = 1", "2h")]);
    let r = records(&two_workers(FULL, &fail), "s");
    one_outage(&r, "service.web", 50 + 300 + 30);
    no_outage(&r, "service.db");
    // The node is back when the host is: 2 h and a boot.
    assert_eq!(r["kubernetes_cluster.k"].degraded, secs(7200 + 120));
}

#[test]
fn host_loss_without_room_leaves_a_stateful_pod_waiting_for_its_node() {
    // db stays bound to w-1: down for the 2 h outage, the boot and the pod start.
    let fail = inject("s", &[("1h", "fail = host_pool.p\n    host = 2", "2h")]);
    let r = records(&two_workers(FULL, &fail), "s");
    one_outage(&r, "service.db", 7200 + 120 + 30);
    no_outage(&r, "service.web");
}

#[test]
fn host_loss_with_room_keeps_the_stateful_pod_on_its_restarted_node() {
    let fail = inject("s", &[("1h", "fail = host_pool.p\n    host = 2", "2h")]);
    let r = records(&two_workers(ROOMY, &fail), "s");
    one_outage(&r, "service.db", 15 + 120 + 30);
}

#[test]
fn a_short_host_outage_boots_the_vms_in_place() {
    // The host is back after 10 s, before HA declares it dead: its VMs boot there.
    let fail = inject("s", &[("1h", "fail = host_pool.p\n    host = 1", "10s")]);
    let r = records(&two_workers(FULL, &fail), "s");
    one_outage(&r, "service.web", 10 + 120 + 30);
}

#[test]
fn site_loss_takes_everything_down_until_the_site_returns() {
    // Every host is down for 6 h; then the VMs boot and the pods start. Evictions fall
    // due while the control plane is down and wait for it.
    let fail = inject("s", &[("1h", "fail = site.a", "6h")]);
    let r = records(&two_workers(ROOMY, &fail), "s");
    one_outage(&r, "service.web", 6 * 3600 + 120 + 30);
    one_outage(&r, "service.db", 6 * 3600 + 120 + 30);
    one_outage(&r, "kubernetes_cluster.k", 6 * 3600 + 120);
    no_outage(&r, "storage.nfs");
}

#[test]
fn a_cluster_outage_waits_for_the_control_plane() {
    // Every node fails for 10 min: pods are due for eviction at 350 s, but the control
    // plane is down then; when the nodes return, the pods start.
    let fail = inject("s", &[("1h", "fail = kubernetes_cluster.k", "10m")]);
    let r = records(&two_workers(ROOMY, &fail), "s");
    one_outage(&r, "kubernetes_cluster.k", 600);
    one_outage(&r, "service.web", 600 + 30);
    one_outage(&r, "service.db", 600 + 30);
}

#[test]
fn storage_and_service_injections() {
    let fail = inject(
        "s",
        &[
            ("1h", "fail = storage.nfs", "20m"),
            ("5h", "fail = service.web", "3m"),
        ],
    );
    let r = records(&two_workers(ROOMY, &fail), "s");
    one_outage(&r, "storage.nfs", 1200);
    one_outage(&r, "service.db", 1200);
    one_outage(&r, "service.web", 180);
}

/// Six hosts of 8 vCPU and 16 GiB: control-plane nodes on host-0..2, workers on
/// host-3..5 (no room for a worker anywhere else). kafka (3 replicas, quorum 2), web
/// (3 stateless replicas) and api (1 replica, requires kafka).
fn three_of_each(scenarios: &str) -> String {
    format!(
        r#"
site "a" {{}}
network_zone "z" {{ cidr = "10.0.0.0/16" }}
host_pool "p" {{
  site  = site.a
  hosts = 6
  host {{
    cpu    = 8
    memory = "16GiB"
  }}
}}
host_pool "st" {{
  site  = site.a
  hosts = 4
  host {{
    cpu    = 8
    memory = "16GiB"
  }}
}}
storage "ceph" {{
  type     = "ceph"
  pool     = host_pool.st
  capacity = "10TiB"
  replicas = 3
  min_size = 2
}}
kubernetes_cluster "k" {{
  pool    = host_pool.p
  zone    = network_zone.z
  storage = storage.ceph
  control_plane {{
    count  = 3
    cpu    = 2
    memory = "4GiB"
  }}
  node_group "w" {{
    count  = 3
    cpu    = 8
    memory = "16GiB"
  }}
}}
service "kafka" {{
  cluster  = kubernetes_cluster.k
  kind     = "kafka"
  replicas = 3
  quorum   = 2
  cpu      = 2
  memory   = "4GiB"
  volume {{ size = "100GiB" }}
}}
service "web" {{
  cluster  = kubernetes_cluster.k
  replicas = 3
}}
service "api" {{
  cluster  = kubernetes_cluster.k
  replicas = 1
  requires = [service.kafka]
}}
{scenarios}
"#
    )
}

#[test]
fn quorum_loss_of_a_stateful_service() {
    // kafka-0 (host-3) goes at 1 h, kafka-1 (host-4) at 1 h 30 m: below quorum until
    // host-3 is back at 3 h and its node and pod have started.
    let fail = inject(
        "s",
        &[
            ("1h", "fail = host_pool.p\n    host = 3", "2h"),
            ("90m", "fail = host_pool.p\n    host = 4", "2h"),
        ],
    );
    let r = records(&three_of_each(&fail), "s");
    one_outage(&r, "service.kafka", 5400 + 150);
    // api requires kafka, and itself loses its pod on host-3 or host-4 for a while.
    assert!(
        r["service.api"].downtime >= secs(5400 + 150),
        "{:?}",
        r["service.api"]
    );
    // Degraded from the first failure until the last replica is back.
    assert_eq!(r["service.kafka"].degraded, secs(9000 + 150));
    // web keeps a replica: evicted pods have nowhere to go but the surviving worker.
    no_outage(&r, "service.web");
    no_outage(&r, "kubernetes_cluster.k");
}

#[test]
fn etcd_quorum_loss_stops_every_service_of_the_cluster() {
    // cp-0 and cp-1 go down; HA restarts both on host-2: 15 s + 120 s without etcd.
    let fail = inject(
        "s",
        &[
            ("1h", "fail = host_pool.p\n    host = 0", "1h"),
            ("1h", "fail = host_pool.p\n    host = 1", "1h"),
        ],
    );
    let r = records(&three_of_each(&fail), "s");
    one_outage(&r, "kubernetes_cluster.k", 135);
    one_outage(&r, "service.kafka", 135);
    one_outage(&r, "service.web", 135);
    one_outage(&r, "service.api", 135);
}

#[test]
fn ceph_below_min_size_stops_io_until_rereplication() {
    // Two of four OSD hosts go: placement groups with copies on both drop to one copy,
    // below min_size, until the OSDs are marked out after 600 s and the copies are made
    // again on the two hosts left.
    let fail = inject(
        "s",
        &[
            ("1h", "fail = host_pool.st\n    host = 0", "1h"),
            ("1h", "fail = host_pool.st\n    host = 1", "1h"),
        ],
    );
    let r = records(&three_of_each(&fail), "s");
    one_outage(&r, "storage.ceph", 600);
    one_outage(&r, "service.kafka", 600);
    one_outage(&r, "service.api", 600);
    no_outage(&r, "service.web");
    one_outage(&r, "storage.ceph/data_at_risk", 600);
    // Degraded (a copy missing) for the whole hour: three copies need three hosts.
    assert_eq!(r["storage.ceph"].degraded, secs(3600));
}

#[test]
fn a_short_ceph_outage_is_not_rereplicated() {
    let fail = inject(
        "s",
        &[
            ("1h", "fail = host_pool.st\n    host = 0", "5m"),
            ("1h", "fail = host_pool.st\n    host = 1", "5m"),
        ],
    );
    let r = records(&three_of_each(&fail), "s");
    one_outage(&r, "storage.ceph", 300);
    let single = inject("s", &[("1h", "fail = host_pool.st\n    host = 0", "1h")]);
    let r = records(&three_of_each(&single), "s");
    no_outage(&r, "storage.ceph");
    no_outage(&r, "storage.ceph/data_at_risk");
}

#[test]
fn maintenance_with_room_costs_nothing_and_without_room_is_skipped() {
    let maintenance = r#"
scenario "m" {
  horizon      = "90d"
  replications = 1
  maintenance {
    every    = "30d"
    duration = "2h"
  }
}"#;
    for host in [ROOMY, FULL] {
        let sim = simulation(&two_workers(host, maintenance), "m");
        let replication = Replication {
            seed: 1,
            index: 0,
            horizon: sim.scenario().horizon,
        };
        let result = sim.replicate(&replication);
        assert!(result.events > 0);
        for (address, record) in sim.services().iter().zip(&result.services) {
            assert_eq!(record.downtime, SimTime::ZERO, "{address}");
        }
    }
}

#[test]
fn random_node_failures_with_fixed_repairs_give_outages_of_known_length() {
    // Nodes fail now and then for exactly 1 h. A worker's failure takes web's pod for
    // 50 + 300 + 30 s (rescheduled), db's for 3600 + 30 s (it waits for the node); the
    // control plane's failure takes both down for its hour, their pods still running.
    let scenario = r#"
scenario "n" {
  horizon      = "3650d"
  replications = 1
  seed         = 3
  failures {
    node {
      mtbf         = "4000h"
      mttr         = "1h"
      distribution = "fixed"
    }
  }
}"#;
    let sim = simulation(&two_workers(ROOMY, scenario), "n");
    for index in 0..4 {
        let replication = Replication {
            seed: 3,
            index,
            horizon: sim.scenario().horizon,
        };
        let result = sim.replicate(&replication);
        let web = &result.services[0];
        let db = &result.services[1];
        assert!(web.outages > 10 && db.outages > 10, "{web:?} {db:?}");
        for length in &web.outage_lengths {
            assert!([secs(380), secs(3600)].contains(length), "web: {length}");
        }
        for length in &db.outage_lengths {
            assert!([secs(3600), secs(3630)].contains(length), "db: {length}");
        }
    }
}

#[test]
fn same_seed_same_outcome_for_any_threads_and_shards() {
    let scenario = r#"
scenario "r" {
  horizon      = "365d"
  replications = 40
  seed         = 9
  failures {
    host {
      mtbf = "2000h"
      mttr = "8h"
    }
    node {
      mtbf         = "1000h"
      mttr         = "20m"
      distribution = "lognormal"
      sigma        = 1
    }
    replica {
      mtbf         = "500h"
      mttr         = "2m"
      distribution = "weibull"
      shape        = 1.5
    }
    storage {
      mtbf         = "3000h"
      mttr         = "4h"
      repair_crews = 1
    }
  }
  maintenance {
    every    = "30d"
    duration = "1h"
  }
}"#;
    let sim = simulation(&three_of_each(scenario), "r");
    let config = |threads, shard: &str| RunConfig {
        threads,
        shard: shard.parse().unwrap(),
        ..RunConfig::new("r", 9, 40, SimTime::from_years(1))
    };
    let one = run(&config(1, "0/1"), &sim).unwrap();
    let two = run(&config(2, "0/1"), &sim).unwrap();
    assert_eq!(one.to_json(), two.to_json());
    let shards = [
        run(&config(2, "0/3"), &sim).unwrap(),
        run(&config(1, "2/3"), &sim).unwrap(),
        run(&config(1, "1/3"), &sim).unwrap(),
    ];
    let merged = sim::Outcome::merge(&shards).unwrap();
    assert_eq!(merged.to_json(), one.to_json());
    assert!(one.events > 1000);
    let kafka = &one.services[0];
    assert!(kafka.availability.mean < 1.0 && kafka.availability.mean > 0.99);
}

#[test]
fn maintenance_drains_ceph_hosts_one_at_a_time() {
    // Rounds at 30 d and 60 d; each of the four OSD hosts is out for 2 h (noout: no
    // re-replication), leaving two copies: degraded 2 × 4 × 2 h, never below min_size.
    let maintenance = r#"
scenario "m" {
  horizon      = "90d"
  replications = 1
  maintenance {
    every    = "30d"
    duration = "2h"
  }
}"#;
    let r = records(&three_of_each(maintenance), "m");
    for (address, record) in &r {
        assert_eq!(record.downtime, SimTime::ZERO, "{address}");
    }
    assert_eq!(r["storage.ceph"].degraded, SimTime::from_hours(16));
    no_outage(&r, "storage.ceph/data_at_risk");
}

fn reference_platform(scenario: &str) -> Failover {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../blueprints/reference-platform");
    let mut sources = blueprint::SourceMap::default();
    let (config, diags) = blueprint::load(&dir, &Default::default(), &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    let topology = Topology::from_config(&config).unwrap();
    let scenario = Scenario::from_config(&config, &topology, Some(scenario)).unwrap();
    Failover::new(topology, scenario)
}

#[test]
fn reference_platform_site_loss() {
    // dc1 is down for 6 h in every replication: production is down at least that long
    // plus a boot and a pod start; the clusters of dc2 only see host failures.
    let sim = reference_platform("site_loss");
    let config = RunConfig::new("site_loss", 7, 20, SimTime::from_years(1));
    let outcome = run(&config, &sim).unwrap();
    let row = |address: &str| {
        outcome
            .services
            .iter()
            .find(|s| s.address == address)
            .unwrap_or_else(|| panic!("no row {address}"))
    };
    let site = 6.0 * 60.0;
    for service in [
        "service.postgres",
        "module.messaging.service.kafka",
        "service.customer_portal",
    ] {
        let minutes = row(service).downtime_minutes_per_year.mean;
        assert!(
            minutes >= site + 2.5 && minutes < site + 30.0,
            "{service}: {minutes}"
        );
    }
    let prod = row("module.prod.kubernetes_cluster.this");
    assert!(prod.downtime_minutes_per_year.mean >= site + 2.0);
    let test = row("module.nonprod[\"test\"].kubernetes_cluster.this");
    assert!(test.downtime_minutes_per_year.mean < 10.0);
    assert!(row("storage.ceph").downtime_minutes_per_year.mean >= site);
    assert_eq!(row("storage.nfs").outages_per_year.mean, 0.0);
    assert!(row("storage.ceph/data_at_risk").outages_per_year.mean >= 1.0);
}

#[test]
fn a_rack_outage_takes_down_every_host_in_it() {
    // Racks r[0] (host-0 and host-2) and r[1] (host-1). r[0] goes dark: cp-0 (host-0) and
    // w-1 (host-2) restart on host-1 after 15 s + 120 s. Without a control plane every
    // service is down; db (on w-1) also waits for its pod: 30 s more.
    let racked = two_workers(ROOMY, &inject("s", &[("1h", "fail = rack.r[0]", "4h")])).replace(
        "  site  = site.a\n  hosts = 3",
        "  site  = site.a\n  racks = rack.r\n  hosts = 3",
    ) + "rack \"r\" {\n  count = 2\n  site  = site.a\n}\n";
    let r = records(&racked, "s");
    one_outage(&r, "kubernetes_cluster.k", 135);
    one_outage(&r, "service.web", 135);
    one_outage(&r, "service.db", 165);
}

/// Three workers on three hosts; `svc` has three replicas that need two; only replicas
/// fail, with mtbf 1000 h and mttr 10 h.
fn replicas_only(repair: &str, crews: &str) -> String {
    format!(
        r#"
site "a" {{}}
network_zone "z" {{ cidr = "10.0.0.0/16" }}
host_pool "p" {{
  site  = site.a
  hosts = 3
  host {{
    cpu    = 32
    memory = "128GiB"
  }}
}}
kubernetes_cluster "k" {{
  pool = host_pool.p
  zone = network_zone.z
  control_plane {{
    count = 1
  }}
  node_group "w" {{
    count  = 3
    cpu    = 8
    memory = "16GiB"
  }}
}}
service "svc" {{
  cluster  = kubernetes_cluster.k
  replicas = 3
  quorum   = 2
}}
scenario "q" {{
  horizon      = "20y"
  replications = 400
  seed         = 11
  failures {{
    replica {{
      mtbf = "1000h"
      mttr = "10h"
      {repair}
      {crews}
    }}
  }}
}}
"#
    )
}

fn availability(hcl: &str) -> sim::Interval {
    let sim = simulation(hcl, "q");
    let s = sim.scenario();
    let config = RunConfig {
        threads: 2,
        ..RunConfig::new("q", s.seed, s.replications, s.horizon)
    };
    run(&config, &sim).unwrap().services[0].availability
}

#[track_caller]
fn inside(interval: sim::Interval, expected: f64) {
    let [low, high] = interval.ci95;
    assert!(
        low <= expected && expected <= high,
        "{expected} outside [{low}, {high}] (mean {})",
        interval.mean
    );
    // Tight: the half-width is under 5% of the unavailability.
    assert!((high - low) / 2.0 < 0.05 * (1.0 - expected), "{interval:?}");
}

#[test]
fn replica_quorum_matches_the_closed_forms() {
    // Independent repair: A = 3a² − 2a³ with a = 1000/1010, whatever the repair
    // distribution's shape.
    let a: f64 = 1000.0 / 1010.0;
    let independent = 3.0 * a * a - 2.0 * a * a * a;
    inside(availability(&replicas_only("", "")), independent);
    inside(
        availability(&replicas_only(
            "distribution = \"lognormal\"\n      sigma = 1",
            "",
        )),
        independent,
    );
    // One repair crew: the birth-death chain with failure rates 3λ, 2λ, λ and one
    // repair at rate μ; up in the states with 0 or 1 replica down.
    let rho = 10.0 / 1000.0;
    let (p1, p2) = (3.0 * rho, 3.0 * rho * 2.0 * rho);
    let p3 = p2 * rho;
    let one_crew = (1.0 + p1) / (1.0 + p1 + p2 + p3);
    inside(
        availability(&replicas_only("", "repair_crews = 1")),
        one_crew,
    );
}
