//! Crash safety: an apply killed with SIGKILL at random moments, then run again until it
//! completes, leaves the simulated datacenter holding exactly the blueprint's objects —
//! none duplicated, none orphaned — and the state agreeing with it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use proptest::prelude::*;

const BLUEPRINT: &str = r#"
provider "sim" {
  latency = "40ms"
}
site "dc" {}
host_pool "p" {
  site  = site.dc
  hosts = 6
  host {
    cpu    = 64
    memory = "512GiB"
  }
}
network_zone "z" {
  cidr = "10.0.0.0/16"
}
vm "web" {
  count  = 24
  pool   = host_pool.p
  zone   = network_zone.z
  cpu    = 2
  memory = "4GiB"
}
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.z
  control_plane {
    count = 3
  }
  node_group "w" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}
service "api" {
  count   = 6
  cluster = kubernetes_cluster.k
  cpu     = "500m"
  memory  = "512MiB"
}
"#;

fn strata(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .output()
        .unwrap()
}

fn sorted_lines(bytes: &[u8]) -> Vec<String> {
    let mut lines: Vec<String> = String::from_utf8_lossy(bytes)
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    #[test]
    fn killed_applies_finish_without_duplicates_or_orphans(kills in prop::collection::vec(30u64..700, 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.hcl"), BLUEPRINT).unwrap();
        for delay in kills {
            let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
                .args(["apply", "-auto-approve", "-parallelism", "3"])
                .arg(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(delay));
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
        }
        let finish = strata(dir.path(), &["apply", "-auto-approve"]);
        prop_assert_eq!(finish.status.code(), Some(0), "{}{}", String::from_utf8_lossy(&finish.stdout), String::from_utf8_lossy(&finish.stderr));
        let plan = strata(dir.path(), &["plan", "-detailed-exitcode"]);
        prop_assert_eq!(plan.status.code(), Some(0), "{}", String::from_utf8_lossy(&plan.stdout));

        // The datacenter holds exactly the blueprint's objects, each once.
        let show = strata(dir.path(), &["sim", "show", "-json"]);
        let json: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
        let mut in_sim: Vec<String> = json["objects"].as_array().unwrap().iter().map(|o| o["address"].as_str().unwrap().to_string()).collect();
        in_sim.sort();
        let graph = strata(dir.path(), &["graph", "--format", "json"]);
        let graph: serde_json::Value = serde_json::from_slice(&graph.stdout).unwrap();
        let mut wanted: Vec<String> = graph["nodes"].as_array().unwrap().iter().map(|n| n["address"].as_str().unwrap().to_string()).collect();
        wanted.sort();
        prop_assert_eq!(&in_sim, &wanted);
        let in_state = sorted_lines(&strata(dir.path(), &["state", "list"]).stdout);
        prop_assert_eq!(&in_state, &wanted);
    }
}
