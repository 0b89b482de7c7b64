//! Quorum: a stateful service and etcd below quorum, and replica quorum availability against
//! the closed forms.

use crate::common::{records, simulation};
use sim::{RunConfig, run};

use crate::platforms::{inject, no_outage, one_outage, secs, three_of_each};

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
