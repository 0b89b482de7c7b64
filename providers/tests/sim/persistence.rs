//! Persistence and crash safety: torn log lines, one process at a time, SIGKILL mid-create,
//! and the size and reopening time of ten thousand objects.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use providers::{SimConfig, SimError, SimProvider};
use serde_json::json;

use crate::common::{base, id_of, ok, open, text, vm};

#[tokio::test]
async fn a_torn_last_line_is_ignored_and_later_writes_survive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.json");
    {
        let sim = open(dir.path());
        base(&sim, 2, "10.20.0.0/24").await;
        ok(&sim, "vm.a", vm(1, "1GiB")).await;
    }
    let log = PathBuf::from(format!("{}.log", path.display()));
    let mut file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    file.write_all(br#"{"seq":99,"put":[{"id":"vm-0000"#)
        .unwrap();
    drop(file);
    {
        let sim = open(dir.path());
        assert_eq!(sim.objects().len(), 4);
        ok(&sim, "vm.b", vm(1, "1GiB")).await;
    }
    let sim = open(dir.path());
    let names: Vec<String> = sim.objects().iter().map(|o| o.0.to_string()).collect();
    assert_eq!(
        names,
        [
            "host_pool.prod",
            "network_zone.app",
            "site.dc1",
            "vm.a",
            "vm.b"
        ]
    );
    // A damaged line followed by good ones is not a torn write: it is reported.
    drop(sim);
    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = "{garbage";
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();
    let err = SimProvider::open(&path, SimConfig::default()).unwrap_err();
    assert!(matches!(err, SimError::Corrupt { line: 2, .. }), "{err}");
}

#[tokio::test]
async fn one_process_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    let err = SimProvider::open(&dir.path().join("sim.json"), SimConfig::default()).unwrap_err();
    assert!(matches!(err, SimError::Locked(_)), "{err}");
    drop(sim);
    open(dir.path());
}

const CHILD: &str = "STRATA_SIM_CRASH_CHILD";

/// Run by [`sigkill_loses_no_create_that_returned`] in a child process: creates VMs from
/// several tasks until killed, printing each one whose create returned.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crash_child() {
    let Ok(path) = std::env::var(CHILD) else {
        return;
    };
    let sim = Arc::new(SimProvider::open(Path::new(&path), SimConfig::default()).unwrap());
    ok(&sim, "site.dc1", json!({})).await;
    ok(&sim, "network_zone.app", json!({ "cidr": "10.0.0.0/12" })).await;
    ok(
        &sim,
        "host_pool.prod",
        json!({ "site": "site.dc1", "hosts": 50, "host": [{ "cpu": 64, "memory": "2TiB" }], "overcommit": [{ "cpu": 16 }] }),
    )
    .await;
    println!("ready");
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let sim = sim.clone();
            tokio::spawn(async move {
                for i in 0..100_000 {
                    let address = format!("vm.t{task}[{i}]");
                    let created = ok(&sim, &address, vm(1, "1GiB")).await;
                    let line = format!(
                        "created {address} {} {}\n",
                        id_of(&created),
                        text(&created, "address")
                    );
                    let mut out = std::io::stdout().lock();
                    out.write_all(line.as_bytes()).unwrap();
                    out.flush().unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

#[test]
fn sigkill_loses_no_create_that_returned() {
    use rand::RngExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.json");
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "persistence::crash_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut reported = Vec::new();
        let mut line = String::new();
        let wanted = rand::rng().random_range(20..400);
        while reported.len() < wanted {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                panic!("round {round}: the child stopped: {reported:?}");
            }
            if let Some(rest) = line.strip_prefix("created ") {
                reported.push(rest.trim_end().to_string());
            }
        }
        std::thread::sleep(Duration::from_micros(rand::rng().random_range(0..5000)));
        child.kill().unwrap();
        // Lines written before the kill are still in the pipe.
        loop {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                break;
            }
            if line.ends_with('\n')
                && let Some(rest) = line.strip_prefix("created ")
            {
                reported.push(rest.trim_end().to_string());
            }
        }
        child.wait().unwrap();

        let sim = SimProvider::open(&path, SimConfig::default()).unwrap();
        let objects: BTreeMap<String, String> = sim
            .objects()
            .into_iter()
            .map(|(a, _, id)| (a.to_string(), id))
            .collect();
        for entry in &reported {
            let mut parts = entry.split(' ');
            let (address, id) = (parts.next().unwrap(), parts.next().unwrap());
            assert_eq!(
                objects.get(address).map(String::as_str),
                Some(id),
                "round {round}: {address} lost"
            );
        }
        // The world is consistent: every VM address is unique.
        let summary = sim.summary();
        let vms = summary["objects"]["vm"].as_u64().unwrap_or(0);
        assert_eq!(summary["zones"][0]["addresses_used"].as_u64().unwrap(), vms);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_creates_write_linear_bytes_and_reopen_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.json");
    let sim = Arc::new(open(dir.path()));
    ok(&sim, "site.dc1", json!({})).await;
    ok(&sim, "network_zone.app", json!({ "cidr": "10.0.0.0/16" })).await;
    ok(
        &sim,
        "host_pool.prod",
        json!({ "site": "site.dc1", "hosts": 100, "host": [{ "cpu": 64, "memory": "1TiB" }], "overcommit": [{ "cpu": 4 }] }),
    )
    .await;
    let start = Instant::now();
    let tasks: Vec<_> = (0..16)
        .map(|task| {
            let sim = sim.clone();
            tokio::spawn(async move {
                for i in 0..625 {
                    ok(&sim, &format!("vm.t{task}[{i}]"), vm(2, "4GiB")).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = start.elapsed();
    drop(sim);
    let log = std::fs::metadata(format!("{}.log", path.display()))
        .unwrap()
        .len();
    let snapshot = std::fs::metadata(&path).map_or(0, |m| m.len());
    let bytes_per_vm = (log + snapshot) / 10_000;
    assert!(bytes_per_vm < 2_000, "{bytes_per_vm} bytes per VM");
    let start = Instant::now();
    let sim = open(dir.path());
    let reopen = start.elapsed();
    assert_eq!(sim.objects().len(), 10_003);
    let summary = sim.summary();
    assert_eq!(summary["zones"][0]["addresses_used"], json!(10_000));
    eprintln!("10,000 creates: {elapsed:?}, {bytes_per_vm} bytes each, reopen {reopen:?}");
}
