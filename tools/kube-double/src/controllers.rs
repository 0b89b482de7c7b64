//! The controllers, reduced to the status they write so that waits mean something:
//! Deployments and StatefulSets roll out one replica per `rollout_delay` (or never, for
//! the objects held by [`crate::Knobs::hold`]), Jobs complete after `job_delay`. There are
//! no pods.

use crate::catalog::ResourceType;
use crate::state::State;
use crate::store;
use serde_json::{Value, json};
use std::sync::Arc;

/// Called after every stored write: starts the controller of the object's type when its
/// spec moved past what the status reports. A rollout makes one more replica ready every
/// `rollout_delay` (so waits see progress); a Job completes after `job_delay`.
pub fn schedule(state: &Arc<State>, rt: &'static ResourceType, obj: &Value) {
    let generation = obj
        .pointer("/metadata/generation")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let observed = obj
        .pointer("/status/observedGeneration")
        .and_then(Value::as_i64);
    let delay = match rt.plural {
        "deployments" | "statefulsets" if observed != Some(generation) => {
            state.knobs().rollout_delay
        }
        "jobs" if obj.get("status").is_none() => state.knobs().job_delay,
        _ => return,
    };
    let (state, uid) = (Arc::clone(state), store::uid_of(obj).to_string());
    let (ns, name) = (
        store::namespace_of(obj).to_string(),
        store::name_of(obj).to_string(),
    );
    tokio::spawn(async move {
        let mut ready = 0;
        loop {
            tokio::time::sleep(delay).await;
            let held = state.knobs().is_held(rt.plural, &ns, &name);
            let mut store = state.store();
            let Some(mut obj) = store.get(rt, &ns, &name).cloned() else {
                return;
            };
            let now_generation = obj
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            if store::uid_of(&obj) != uid || now_generation != generation {
                return; // Replaced or changed since: the later write runs its own rollout.
            }
            let n = replicas(&obj);
            ready = if held { 0 } else { (ready + 1).min(n) };
            obj["status"] = match rt.plural {
                "deployments" => deployment_status(&obj, generation, ready),
                "statefulsets" => statefulset_status(&obj, generation, ready),
                _ => job_status(&obj, held),
            };
            store.put(rt, obj);
            if held || ready >= n || rt.plural == "jobs" {
                return;
            }
        }
    });
}

fn replicas(obj: &Value) -> i64 {
    obj.pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1)
}

fn condition(kind: &str, status: bool, reason: &str, message: &str) -> Value {
    let now = store::now();
    json!({"type": kind, "status": if status { "True" } else { "False" }, "reason": reason,
           "message": message, "lastUpdateTime": now, "lastTransitionTime": now})
}

fn deployment_status(obj: &Value, generation: i64, ready: i64) -> Value {
    let n = replicas(obj);
    let rs = format!("ReplicaSet \"{}\"", store::name_of(obj));
    let (progressing, available) = if ready >= n {
        (
            condition(
                "Progressing",
                true,
                "NewReplicaSetAvailable",
                &format!("{rs} has successfully progressed."),
            ),
            condition(
                "Available",
                true,
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
            ),
        )
    } else {
        (
            condition(
                "Progressing",
                true,
                "ReplicaSetUpdated",
                &format!("{rs} is progressing."),
            ),
            condition(
                "Available",
                false,
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            ),
        )
    };
    let mut status = json!({
        "observedGeneration": generation, "replicas": n, "updatedReplicas": n,
        "conditions": [available, progressing],
    });
    // The server omits zero counts.
    for (field, count) in [
        ("readyReplicas", ready),
        ("availableReplicas", ready),
        ("unavailableReplicas", n - ready),
    ] {
        if count > 0 {
            status[field] = json!(count);
        }
    }
    status
}

fn statefulset_status(obj: &Value, generation: i64, ready: i64) -> Value {
    let n = replicas(obj);
    let revision = format!("{}-{generation}", store::name_of(obj));
    json!({
        "observedGeneration": generation, "replicas": n, "readyReplicas": ready,
        "availableReplicas": ready, "currentReplicas": n, "updatedReplicas": n,
        "currentRevision": revision, "updateRevision": revision, "collisionCount": 0,
    })
}

fn job_status(obj: &Value, held: bool) -> Value {
    let start = obj
        .pointer("/metadata/creationTimestamp")
        .cloned()
        .unwrap_or(json!(store::now()));
    if held {
        return json!({"startTime": start, "active": 1, "ready": 0});
    }
    let completions = obj
        .pointer("/spec/completions")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    json!({
        "startTime": start, "completionTime": store::now(), "succeeded": completions,
        "ready": 0, "terminating": 0,
        "conditions": [
            condition("SuccessCriteriaMet", true, "CompletionsReached", "Reached expected number of succeeded pods"),
            condition("Complete", true, "CompletionsReached", "Reached expected number of succeeded pods"),
        ],
    })
}
