//! Delete: a resource's objects (found by the lineage's selector and their address
//! annotation) with foreground propagation, waiting until they are gone; then each zone
//! namespace they were in, when nothing is left in it but Strata's shared objects.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use kube::api::{DeleteParams, DynamicObject};
use planner::provider::Progress;

use crate::live::error::{LiveError, ObjectRef};
use crate::live::objects::{self, KINDS};
use crate::namespace::ZONE;

/// How often a delete checks whether the object is gone.
const POLL: Duration = Duration::from_millis(100);

/// Deletes the objects of `owner` among `kinds`, each in foreground, and waits until they
/// are gone (at most `timeout` each), reporting the object waited for to `progress`.
pub async fn delete_owned(
    client: &kube::Client,
    selector: &str,
    owner: &str,
    kinds: &[(&str, &str)],
    timeout: Duration,
    progress: &Progress,
) -> Result<(), LiveError> {
    let mut namespaces = BTreeSet::new();
    for (api_version, kind) in kinds {
        for object in objects::list(client, api_version, kind, None, selector).await? {
            if objects::owner(&object) != Some(owner) {
                continue;
            }
            let object = objects::listed(api_version, kind, &object);
            if !object.namespace.is_empty() {
                namespaces.insert(object.namespace.clone());
            }
            delete_one(client, &object, timeout, progress).await?;
        }
    }
    for namespace in namespaces {
        if zone_namespace_unused(client, &namespace).await? {
            let object = ObjectRef {
                api_version: "v1".into(),
                kind: "Namespace".into(),
                namespace: String::new(),
                name: namespace,
            };
            delete_one(client, &object, timeout, progress).await?;
        }
    }
    Ok(())
}

/// Deletes one object in foreground and waits until it is gone, reporting the wait to
/// `progress`; a missing one is deleted.
pub async fn delete_one(
    client: &kube::Client,
    object: &ObjectRef,
    timeout: Duration,
    progress: &Progress,
) -> Result<(), LiveError> {
    let api = objects::api(client, object);
    match api.delete(&object.name, &DeleteParams::foreground()).await {
        Ok(_) => {}
        Err(kube::Error::Api(s)) if s.code == 404 => return Ok(()),
        Err(e) => return Err(LiveError::call(object, e)),
    }
    let start = Instant::now();
    loop {
        match api.get_opt(&object.name).await {
            Ok(None) => return Ok(()),
            Ok(Some(_)) if start.elapsed() >= timeout => {
                return Err(LiveError::Other(format!(
                    "{object}: still there {} after its deletion (a finalizer keeps it?)",
                    blueprint::units::format_duration(timeout.as_millis() as u64)
                )));
            }
            Ok(Some(_)) => {
                progress.report(&format!("{object}: waiting until it is gone"));
                tokio::time::sleep(POLL).await;
            }
            Err(e) => return Err(LiveError::call(object, e)),
        }
    }
}

/// True when `namespace` is a zone's namespace (Strata's, without an owner) holding no
/// object of a kind Strata writes but Strata's shared ones (its default deny).
async fn zone_namespace_unused(client: &kube::Client, namespace: &str) -> Result<bool, LiveError> {
    let object = ObjectRef {
        api_version: "v1".into(),
        kind: "Namespace".into(),
        namespace: String::new(),
        name: namespace.to_string(),
    };
    let Some(ns) = objects::api(client, &object)
        .get_opt(namespace)
        .await
        .map_err(|e| LiveError::call(&object, e))?
    else {
        return Ok(false);
    };
    let is_zone = ns
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(ZONE));
    if !is_zone || objects::owner(&ns).is_some() {
        return Ok(false);
    }
    for (api_version, kind) in KINDS.iter().filter(|(_, k)| *k != "Namespace") {
        let held = objects::list(client, api_version, kind, Some(namespace), "").await?;
        if held.iter().any(|o| !shared(o)) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// An object that does not keep a zone's namespace: one being deleted, or one Strata
/// writes for the whole zone (its default deny: managed by Strata, no owning address).
fn shared(object: &DynamicObject) -> bool {
    let managed = object
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(crate::meta::MANAGED_BY))
        .is_some_and(|v| v == "strata");
    object.metadata.deletion_timestamp.is_some() || managed && objects::owner(object).is_none()
}
