//! Property: for random blueprints mixing every kind, apply then plan shows no changes,
//! and a second apply changes nothing.

use std::path::Path;
use std::process::Command;

use proptest::prelude::*;

fn strata(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[derive(Debug, Clone)]
struct Shape {
    zones: usize,
    pools: Vec<(u8, u8)>,
    vm_blocks: Vec<(usize, u8, u8, usize, usize, bool)>,
    control_plane: u8,
    workers: u8,
    services: Vec<(usize, bool)>,
    policy: bool,
    environment: bool,
    job: bool,
}

const KINDS: &[&str] = &[
    "application",
    "grafana",
    "kafka",
    "rabbitmq",
    "workflow_engine",
    "database",
];

fn shape() -> impl Strategy<Value = Shape> {
    (
        1..4usize,
        prop::collection::vec((3..7u8, 0..2u8), 1..3),
        prop::collection::vec(
            (
                0..4usize,
                1..5u8,
                0..3u8,
                0..4usize,
                0..3usize,
                any::<bool>(),
            ),
            0..4,
        ),
        prop::sample::select(vec![1u8, 3]),
        2..5u8,
        prop::collection::vec((0..KINDS.len(), any::<bool>()), 0..5),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                zones,
                pools,
                vm_blocks,
                control_plane,
                workers,
                services,
                policy,
                environment,
                job,
            )| Shape {
                zones,
                pools,
                vm_blocks,
                control_plane,
                workers,
                services,
                policy,
                environment,
                job,
            },
        )
}

fn blueprint(s: &Shape) -> String {
    let mut t = String::from("site \"dc\" {}\n");
    for z in 0..s.zones {
        t += &format!("network_zone \"z{z}\" {{\n  cidr = \"10.{z}.0.0/16\"\n}}\n");
    }
    for (p, (hosts, big)) in s.pools.iter().enumerate() {
        let (cpu, memory) = if *big == 1 {
            (64, "512GiB")
        } else {
            (32, "256GiB")
        };
        t += &format!(
            "host_pool \"p{p}\" {{\n  site  = site.dc\n  hosts = {hosts}\n  host {{\n    cpu    = {cpu}\n    memory = \"{memory}\"\n  }}\n  overcommit {{\n    cpu = 4\n  }}\n}}\n"
        );
    }
    t += "storage \"ceph\" {\n  type     = \"ceph\"\n  pool     = host_pool.p0\n  capacity = \"200TiB\"\n  replicas = 3\n  min_size = 2\n}\n";
    for (b, (count, cpu, mem, zone, pool, spread)) in s.vm_blocks.iter().enumerate() {
        let memory = [1, 2, 4][*mem as usize];
        let pool = pool % s.pools.len();
        let zone = zone % s.zones;
        let group = if *spread {
            format!("  anti_affinity = \"g{b}\"\n")
        } else {
            String::new()
        };
        t += &format!(
            "vm \"v{b}\" {{\n  count  = {count}\n  pool   = host_pool.p{pool}\n  zone   = network_zone.z{zone}\n  cpu    = {cpu}\n  memory = \"{memory}GiB\"\n{group}}}\n"
        );
    }
    t += &format!(
        "kubernetes_cluster \"k\" {{\n  pool    = host_pool.p0\n  zone    = network_zone.z0\n  storage = storage.ceph\n  control_plane {{\n    count = {}\n  }}\n  node_group \"w\" {{\n    count  = {}\n    cpu    = 16\n    memory = \"64GiB\"\n  }}\n}}\n",
        s.control_plane,
        // An environment clones every service: twice the workers leave it room (validate
        // refuses an environment its cluster cannot hold).
        if s.environment {
            s.workers * 2
        } else {
            s.workers
        }
    );
    for (i, (kind, needs_previous)) in s.services.iter().enumerate() {
        let requires = if *needs_previous && i > 0 {
            format!("  requires = [service.s{}]\n", i - 1)
        } else {
            String::new()
        };
        t += &format!(
            "service \"s{i}\" {{\n  cluster = kubernetes_cluster.k\n  kind    = \"{}\"\n  spread  = \"none\"\n{requires}}}\n",
            KINDS[*kind]
        );
    }
    if s.policy && s.zones > 1 {
        t += "network_policy \"p\" {\n  from  = network_zone.z0\n  to    = network_zone.z1\n  ports = [443]\n}\n";
    }
    if s.environment {
        let services: Vec<String> = (0..s.services.len())
            .map(|i| format!("service.s{i}"))
            .collect();
        t += &format!(
            "environment \"sit\" {{\n  cluster  = kubernetes_cluster.k\n  ttl      = \"72h\"\n  services = [{}]\n}}\n",
            services.join(", ")
        );
    }
    if s.job {
        t += "job \"etl\" {\n  cluster  = kubernetes_cluster.k\n  duration = \"2h\"\n}\n";
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn apply_then_plan_shows_no_changes(s in shape()) {
        let dir = tempfile::tempdir().unwrap();
        let text = blueprint(&s);
        std::fs::write(dir.path().join("main.hcl"), &text).unwrap();
        let (code, out) = strata(dir.path(), &["validate"]);
        prop_assert_eq!(code, 0, "{}\n{}", text, out);
        let (code, out) = strata(dir.path(), &["apply", "-auto-approve"]);
        prop_assert_eq!(code, 0, "{}\n{}", text, out);
        let (code, out) = strata(dir.path(), &["plan", "-detailed-exitcode"]);
        prop_assert_eq!(code, 0, "{}\n{}", text, out);
        let (code, out) = strata(dir.path(), &["apply", "-auto-approve"]);
        prop_assert_eq!(code, 0, "{}", out);
        prop_assert!(out.contains("No changes."), "{}", out);
    }
}
