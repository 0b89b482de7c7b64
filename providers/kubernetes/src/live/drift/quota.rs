//! The drift of an environment's ResourceQuota (`requests.*` and `limits.*` of `hard`)
//! and LimitRange (the containers' `max`): its `quota` block's `cpu` and `memory`. The
//! LimitRange's defaults are the catalog's, not the blueprint's, and are not read.

use serde_json::Value;

use super::{Drift, Figure, field};

/// The attribute paths of the quota's figures.
const CPU: &str = "quota.0.cpu";
const MEMORY: &str = "quota.0.memory";

/// The LimitRange item for containers, or Null when it is gone.
fn containers(object: &Value) -> &Value {
    object
        .pointer("/spec/limits")
        .and_then(Value::as_array)
        .and_then(|items| items.iter().find(|i| i["type"] == "Container"))
        .unwrap_or(&Value::Null)
}

/// The drift of a ResourceQuota or a LimitRange of an environment.
pub fn drift(want: &Value, have: &Value) -> Vec<Drift> {
    let figures = [(CPU, Figure::Cpu, "cpu"), (MEMORY, Figure::Bytes, "memory")];
    if want["kind"] == "LimitRange" {
        let (want, have) = (containers(want), containers(have));
        return figures
            .into_iter()
            .filter_map(|(path, figure, name)| {
                field(path, figure, want, have, &format!("/max/{name}"))
            })
            .collect();
    }
    figures
        .into_iter()
        .flat_map(|(path, figure, name)| {
            ["requests", "limits"].map(|scope| (path, figure, format!("/spec/hard/{scope}.{name}")))
        })
        .filter_map(|(path, figure, pointer)| field(path, figure, want, have, &pointer))
        .collect()
}
