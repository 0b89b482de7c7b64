//! Latency and injected faults: concurrent calls overlap, and faults change nothing and are
//! reproducible.

use std::sync::Arc;
use std::time::{Duration, Instant};

use providers::{SimConfig, SimProvider};
use serde_json::json;

use crate::common::{create, fails, ok};

#[tokio::test]
async fn latency_overlaps_between_concurrent_calls() {
    let dir = tempfile::tempdir().unwrap();
    let config = SimConfig {
        latency: Duration::from_millis(100),
        ..SimConfig::default()
    };
    let sim = Arc::new(SimProvider::open(&dir.path().join("sim.json"), config).unwrap());
    let start = Instant::now();
    for i in 0..10 {
        ok(&sim, &format!("site.serial{i}"), json!({})).await;
    }
    let serial = start.elapsed();
    assert!(serial >= Duration::from_millis(1000), "{serial:?}");
    let start = Instant::now();
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let sim = sim.clone();
            tokio::spawn(async move {
                ok(&sim, &format!("site.parallel{i}"), json!({})).await;
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let parallel = start.elapsed();
    assert!(parallel >= Duration::from_millis(100));
    assert!(
        parallel * 3 < serial,
        "parallel {parallel:?}, serial {serial:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn injected_faults_change_nothing_and_are_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let always = SimConfig {
        failure_rate: 1.0,
        ..SimConfig::default()
    };
    let sim = SimProvider::open(&dir.path().join("a.json"), always).unwrap();
    let summary = fails(&sim, "site.dc1", json!({})).await;
    assert_eq!(
        summary,
        "The simulated datacenter failed to create site.dc1 (injected fault)"
    );
    assert!(sim.objects().is_empty());

    let run = |name: &'static str| {
        let path = dir.path().join(name);
        async move {
            let config = SimConfig {
                failure_rate: 0.5,
                seed: 7,
                ..SimConfig::default()
            };
            let sim = SimProvider::open(&path, config).unwrap();
            let mut outcomes = Vec::new();
            for i in 0..20 {
                let address = format!("site.s{i}");
                loop {
                    let response = create(&sim, &address, json!({})).await;
                    outcomes.push(response.id.is_some());
                    if response.id.is_some() {
                        break;
                    }
                }
            }
            assert_eq!(sim.objects().len(), 20);
            outcomes
        }
    };
    let first = run("b.json").await;
    assert!(first.iter().any(|ok| !ok) && first.iter().any(|ok| *ok));
    assert_eq!(
        first,
        run("c.json").await,
        "the same seed gives the same faults"
    );
}
