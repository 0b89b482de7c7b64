//! Progress while vCenter works: with the simulator's tasks kept running a while (its
//! `-task-time`, their TaskInfo progress rising), apply's "Still creating..." lines carry
//! the task and its percentage as vCenter reports them.

use crate::lab::{Lab, text};

#[tokio::test(flavor = "multi_thread")]
async fn slow_tasks_show_their_progress_in_the_still_lines() {
    let Some(lab) = Lab::with("slow_tasks", &["-task-time", "4s"]) else {
        return;
    };
    lab.blueprint(1);
    let out = lab
        .command(&["apply", "-auto-approve"])
        .env("STRATA_PROGRESS_INTERVAL", "1s")
        .output()
        .unwrap();
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    let reported = |address: &str, task: &str| {
        shown.lines().any(|l| {
            l.starts_with(&format!("{address}: Still creating... ["))
                && l.contains(&format!("elapsed] ({task} "))
                && l.ends_with("%)")
        })
    };
    assert!(reported("vm.vm[0]", "CreateVM_Task"), "{shown}");
    assert!(reported("network_zone.a", "AddDVPortgroup_Task"), "{shown}");
}
