//! Maintenance windows: free with room, skipped without, and Ceph hosts drained one at a
//! time.

use crate::common::{records, simulation};
use sim::{Replication, SimTime, Simulation};

use crate::platforms::{FULL, ROOMY, no_outage, three_of_each, two_workers};

/// A maintenance window of 2 h every 30 days, over 90 days.
const MAINTENANCE: &str = r#"
scenario "m" {
  horizon      = "90d"
  replications = 1
  maintenance {
    every    = "30d"
    duration = "2h"
  }
}"#;

#[test]
fn maintenance_with_room_costs_nothing_and_without_room_is_skipped() {
    for host in [ROOMY, FULL] {
        let sim = simulation(&two_workers(host, MAINTENANCE), "m");
        let replication = Replication {
            seed: 1,
            index: 0,
            horizon: sim.scenario().horizon,
        };
        let result = sim.replicate(&replication);
        assert!(result.events > 0);
        for (address, record) in sim.services().iter().zip(&result.services) {
            assert_eq!(record.downtime, SimTime::ZERO, "{address}");
        }
    }
}

#[test]
fn maintenance_drains_ceph_hosts_one_at_a_time() {
    // Rounds at 30 d and 60 d; each of the four OSD hosts is out for 2 h (noout: no
    // re-replication), leaving two copies: degraded 2 × 4 × 2 h, never below min_size.
    let r = records(&three_of_each(MAINTENANCE), "m");
    for (address, record) in &r {
        assert_eq!(record.downtime, SimTime::ZERO, "{address}");
    }
    assert_eq!(r["storage.ceph"].degraded, SimTime::from_hours(16));
    no_outage(&r, "storage.ceph/data_at_risk");
}
