//! The drift of a service's and a job's objects: a workload's `replicas`, its container
//! `main`'s `image`, `cpu` and `memory` (requests and limits) and port `serve`, a
//! StatefulSet's claim size (`volume.size`), a CronJob's `schedule`, a Job's
//! `parallelism` and `retries`; the Service's port; the PodDisruptionBudget's `quorum`.

use serde_json::Value;

use super::{Drift, Figure, field};

/// The container Strata's pod templates run ([`crate::pod::template`]).
const MAIN: &str = "main";
/// The port Strata's containers and Services name.
const SERVE: &str = "serve";

/// The item of the list at `pointer` in `object` whose `name` is `name`, or Null when the
/// list or the item is gone (so each field Strata sets under it reads as gone).
fn named<'a>(object: &'a Value, pointer: &str, name: &str) -> &'a Value {
    object
        .pointer(pointer)
        .and_then(Value::as_array)
        .and_then(|items| items.iter().find(|i| i["name"] == name))
        .unwrap_or(&Value::Null)
}

/// Where a kind's pod spec and Job spec are: a CronJob's under its job template.
fn bases(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "CronJob" => (
            "/spec/jobTemplate/spec/template/spec",
            "/spec/jobTemplate/spec",
        ),
        _ => ("/spec/template/spec", "/spec"),
    }
}

/// The drift of the container `main` of a pod spec (`want` and `have`).
fn container(want: &Value, have: &Value) -> Vec<Drift> {
    let want = named(want, "/containers", MAIN);
    let have = named(have, "/containers", MAIN);
    let mut out: Vec<Drift> = [
        ("image", Figure::Exact, "/image"),
        ("cpu", Figure::Cpu, "/resources/requests/cpu"),
        ("cpu", Figure::Cpu, "/resources/limits/cpu"),
        ("memory", Figure::Bytes, "/resources/requests/memory"),
        ("memory", Figure::Bytes, "/resources/limits/memory"),
    ]
    .into_iter()
    .filter_map(|(attribute, figure, pointer)| field(attribute, figure, want, have, pointer))
    .collect();
    let port = |c: &Value| named(c, "/ports", SERVE).clone();
    out.extend(field(
        "port",
        Figure::Exact,
        &port(want),
        &port(have),
        "/containerPort",
    ));
    out
}

/// The drift of a Deployment, StatefulSet, Job or CronJob (`want` as Strata applies it,
/// `have` as the cluster has it); a field its kind does not have is not in `want`.
pub fn drift(want: &Value, have: &Value) -> Vec<Drift> {
    let kind = want["kind"].as_str().unwrap_or_default();
    let (pod, job) = bases(kind);
    let mut out: Vec<Drift> = [
        ("replicas", "/spec/replicas".to_string()),
        ("schedule", "/spec/schedule".to_string()),
        ("parallelism", format!("{job}/parallelism")),
        ("parallelism", format!("{job}/completions")),
        ("retries", format!("{job}/backoffLimit")),
    ]
    .into_iter()
    .filter_map(|(attribute, pointer)| field(attribute, Figure::Exact, want, have, &pointer))
    .collect();
    let null = &Value::Null;
    out.extend(container(
        want.pointer(pod).unwrap_or(null),
        have.pointer(pod).unwrap_or(null),
    ));
    let claim = "/spec/volumeClaimTemplates/0/spec/resources/requests/storage";
    out.extend(field("volume.0.size", Figure::Bytes, want, have, claim));
    out
}

/// The drift of a Service: its port `serve`.
pub fn service(want: &Value, have: &Value) -> Vec<Drift> {
    let port = |v: &Value| named(v, "/spec/ports", SERVE).clone();
    field("port", Figure::Exact, &port(want), &port(have), "/port")
        .into_iter()
        .collect()
}

/// The drift of a PodDisruptionBudget: its `minAvailable`, the service's `quorum`.
pub fn budget(want: &Value, have: &Value) -> Vec<Drift> {
    field("quorum", Figure::Exact, want, have, "/spec/minAvailable")
        .into_iter()
        .collect()
}
