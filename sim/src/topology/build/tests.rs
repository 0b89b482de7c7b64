//! Topologies built from small blueprints: placed as the provider places them, and an
//! error for what does not fit.

use super::*;

fn load(hcl: &str) -> Config {
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("strata-topology-{}-{seq}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.hcl"), hcl).unwrap();
    let mut sources = blueprint::SourceMap::default();
    let (config, diags) = blueprint::load(&dir, &Default::default(), &mut sources);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    config
}

const BASE: &str = r#"
site "a" {}
rack "r" {
  count = 2
  site  = site.a
}
network_zone "z" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.a
  racks = rack.r
  hosts = 3
  host {
    cpu    = 16
    memory = "64GiB"
  }
  overcommit { cpu = 2 }
}
"#;

#[test]
fn places_like_the_provider() {
    let config = load(&format!(
        r#"{BASE}
vm "web" {{
  count         = 2
  pool          = host_pool.p
  cpu           = 2
  memory        = "8GiB"
  zone          = network_zone.z
  anti_affinity = "web"
}}
storage "ceph" {{
  type     = "ceph"
  pool     = host_pool.p
  capacity = "10TiB"
}}
kubernetes_cluster "k" {{
  pool    = host_pool.p
  zone    = network_zone.z
  storage = storage.ceph
  control_plane {{
    count  = 3
    cpu    = 2
    memory = "8GiB"
  }}
  node_group "w" {{
    count  = 3
    cpu    = 4
    memory = "16GiB"
  }}
}}
service "api" {{
  cluster  = kubernetes_cluster.k
  replicas = 3
  cpu      = 1
  memory   = "1GiB"
}}
service "db" {{
  cluster  = kubernetes_cluster.k
  kind     = "database"
  requires = []
}}
service "app" {{
  cluster  = kubernetes_cluster.k
  replicas = 2
  requires = [service.api, service.db]
}}
"#
    ));
    let t = Topology::from_config(&config).unwrap();
    let dump = t.to_string();
    let expected = "\
host_pool.p/host-0 in site.a, rack.r[0]
host_pool.p/host-1 in site.a, rack.r[1]
host_pool.p/host-2 in site.a, rack.r[0]
vm.web[0] on host_pool.p/host-0
vm.web[1] on host_pool.p/host-1
kubernetes_cluster.k/cp-0 on host_pool.p/host-2
kubernetes_cluster.k/cp-1 on host_pool.p/host-0
kubernetes_cluster.k/cp-2 on host_pool.p/host-1
kubernetes_cluster.k/w-0 on host_pool.p/host-2
kubernetes_cluster.k/w-1 on host_pool.p/host-0
kubernetes_cluster.k/w-2 on host_pool.p/host-1
service.api on kubernetes_cluster.k/w-0, kubernetes_cluster.k/w-1, kubernetes_cluster.k/w-2
service.db on kubernetes_cluster.k/w-0, kubernetes_cluster.k/w-1, kubernetes_cluster.k/w-2
service.app on kubernetes_cluster.k/w-0, kubernetes_cluster.k/w-1
storage.ceph size 3 min_size 2 on host_pool.p/host-0, host_pool.p/host-1, host_pool.p/host-2
";
    assert_eq!(dump, expected);
    assert_eq!(t.hosts[0].cpu_m, 32_000);
    let db = &t.services[1];
    assert_eq!(
        (db.quorum, db.stateful, db.kind.as_str()),
        (2, true, "database")
    );
    assert_eq!((db.storage, t.services[0].storage), (Some(0), None));
    assert_eq!(t.services[2].requires, vec![0, 1]);
    assert_eq!(t.clusters[0].etcd_quorum(), 2);
}

#[test]
fn a_blueprint_that_does_not_fit_is_an_error() {
    let config = load(&format!(
        r#"{BASE}
vm "one_per_host" {{
  count         = 4
  pool          = host_pool.p
  cpu           = 2
  memory        = "4GiB"
  zone          = network_zone.z
  anti_affinity = "one"
}}
"#
    ));
    let e = Topology::from_config(&config).unwrap_err();
    assert!(
        e.to_string()
            .contains("no host of host_pool.p has room for vm.one_per_host[3]"),
        "{e}"
    );
}
