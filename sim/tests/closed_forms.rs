//! Validation of the replica-group model against closed-form availability.
//!
//! Each run has a fixed seed and enough replications that the 95% interval's half-width
//! is under 5% of the unavailability, and the closed form must lie inside the interval:
//! one replica (A = mtbf / (mtbf + mttr)), two of three with independent repair
//! (A = 3a² − 2a³), the same with lognormal repair times of the same mean (insensitivity:
//! with independent repair only the means matter), Weibull lifetimes, and two of three
//! with a single repair crew (a birth–death chain).

use sim::{Distribution, Outcome, ReplicaGroupSpec, ReplicaGroups, RunConfig, SimTime, run};

const MTBF_H: u64 = 1000;
const MTTR_H: u64 = 10;

fn exponential(hours: u64) -> Distribution {
    Distribution::exponential(SimTime::from_hours(hours)).unwrap()
}

fn simulate(group: ReplicaGroupSpec, replications: u64, years: u64) -> Outcome {
    let config = RunConfig {
        threads: 2,
        ..RunConfig::new("closed-form", 1, replications, SimTime::from_years(years))
    };
    run(&config, &ReplicaGroups::new(vec![group])).unwrap()
}

/// The closed form lies inside the interval, and the interval is tight.
fn assert_matches(outcome: &Outcome, expected: f64) {
    let availability = &outcome.services[0].availability;
    let [low, high] = availability.ci95;
    let unavailability = 1.0 - expected;
    assert!(
        low <= expected && expected <= high,
        "closed form {expected:.9} outside [{low:.9}, {high:.9}] (mean {:.9})",
        availability.mean
    );
    let half_width = (high - low) / 2.0;
    assert!(
        half_width < 0.05 * unavailability,
        "interval half-width {half_width:.3e} is not under 5% of {unavailability:.3e}"
    );
}

fn two_of_three(repair: Distribution) -> ReplicaGroupSpec {
    ReplicaGroupSpec::new("service.quorum", 3, 2, exponential(MTBF_H), repair).unwrap()
}

#[test]
fn one_replica() {
    let group = ReplicaGroupSpec::new("vm.single", 1, 1, exponential(MTBF_H), exponential(MTTR_H));
    let outcome = simulate(group.unwrap(), 400, 10);
    assert_matches(&outcome, 1000.0 / 1010.0);
    let s = &outcome.services[0];
    // Outages begin once per mtbf + mttr; each lasts mttr on average, exponentially.
    let per_year = 8760.0 / 1010.0;
    assert!((s.outages_per_year.mean / per_year - 1.0).abs() < 0.02);
    let mean = s.outage_minutes.mean.unwrap();
    assert!((mean / 600.0 - 1.0).abs() < 0.03, "mean outage {mean} min");
    let p95 = s.outage_minutes.p95.unwrap();
    let expected_p95 = 600.0 * 20f64.ln();
    assert!(
        (p95 / expected_p95 - 1.0).abs() < 0.03,
        "p95 {p95} vs {expected_p95}"
    );
    // A single replica is degraded exactly when it is down.
    let down = s.downtime_minutes_per_year.mean;
    assert!((s.degraded_minutes_per_year.mean - down).abs() < 1e-6 * down);
}

#[test]
fn one_replica_with_weibull_lifetimes() {
    let wear = Distribution::weibull(SimTime::from_hours(MTBF_H), 2.0).unwrap();
    let group = ReplicaGroupSpec::new("vm.single", 1, 1, wear, exponential(MTTR_H)).unwrap();
    assert_matches(&simulate(group, 400, 10), 1000.0 / 1010.0);
}

#[test]
fn two_of_three_with_independent_repair() {
    let a: f64 = 1000.0 / 1010.0;
    let expected = 3.0 * a * a - 2.0 * a * a * a;
    assert!((expected - 0.999_707_852).abs() < 1e-9);
    let outcome = simulate(two_of_three(exponential(MTTR_H)), 1000, 20);
    assert_matches(&outcome, expected);
    let s = &outcome.services[0];
    // An outage begins when, with one replica down, one of the other two fails.
    let one_down = 3.0 * a * a * (1.0 - a);
    let per_year = one_down * 2.0 / MTBF_H as f64 * 8760.0;
    let outages = s.outages_per_year.mean;
    assert!(
        (outages / per_year - 1.0).abs() < 0.05,
        "{outages} vs {per_year}"
    );
    // Degraded (fewer than three up) with probability 1 − a³.
    let degraded = s.degraded_minutes_per_year.mean / 525_600.0;
    let expected_degraded = 1.0 - a * a * a;
    assert!(
        (degraded / expected_degraded - 1.0).abs() < 0.02,
        "{degraded}"
    );
}

#[test]
fn two_of_three_is_insensitive_to_the_repair_distribution() {
    let a: f64 = 1000.0 / 1010.0;
    let expected = 3.0 * a * a - 2.0 * a * a * a;
    let lognormal = Distribution::lognormal(SimTime::from_hours(MTTR_H), 1.0).unwrap();
    let outcome = simulate(two_of_three(lognormal), 1000, 20);
    assert_matches(&outcome, expected);
}

#[test]
fn two_of_three_with_one_repair_crew() {
    // Birth–death chain on the number down k: failures (3 − k)λ, repairs μ.
    let r = MTTR_H as f64 / MTBF_H as f64;
    let p = [1.0, 3.0 * r, 6.0 * r * r, 6.0 * r * r * r];
    let expected = (p[0] + p[1]) / p.iter().sum::<f64>();
    let group = two_of_three(exponential(MTTR_H))
        .with_repair_crews(1)
        .unwrap();
    assert_matches(&simulate(group, 1000, 20), expected);
}
