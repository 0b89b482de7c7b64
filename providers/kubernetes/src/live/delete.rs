//! Delete: a resource's objects (those the run's [`Known`] objects give its address)
//! with foreground propagation, waiting until they are gone; then each zone namespace
//! they were in, when nothing is left in it but Strata's shared objects.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use kube::api::DeleteParams;
use planner::provider::Progress;

use crate::live::error::{LiveError, ObjectRef};
use crate::live::known::{Known, namespace_ref};
use crate::live::objects::{self, KINDS};

/// How often a delete checks whether the object is gone.
const POLL: Duration = Duration::from_millis(100);

/// Deletes the objects of `owner` (as the run's [`Known`] objects have them), each in
/// foreground, and waits until they are gone (at most `timeout` each), reporting the
/// object waited for to `progress`; then each zone namespace they were in that holds
/// nothing else: nothing of Strata's but the zone's shared objects ([`Known`]) and, at a
/// fresh look, nothing of other writers' (objects without the label `strata.dev/lineage`
/// of `lineage`).
pub async fn delete_owned(
    client: &kube::Client,
    known: &Known,
    lineage: &str,
    owner: &str,
    timeout: Duration,
    progress: &Progress,
) -> Result<(), LiveError> {
    let mine = known
        .owned(client, &objects::selector(lineage), owner)
        .await?;
    let namespaces: BTreeSet<String> = mine
        .iter()
        .filter(|o| !o.namespace.is_empty())
        .map(|o| o.namespace.clone())
        .collect();
    for object in &mine {
        delete_one(client, object, timeout, progress).await?;
        known.gone(object).await;
    }
    for namespace in namespaces {
        if known.claim_namespace(&namespace).await
            && !others_in(client, &namespace, lineage).await?
            && !known.holds_in(&namespace).await
        {
            delete_one(client, &namespace_ref(&namespace), timeout, progress).await?;
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

/// Whether `namespace` holds an object of a kind Strata writes that is not Strata's
/// (of this state's `lineage`) and not being deleted: one LIST per kind in it.
async fn others_in(
    client: &kube::Client,
    namespace: &str,
    lineage: &str,
) -> Result<bool, LiveError> {
    let others = format!("{}!={lineage}", crate::meta::LINEAGE);
    for (api_version, kind) in KINDS.iter().filter(|(_, k)| *k != "Namespace") {
        let held = objects::list(client, api_version, kind, Some(namespace), &others).await?;
        if held.iter().any(|o| o.metadata.deletion_timestamp.is_none()) {
            return Ok(true);
        }
    }
    Ok(false)
}
