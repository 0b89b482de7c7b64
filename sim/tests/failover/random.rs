//! Random failures: outages of known length with fixed repairs, and the same outcome for a
//! seed whatever the threads and shards.

use crate::common::simulation;
use sim::{Replication, RunConfig, SimTime, Simulation, run};

use crate::platforms::{ROOMY, secs, three_of_each, two_workers};

#[test]
fn random_node_failures_with_fixed_repairs_give_outages_of_known_length() {
    // Nodes fail now and then for exactly 1 h. A worker's failure takes web's pod for
    // 50 + 300 + 30 s (rescheduled), db's for 3600 + 30 s (it waits for the node); the
    // control plane's failure takes both down for its hour, their pods still running.
    let scenario = r#"
scenario "n" {
  horizon      = "3650d"
  replications = 1
  seed         = 3
  failures {
    node {
      mtbf         = "4000h"
      mttr         = "1h"
      distribution = "fixed"
    }
  }
}"#;
    let sim = simulation(&two_workers(ROOMY, scenario), "n");
    for index in 0..4 {
        let replication = Replication {
            seed: 3,
            index,
            horizon: sim.scenario().horizon,
        };
        let result = sim.replicate(&replication);
        let web = &result.services[0];
        let db = &result.services[1];
        assert!(web.outages > 10 && db.outages > 10, "{web:?} {db:?}");
        for length in &web.outage_lengths {
            assert!([secs(380), secs(3600)].contains(length), "web: {length}");
        }
        for length in &db.outage_lengths {
            assert!([secs(3600), secs(3630)].contains(length), "db: {length}");
        }
    }
}

#[test]
fn same_seed_same_outcome_for_any_threads_and_shards() {
    let scenario = r#"
scenario "r" {
  horizon      = "365d"
  replications = 40
  seed         = 9
  failures {
    host {
      mtbf = "2000h"
      mttr = "8h"
    }
    node {
      mtbf         = "1000h"
      mttr         = "20m"
      distribution = "lognormal"
      sigma        = 1
    }
    replica {
      mtbf         = "500h"
      mttr         = "2m"
      distribution = "weibull"
      shape        = 1.5
    }
    storage {
      mtbf         = "3000h"
      mttr         = "4h"
      repair_crews = 1
    }
  }
  maintenance {
    every    = "30d"
    duration = "1h"
  }
}"#;
    let sim = simulation(&three_of_each(scenario), "r");
    let config = |threads, shard: &str| RunConfig {
        threads,
        shard: shard.parse().unwrap(),
        ..RunConfig::new("r", 9, 40, SimTime::from_years(1))
    };
    let one = run(&config(1, "0/1"), &sim).unwrap();
    let two = run(&config(2, "0/1"), &sim).unwrap();
    assert_eq!(one.to_json(), two.to_json());
    let shards = [
        run(&config(2, "0/3"), &sim).unwrap(),
        run(&config(1, "2/3"), &sim).unwrap(),
        run(&config(1, "1/3"), &sim).unwrap(),
    ];
    let merged = sim::Outcome::merge(&shards).unwrap();
    assert_eq!(merged.to_json(), one.to_json());
    assert!(one.events > 1000);
    let kafka = &one.services[0];
    assert!(kafka.availability.mean < 1.0 && kafka.availability.mean > 0.99);
}
