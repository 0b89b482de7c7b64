//! Reaching one kind of object: its [`kube::Api`] from apiVersion and kind, the kinds
//! Strata writes, and listing Strata's objects of a kind with one label selector.

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams};

use crate::live::error::{LiveError, ObjectRef};
use crate::manifest::Manifest;
use crate::meta;

/// Every kind Strata writes, as (apiVersion, kind), in the order deletes go (dependents
/// before what they live in: namespaces last).
pub const KINDS: &[(&str, &str)] = &[
    ("gateway.networking.k8s.io/v1", "HTTPRoute"),
    ("gateway.networking.k8s.io/v1", "Gateway"),
    ("networking.k8s.io/v1", "Ingress"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("batch/v1", "CronJob"),
    ("batch/v1", "Job"),
    ("policy/v1", "PodDisruptionBudget"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "StatefulSet"),
    ("v1", "Service"),
    ("v1", "ConfigMap"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "ResourceQuota"),
    ("v1", "LimitRange"),
    ("v1", "Namespace"),
];

/// The API resource of `kind` in `api_version` (its plural as kube-rs derives it, which
/// is right for every kind of [`KINDS`]).
pub fn resource(api_version: &str, kind: &str) -> ApiResource {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind))
}

/// The API of one object's kind, in its namespace (cluster-wide for a Namespace).
pub fn api(client: &kube::Client, object: &ObjectRef) -> Api<DynamicObject> {
    let resource = resource(&object.api_version, &object.kind);
    match object.namespace.as_str() {
        "" => Api::all_with(client.clone(), &resource),
        ns => Api::namespaced_with(client.clone(), ns, &resource),
    }
}

/// The reference of a manifest.
pub fn reference(manifest: &Manifest) -> ObjectRef {
    ObjectRef {
        api_version: manifest.api_version().to_string(),
        kind: manifest.kind().to_string(),
        namespace: manifest.namespace().to_string(),
        name: manifest.name().to_string(),
    }
}

/// The reference of a listed object of `kind`.
pub fn listed(api_version: &str, kind: &str, object: &DynamicObject) -> ObjectRef {
    ObjectRef {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        namespace: object.metadata.namespace.clone().unwrap_or_default(),
        name: object.metadata.name.clone().unwrap_or_default(),
    }
}

/// The label selector of the objects of the state with `lineage`.
pub fn selector(lineage: &str) -> String {
    format!("{}=strata,{}={lineage}", meta::MANAGED_BY, meta::LINEAGE)
}

/// The owning address an object's annotation records, if any.
pub fn owner(object: &DynamicObject) -> Option<&str> {
    object
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(meta::ADDRESS))
        .map(String::as_str)
}

/// Every object of `kind` matching `selector`, in `namespace` or cluster-wide when
/// `None`: one LIST call. A kind the server does not serve (404: the Gateway API's CRDs
/// not installed) has no objects.
pub async fn list(
    client: &kube::Client,
    api_version: &str,
    kind: &str,
    namespace: Option<&str>,
    selector: &str,
) -> Result<Vec<DynamicObject>, LiveError> {
    let resource = resource(api_version, kind);
    let api: Api<DynamicObject> = match namespace {
        Some(ns) if kind != "Namespace" => Api::namespaced_with(client.clone(), ns, &resource),
        _ => Api::all_with(client.clone(), &resource),
    };
    let at = ObjectRef {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        namespace: namespace.unwrap_or_default().to_string(),
        name: "(list)".to_string(),
    };
    let params = ListParams::default().labels(selector);
    match api.list(&params).await {
        Ok(list) => Ok(list.items),
        Err(kube::Error::Api(status)) if status.code == 404 => Ok(Vec::new()),
        Err(e) => Err(LiveError::call(&at, e)),
    }
}
