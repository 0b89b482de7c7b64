//! The semantic checks issue 16 added, each against a blueprint written inline: an
//! environment against its quota and its cluster's room, Ceph's raw need against its
//! hosts' disks, a job's cron schedule; and every check in the same run as schema errors
//! in other blocks. Counts and key phrases are asserted beside each snapshot.

mod common;

use common::load;

/// A site, a pool of three hosts with 4TiB of disk each, and a cluster with four 4-CPU,
/// 16GiB workers (lines 1 to 34).
const PLATFORM: &str = r#"site "dc1" {}

host_pool "main" {
  site  = site.dc1
  hosts = 3

  host {
    cpu    = 32
    memory = "256GiB"
    disk   = "4TiB"
  }
}

network_zone "app" {
  cidr = "10.10.0.0/16"
}

kubernetes_cluster "main" {
  pool = host_pool.main
  zone = network_zone.app

  control_plane {
    count = 3
  }

  node_group "workers" {
    count  = 4
    cpu    = 4
    memory = "16GiB"
  }
}

"#;

fn with(rest: &str) -> String {
    format!("{PLATFORM}{rest}")
}

/// A service of `replicas` × (cpu, memory) on the cluster.
fn service(name: &str, replicas: u32, cpu: &str, memory: &str) -> String {
    format!(
        "service \"{name}\" {{\n  cluster  = kubernetes_cluster.main\n  replicas = {replicas}\n  cpu      = {cpu}\n  memory   = \"{memory}\"\n}}\n\n"
    )
}

#[test]
fn an_environment_over_its_cpu_quota_is_an_error() {
    // 3 replicas × 2 CPU = 6 CPU against a quota of 4.
    let out = load(&with(&format!(
        "{}environment \"uat\" {{\n  cluster  = kubernetes_cluster.main\n  ttl      = \"72h\"\n  services = [service.app]\n\n  quota {{\n    cpu    = 4\n    memory = \"64GiB\"\n  }}\n}}\n",
        service("app", 3, "2", "4GiB")
    )));
    out.expect(
        1,
        0,
        &[
            "The services of environment.uat request more CPU than its quota",
            "request 6 CPU in all",
            "quota.cpu allows 4",
            "main.hcl:43:14",
        ],
    );
    insta::assert_snapshot!(out.text);
}

#[test]
fn an_environment_within_its_quota_and_its_cluster_passes() {
    // 6 CPU and 12GiB for the service, 6 CPU and 12GiB more for its clone: 12 of 16 CPU.
    let out = load(&with(&format!(
        "{}environment \"uat\" {{\n  cluster  = kubernetes_cluster.main\n  ttl      = \"72h\"\n  services = [service.app]\n\n  quota {{\n    cpu    = 6\n    memory = \"12GiB\"\n  }}\n}}\n",
        service("app", 3, "2", "4GiB")
    )));
    out.expect(0, 0, &[]);
}

#[test]
fn an_environment_over_its_memory_quota_is_an_error() {
    // 2 × 5GiB = 10GiB against 8GiB.
    let out = load(&with(&format!(
        "{}environment \"uat\" {{\n  cluster  = kubernetes_cluster.main\n  ttl      = \"72h\"\n  services = [service.app]\n\n  quota {{\n    memory = \"8GiB\"\n  }}\n}}\n",
        service("app", 2, "1", "5GiB")
    )));
    out.expect(
        1,
        0,
        &[
            "more memory than its quota",
            "request 10GiB in all",
            "allows 8GiB",
        ],
    );
}

#[test]
fn an_environment_that_does_not_fit_beside_production_is_an_error() {
    // Production asks 12 of the 16 worker CPUs; the clone needs 6 more.
    let out = load(&with(&format!(
        "{}{}environment \"uat\" {{\n  cluster  = kubernetes_cluster.main\n  ttl      = \"72h\"\n  services = [service.app]\n}}\n",
        service("app", 3, "2", "2GiB"),
        service("batch", 3, "2", "2GiB")
    )));
    out.expect(
        1,
        0,
        &[
            "environment.uat does not fit on kubernetes_cluster.main",
            "request 6 CPU, and kubernetes_cluster.main has 4 CPU left of 16 beside the 12",
        ],
    );
    insta::assert_snapshot!(out.text);
}

#[test]
fn ceph_beyond_its_hosts_raw_disk_is_an_error() {
    // 5TiB × 3 replicas = 15TiB raw, the three hosts have 12TiB.
    let out = load(&with(
        "storage \"ceph\" {\n  type     = \"ceph\"\n  pool     = host_pool.main\n  capacity = \"5TiB\"\n  replicas = 3\n  min_size = 2\n}\n",
    ));
    out.expect(
        1,
        0,
        &[
            "storage.ceph needs more raw disk than its hosts have",
            "5TiB usable needs 15TiB raw",
            "have 12TiB of disk (4TiB each)",
        ],
    );
    insta::assert_snapshot!(out.text);
}

#[test]
fn ceph_within_its_hosts_raw_disk_passes_and_replicas_default_to_three() {
    let fits = load(&with(
        "storage \"ceph\" {\n  type     = \"ceph\"\n  pool     = host_pool.main\n  capacity = \"4TiB\"\n  min_size = 2\n}\n",
    ));
    fits.expect(0, 0, &[]);
    let over = load(&with(
        "storage \"ceph\" {\n  type     = \"ceph\"\n  pool     = host_pool.main\n  capacity = \"4100GiB\"\n  min_size = 2\n}\n",
    ));
    over.expect(1, 0, &["Ceph keeps 3 copies"]);
}

#[test]
fn a_schedule_that_is_not_cron_is_an_error() {
    for (schedule, phrase) in [
        ("nightly", "has 1"),
        ("0 2 * *", "has 4"),
        ("0 25 * * *", "not a cron expression"),
        ("0 0 2 * * *", "has 6"),
    ] {
        let out = load(&with(&format!(
            "job \"etl\" {{\n  cluster  = kubernetes_cluster.main\n  duration = \"1h\"\n  schedule = \"{schedule}\"\n}}\n"
        )));
        out.expect(
            1,
            0,
            &[
                "The schedule of job.etl is not a cron expression",
                phrase,
                "main.hcl:36:14",
            ],
        );
    }
    for good in [
        "0 2 * * *",
        "@daily",
        "*/15 8-18 * * MON-FRI",
        "0 0 1 JAN,JUL *",
    ] {
        let out = load(&with(&format!(
            "job \"etl\" {{\n  cluster  = kubernetes_cluster.main\n  duration = \"1h\"\n  schedule = \"{good}\"\n}}\n"
        )));
        out.expect(0, 0, &[]);
    }
}

#[test]
fn schema_and_semantic_errors_of_different_blocks_come_in_one_run() {
    // A schema error (an unknown attribute) in one service, an impossible Ceph pool, a bad
    // schedule and an environment over its quota: all four in the same run. The invalid
    // service is not read by the checks, so its requests cause nothing more.
    let out = load(&with(&format!(
        "service \"broken\" {{\n  cluster  = kubernetes_cluster.main\n  replicas = 100\n  cpu      = 50\n  colour   = \"blue\"\n}}\n\n{}storage \"ceph\" {{\n  type     = \"ceph\"\n  pool     = host_pool.main\n  capacity = \"5TiB\"\n  min_size = 2\n}}\n\njob \"etl\" {{\n  cluster  = kubernetes_cluster.main\n  duration = \"1h\"\n  schedule = \"every night\"\n}}\n\nenvironment \"uat\" {{\n  cluster  = kubernetes_cluster.main\n  ttl      = \"72h\"\n  services = [service.app]\n\n  quota {{\n    cpu = 1\n  }}\n}}\n",
        service("app", 2, "1", "1GiB")
    )));
    out.expect(
        4,
        0,
        &[
            "colour",
            "needs more raw disk",
            "is not a cron expression",
            "more CPU than its quota",
        ],
    );
    assert_eq!(out.occurrences("service.broken"), 0, "{}", out.text);
    insta::assert_snapshot!(out.text);
}
