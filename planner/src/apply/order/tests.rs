//! The ordering rules, one table entry each, as canonical dumps: every operation with the
//! operations it must come after.

use super::*;
use crate::plan::{Action, Change, Plan, Reason};

/// A change: `deps` what the blueprint says it depends on (for a delete: what the state
/// recorded), `prior` what its existing object depended on at its last apply.
fn change(address: &str, action: Action, deps: &[&str], prior: &[&str]) -> Change {
    let list = |l: &[&str]| l.iter().map(|s| s.parse().unwrap()).collect();
    Change {
        address: address.parse().unwrap(),
        kind: address.split('.').next().unwrap().to_string(),
        provider: "sim".into(),
        action,
        id: None,
        before: None,
        after: None,
        replace_because: Vec::new(),
        reason: None,
        dependencies: list(deps),
        create_before_destroy: false,
        retire: None,
        sensitive: Vec::new(),
        unknown: Vec::new(),
        implied: Vec::new(),
        notes: Vec::new(),
        previous_address: None,
        prior_dependencies: list(prior),
        prevent_destroy: false,
        prior_prevent_destroy: false,
    }
}

fn cbd(mut c: Change) -> Change {
    c.create_before_destroy = true;
    c
}

fn plan(changes: Vec<Change>) -> Plan {
    Plan {
        format_version: 1,
        lineage: String::new(),
        serial: 0,
        destroy: false,
        changes,
        drift: Vec::new(),
        output_changes: Vec::new(),
        deferred: Vec::new(),
    }
}

/// `Kind address <- Kind address, ...`, one line per operation, sorted.
fn dump(ops: &[Op]) -> String {
    let name = |op: &Op| format!("{:?} {}", op.kind, op.address);
    let mut lines: Vec<String> = ops
        .iter()
        .map(|op| {
            let mut after: Vec<String> = op.after.iter().map(|&i| name(&ops[i])).collect();
            after.sort();
            if after.is_empty() {
                after.push("nothing".into());
            }
            format!("{} <- {}", name(op), after.join(", "))
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

fn check(changes: Vec<Change>, expected: &str) {
    let ops = operations(&plan(changes));
    assert_eq!(cycle(&ops), None, "{}", dump(&ops));
    assert_eq!(dump(&ops), expected.trim());
}

#[test]
fn a_deleted_block_goes_after_the_replacement_of_what_used_it() {
    // Issue 8, item 4: the pool block is deleted, the VM moves to a new pool (replaced).
    check(
        vec![
            change("host_pool.new", Action::Create, &["site.dc"], &[]),
            change("host_pool.old", Action::Delete, &["site.dc"], &[]),
            change(
                "vm.db",
                Action::Replace,
                &["host_pool.new", "network_zone.z"],
                &["host_pool.old", "network_zone.z"],
            ),
        ],
        "
Create host_pool.new <- nothing
Create vm.db <- Create host_pool.new, Delete vm.db
Delete host_pool.old <- Delete vm.db
Delete vm.db <- nothing",
    );
}

#[test]
fn a_deleted_block_goes_after_the_update_that_moves_off_it() {
    check(
        vec![
            change("network_zone.y", Action::Create, &[], &[]),
            change("network_zone.z", Action::Delete, &[], &[]),
            change(
                "vm.db",
                Action::Update,
                &["host_pool.p", "network_zone.y"],
                &["host_pool.p", "network_zone.z"],
            ),
        ],
        "
Create network_zone.y <- nothing
Delete network_zone.z <- Update vm.db
Update vm.db <- Create network_zone.y",
    );
}

#[test]
fn deletes_follow_recorded_dependencies_in_reverse() {
    check(
        vec![
            change("host_pool.p", Action::Delete, &["site.dc"], &[]),
            change("site.dc", Action::Delete, &[], &[]),
            change("vm.a", Action::Delete, &["host_pool.p"], &[]),
        ],
        "
Delete host_pool.p <- Delete vm.a
Delete site.dc <- Delete host_pool.p
Delete vm.a <- nothing",
    );
}

#[test]
fn a_plain_replacement_of_a_dependency_is_created_before_its_users_are_written() {
    // The VM keeps using the pool; the pool's old object must go before its new one,
    // so no edge from the VM's update to the pool's delete (it would close a cycle).
    check(
        vec![
            change("host_pool.p", Action::Replace, &["site.dc"], &["site.dc"]),
            change("vm.a", Action::Update, &["host_pool.p"], &["host_pool.p"]),
        ],
        "
Create host_pool.p <- Delete host_pool.p
Delete host_pool.p <- nothing
Update vm.a <- Create host_pool.p",
    );
}

#[test]
fn a_create_before_destroy_dependency_goes_after_its_users_moved_over() {
    check(
        vec![
            cbd(change(
                "kubernetes_cluster.k",
                Action::Replace,
                &["host_pool.p"],
                &["host_pool.p"],
            )),
            change(
                "service.s",
                Action::Update,
                &["kubernetes_cluster.k"],
                &["kubernetes_cluster.k"],
            ),
        ],
        "
Create kubernetes_cluster.k <- nothing
Delete kubernetes_cluster.k <- Create kubernetes_cluster.k, Update service.s
Update service.s <- Create kubernetes_cluster.k",
    );
}

#[test]
fn a_deposed_object_goes_after_its_users_moved_to_the_current_one() {
    let mut deposed = change("vm.a", Action::Delete, &["host_pool.p"], &[]);
    deposed.reason = Some(Reason::DeleteBecauseDeposed);
    check(
        vec![
            deposed,
            change("host_pool.p", Action::Delete, &[], &[]),
            change("service.s", Action::Create, &["vm.a"], &[]),
        ],
        "
Create service.s <- nothing
Delete host_pool.p <- Delete vm.a
Delete vm.a <- Create service.s",
    );
}

#[test]
fn moves_come_first_and_forgets_call_nothing_else() {
    let mut moved = change("vm.b", Action::Update, &["host_pool.p"], &["host_pool.p"]);
    moved.previous_address = Some("vm.a".parse().unwrap());
    let mut only_moved = change("vm.c", Action::NoOp, &[], &[]);
    only_moved.previous_address = Some("vm.old".parse().unwrap());
    check(
        vec![
            moved,
            only_moved,
            change("host_pool.p", Action::Update, &[], &[]),
            change("vm.gone", Action::Forget, &["host_pool.p"], &[]),
        ],
        "
Forget vm.gone <- Move vm.b, Move vm.c
Move vm.b <- nothing
Move vm.c <- nothing
Update host_pool.p <- Move vm.b, Move vm.c
Update vm.b <- Move vm.b, Move vm.c, Update host_pool.p",
    );
}

#[test]
fn create_before_destroy_spreads_to_the_dependencies_of_a_replacement() {
    let mut changes = vec![
        change("host_pool.p", Action::Replace, &["site.dc"], &["site.dc"]),
        change("site.dc", Action::Replace, &[], &[]),
        cbd(change(
            "vm.a",
            Action::Replace,
            &["host_pool.p"],
            &["host_pool.p"],
        )),
        change("vm.other", Action::Replace, &[], &[]),
    ];
    // Without it: vm.a's create waits for the pool's create, which waits for the pool's
    // delete, which waits for vm.a's delete, which waits for vm.a's create.
    assert!(cycle(&operations(&plan(changes.clone()))).is_some());
    force_create_before_destroy(&mut changes);
    let forced: Vec<bool> = changes.iter().map(|c| c.create_before_destroy).collect();
    assert_eq!(forced, [true, true, true, false]);
    let ops = operations(&plan(changes));
    assert_eq!(cycle(&ops), None, "{}", dump(&ops));
}

#[test]
fn a_dependency_the_state_alone_recorded_yields_to_break_a_cycle() {
    // vm.x moves off vm.y (deleted; recorded as a dependency, say by depends_on) onto
    // host_pool.z, which is replaced without create_before_destroy while vm.y's old object
    // still depends on its old object. Keeping vm.y until vm.x is updated would wait in a
    // circle; vm.y goes first, as Terraform orders it.
    check(
        vec![
            change("vm.x", Action::Update, &["host_pool.z"], &["vm.y"]),
            change("vm.y", Action::Delete, &["host_pool.z"], &[]),
            change("host_pool.z", Action::Replace, &[], &[]),
        ],
        "
Create host_pool.z <- Delete host_pool.z
Delete host_pool.z <- Delete vm.y
Delete vm.y <- nothing
Update vm.x <- Create host_pool.z",
    );
}

#[test]
fn operations_in_a_circle_are_found_and_explained() {
    let op = |kind, address: &str, after: Vec<usize>| Op {
        change: 0,
        kind,
        address: address.parse().unwrap(),
        after,
    };
    let ops = vec![
        op(OpKind::Update, "vm.x", vec![3]),
        op(OpKind::Delete, "vm.y", vec![0]),
        op(OpKind::Delete, "host_pool.z", vec![1]),
        op(OpKind::Create, "host_pool.z", vec![2]),
        op(OpKind::Create, "vm.free", vec![]),
    ];
    let circle = cycle(&ops).expect("a cycle");
    let mut sorted = circle.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [0, 1, 2, 3]);
    // Each step waits for the one before it.
    for k in 0..circle.len() {
        let next = circle[(k + 1) % circle.len()];
        assert!(ops[next].after.contains(&circle[k]), "{circle:?}");
    }
    let problem = unordered(&ops, &circle);
    assert_eq!(
        problem.summary,
        "The changes of this plan cannot be ordered"
    );
    assert!(
        problem
            .detail
            .contains("Set create_before_destroy = true on host_pool.z"),
        "{}",
        problem.detail
    );
    assert_eq!(cycle(&ops[4..]), None);
}
