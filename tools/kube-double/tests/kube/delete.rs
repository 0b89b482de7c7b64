//! DELETE with Foreground, Background and Orphan propagation, and namespace termination.

use crate::common::{apply, cluster, config_map, deployment, namespace, scratch, status};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, DeleteParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Resource, ResourceExt};
use serde_json::json;
use std::time::Duration;

/// A Deployment named `owner` and a ConfigMap `dependent` it owns, in a new namespace.
async fn owner_and_dependent(client: &kube::Client) -> (Api<Deployment>, Api<ConfigMap>, String) {
    let ns = namespace(client).await;
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), &ns);
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
    let owner = apply(&deployments, "owner", deployment("owner", 1))
        .await
        .unwrap();
    let mut dep = config_map("dependent", json!({}));
    dep["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "Deployment",
        "name": "owner", "uid": owner.uid().unwrap(), "blockOwnerDeletion": true}]);
    apply(&cms, "dependent", dep).await.unwrap();
    (deployments, cms, ns)
}

async fn gone<K>(api: &Api<K>, name: &str, uid: &str)
where
    K: Resource + Clone + std::fmt::Debug + Send + serde::de::DeserializeOwned + 'static,
{
    let wait = await_condition(api.clone(), name, conditions::is_deleted(uid));
    tokio::time::timeout(Duration::from_secs(60), wait)
        .await
        .expect("deleted in time")
        .unwrap();
}

#[tokio::test]
async fn foreground_deletion_keeps_the_owner_until_its_dependents_are_gone() {
    let c = cluster().await;
    let (deployments, cms, ns) = owner_and_dependent(&c.client).await;
    let pending = deployments
        .delete("owner", &DeleteParams::foreground())
        .await
        .unwrap();
    let obj = pending.left().expect("the object while its deletion waits");
    assert!(obj.metadata.deletion_timestamp.is_some());
    assert!(obj.finalizers().contains(&"foregroundDeletion".to_string()));
    gone(&deployments, "owner", &obj.uid().unwrap()).await;
    assert!(
        cms.get_opt("dependent").await.unwrap().is_none(),
        "the dependent went first"
    );
    Api::<Namespace>::all(c.client.clone())
        .delete(&ns, &DeleteParams::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn background_deletion_answers_success_then_collects_dependents() {
    let c = cluster().await;
    let (deployments, cms, ns) = owner_and_dependent(&c.client).await;
    let dependent_uid = cms.get("dependent").await.unwrap().uid().unwrap();
    let done = deployments
        .delete("owner", &DeleteParams::background())
        .await
        .unwrap();
    let s = done.right().expect("a Status once deleted");
    assert!(s.is_success());
    assert_eq!(
        s.details.map(|d| (d.name, d.kind)),
        Some(("owner".into(), "deployments".into()))
    );
    assert!(deployments.get_opt("owner").await.unwrap().is_none());
    gone(&cms, "dependent", &dependent_uid).await;
    Api::<Namespace>::all(c.client.clone())
        .delete(&ns, &DeleteParams::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn orphan_deletion_keeps_dependents_without_the_owner_reference() {
    let c = cluster().await;
    let (deployments, cms, ns) = owner_and_dependent(&c.client).await;
    deployments
        .delete("owner", &DeleteParams::orphan())
        .await
        .unwrap();
    let wait = await_condition(cms.clone(), "dependent", |cm: Option<&ConfigMap>| {
        cm.is_some_and(|c| c.owner_references().is_empty())
    });
    tokio::time::timeout(Duration::from_secs(60), wait)
        .await
        .expect("orphaned in time")
        .unwrap();
    Api::<Namespace>::all(c.client.clone())
        .delete(&ns, &DeleteParams::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_deleted_namespace_terminates_with_everything_in_it() {
    let (c, ns, cms) = scratch::<ConfigMap>().await;
    let cm_uid = apply(&cms, "inside", config_map("inside", json!({})))
        .await
        .unwrap()
        .uid()
        .unwrap();
    let namespaces: Api<Namespace> = Api::all(c.client.clone());
    let ns_uid = namespaces.get(&ns).await.unwrap().uid().unwrap();
    let terminating = namespaces
        .delete(&ns, &DeleteParams::default())
        .await
        .unwrap()
        .left()
        .expect("terminating");
    assert_eq!(
        terminating.status.and_then(|s| s.phase).as_deref(),
        Some("Terminating")
    );
    let s = status(apply(&cms, "late", config_map("late", json!({}))).await);
    assert_eq!((s.code, s.reason.as_str()), (403, "Forbidden"));
    assert!(
        s.message.contains("because it is being terminated"),
        "{}",
        s.message
    );
    gone(&namespaces, &ns, &ns_uid).await;
    gone(&cms, "inside", &cm_uid).await;
}
