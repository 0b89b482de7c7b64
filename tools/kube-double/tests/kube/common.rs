//! Helpers shared by the tests: a cluster, a fresh namespace, objects, API errors.

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use kube::core::Status;
use kube::{Client, Resource};
use kube_double::TestCluster;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The field manager the tests apply with (the provider's).
pub const MANAGER: &str = "strata";

/// A cluster: the double, or the one `STRATA_TEST_KUBECONFIG` names.
pub async fn cluster() -> TestCluster {
    kube_double::test_cluster().await.expect("a test cluster")
}

/// The label on every test namespace, so a real cluster can be cleaned after failed runs.
pub const TEST_LABEL: &str = "strata.test/kube-double";

/// Creates a namespace with a fresh name (so runs on a real cluster do not collide).
pub async fn namespace(client: &Client) -> String {
    let name = format!("kd-{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let api: Api<Namespace> = Api::all(client.clone());
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {TEST_LABEL: "true"}}});
    api.patch(&name, &PatchParams::apply(MANAGER), &Patch::Apply(ns))
        .await
        .expect("namespace applied");
    name
}

/// A cluster, a fresh namespace in it, and an API for a namespaced type there.
pub async fn scratch<K>() -> (TestCluster, String, Api<K>)
where
    K: Resource<Scope = NamespaceResourceScope>,
    <K as Resource>::DynamicType: Default,
{
    let c = cluster().await;
    let ns = namespace(&c.client).await;
    let api = Api::namespaced(c.client.clone(), &ns);
    (c, ns, api)
}

/// Deletes a test namespace (for runs on a real cluster; the double just stops).
pub async fn drop_namespace(client: &Client, name: &str) {
    let api: Api<Namespace> = Api::all(client.clone());
    api.delete(name, &DeleteParams::default())
        .await
        .expect("namespace deleted");
}

/// A Deployment's applied configuration.
pub fn deployment(name: &str, replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app", "image": "registry.local/app:1"}]},
            },
        },
    })
}

/// A ConfigMap's configuration with labels.
pub fn config_map(name: &str, labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels}, "data": {"k": "v"}})
}

/// Applies a configuration as the provider would (field manager `strata`, no force).
pub async fn apply<K>(api: &Api<K>, name: &str, config: Value) -> Result<K, kube::Error>
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
{
    api.patch(name, &PatchParams::apply(MANAGER), &Patch::Apply(config))
        .await
}

/// The `Status` of an API error; panics on any other result.
pub fn status<T: std::fmt::Debug>(result: Result<T, kube::Error>) -> Status {
    match result {
        Err(kube::Error::Api(s)) => *s,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The managers and operations recorded on an object, sorted.
pub fn managers<K: Resource>(obj: &K) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = obj
        .meta()
        .managed_fields
        .iter()
        .flatten()
        .map(|e| {
            (
                e.manager.clone().unwrap_or_default(),
                e.operation.clone().unwrap_or_default(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The fields a manager owns, as the `fieldsV1` JSON.
pub fn owned<K: Resource>(obj: &K, manager: &str) -> Value {
    let entry = obj
        .meta()
        .managed_fields
        .iter()
        .flatten()
        .find(|e| e.manager.as_deref() == Some(manager));
    entry
        .and_then(|e| e.fields_v1.as_ref())
        .map_or(Value::Null, |f| f.0.clone())
}
