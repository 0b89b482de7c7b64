//! Semantic checks, run once the blueprint evaluates without errors: overlapping zones,
//! addresses, quorums, control planes, policies, storage and requests that fit nowhere.

use crate::common::load;

#[test]
fn overlapping_zone_cidrs() {
    let out = load(concat!(
        platform!(),
        r#"
network_zone "data" {
  cidr = "10.10.128.0/20"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Network zones network_zone.app and network_zone.data overlap",
            "main.hcl:18:10",
            "note: network_zone.app is 10.10.0.0/16",
            "main.hcl:14:10",
        ],
    );
    insta::assert_snapshot!("overlapping_zone_cidrs", out.text);
}

#[test]
fn vm_address_outside_its_zone() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool    = host_pool.main
  zone    = network_zone.app
  cpu     = 4
  memory  = "8GiB"
  address = "10.20.0.5"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Address of vm.web is outside its zone",
            "main.hcl:22:13",
            "10.20.0.5 is not in network_zone.app (10.10.0.0/16)",
        ],
    );
    insta::assert_snapshot!("vm_address_outside_its_zone", out.text);
}

#[test]
fn quorum_larger_than_replicas() {
    let out = load(concat!(
        with_cluster!(),
        r#"
service "kafka" {
  cluster  = kubernetes_cluster.main
  kind     = "kafka"
  replicas = 3
  quorum   = 4
  cpu      = 2
  memory   = "8GiB"

  volume {
    size    = "100GiB"
    storage = storage.ceph
  }
}

storage "ceph" {
  type     = "ceph"
  pool     = host_pool.main
  capacity = "10TiB"
  replicas = 3
  min_size = 2
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Quorum of service.kafka is larger than its replicas",
            "main.hcl:36:14",
            "Raise replicas or lower quorum",
        ],
    );
    insta::assert_snapshot!("quorum_larger_than_replicas", out.text);
}

#[test]
fn even_control_plane_count_warns() {
    let out = load(concat!(
        platform!(),
        r#"
kubernetes_cluster "main" {
  pool = host_pool.main
  zone = network_zone.app

  control_plane {
    count = 2
  }

  node_group "workers" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}
"#
    ));
    out.expect(
        0,
        1,
        &[
            "warning: Cluster kubernetes_cluster.main has an even number of control-plane nodes (2)",
            "main.hcl:22:13",
            "odd count such as 3",
        ],
    );
    insta::assert_snapshot!("even_control_plane_count_warns", out.text);
}

#[test]
fn prod_cluster_with_one_control_plane_node() {
    let out = load(concat!(
        platform!(),
        r#"
kubernetes_cluster "main" {
  pool    = host_pool.main
  zone    = network_zone.app
  purpose = "prod"

  control_plane {
    count = 1
  }

  node_group "workers" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Production cluster kubernetes_cluster.main has a single control-plane node",
            "main.hcl:23:13",
            "count = 3",
        ],
    );
    insta::assert_snapshot!("prod_cluster_with_one_control_plane_node", out.text);
}

#[test]
fn policy_with_empty_from() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 4
  memory = "8GiB"
}

network_policy "to_app" {
  from  = []
  to    = network_zone.app
  ports = [443]
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Policy network_policy.to_app names nothing on its \"from\" side",
            "main.hcl:25:11",
        ],
    );
    insta::assert_snapshot!("policy_with_empty_from", out.text);
}

#[test]
fn volume_larger_than_its_storage() {
    let out = load(concat!(
        platform!(),
        r#"
storage "nfs" {
  type     = "nfs"
  server   = "nfs.example.org"
  capacity = "1TiB"
}

kubernetes_cluster "main" {
  pool    = host_pool.main
  zone    = network_zone.app
  storage = storage.nfs

  control_plane {
    count = 3
  }

  node_group "workers" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}

service "db" {
  cluster  = kubernetes_cluster.main
  replicas = 1
  cpu      = 2
  memory   = "8GiB"

  volume {
    size = "2TiB"
  }
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Volume of service.db is larger than its storage",
            "main.hcl:46:12",
            "2TiB",
            "1TiB",
        ],
    );
    insta::assert_snapshot!("volume_larger_than_its_storage", out.text);
}

#[test]
fn requests_that_fit_no_node() {
    let out = load(concat!(
        with_cluster!(),
        r#"
service "search" {
  cluster  = kubernetes_cluster.main
  replicas = 2
  cpu      = 4
  memory   = "48GiB"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Requests of service.search fit on no node",
            "main.hcl:36:14",
            "node group \"workers\" has 8 CPU and 32GiB",
        ],
    );
    insta::assert_snapshot!("requests_that_fit_no_node", out.text);
}

#[test]
fn ceph_min_size_larger_than_replicas() {
    let out = load(concat!(
        platform!(),
        r#"
storage "ceph" {
  type     = "ceph"
  pool     = host_pool.main
  capacity = "100TiB"
  replicas = 2
  min_size = 3
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "min_size of storage.ceph is larger than its replicas",
            "main.hcl:22:14",
        ],
    );
    insta::assert_snapshot!("ceph_min_size_larger_than_replicas", out.text);
}
