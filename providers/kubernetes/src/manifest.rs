//! [`Manifest`]: one Kubernetes object as the API server takes it (apiVersion, kind,
//! metadata, spec), for the cluster it goes to. Rendering writes it as YAML; a live
//! provider sends the same object as a server-side apply patch.

use serde::Serialize;
use serde_json::{Map, Value};

/// One object for one cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The cluster it goes to: the object name of its `kubernetes_cluster` address
    /// ([`crate::names::object`]).
    pub cluster: String,
    /// The whole object, with `apiVersion`, `kind` and `metadata`.
    pub object: Value,
}

impl Manifest {
    /// A typed object of k8s-openapi (its serde form carries apiVersion and kind).
    pub fn typed<K>(cluster: &str, object: &K) -> Manifest
    where
        K: k8s_openapi::Resource + Serialize,
    {
        Manifest {
            cluster: cluster.to_string(),
            // k8s-openapi's types serialize to JSON objects infallibly (string keys,
            // finite numbers); Null only if that ever changed, caught by validation.
            object: serde_json::to_value(object).unwrap_or(Value::Null),
        }
    }

    /// An object whose type k8s-openapi does not have (the Gateway API's), from its
    /// apiVersion, kind, metadata and spec.
    pub fn dynamic(
        cluster: &str,
        api_version: &str,
        kind: &str,
        metadata: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
        spec: Value,
    ) -> Manifest {
        let mut object = Map::new();
        object.insert("apiVersion".into(), api_version.into());
        object.insert("kind".into(), kind.into());
        object.insert(
            "metadata".into(),
            serde_json::to_value(metadata).unwrap_or(Value::Null),
        );
        object.insert("spec".into(), spec);
        Manifest {
            cluster: cluster.to_string(),
            object: Value::Object(object),
        }
    }

    fn str_at(&self, pointer: &str) -> &str {
        self.object
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// `apps/v1`, `v1`, `gateway.networking.k8s.io/v1`.
    pub fn api_version(&self) -> &str {
        self.str_at("/apiVersion")
    }

    /// `Deployment`, `Namespace`.
    pub fn kind(&self) -> &str {
        self.str_at("/kind")
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.str_at("/metadata/name")
    }

    /// `metadata.namespace`; empty for cluster-scoped objects.
    pub fn namespace(&self) -> &str {
        self.str_at("/metadata/namespace")
    }

    /// The blueprint address that owns it (annotation [`crate::meta::ADDRESS`]); empty for
    /// objects several resources share (a zone's namespace, its default deny).
    pub fn owner(&self) -> &str {
        self.object
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(crate::meta::ADDRESS))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// What identifies it in its cluster: cluster, API group and kind, namespace, name.
    pub fn identity(&self) -> (String, String, String, String, String) {
        let group = self.api_version().rsplit_once('/').map_or("", |(g, _)| g);
        (
            self.cluster.clone(),
            group.to_string(),
            self.kind().to_string(),
            self.namespace().to_string(),
            self.name().to_string(),
        )
    }

    /// Its file in a rendered folder: `CLUSTER/NAMESPACE/KIND-NAME.yaml`, with
    /// `_cluster` for cluster-scoped objects and the kind in lower case.
    pub fn path(&self) -> String {
        let namespace = match self.namespace() {
            "" => "_cluster",
            ns => ns,
        };
        format!(
            "{}/{namespace}/{}-{}.yaml",
            self.cluster,
            self.kind().to_ascii_lowercase(),
            self.name()
        )
    }
}
