//! A refresh looks only for the objects the last apply made: an object the blueprint now
//! asks for besides (a PodDisruptionBudget once `replicas` grows past 1) leaves the
//! resource read as it is, to be updated, not gone; one of the objects the apply made
//! deleted by hand reads the resource as gone, except a run-once Job, which its TTL removes.

mod common;

use common::rendered;
use kube::api::DynamicObject;
use kubernetes::Manifest;
use kubernetes::live::objects;
use kubernetes::live::refresh::{Listed, applied, read};
use planner::Attrs;

const ONE: &str = r#"
service "orders" {
  cluster  = kubernetes_cluster.c
  replicas = 1
  image    = "orders:1"
}
"#;

fn owned(all: &[Manifest]) -> Vec<Manifest> {
    all.iter()
        .filter(|m| m.owner() == "service.orders")
        .cloned()
        .collect()
}

/// The cluster holding exactly `manifests`, as a LIST returns them.
fn listed(manifests: &[Manifest]) -> Listed {
    manifests
        .iter()
        .map(|m| {
            let object: DynamicObject =
                serde_json::from_value(m.object.clone()).expect("a manifest is an object");
            (objects::reference(m), object)
        })
        .collect()
}

#[test]
fn an_object_the_blueprint_asks_for_only_since_the_last_apply_is_not_looked_for() {
    let before = owned(&rendered(ONE));
    let after = owned(&rendered(&ONE.replace("replicas = 1", "replicas = 2")));
    assert!(
        after.len() > before.len(),
        "two replicas add a PodDisruptionBudget: {} vs {} objects",
        after.len(),
        before.len()
    );
    let prior = applied(Attrs::new(), &before);
    let read_back = read(&prior, &after.iter().collect::<Vec<_>>(), &listed(&before))
        .expect("the resource is there, to be updated");
    assert_eq!(
        read_back["replicas"], 1,
        "read from the Deployment as it runs"
    );
    assert_eq!(read_back["objects"], prior["objects"]);
}

#[test]
fn an_object_the_last_apply_made_deleted_by_hand_reads_the_resource_as_gone() {
    let all = owned(&rendered(&ONE.replace("replicas = 1", "replicas = 2")));
    let prior = applied(Attrs::new(), &all);
    for gone in 0..all.len() {
        let mut left = all.clone();
        let removed = left.remove(gone);
        assert_eq!(
            read(&prior, &all.iter().collect::<Vec<_>>(), &listed(&left)),
            None,
            "{} deleted by hand",
            objects::reference(&removed)
        );
    }
}

#[test]
fn a_state_written_before_the_record_needs_every_object() {
    let before = owned(&rendered(ONE));
    let after = owned(&rendered(&ONE.replace("replicas = 1", "replicas = 2")));
    assert_eq!(
        read(
            &Attrs::new(),
            &after.iter().collect::<Vec<_>>(),
            &listed(&before)
        ),
        None
    );
}

#[test]
fn a_run_once_job_removed_by_its_ttl_reads_as_it_was_not_as_gone() {
    let once = r#"
job "migrate" {
  cluster  = kubernetes_cluster.c
  duration = "10m"
  image    = "migrate:1"
}
"#;
    let all: Vec<Manifest> = rendered(once)
        .into_iter()
        .filter(|m| m.owner() == "job.migrate")
        .collect();
    assert!(all.iter().any(|m| m.kind() == "Job"), "a run-once Job");
    let prior = applied(Attrs::new(), &all);
    let left: Vec<Manifest> = all.iter().filter(|m| m.kind() != "Job").cloned().collect();
    assert!(read(&prior, &all.iter().collect::<Vec<_>>(), &listed(&left)).is_some());
    // A CronJob is never removed by a TTL: deleted, the job reads as gone.
    let nightly = once.replace("duration", "schedule = \"0 2 * * *\"\n  duration");
    let all: Vec<Manifest> = rendered(&nightly)
        .into_iter()
        .filter(|m| m.owner() == "job.migrate")
        .collect();
    let prior = applied(Attrs::new(), &all);
    let left: Vec<Manifest> = all
        .iter()
        .filter(|m| m.kind() != "CronJob")
        .cloned()
        .collect();
    assert_eq!(
        read(&prior, &all.iter().collect::<Vec<_>>(), &listed(&left)),
        None
    );
}
