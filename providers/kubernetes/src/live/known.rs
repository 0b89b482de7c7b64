//! What a run knows of Strata's objects on the cluster, for its deletes: listed once per
//! kind (the lineage's selector, cluster-wide) at the run's first delete, then kept
//! coherent with the run's own writes: what it applies is added before the apply, what
//! it deletes is removed once gone. A destroy of any number of resources therefore lists
//! each kind once, and deletes running in parallel see each other's objects until they
//! are gone. Other writers' objects are not in it: a zone's namespace is deleted only
//! after a fresh look for them ([`crate::live::delete`]).

use std::collections::BTreeMap;

use kube::api::DynamicObject;
use tokio::sync::Mutex;

use crate::live::error::{LiveError, ObjectRef};
use crate::live::objects::{self, KINDS};
use crate::manifest::Manifest;
use crate::namespace::ZONE;

/// One object of Strata's, as deletes need it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The address that owns it; `None` for objects a zone shares (its namespace, its
    /// default deny).
    pub owner: Option<String>,
    /// A zone's namespace (annotation [`ZONE`]).
    pub zone: bool,
    /// Being deleted already (it has a `deletionTimestamp`): it keeps nothing.
    pub deleting: bool,
}

impl Entry {
    fn listed(object: &DynamicObject) -> Entry {
        let annotations = object.metadata.annotations.as_ref();
        Entry {
            owner: objects::owner(object).map(str::to_string),
            zone: annotations.is_some_and(|a| a.contains_key(ZONE)),
            deleting: object.metadata.deletion_timestamp.is_some(),
        }
    }

    fn applied(manifest: &Manifest) -> Entry {
        let owner = manifest.owner();
        Entry {
            owner: (!owner.is_empty()).then(|| owner.to_string()),
            zone: manifest
                .object
                .pointer("/metadata/annotations")
                .is_some_and(|a| a.get(ZONE).is_some()),
            deleting: false,
        }
    }
}

/// The objects a run knows of, listed at its first delete.
#[derive(Debug, Default)]
pub struct Known {
    objects: Mutex<Option<BTreeMap<ObjectRef, Entry>>>,
}

/// The place of an object's kind in the order deletes go ([`KINDS`]).
fn delete_order(object: &ObjectRef) -> usize {
    KINDS
        .iter()
        .position(|(_, kind)| *kind == object.kind)
        .unwrap_or(KINDS.len())
}

impl Known {
    /// The objects `owner` has, in the order deletes go; the first call lists every kind
    /// Strata writes once with `selector` (one LIST each), the others and parallel ones
    /// wait for it and use it.
    pub async fn owned(
        &self,
        client: &kube::Client,
        selector: &str,
        owner: &str,
    ) -> Result<Vec<ObjectRef>, LiveError> {
        let mut known = self.objects.lock().await;
        if known.is_none() {
            let mut listed = BTreeMap::new();
            for (api_version, kind) in KINDS {
                for object in objects::list(client, api_version, kind, None, selector).await? {
                    let entry = Entry::listed(&object);
                    listed.insert(objects::listed(api_version, kind, &object), entry);
                }
            }
            *known = Some(listed);
        }
        let mut mine: Vec<ObjectRef> = known
            .iter()
            .flatten()
            .filter(|(_, e)| e.owner.as_deref() == Some(owner))
            .map(|(o, _)| o.clone())
            .collect();
        mine.sort_by_key(delete_order);
        Ok(mine)
    }

    /// Records `manifests` as about to be applied (once the objects are listed).
    pub async fn applied(&self, manifests: &[Manifest]) {
        if let Some(known) = self.objects.lock().await.as_mut() {
            for manifest in manifests {
                known.insert(objects::reference(manifest), Entry::applied(manifest));
            }
        }
    }

    /// Records `object` as gone.
    pub async fn gone(&self, object: &ObjectRef) {
        if let Some(known) = self.objects.lock().await.as_mut() {
            known.remove(object);
        }
    }

    /// Whether Strata holds something in `namespace` that keeps it: an object with an
    /// owner that is not being deleted.
    fn holds(known: &BTreeMap<ObjectRef, Entry>, namespace: &str) -> bool {
        known
            .iter()
            .any(|(o, e)| o.namespace == namespace && e.owner.is_some() && !e.deleting)
    }

    /// Takes the deletion of zone namespace `namespace` on: true, once, when it is a
    /// zone's namespace (no owner) and Strata holds nothing else in it but the zone's
    /// shared objects; it is then no longer known, so no parallel delete takes it too.
    pub async fn claim_namespace(&self, namespace: &str) -> bool {
        let mut guard = self.objects.lock().await;
        let Some(known) = guard.as_mut() else {
            return false;
        };
        let object = namespace_ref(namespace);
        let is_zone = known
            .get(&object)
            .is_some_and(|e| e.zone && e.owner.is_none() && !e.deleting);
        if !is_zone || Self::holds(known, namespace) {
            return false;
        }
        known.remove(&object);
        true
    }

    /// Whether Strata holds something in `namespace` that keeps it (after a claim: an
    /// apply in parallel put something there).
    pub async fn holds_in(&self, namespace: &str) -> bool {
        let guard = self.objects.lock().await;
        guard.as_ref().is_some_and(|k| Self::holds(k, namespace))
    }
}

/// The reference of the namespace `name`.
pub fn namespace_ref(name: &str) -> ObjectRef {
    ObjectRef {
        api_version: "v1".into(),
        kind: "Namespace".into(),
        namespace: String::new(),
        name: name.to_string(),
    }
}
