//! VMs on hosts: the host with most free memory within overcommit, anti-affinity groups,
//! addresses from the zone.

use std::collections::BTreeSet;

use serde_json::json;

use crate::common::{base, create, delete, fails, id_of, ok, open, text, vm};

#[tokio::test]
async fn vms_go_to_the_host_with_most_free_memory_within_overcommitted_capacity() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 2, "10.20.0.0/24").await;
    let a = ok(&sim, "vm.a", vm(16, "16GiB")).await;
    let b = ok(&sim, "vm.b", vm(16, "8GiB")).await;
    assert_eq!(text(&a, "host"), "host_pool.prod/host-0");
    assert_eq!(text(&b, "host"), "host_pool.prod/host-1");
    // host-1 has more free memory (56GiB against 48GiB).
    let c = ok(&sim, "vm.c", vm(8, "4GiB")).await;
    assert_eq!(text(&c, "host"), "host_pool.prod/host-1");
    // 8 cores × 4 = 32 vCPU per host: host-0 has 16 left, host-1 8.
    let summary = fails(&sim, "vm.big", vm(17, "4GiB")).await;
    assert_eq!(
        summary,
        "No host of host_pool.prod has room for vm.big (needs 17 vCPU, 4GiB; the largest free is 8 vCPU, 52GiB on host-1)"
    );
    assert_eq!(
        text(&ok(&sim, "vm.d", vm(16, "4GiB")).await, "host"),
        "host_pool.prod/host-0"
    );
    let summary = sim.summary();
    let hosts = &summary["pools"][0]["hosts"];
    assert_eq!(
        hosts[0]["cpu"],
        json!({ "total": 32.0, "used": 32.0, "free": 0.0 })
    );
    assert_eq!(hosts[1]["memory"]["used"], json!(12u64 << 30));
    assert_eq!(summary["objects"]["vm"], json!(4));
    // Memory is not overcommitted: 64GiB per host.
    let summary = fails(&sim, "vm.huge", vm(1, "65GiB")).await;
    assert!(summary.contains("needs 1 vCPU, 65GiB"), "{summary}");
}

#[tokio::test]
async fn anti_affinity_groups_never_share_a_host() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 3, "10.20.0.0/24").await;
    let mut hosts = BTreeSet::new();
    for i in 0..3 {
        let mut attrs = vm(2, "4GiB");
        attrs["anti_affinity"] = json!("db");
        let created = ok(&sim, &format!("vm.db[{i}]"), attrs).await;
        hosts.insert(text(&created, "host").to_string());
    }
    assert_eq!(hosts.len(), 3);
    let mut attrs = vm(2, "4GiB");
    attrs["anti_affinity"] = json!("db");
    let response = create(&sim, "vm.db[3]", attrs).await;
    let d = &response.diagnostics[0];
    assert!(
        d.summary
            .starts_with("No host of host_pool.prod has room for vm.db[3]"),
        "{}",
        d.summary
    );
    assert!(
        d.detail
            .contains("3 host(s) with room already run a VM of anti-affinity group \"db\""),
        "{}",
        d.detail
    );
    // Other groups and ungrouped VMs still fit.
    let mut other = vm(2, "4GiB");
    other["anti_affinity"] = json!("web");
    ok(&sim, "vm.web", other).await;
    ok(&sim, "vm.free", vm(2, "4GiB")).await;
}

#[tokio::test]
async fn addresses_come_from_the_zone_skipping_network_gateway_and_broadcast() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    // A /29: .0 network, .1 gateway, .7 broadcast; .2 to .6 are given.
    base(&sim, 2, "10.20.0.0/29").await;
    let a = ok(&sim, "vm.a", vm(1, "1GiB")).await;
    assert_eq!(text(&a, "address"), "10.20.0.2");
    let b = ok(&sim, "vm.b", vm(1, "1GiB")).await;
    assert_eq!(text(&b, "address"), "10.20.0.3");
    let with = |ip: &str| {
        let mut v = vm(1, "1GiB");
        v["address"] = json!(ip);
        v
    };
    assert_eq!(
        fails(&sim, "vm.out", with("10.20.1.5")).await,
        "Address 10.20.1.5 of vm.out is outside network_zone.app"
    );
    assert_eq!(
        fails(&sim, "vm.gw", with("10.20.0.1")).await,
        "Address 10.20.0.1 of vm.gw is reserved in network_zone.app"
    );
    assert_eq!(
        fails(&sim, "vm.bc", with("10.20.0.7")).await,
        "Address 10.20.0.7 of vm.bc is reserved in network_zone.app"
    );
    assert_eq!(
        fails(&sim, "vm.dup", with("10.20.0.3")).await,
        "Address 10.20.0.3 of vm.dup is already taken by vm.b"
    );
    let fixed = ok(&sim, "vm.fixed", with("10.20.0.6")).await;
    assert_eq!(text(&fixed, "address"), "10.20.0.6");
    assert_eq!(
        text(&ok(&sim, "vm.c", vm(1, "1GiB")).await, "address"),
        "10.20.0.4"
    );
    assert_eq!(
        text(&ok(&sim, "vm.d", vm(1, "1GiB")).await, "address"),
        "10.20.0.5"
    );
    assert_eq!(
        fails(&sim, "vm.e", vm(1, "1GiB")).await,
        "network_zone.app has no free address for vm.e"
    );
    // A deleted VM's address is given again.
    delete(&sim, "vm.b", &id_of(&b)).await.unwrap();
    assert_eq!(
        text(&ok(&sim, "vm.e", vm(1, "1GiB")).await, "address"),
        "10.20.0.3"
    );
    // A zone with addresses in use cannot be deleted.
    let zone = sim
        .objects()
        .into_iter()
        .find(|(a, _, _)| a.to_string() == "network_zone.app")
        .unwrap();
    let err = delete(&sim, "network_zone.app", &zone.2).await.unwrap_err();
    assert!(
        err.starts_with("Cannot delete network_zone.app: it still gives addresses to vm.a, vm.c"),
        "{err}"
    );
}
