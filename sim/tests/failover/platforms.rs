//! The small platforms the topics inject failures into (two workers; three of each), the
//! `scenario` block that injects them, and assertions on the outages that follow.

use std::collections::BTreeMap;

use sim::{ServiceRecord, SimTime};

pub(crate) fn secs(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

/// Asserts one outage of exactly `down` seconds.
#[track_caller]
pub(crate) fn one_outage(records: &BTreeMap<String, ServiceRecord>, address: &str, down: u64) {
    let r = &records[address];
    assert_eq!((r.outages, r.downtime), (1, secs(down)), "{address}: {r:?}");
}

#[track_caller]
pub(crate) fn no_outage(records: &BTreeMap<String, ServiceRecord>, address: &str) {
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
pub(crate) fn two_workers(host: &str, scenarios: &str) -> String {
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

pub(crate) const ROOMY: &str = r#"cpu = 32
    memory = "128GiB""#;
pub(crate) const FULL: &str = r#"cpu = 8
    memory = "16GiB""#;

pub(crate) fn inject(name: &str, blocks: &[(&str, &str, &str)]) -> String {
    let mut text = format!("scenario \"{name}\" {{\n  horizon = \"1d\"\n  replications = 1\n");
    for (at, fail, duration) in blocks {
        text.push_str(&format!(
            "  inject {{\n    at = \"{at}\"\n    {fail}\n    for = \"{duration}\"\n  }}\n"
        ));
    }
    text.push_str("}\n");
    text
}

/// Six hosts of 8 vCPU and 16 GiB: control-plane nodes on host-0..2, workers on
/// host-3..5 (no room for a worker anywhere else). kafka (3 replicas, quorum 2), web
/// (3 stateless replicas) and api (1 replica, requires kafka).
pub(crate) fn three_of_each(scenarios: &str) -> String {
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
