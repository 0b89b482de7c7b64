//! Determinism: the same seed gives byte-identical JSON whatever the number of threads,
//! shards merged (in any order, read back from JSON) equal the unsharded run, a
//! replication reruns alone to the same record, and merging refuses mismatched shards.

use sim::{
    Distribution, MergeError, Outcome, ReplicaGroupSpec, ReplicaGroups, Replication, RunConfig,
    Shard, SimTime, Simulation, run,
};

fn groups() -> ReplicaGroups {
    let hours = |h| SimTime::from_hours(h);
    let kafka = ReplicaGroupSpec::new(
        "service.kafka",
        3,
        2,
        Distribution::exponential(hours(1000)).unwrap(),
        Distribution::lognormal(hours(10), 1.0).unwrap(),
    )
    .unwrap();
    let db = ReplicaGroupSpec::new(
        "service.db",
        2,
        1,
        Distribution::weibull(hours(500), 1.5).unwrap(),
        Distribution::fixed(hours(4)).unwrap(),
    )
    .unwrap()
    .with_repair_crews(1)
    .unwrap();
    ReplicaGroups::new(vec![kafka, db])
}

fn config(threads: usize, shard: Shard) -> RunConfig {
    RunConfig {
        threads,
        shard,
        ..RunConfig::new("determinism", 42, 301, SimTime::from_years(5))
    }
}

fn json(threads: usize, shard: Shard) -> String {
    run(&config(threads, shard), &groups()).unwrap().to_json()
}

#[test]
fn json_is_identical_for_any_number_of_threads() {
    let one = json(1, Shard::WHOLE);
    assert_eq!(one, json(2, Shard::WHOLE));
    assert_eq!(one, json(3, Shard::WHOLE));
    for key in [
        "\"scenario\"",
        "\"seed\"",
        "\"replications\"",
        "\"events\"",
        "\"services\"",
        "\"address\"",
        "\"availability\"",
        "\"ci95\"",
        "\"downtime_minutes_per_year\"",
        "\"outages_per_year\"",
    ] {
        assert!(one.contains(key), "{key} missing from the JSON");
    }
    assert!(!one.contains("\"shard\""));
}

#[test]
fn merged_shards_equal_the_unsharded_run() {
    let whole = json(2, Shard::WHOLE);
    for count in [2, 3] {
        // Written out and read back as the shard files of a Kubernetes indexed Job would be.
        let mut shards: Vec<Outcome> = (0..count)
            .map(|k| Outcome::from_json(&json(1 + k as usize % 2, Shard::new(k, count).unwrap())))
            .collect::<Result<_, _>>()
            .unwrap();
        shards.reverse();
        assert!(shards.iter().all(|s| s.replications < 301));
        assert_eq!(Outcome::merge(&shards).unwrap().to_json(), whole);
    }
    let alone = Outcome::from_json(&whole).unwrap();
    assert_eq!(Outcome::merge(&[alone]).unwrap().to_json(), whole);
}

#[test]
fn the_worst_replication_reruns_alone() {
    let simulation = groups();
    let outcome = run(&config(2, Shard::WHOLE), &simulation).unwrap();
    for (position, service) in outcome.services.iter().enumerate() {
        let worst = service.worst_replication.unwrap();
        let replication = Replication {
            seed: 42,
            index: worst.replication,
            horizon: SimTime::from_years(5),
        };
        let record = &simulation.replicate(&replication).services[position];
        let availability =
            1.0 - record.downtime.as_millis() as f64 / outcome.horizon.as_millis() as f64;
        assert_eq!(availability, worst.availability);
        assert!(worst.availability <= service.availability.ci95[0]);
    }
}

#[test]
fn merge_refuses_shards_that_do_not_make_a_run() {
    let shard = |k, n| Outcome::from_json(&json(2, Shard::new(k, n).unwrap())).unwrap();
    let (a, b) = (shard(0, 2), shard(1, 2));
    assert!(matches!(
        Outcome::merge(std::slice::from_ref(&a)),
        Err(MergeError::Coverage {
            missing_or_repeated: 1,
            ..
        })
    ));
    assert!(matches!(
        Outcome::merge(&[a.clone(), a.clone(), b.clone()]),
        Err(MergeError::Coverage {
            missing_or_repeated: 0,
            ..
        })
    ));
    let mut other_seed = b.clone();
    other_seed.seed = 7;
    assert!(matches!(
        Outcome::merge(&[a.clone(), other_seed]),
        Err(MergeError::Mismatch { field: "seed", .. })
    ));
    assert!(matches!(
        Outcome::merge(&[a, shard(1, 3)]),
        Err(MergeError::Mismatch { .. })
    ));
    assert!(matches!(Outcome::merge(&[]), Err(MergeError::Empty)));
}
