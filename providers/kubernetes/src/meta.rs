//! The labels and annotations every object carries: who manages it, which blueprint
//! address owns it, and the state's lineage, so that a live provider can list what is
//! Strata's with one label selector per kind and namespace and adopt it after a crash.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// Annotation: the blueprint address of the resource that owns the object.
pub const ADDRESS: &str = "strata.dev/address";
/// Label: the lineage of the state that manages the object (a UUID: a valid label value).
pub const LINEAGE: &str = "strata.dev/lineage";
/// Annotation: the service an environment's object is a copy of.
pub const COPY_OF: &str = "strata.dev/copy-of";
/// Label: `strata`, Kubernetes' recommended `app.kubernetes.io/managed-by`.
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// Label: the workload's name, Kubernetes' recommended `app.kubernetes.io/name`; pods
/// are selected by it.
pub const NAME: &str = "app.kubernetes.io/name";
/// Label: the catalog kind (`kafka`, `application`), `app.kubernetes.io/component`.
pub const COMPONENT: &str = "app.kubernetes.io/component";
/// The label every namespace has with its own name (Kubernetes 1.22 and later), which
/// network policies select namespaces by.
pub const NAMESPACE_NAME: &str = "kubernetes.io/metadata.name";

/// The metadata of an object called `name` in `namespace` (none for cluster-scoped ones).
#[derive(Clone, Debug)]
pub struct Meta {
    /// The object's name.
    pub name: String,
    /// Its namespace.
    pub namespace: Option<String>,
    /// The owning address, or `None` for objects several resources share.
    pub owner: Option<String>,
    /// The state's lineage, when known.
    pub lineage: Option<String>,
    /// More labels.
    pub labels: BTreeMap<String, String>,
    /// More annotations.
    pub annotations: BTreeMap<String, String>,
}

impl Meta {
    /// `key = value` among the labels.
    pub fn label(mut self, key: &str, value: &str) -> Meta {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// `key = value` among the annotations.
    pub fn annotate(mut self, key: &str, value: &str) -> Meta {
        self.annotations.insert(key.into(), value.into());
        self
    }

    /// As Kubernetes' `ObjectMeta`.
    pub fn object_meta(&self) -> ObjectMeta {
        let mut labels = self.labels.clone();
        labels.insert(MANAGED_BY.into(), "strata".into());
        if let Some(lineage) = &self.lineage {
            labels.insert(LINEAGE.into(), lineage.clone());
        }
        let mut annotations = self.annotations.clone();
        if let Some(owner) = &self.owner {
            annotations.insert(ADDRESS.into(), owner.clone());
        }
        ObjectMeta {
            name: Some(self.name.clone()),
            namespace: self.namespace.clone(),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..ObjectMeta::default()
        }
    }
}
