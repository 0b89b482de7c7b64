//! Refresh: Strata's objects of each kind the requested resources have, listed once
//! cluster-wide with the lineage's label selector (not one GET per object), then each
//! resource read from them: gone when one of its objects is missing, and the fields a
//! hand can change read back as drift ([`drift`]).

use std::collections::{BTreeMap, BTreeSet};

use kube::api::DynamicObject;
use planner::Attrs;
use serde_json::Value;

use crate::live::error::{LiveError, ObjectRef};
use crate::live::{drift, objects};
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

/// The attribute that records the objects an apply made for a resource
/// ([`applied`]), so that a refresh tells an object deleted by hand from one the
/// blueprint asks for only since (a PodDisruptionBudget once `replicas` grows past 1).
pub const APPLIED: &str = "objects";

/// `attrs` with [`APPLIED`] listing the objects of `manifests` (as `Kind namespace/name`).
pub fn applied<'a>(mut attrs: Attrs, manifests: impl IntoIterator<Item = &'a Manifest>) -> Attrs {
    let refs = manifests
        .into_iter()
        .map(|m| Value::String(objects::reference(m).to_string()))
        .collect();
    attrs.insert(APPLIED.to_string(), Value::Array(refs));
    attrs
}

/// One resource as the cluster has it: `None` when one of the objects its last apply
/// made is missing (deleted by hand, its own or one it shares such as a zone's default
/// deny: the plan creates the resource again, and the apply restores what is missing),
/// else `prior` with the drift of its objects over it ([`drift`]). A run-once Job
/// missing has finished and been removed by its TTL (`ttlSecondsAfterFinished`): the
/// job reads as it was, so that an apply does not run it again. An object the
/// blueprint asks for that the last apply did not make is not looked for: the plan's
/// update makes it. A prior without [`APPLIED`] (a state written before it) needs
/// every object.
pub fn read(prior: &Attrs, manifests: &[&Manifest], listed: &Listed) -> Option<Attrs> {
    let made: Option<BTreeSet<&str>> = prior
        .get(APPLIED)
        .and_then(Value::as_array)
        .map(|refs| refs.iter().filter_map(Value::as_str).collect());
    let mut attrs = prior.clone();
    let mut read = BTreeSet::new();
    for manifest in manifests {
        let reference = objects::reference(manifest);
        let Some(live) = listed.get(&reference) else {
            // Not made by the last apply; or a run-once Job, which its TTL removes once
            // it has finished: gone, it has run, and is not run again.
            if manifest.kind() == "Job"
                || made
                    .as_ref()
                    .is_some_and(|made| !made.contains(reference.to_string().as_str()))
            {
                continue;
            }
            return None;
        };
        let live = serde_json::to_value(live).unwrap_or_default();
        for found in drift::drift(manifest, &live, prior) {
            if read.insert(found.attribute.clone()) {
                drift::set(&mut attrs, &found.attribute, found.live);
            }
        }
    }
    Some(attrs)
}
