//! Refresh: Strata's objects of each kind the requested resources have, listed once
//! cluster-wide with the lineage's label selector (not one GET per object), then each
//! resource read from them: gone when one of its objects is missing, and the fields a
//! hand can change read back as drift ([`drift`]).

use std::collections::{BTreeMap, BTreeSet};

use kube::api::DynamicObject;
use planner::Attrs;

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

/// One resource as the cluster has it: `None` when one of its objects is missing
/// (deleted by hand, its own or one it shares such as a zone's default deny: the plan
/// creates the resource again, and the apply restores what is missing), else `prior`
/// with the drift of its objects over it ([`drift`]).
pub fn read(prior: &Attrs, manifests: &[&Manifest], listed: &Listed) -> Option<Attrs> {
    let mut attrs = prior.clone();
    let mut read = BTreeSet::new();
    for manifest in manifests {
        let live = listed.get(&objects::reference(manifest))?;
        let live = serde_json::to_value(live).unwrap_or_default();
        for found in drift::drift(manifest, &live, prior) {
            if read.insert(found.attribute.clone()) {
                drift::set(&mut attrs, &found.attribute, found.live);
            }
        }
    }
    Some(attrs)
}
