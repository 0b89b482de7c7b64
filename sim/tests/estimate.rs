//! The estimate of a replication's events against the events real runs handle, on the
//! reference platform under its scenarios and under failure models from everyday to
//! absurdly frequent: the estimate must stay within a factor of 1.5 of the mean.

use std::path::Path;

use sim::failover::scenario::units;
use sim::failover::{Class, ClassFailures, Failover, FailureModel, Scenario};
use sim::topology::Topology;
use sim::{Distribution, RunConfig, SimTime, run};

fn reference() -> blueprint::Config {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../blueprints/reference-platform");
    let mut sources = blueprint::SourceMap::default();
    let (config, diags) = blueprint::load(&dir, &Default::default(), &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    config
}

fn exponential(mtbf: SimTime, mttr: SimTime) -> FailureModel {
    FailureModel {
        time_to_failure: Distribution::exponential(mtbf).unwrap(),
        time_to_repair: Distribution::exponential(mttr).unwrap(),
        repair_crews: None,
        scope: String::new(),
    }
}

/// Mean events per replication of `replications` runs, and the estimate.
fn measured(sim: &Failover, horizon: SimTime, replications: u64) -> (f64, f64) {
    let config = RunConfig {
        threads: 2,
        ..RunConfig::new("estimate", 11, replications, horizon)
    };
    let outcome = run(&config, sim).unwrap();
    let mean = outcome.events as f64 / replications as f64;
    (mean, sim.estimate(horizon).total())
}

#[test]
fn the_estimate_is_within_a_factor_of_one_and_a_half_of_real_runs() {
    let config = reference();
    let topology = Topology::from_config(&config).unwrap();
    let scenario = |name: &str| Scenario::from_config(&config, &topology, Some(name)).unwrap();
    let only = |class: Class, model: FailureModel| {
        let mut s = scenario("site_loss");
        s.injections.clear();
        s.failures = Default::default();
        s.failures[class.index()] = ClassFailures::every(model, units(&topology, class));
        s
    };
    let (min, hour, day) = (
        SimTime::from_minutes,
        SimTime::from_hours,
        SimTime::from_days,
    );
    let year = SimTime::from_years(1);
    let cases: Vec<(&str, Scenario, SimTime, u64)> = vec![
        ("host_failures", scenario("host_failures"), year, 40),
        ("site_loss", scenario("site_loss"), year, 40),
        (
            "hosts every 10 min for 10 min",
            only(Class::Host, exponential(min(10), min(10))),
            day(1),
            4,
        ),
        (
            "hosts every day for an hour",
            only(Class::Host, exponential(day(1), hour(1))),
            day(60),
            4,
        ),
        (
            "sites every 2 days for 2 hours",
            only(Class::Site, exponential(day(2), hour(2))),
            day(60),
            4,
        ),
        (
            "nodes every 10 min for 10 min",
            only(Class::Node, exponential(min(10), min(10))),
            day(1),
            4,
        ),
        (
            "VMs every hour for a minute",
            only(Class::Vm, exponential(hour(1), min(1))),
            day(7),
            4,
        ),
        (
            "replicas every second for a second",
            only(
                Class::Replica,
                exponential(SimTime::from_secs(1), SimTime::from_secs(1)),
            ),
            hour(1),
            2,
        ),
        (
            "storage every hour for an hour",
            only(Class::Storage, exponential(hour(1), hour(1))),
            day(30),
            4,
        ),
        (
            "hosts every millisecond for a millisecond",
            only(
                Class::Host,
                exponential(SimTime::from_millis(1), SimTime::from_millis(1)),
            ),
            SimTime::from_secs(20),
            2,
        ),
    ];
    let mut report = String::new();
    let mut worst: f64 = 1.0;
    for (name, scenario, horizon, replications) in cases {
        let sim = Failover::new(topology.clone(), scenario);
        let (mean, estimate) = measured(&sim, horizon, replications);
        let ratio = estimate / mean;
        worst = worst.max(ratio.max(1.0 / ratio));
        report.push_str(&format!(
            "{name}: {mean:.0} events per replication, estimated {estimate:.0} ({ratio:.2})\n"
        ));
    }
    assert!(worst <= 1.5, "off by more than a factor of 1.5:\n{report}");
    println!("{report}");
}

#[test]
fn the_estimate_grows_with_the_horizon_and_falls_with_the_mtbf() {
    let config = reference();
    let topology = Topology::from_config(&config).unwrap();
    let mut scenario = Scenario::from_config(&config, &topology, Some("host_failures")).unwrap();
    let sim = Failover::new(topology.clone(), scenario.clone());
    let one = sim.estimate(SimTime::from_years(1)).total();
    let ten = sim.estimate(SimTime::from_years(10)).total();
    assert!((ten / one - 10.0).abs() < 0.5, "{one} {ten}");
    scenario.failures[Class::Host.index()] = ClassFailures::every(
        exponential(SimTime::from_millis(1), SimTime::from_millis(1)),
        topology.hosts.len(),
    );
    let absurd = Failover::new(topology, scenario).estimate(SimTime::from_years(100));
    let (class, events) = absurd.largest_class().unwrap();
    assert_eq!(class, Class::Host);
    // Every host fails every 2 ms on average for 100 years: about 1.6e12 failures each.
    assert!(events > 1e13, "{events}");
}
