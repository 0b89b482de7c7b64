//! Waiting for a Deployment or StatefulSet to be available: a watch on the one object
//! until the controller has observed its generation and every replica is available, or
//! the timeout.

use std::time::Duration;

use kube::api::DynamicObject;
use kube::runtime::wait::await_condition;
use planner::provider::Progress;
use serde_json::Value;

use crate::live::error::{LiveError, ObjectRef};
use crate::live::objects;

/// `Some(progress)` while the rollout goes on (`1/3 replicas available`), `None` once the
/// controller has observed the object's generation and all its replicas are available.
pub fn progress(object: &DynamicObject) -> Option<String> {
    let int = |pointer: &str| object.data.pointer(pointer).and_then(Value::as_i64);
    let wanted = int("/spec/replicas").unwrap_or(1);
    let available = int("/status/availableReplicas").unwrap_or(0);
    let observed = int("/status/observedGeneration").unwrap_or(0);
    let generation = object.metadata.generation.unwrap_or(0);
    if observed >= generation && available >= wanted {
        None
    } else if observed < generation {
        Some(format!(
            "{available}/{wanted} replicas available, generation {generation} not yet observed by the controller"
        ))
    } else {
        Some(format!("{available}/{wanted} replicas available"))
    }
}

/// Waits until `object` is available, at most `timeout`, reporting each change of its
/// rollout to `sink` (`Deployment app/portal: 1/3 replicas available`).
pub async fn wait(
    client: &kube::Client,
    object: &ObjectRef,
    timeout: Duration,
    sink: &Progress,
) -> Result<(), LiveError> {
    let api = objects::api(client, object);
    let done = |o: Option<&DynamicObject>| match o.map(progress) {
        Some(None) => true,
        Some(Some(p)) => {
            sink.report(&format!("{object}: {p}"));
            false
        }
        None => false,
    };
    let waited = tokio::time::timeout(timeout, await_condition(api.clone(), &object.name, done));
    match waited.await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(LiveError::Unreachable {
            object: object.clone(),
            message: e.to_string(),
        }),
        Err(_) => {
            let last = api
                .get_opt(&object.name)
                .await
                .ok()
                .flatten()
                .and_then(|o| progress(&o))
                .unwrap_or_else(|| "it no longer exists".into());
            Err(LiveError::Rollout {
                object: object.clone(),
                timeout: blueprint::units::format_duration(timeout.as_millis() as u64),
                progress: last,
            })
        }
    }
}
