//! Refresh: Strata's objects of each kind the requested resources have, listed once
//! cluster-wide with the lineage's label selector (not one GET per object), then each
//! resource read from them: gone when one of its objects is missing, and the fields a
//! hand can change (a workload's replicas and image) read back as drift.

use std::collections::{BTreeMap, BTreeSet};

use kube::api::DynamicObject;
use planner::Attrs;
use serde_json::Value;

use crate::live::error::{LiveError, ObjectRef};
use crate::live::objects;
use crate::manifest::Manifest;

/// The objects listed, by reference.
pub type Listed = BTreeMap<ObjectRef, DynamicObject>;

/// Lists every kind among `manifests` once, cluster-wide, with `selector`.
pub async fn list_kinds(
    client: &kube::Client,
    manifests: &[&Manifest],
    selector: &str,
) -> Result<Listed, LiveError> {
    let kinds: BTreeSet<(&str, &str)> = manifests
        .iter()
        .map(|m| (m.api_version(), m.kind()))
        .collect();
    let mut listed = Listed::new();
    for (api_version, kind) in kinds {
        for object in objects::list(client, api_version, kind, None, selector).await? {
            listed.insert(objects::listed(api_version, kind, &object), object);
        }
    }
    Ok(listed)
}

/// What the workload attributes a hand can change read as on the cluster: the
/// attributes `(name, live value)` whose live value differs from what `manifest` asks.
pub fn drift(manifest: &Manifest, live: &DynamicObject) -> Vec<(&'static str, Value)> {
    if !matches!(manifest.kind(), "Deployment" | "StatefulSet") {
        return Vec::new();
    }
    let image = "/spec/template/spec/containers/0/image";
    [("replicas", "/spec/replicas"), ("image", image)]
        .into_iter()
        .filter_map(|(attribute, pointer)| {
            let live = live.data.pointer(pointer)?;
            (manifest.object.pointer(pointer) != Some(live)).then(|| (attribute, live.clone()))
        })
        .collect()
}

/// The fields (as server-side apply names them in conflicts) of the attributes whose
/// change the plan carries from `prior` to `desired`: what an approved plan may take
/// back from another field manager.
pub fn approved_fields(prior: &Attrs, desired: &Attrs) -> Vec<&'static str> {
    let changed = |a: &str| prior.get(a) != desired.get(a);
    let mut fields = Vec::new();
    if changed("replicas") {
        fields.push(".spec.replicas");
    }
    if changed("image") {
        fields.push(".spec.template.spec.containers");
    }
    fields
}

/// One resource as the cluster has it: `None` when one of its `owned` objects is missing
/// (deleted by hand: the plan creates the resource again, and the apply restores what is
/// missing), else `prior` with the drift of its workloads over it.
pub fn read(prior: &Attrs, owned: &[&Manifest], listed: &Listed) -> Option<Attrs> {
    let mut attrs = prior.clone();
    for manifest in owned {
        let live = listed.get(&objects::reference(manifest))?;
        for (attribute, value) in drift(manifest, live) {
            attrs.insert(attribute.to_string(), value);
        }
    }
    Some(attrs)
}
