//! Latency: Erlang C, and response times with all replicas and after the worst host loss.

use sim::capacity::queue::erlang_c;

use crate::common::{capacity_of, close};

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
