//! Drift: the fields of Strata's objects that a hand can change (`kubectl edit`, `scale`,
//! `patch`) read back as the blueprint attributes they come from, so that the plan shows
//! them (`~ cpu = 1 -> 0.5`) and the apply takes them back.
//!
//! Only fields Strata applies are compared, each at its own place (the container `main`
//! by name, the port `serve` by name), figures as quantities (`500m` is `0.5`, `1Gi` is
//! `1024Mi`): what others add (labels, annotations, sidecars, status) and what a real API
//! server fills in by default (a Deployment's `strategy`, a port's `protocol`) is never
//! drift. An environment's copies of services are read for their existence only: their
//! figures are the services' attributes, not the environment's.

pub mod policy;
pub mod quota;
pub mod workload;

use planner::Attrs;
use serde_json::Value;

use crate::manifest::Manifest;
use crate::quantity;

/// One attribute as the cluster has it.
#[derive(Clone, Debug, PartialEq)]
pub struct Drift {
    /// Its path among the resource's attributes: `cpu`, or a nested block's
    /// `quota.0.memory` (block type, index, attribute).
    pub attribute: String,
    /// Its value on the cluster, as the blueprint writes it (`0.5` cores, `"2GiB"`);
    /// `Null` when the field is gone from the object.
    pub live: Value,
}

impl Drift {
    /// `attribute` reads `live`.
    pub fn new(attribute: &str, live: Value) -> Drift {
        Drift {
            attribute: attribute.to_string(),
            live,
        }
    }
}

/// How a field's value reads back: as it is, as CPU cores, or as a size in bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Figure {
    /// Compared and read back as it is (a count, an image, a schedule).
    Exact,
    /// A CPU quantity, read back in cores (`750m` is `0.75`).
    Cpu,
    /// A memory or storage quantity, read back as the blueprint's size (`1Gi` is `"1GiB"`).
    Bytes,
}

impl Figure {
    /// Whether `want` and `have` are the same figure.
    pub fn same(self, want: &Value, have: &Value) -> bool {
        match (self, want.as_str(), have.as_str()) {
            (Figure::Cpu | Figure::Bytes, Some(a), Some(b)) => quantity::same(a, b),
            _ => want == have,
        }
    }

    /// `have` as the blueprint writes the attribute; as it is when it is no quantity.
    pub fn attribute(self, have: &Value) -> Value {
        let text = have.as_str().unwrap_or_default();
        let read = match self {
            Figure::Exact => None,
            Figure::Cpu => quantity::cores(text).map(|cores| {
                if cores.fract() == 0.0 {
                    Value::from(cores as i64)
                } else {
                    Value::from(cores)
                }
            }),
            Figure::Bytes => {
                quantity::to_bytes(text).map(|b| blueprint::units::format_size(b).into())
            }
        };
        read.unwrap_or_else(|| have.clone())
    }
}

/// The drift of one field Strata applies at `pointer` under `want` (what Strata applies)
/// and `have` (the object on the cluster): `None` when Strata does not set it or the
/// cluster has the same figure.
pub fn field(
    attribute: &str,
    figure: Figure,
    want: &Value,
    have: &Value,
    pointer: &str,
) -> Option<Drift> {
    let wanted = want.pointer(pointer)?;
    match have.pointer(pointer) {
        Some(live) if figure.same(wanted, live) => None,
        Some(live) => Some(Drift::new(attribute, figure.attribute(live))),
        None => Some(Drift::new(attribute, Value::Null)),
    }
}

/// What the cluster's `live` object (its whole JSON) changes of the attributes `prior`
/// of the resource that applies `manifest`; one drift per attribute, the first found.
pub fn drift(manifest: &Manifest, live: &Value, prior: &Attrs) -> Vec<Drift> {
    let copy = manifest
        .object
        .pointer("/metadata/annotations")
        .is_some_and(|a| a.get(crate::meta::COPY_OF).is_some());
    if copy {
        return Vec::new();
    }
    let want = &manifest.object;
    let found = match manifest.kind() {
        "Deployment" | "StatefulSet" | "Job" | "CronJob" => workload::drift(want, live),
        "Service" => workload::service(want, live),
        "PodDisruptionBudget" => workload::budget(want, live),
        "ResourceQuota" | "LimitRange" => quota::drift(want, live),
        "NetworkPolicy" => policy::drift(want, live, prior),
        _ => Vec::new(),
    };
    let mut out: Vec<Drift> = Vec::new();
    for d in found {
        if !out.iter().any(|o| o.attribute == d.attribute) {
            out.push(d);
        }
    }
    out
}

/// Sets the attribute at `path` (as [`Drift::attribute`] names it) of `attrs` to
/// `value`, removing it for `Null`; a nested block the attributes lack is left alone.
pub fn set(attrs: &mut Attrs, path: &str, value: Value) {
    let mut steps = path.split('.');
    let Some(first) = steps.next() else { return };
    let rest: Vec<&str> = steps.collect();
    let Some((last, middle)) = rest.split_last() else {
        match value {
            Value::Null => attrs.remove(first),
            value => attrs.insert(first.to_string(), value),
        };
        return;
    };
    let mut at = attrs.get_mut(first);
    for step in middle {
        at = match at {
            Some(Value::Array(items)) => step.parse().ok().and_then(|i: usize| items.get_mut(i)),
            Some(Value::Object(map)) => map.get_mut(*step),
            _ => None,
        };
    }
    if let Some(Value::Object(map)) = at {
        match value {
            Value::Null => map.remove(*last),
            value => map.insert(last.to_string(), value),
        };
    }
}

/// The pod template's containers, where server-side apply names a change to them.
const CONTAINERS: &str = ".spec.template.spec.containers";
/// A CronJob's containers.
const CRON_CONTAINERS: &str = ".spec.jobTemplate.spec.template.spec.containers";

/// The fields (as server-side apply names them in conflicts) of each attribute read
/// back as drift.
const FIELDS: &[(&str, &[&str])] = &[
    ("replicas", &[".spec.replicas"]),
    ("image", &[CONTAINERS, CRON_CONTAINERS]),
    ("cpu", &[CONTAINERS, CRON_CONTAINERS]),
    ("memory", &[CONTAINERS, CRON_CONTAINERS]),
    ("port", &[CONTAINERS, ".spec.ports"]),
    ("quorum", &[".spec.minAvailable"]),
    ("volume", &[".spec.volumeClaimTemplates"]),
    ("schedule", &[".spec.schedule"]),
    (
        "parallelism",
        &[
            ".spec.parallelism",
            ".spec.completions",
            ".spec.jobTemplate.spec.parallelism",
            ".spec.jobTemplate.spec.completions",
        ],
    ),
    (
        "retries",
        &[".spec.backoffLimit", ".spec.jobTemplate.spec.backoffLimit"],
    ),
    ("quota", &[".spec.hard", ".spec.limits"]),
    ("from", &[".spec.ingress"]),
    ("ports", &[".spec.ingress"]),
    ("protocol", &[".spec.ingress"]),
];

/// The fields (as server-side apply names them in conflicts) of the attributes read back
/// as drift whose change the plan carries from `prior` to `desired`: what an approved
/// plan may take back from another field manager.
pub fn approved_fields(prior: &Attrs, desired: &Attrs) -> Vec<&'static str> {
    let mut fields: Vec<&'static str> = FIELDS
        .iter()
        .filter(|(attribute, _)| prior.get(*attribute) != desired.get(*attribute))
        .flat_map(|(_, fields)| fields.iter().copied())
        .collect();
    fields.sort_unstable();
    fields.dedup();
    fields
}
