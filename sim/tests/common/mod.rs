//! What the blueprint-driven simulator tests share: an inline blueprint loaded, a scenario
//! run, a closed form checked against the 95% interval, and the capacity analysis of one.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

use sim::capacity::{Capacity, Options, analyse};
use sim::failover::{Failover, Scenario};
use sim::topology::Topology;
use std::collections::BTreeMap;

use sim::{Outcome, Replication, RunConfig, ServiceOutcome, ServiceRecord, Simulation, run};

/// Evaluates an inline blueprint (one file); panics on errors.
pub fn load(hcl: &str) -> blueprint::Config {
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "strata-sim-test-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.hcl"), hcl).unwrap();
    let mut sources = blueprint::SourceMap::default();
    let (config, diags) = blueprint::load(&dir, &Default::default(), &mut sources);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    config
}

/// The simulation of `scenario` of an inline blueprint.
pub fn simulation(hcl: &str, scenario: &str) -> Failover {
    let config = load(hcl);
    let topology = Topology::from_config(&config).unwrap();
    let scenario = Scenario::from_config(&config, &topology, Some(scenario)).unwrap();
    Failover::new(topology, scenario)
}

/// One replication's record of every row, by address.
pub fn records(hcl: &str, scenario: &str) -> BTreeMap<String, ServiceRecord> {
    let sim = simulation(hcl, scenario);
    let replication = Replication {
        seed: sim.scenario().seed,
        index: 0,
        horizon: sim.scenario().horizon,
    };
    let result = sim.replicate(&replication);
    sim.services().into_iter().zip(result.services).collect()
}

/// Runs the scenario's replications.
pub fn outcome(sim: &Failover) -> Outcome {
    let s = sim.scenario();
    let config = RunConfig {
        threads: 2,
        ..RunConfig::new(&s.name, s.seed, s.replications, s.horizon)
    };
    run(&config, sim).unwrap()
}

/// The outcome of one row.
pub fn row<'a>(outcome: &'a Outcome, address: &str) -> &'a ServiceOutcome {
    outcome
        .services
        .iter()
        .find(|s| s.address == address)
        .unwrap_or_else(|| panic!("no row {address}"))
}

/// The closed form lies inside the 95% interval, and the interval's half-width is under
/// `tight` of the unavailability.
#[track_caller]
pub fn assert_matches(s: &ServiceOutcome, expected: f64, tight: f64) {
    let [low, high] = s.availability.ci95;
    assert!(
        low <= expected && expected <= high,
        "{}: closed form {expected:.9} outside [{low:.9}, {high:.9}] (mean {:.9})",
        s.address,
        s.availability.mean
    );
    let half_width = (high - low) / 2.0;
    let unavailability = 1.0 - expected;
    assert!(
        half_width < tight * unavailability,
        "{}: interval half-width {half_width:.3e} is not under {tight} of {unavailability:.3e}",
        s.address
    );
}

/// Availability of `k` of `n` independent units, each up with probability `a`.
pub fn k_of_n(k: u32, n: u32, a: f64) -> f64 {
    (k..=n)
        .map(|i| binomial(n, i) * a.powi(i as i32) * (1.0 - a).powi((n - i) as i32))
        .sum()
}

fn binomial(n: u32, k: u32) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * f64::from(n - i) / f64::from(i + 1))
}

/// Bytes in a GiB, as `f64`.
pub const GIB: f64 = (1u64 << 30) as f64;
/// Bytes in a MiB, as `f64`.
pub const MIB: f64 = (1u64 << 20) as f64;

/// Evaluates an inline blueprint (one file) and analyses it.
pub fn capacity_of(hcl: &str, k: u8) -> Capacity {
    capacity_with(
        hcl,
        &Options {
            k,
            ..Options::default()
        },
    )
}

/// The same, with `options`.
pub fn capacity_with(hcl: &str, options: &Options) -> Capacity {
    analyse(&load(hcl), options).unwrap()
}

/// Asserts `actual` is within `tolerance` of `expected`.
pub fn close(actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} is not within {tolerance} of {expected}"
    );
}
