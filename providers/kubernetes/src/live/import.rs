//! `strata import` on Kubernetes: a resource whose objects were made by other means
//! (`kubectl apply`) taken under management. Its import id is the `NAMESPACE/NAME` of its
//! main object (a service's Deployment or StatefulSet, a job's Job or CronJob, a network
//! policy's first NetworkPolicy; an environment's Namespace is `NAME`), the name Strata
//! gives the address: its objects are found by the names the mapping gives them.
//!
//! Unlike Terraform's read-only import, this import writes one thing: Strata's labels
//! (managed-by, the state's lineage) and address annotation on the resource's objects,
//! with a merge patch that changes nothing else, so that a refresh (one LIST per kind
//! with the lineage's label selector) and a delete find them.

use kube::api::{DynamicObject, Patch, PatchParams};
use planner::Attrs;
use serde_json::json;

use crate::live::error::{LiveError, ObjectRef};
use crate::live::refresh::Listed;
use crate::live::{drift, objects};
use crate::manifest::Manifest;
use crate::meta;

/// The kinds whose object names a resource, in the order one is chosen.
const MAIN: [&str; 6] = [
    "Deployment",
    "StatefulSet",
    "CronJob",
    "Job",
    "NetworkPolicy",
    "Namespace",
];

/// The object whose reference is the import id of the resource owning `owned`.
pub fn main_object<'a>(owned: &[&'a Manifest]) -> Option<&'a Manifest> {
    MAIN.iter()
        .find_map(|kind| owned.iter().find(|m| m.kind() == *kind).copied())
}

/// The import id of `manifest`: `NAMESPACE/NAME`, or `NAME` when cluster-scoped.
pub fn id_of(manifest: &Manifest) -> String {
    match manifest.namespace() {
        "" => manifest.name().to_string(),
        ns => format!("{ns}/{}", manifest.name()),
    }
}

/// What went wrong: an API error, or why the objects cannot be this resource's.
pub enum Refused {
    /// The API server's answer.
    Api(LiveError),
    /// Why not, for the user.
    Not(String),
}

impl From<LiveError> for Refused {
    fn from(e: LiveError) -> Refused {
        Refused::Api(e)
    }
}

/// Imports the resource at `address` owning `owned` from the objects `id` names: its
/// attributes (the blueprint's `desired`, with what a refresh reads over them).
pub async fn import(
    client: &kube::Client,
    lineage: &str,
    address: &str,
    owned: &[&Manifest],
    id: &str,
    desired: &Attrs,
) -> Result<Attrs, Refused> {
    let Some(main) = main_object(owned) else {
        return Err(Refused::Not(format!(
            "{address} maps to no Kubernetes object to import (only services on a cluster, network policies, jobs and environments do)"
        )));
    };
    let want = id_of(main);
    if id != want {
        return Err(Refused::Not(format!(
            "{address} is {} on its cluster: its import id is \"{want}\" (`NAMESPACE/NAME` of a service's Deployment or StatefulSet, a job's Job or CronJob, a network policy's NetworkPolicy; an environment's namespace `NAME`). Strata finds a resource's objects by the names it gives them, so an object under another name cannot be this resource",
            objects::reference(main)
        )));
    }
    let mut listed = Listed::new();
    let mut missing = Vec::new();
    for manifest in owned {
        let at = objects::reference(manifest);
        let got = objects::api(client, &at)
            .get_opt(manifest.name())
            .await
            .map_err(|e| LiveError::call(&at, e))?;
        match got {
            Some(object) => {
                if let Some(other) = objects::owner(&object).filter(|o| *o != address) {
                    return Err(Refused::Not(format!(
                        "{at} is Strata's already, as {other}'s"
                    )));
                }
                listed.insert(at, object);
            }
            None => missing.push(at.to_string()),
        }
    }
    if !listed.contains_key(&objects::reference(main)) {
        return Err(Refused::Not(format!(
            "{} does not exist on the cluster",
            objects::reference(main)
        )));
    }
    if !missing.is_empty() {
        return Err(Refused::Not(format!(
            "{address} maps to {} as well, which the cluster does not have: make them (or run apply without importing: its server-side apply takes over objects that exist)",
            missing.join(", ")
        )));
    }
    let mut attrs = desired.clone();
    for (at, object) in &mut listed {
        *object = label(client, lineage, address, at).await?;
        if let Some(manifest) = owned.iter().find(|m| objects::reference(m) == *at) {
            let live = serde_json::to_value(&*object).unwrap_or_default();
            for found in drift::drift(manifest, &live, desired) {
                drift::set(&mut attrs, &found.attribute, found.live);
            }
        }
    }
    Ok(attrs)
}

/// Puts Strata's labels and `address`'s annotation on the object `at`, changing nothing
/// else; the object as it is then.
async fn label(
    client: &kube::Client,
    lineage: &str,
    address: &str,
    at: &ObjectRef,
) -> Result<DynamicObject, LiveError> {
    let patch = json!({
        "metadata": {
            "labels": { meta::MANAGED_BY: "strata", meta::LINEAGE: lineage },
            "annotations": { meta::ADDRESS: address },
        }
    });
    let params = PatchParams {
        field_manager: Some("strata".into()),
        ..PatchParams::default()
    };
    objects::api(client, at)
        .patch(&at.name, &params, &Patch::Merge(&patch))
        .await
        .map_err(|e| LiveError::call(at, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(kind: &str, namespace: &str, name: &str) -> Manifest {
        let mut metadata = json!({ "name": name });
        if !namespace.is_empty() {
            metadata["namespace"] = namespace.into();
        }
        Manifest {
            cluster: "lab".into(),
            object: json!({ "apiVersion": "v1", "kind": kind, "metadata": metadata }),
        }
    }

    #[test]
    fn the_import_id_is_the_workload_or_the_namespace_of_a_resource() {
        let service = [
            object("Service", "app", "web"),
            object("PodDisruptionBudget", "app", "web"),
            object("Deployment", "app", "web"),
        ];
        let owned: Vec<&Manifest> = service.iter().collect();
        assert_eq!(main_object(&owned).map(id_of).as_deref(), Some("app/web"));
        let environment = [
            object("ResourceQuota", "env-sit", "quota"),
            object("Namespace", "", "env-sit"),
        ];
        let owned: Vec<&Manifest> = environment.iter().collect();
        assert_eq!(main_object(&owned).map(id_of).as_deref(), Some("env-sit"));
        assert!(main_object(&[]).is_none());
    }
}
