//! Losses of hosts, racks, sites and a cluster's control plane: restarts with admission
//! room, rescheduling without, and stateful pods waiting for their node.

use crate::common::{load, records};
use sim::topology::Topology;

use crate::platforms::{FULL, ROOMY, inject, no_outage, one_outage, secs, two_workers};

#[test]
fn placement_of_the_test_platform() {
    let config = load(&two_workers(FULL, ""));
    let t = Topology::from_config(&config).unwrap();
    let text = t.to_string();
    assert!(
        text.contains("kubernetes_cluster.k/cp-0 on host_pool.p/host-0"),
        "{text}"
    );
    assert!(
        text.contains("kubernetes_cluster.k/w-0 on host_pool.p/host-1"),
        "{text}"
    );
    assert!(
        text.contains("kubernetes_cluster.k/w-1 on host_pool.p/host-2"),
        "{text}"
    );
    assert!(
        text.contains("service.web on kubernetes_cluster.k/w-0"),
        "{text}"
    );
    assert!(
        text.contains("service.db on kubernetes_cluster.k/w-1"),
        "{text}"
    );
}

#[test]
fn host_loss_with_admission_room_restarts_the_node_vm() {
    // HA restarts w-0 elsewhere: detection 15 s + boot 120 s + pod start 30 s.
    let fail = inject("s", &[("1h", "fail = host_pool.p\n    host = 1", "2h")]);
    let r = records(&two_workers(ROOMY, &fail), "s");
    one_outage(&r, "service.web", 15 + 120 + 30);
    no_outage(&r, "service.db");
    no_outage(&r, "kubernetes_cluster.k");
    // The cluster is degraded while w-0 is not ready: 15 s + 120 s.
    assert_eq!(r["kubernetes_cluster.k"].degraded, secs(135));
}

#[test]
fn host_loss_without_room_reschedules_a_stateless_pod() {
    // No host has room for w-0: the node stays down, its pod is evicted after
    // node_monitor_grace + pod_eviction and starts on w-1: 50 + 300 + 30 s.
    let fail = inject("s", &[("1h", "fail = host_pool.p\n    host = 1", "2h")]);
    let r = records(&two_workers(FULL, &fail), "s");
    one_outage(&r, "service.web", 50 + 300 + 30);
    no_outage(&r, "service.db");
    // The node is back when the host is: 2 h and a boot.
    assert_eq!(r["kubernetes_cluster.k"].degraded, secs(7200 + 120));
}

#[test]
fn host_loss_without_room_leaves_a_stateful_pod_waiting_for_its_node() {
    // db stays bound to w-1: down for the 2 h outage, the boot and the pod start.
    let fail = inject("s", &[("1h", "fail = host_pool.p\n    host = 2", "2h")]);
    let r = records(&two_workers(FULL, &fail), "s");
    one_outage(&r, "service.db", 7200 + 120 + 30);
    no_outage(&r, "service.web");
}

#[test]
fn host_loss_with_room_keeps_the_stateful_pod_on_its_restarted_node() {
    let fail = inject("s", &[("1h", "fail = host_pool.p\n    host = 2", "2h")]);
    let r = records(&two_workers(ROOMY, &fail), "s");
    one_outage(&r, "service.db", 15 + 120 + 30);
}

#[test]
fn a_short_host_outage_boots_the_vms_in_place() {
    // The host is back after 10 s, before HA declares it dead: its VMs boot there.
    let fail = inject("s", &[("1h", "fail = host_pool.p\n    host = 1", "10s")]);
    let r = records(&two_workers(FULL, &fail), "s");
    one_outage(&r, "service.web", 10 + 120 + 30);
}

#[test]
fn a_rack_outage_takes_down_every_host_in_it() {
    // Racks r[0] (host-0 and host-2) and r[1] (host-1). r[0] goes dark: cp-0 (host-0) and
    // w-1 (host-2) restart on host-1 after 15 s + 120 s. Without a control plane every
    // service is down; db (on w-1) also waits for its pod: 30 s more.
    let racked = two_workers(ROOMY, &inject("s", &[("1h", "fail = rack.r[0]", "4h")])).replace(
        "  site  = site.a\n  hosts = 3",
        "  site  = site.a\n  racks = rack.r\n  hosts = 3",
    ) + "rack \"r\" {\n  count = 2\n  site  = site.a\n}\n";
    let r = records(&racked, "s");
    one_outage(&r, "kubernetes_cluster.k", 135);
    one_outage(&r, "service.web", 135);
    one_outage(&r, "service.db", 165);
}

#[test]
fn site_loss_takes_everything_down_until_the_site_returns() {
    // Every host is down for 6 h; then the VMs boot and the pods start. Evictions fall
    // due while the control plane is down and wait for it.
    let fail = inject("s", &[("1h", "fail = site.a", "6h")]);
    let r = records(&two_workers(ROOMY, &fail), "s");
    one_outage(&r, "service.web", 6 * 3600 + 120 + 30);
    one_outage(&r, "service.db", 6 * 3600 + 120 + 30);
    one_outage(&r, "kubernetes_cluster.k", 6 * 3600 + 120);
    no_outage(&r, "storage.nfs");
}

#[test]
fn a_cluster_outage_waits_for_the_control_plane() {
    // Every node fails for 10 min: pods are due for eviction at 350 s, but the control
    // plane is down then; when the nodes return, the pods start.
    let fail = inject("s", &[("1h", "fail = kubernetes_cluster.k", "10m")]);
    let r = records(&two_workers(ROOMY, &fail), "s");
    one_outage(&r, "kubernetes_cluster.k", 600);
    one_outage(&r, "service.web", 600 + 30);
    one_outage(&r, "service.db", 600 + 30);
}
