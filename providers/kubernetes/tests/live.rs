//! The live provider's decisions that need no server: rollout progress from a workload's
//! status, a resource read from listed objects (tests/drift.rs has the drift of each
//! field), which conflicting fields an approved plan may take back, and how API server
//! errors read.

use kube::api::DynamicObject;
use kube::core::Status;
use kube::core::response::{StatusCause, StatusDetails};
use kubernetes::Manifest;
use kubernetes::live::apply::is_approved;
use kubernetes::live::refresh::read;
use kubernetes::live::rollout::progress;
use kubernetes::live::{LiveError, ObjectRef};
use serde_json::json;

fn object(value: serde_json::Value) -> DynamicObject {
    serde_json::from_value(value).unwrap()
}

fn deployment(replicas: i64, image: &str) -> Manifest {
    Manifest {
        cluster: "lab".into(),
        object: json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "app"},
            "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "main", "image": image}]}}}
        }),
    }
}

fn live(
    replicas: i64,
    image: &str,
    generation: i64,
    observed: i64,
    available: i64,
) -> DynamicObject {
    object(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "app", "generation": generation},
        "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "main", "image": image}]}}},
        "status": {"observedGeneration": observed, "availableReplicas": available}
    }))
}

#[test]
fn a_rollout_is_done_when_its_generation_is_observed_and_every_replica_available() {
    assert_eq!(progress(&live(3, "a", 2, 2, 3)), None);
    assert_eq!(
        progress(&live(3, "a", 2, 2, 1)).unwrap(),
        "1/3 replicas available"
    );
    // Available replicas of the previous generation do not count.
    let old = progress(&live(3, "a", 3, 2, 3)).unwrap();
    assert!(old.contains("generation 3 not yet observed"), "{old}");
}

#[test]
fn a_resource_missing_any_of_its_objects_is_gone() {
    let manifest = deployment(3, "shop:1");
    let prior = serde_json::Map::from_iter([("replicas".to_string(), json!(3))]);
    let none = Default::default();
    assert_eq!(read(&prior, &[&manifest], &none), None);
    let listed = [(
        kubernetes::live::objects::reference(&manifest),
        live(4, "shop:1", 1, 1, 4),
    )]
    .into();
    let read_back = read(&prior, &[&manifest], &listed).unwrap();
    assert_eq!(read_back["replicas"], json!(4));
    // One object of two deleted by hand: gone, so that the plan creates it again.
    let mut service = deployment(3, "shop:1");
    service.object["kind"] = json!("Service");
    service.object["apiVersion"] = json!("v1");
    assert_eq!(read(&prior, &[&manifest, &service], &listed), None);
}

#[test]
fn a_conflicting_field_is_approved_when_inside_an_approved_one() {
    let containers = [".spec.template.spec.containers"];
    assert!(is_approved(".spec.template.spec.containers", &containers));
    assert!(is_approved(
        ".spec.template.spec.containers[name=\"web\"].image",
        &containers
    ));
    assert!(!is_approved(".spec.template.spec.containersX", &containers));
    assert!(!is_approved(".spec.replicas", &containers));
}

fn status(code: u16, reason: &str, message: &str, causes: Vec<StatusCause>) -> LiveError {
    let mut status = Status::failure(message, reason).with_code(code);
    status.details = Some(StatusDetails {
        name: "web".into(),
        group: "apps".into(),
        kind: "deployments".into(),
        uid: String::new(),
        causes,
        retry_after_seconds: 0,
    });
    LiveError::Api {
        object: ObjectRef {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            namespace: "app".into(),
            name: "web".into(),
        },
        status: Box::new(status),
    }
}

#[test]
fn errors_name_the_object_the_fields_and_what_to_do() {
    let cause = |reason: &str, field: &str, message: &str| StatusCause {
        reason: reason.into(),
        field: field.into(),
        message: message.into(),
    };
    let conflict = status(
        409,
        "Conflict",
        "Apply failed with 1 conflict: conflict with \"kubectl-scale\" using apps/v1: .spec.replicas",
        vec![cause(
            "FieldManagerConflict",
            ".spec.replicas",
            "conflict with \"kubectl-scale\"",
        )],
    );
    assert_eq!(conflict.conflict_fields(), [".spec.replicas"]);
    let text = conflict.to_string();
    assert!(
        text.starts_with("Deployment app/web: Apply failed"),
        "{text}"
    );
    assert!(
        text.contains("kubectl-scale") && text.contains("force_conflicts = true"),
        "{text}"
    );

    let invalid = status(
        422,
        "Invalid",
        "Deployment.apps \"web\" is invalid",
        vec![cause(
            "FieldValueRequired",
            "spec.template.spec.containers[0].image",
            "Required value",
        )],
    );
    assert!(invalid.conflict_fields().is_empty());
    let text = invalid.to_string();
    assert!(
        text.contains("field spec.template.spec.containers[0].image: Required value"),
        "{text}"
    );
    let address: blueprint::Address = "service.web".parse().unwrap();
    let diagnostic = invalid.at(&address);
    assert!(format!("{diagnostic:?}").contains("service.web: Deployment app/web"));

    let forbidden = status(
        403,
        "Forbidden",
        "deployments.apps \"web\" is forbidden",
        vec![],
    );
    assert!(forbidden.to_string().contains("Role"));
    let unauthorized = status(401, "Unauthorized", "Unauthorized", vec![]);
    assert!(unauthorized.to_string().contains("credentials"));
    assert!(status(404, "NotFound", "not found", vec![]).is_not_found());
}
