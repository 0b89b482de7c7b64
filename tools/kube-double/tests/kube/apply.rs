//! Server-side apply: create, update, no-op, field removal, conflicts with another
//! manager and `force`, dry runs.

use crate::common::{
    MANAGER, apply, config_map, deployment, drop_namespace, managers, owned, scratch, status,
};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Patch, PatchParams};
use serde_json::json;

#[tokio::test]
async fn apply_creates_then_updates_and_records_the_manager() {
    let (c, ns, api) = scratch::<Deployment>().await;
    let created = apply(&api, "web", deployment("web", 2))
        .await
        .expect("created");
    let meta = &created.metadata;
    assert_eq!(meta.generation, Some(1));
    assert!(meta.uid.is_some() && meta.creation_timestamp.is_some());
    assert_eq!(managers(&created), [(MANAGER.into(), "Apply".into())]);
    assert_eq!(owned(&created, MANAGER)["f:spec"]["f:replicas"], json!({}));

    let same = apply(&api, "web", deployment("web", 2))
        .await
        .expect("re-applied");
    assert_eq!(
        same.metadata.resource_version, meta.resource_version,
        "a no-op apply writes nothing"
    );

    let scaled = apply(&api, "web", deployment("web", 4))
        .await
        .expect("updated");
    assert_eq!(scaled.metadata.uid, meta.uid);
    assert_eq!(scaled.metadata.generation, Some(2));
    assert_eq!(scaled.spec.and_then(|s| s.replicas), Some(4));
    let before: u64 = meta.resource_version.as_deref().unwrap().parse().unwrap();
    let after: u64 = scaled
        .metadata
        .resource_version
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();
    assert!(after > before);
    drop_namespace(&c.client, &ns).await;
}

#[tokio::test]
async fn fields_the_manager_stops_applying_are_removed_unless_another_manager_owns_them() {
    let (c, ns, api) = scratch::<ConfigMap>().await;
    apply(&api, "cm", config_map("cm", json!({"a": "1", "b": "2"})))
        .await
        .expect("applied");
    let label = json!({"metadata": {"labels": {"c": "3"}}});
    let by_hand = PatchParams {
        field_manager: Some("kubectl-label".into()),
        ..Default::default()
    };
    api.patch("cm", &by_hand, &Patch::Merge(label))
        .await
        .expect("labelled");
    let now = apply(&api, "cm", config_map("cm", json!({"a": "1"})))
        .await
        .expect("re-applied");
    let labels = now.metadata.labels.clone().expect("labels");
    assert_eq!(
        labels.keys().collect::<Vec<_>>(),
        ["a", "c"],
        "b removed, c kept (kubectl-label's)"
    );
    assert_eq!(
        managers(&now),
        [
            ("kubectl-label".into(), "Update".into()),
            (MANAGER.into(), "Apply".into())
        ]
    );
    drop_namespace(&c.client, &ns).await;
}

#[tokio::test]
async fn a_field_changed_by_another_manager_conflicts_until_forced() {
    let (c, ns, api) = scratch::<Deployment>().await;
    apply(&api, "web", deployment("web", 2))
        .await
        .expect("created");
    let scale = PatchParams {
        field_manager: Some("kubectl-scale".into()),
        ..Default::default()
    };
    let scaled = api
        .patch(
            "web",
            &scale,
            &Patch::Merge(json!({"spec": {"replicas": 5}})),
        )
        .await
        .expect("scaled");
    assert_eq!(
        owned(&scaled, "kubectl-scale"),
        json!({"f:spec": {"f:replicas": {}}})
    );
    assert!(
        owned(&scaled, MANAGER)["f:spec"]
            .get("f:replicas")
            .is_none(),
        "the update took the field"
    );

    // Re-applying the same replicas as before still conflicts: the value differs now.
    let s = status(apply(&api, "web", deployment("web", 2)).await);
    assert_eq!((s.code, s.reason.as_str()), (409, "Conflict"));
    assert_eq!(
        s.message,
        "Apply failed with 1 conflict: conflict with \"kubectl-scale\" using apps/v1: .spec.replicas"
    );
    let causes = s.details.expect("details").causes;
    assert_eq!(
        (causes[0].reason.as_str(), causes[0].field.as_str()),
        ("FieldManagerConflict", ".spec.replicas")
    );

    // Applying the value it already has is shared ownership, not a conflict.
    let shared = apply(&api, "web", deployment("web", 5))
        .await
        .expect("same value applies");
    assert_eq!(
        owned(&shared, "kubectl-scale"),
        json!({"f:spec": {"f:replicas": {}}})
    );

    let forced = api
        .patch(
            "web",
            &PatchParams::apply(MANAGER).force(),
            &Patch::Apply(deployment("web", 2)),
        )
        .await
        .expect("forced");
    assert_eq!(forced.spec.as_ref().and_then(|s| s.replicas), Some(2));
    assert_eq!(
        managers(&forced),
        [(MANAGER.into(), "Apply".into())],
        "kubectl-scale lost its only field"
    );
    drop_namespace(&c.client, &ns).await;
}

#[tokio::test]
async fn a_dry_run_apply_validates_and_stores_nothing() {
    let (c, ns, api) = scratch::<Deployment>().await;
    let params = PatchParams::apply(MANAGER).dry_run();
    let preview = api
        .patch("web", &params, &Patch::Apply(deployment("web", 3)))
        .await
        .expect("dry run");
    assert_eq!(preview.spec.and_then(|s| s.replicas), Some(3));
    assert!(api.get_opt("web").await.expect("get").is_none());
    let mut broken = deployment("web", 3);
    broken["spec"].as_object_mut().unwrap().remove("selector");
    let s = status(api.patch("web", &params, &Patch::Apply(broken)).await);
    assert_eq!((s.code, s.reason.as_str()), (422, "Invalid"));
    drop_namespace(&c.client, &ns).await;
}
