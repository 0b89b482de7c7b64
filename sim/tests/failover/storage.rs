//! Storage and service failures: injected outages, Ceph below `min_size` until
//! re-replication, and short Ceph outages that are not re-replicated.

use crate::common::records;

use crate::platforms::{ROOMY, inject, no_outage, one_outage, secs, three_of_each, two_workers};

#[test]
fn storage_and_service_injections() {
    let fail = inject(
        "s",
        &[
            ("1h", "fail = storage.nfs", "20m"),
            ("5h", "fail = service.web", "3m"),
        ],
    );
    let r = records(&two_workers(ROOMY, &fail), "s");
    one_outage(&r, "storage.nfs", 1200);
    one_outage(&r, "service.db", 1200);
    one_outage(&r, "service.web", 180);
}

#[test]
fn ceph_below_min_size_stops_io_until_rereplication() {
    // Two of four OSD hosts go: placement groups with copies on both drop to one copy,
    // below min_size, until the OSDs are marked out after 600 s and the copies are made
    // again on the two hosts left.
    let fail = inject(
        "s",
        &[
            ("1h", "fail = host_pool.st\n    host = 0", "1h"),
            ("1h", "fail = host_pool.st\n    host = 1", "1h"),
        ],
    );
    let r = records(&three_of_each(&fail), "s");
    one_outage(&r, "storage.ceph", 600);
    one_outage(&r, "service.kafka", 600);
    one_outage(&r, "service.api", 600);
    no_outage(&r, "service.web");
    one_outage(&r, "storage.ceph/data_at_risk", 600);
    // Degraded (a copy missing) for the whole hour: three copies need three hosts.
    assert_eq!(r["storage.ceph"].degraded, secs(3600));
}

#[test]
fn a_short_ceph_outage_is_not_rereplicated() {
    let fail = inject(
        "s",
        &[
            ("1h", "fail = host_pool.st\n    host = 0", "5m"),
            ("1h", "fail = host_pool.st\n    host = 1", "5m"),
        ],
    );
    let r = records(&three_of_each(&fail), "s");
    one_outage(&r, "storage.ceph", 300);
    let single = inject("s", &[("1h", "fail = host_pool.st\n    host = 0", "1h")]);
    let r = records(&three_of_each(&single), "s");
    no_outage(&r, "storage.ceph");
    no_outage(&r, "storage.ceph/data_at_risk");
}
