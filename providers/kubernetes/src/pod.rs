//! The pod template of a service or job: its container with image, port and resources,
//! and the placement rules of its `spread`.

use std::collections::BTreeMap;

use blueprint::{Fields, Instance};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, PodSpec, PodTemplateSpec, ResourceRequirements,
    TopologySpreadConstraint, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use crate::error::MapError;
use crate::quantity;

/// The node label Strata's clusters give each node with the hypervisor host it runs on
/// (`spread = "host"`); Kubernetes has no standard label for it.
pub const HOST_LABEL: &str = "topology.strata.dev/host";
/// Kubernetes' node name label (`spread = "node"`).
pub const NODE_LABEL: &str = "kubernetes.io/hostname";

/// The labels that select the pods of workload `name`.
pub fn selector_labels(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(crate::meta::NAME.to_string(), name.to_string())])
}

/// Requests and limits of one replica: the blueprint's `cpu` and `memory`, as limits too
/// (the Guaranteed QoS class: what the capacity planner reserves is what the pod may
/// use, and it is evicted last under node pressure).
pub fn resources(fields: &Fields) -> ResourceRequirements {
    let mut figures = BTreeMap::new();
    if let Some(cpu) = fields.num("cpu") {
        figures.insert("cpu".to_string(), quantity::cpu(cpu));
    }
    if let Some(memory) = fields.size("memory") {
        figures.insert("memory".to_string(), quantity::bytes(memory));
    }
    ResourceRequirements {
        requests: (!figures.is_empty()).then(|| figures.clone()),
        limits: (!figures.is_empty()).then_some(figures),
        ..ResourceRequirements::default()
    }
}

/// The topology spread constraints of `spread`: `node` puts replicas on different nodes
/// (maxSkew 1 over `kubernetes.io/hostname`, not scheduled otherwise); `host` does that
/// and also spreads them over hypervisor hosts ([`HOST_LABEL`]) as far as nodes carry
/// the label (ScheduleAnyway: a node without it does not block scheduling); `none` and
/// unset, nothing.
pub fn spread(spread: Option<&str>, name: &str) -> Vec<TopologySpreadConstraint> {
    let constraint = |key: &str, when: &str| TopologySpreadConstraint {
        max_skew: 1,
        topology_key: key.to_string(),
        when_unsatisfiable: when.to_string(),
        label_selector: Some(LabelSelector {
            match_labels: Some(selector_labels(name)),
            ..LabelSelector::default()
        }),
        ..TopologySpreadConstraint::default()
    };
    match spread {
        Some("node") => vec![constraint(NODE_LABEL, "DoNotSchedule")],
        Some("host") => vec![
            constraint(NODE_LABEL, "DoNotSchedule"),
            constraint(HOST_LABEL, "ScheduleAnyway"),
        ],
        _ => Vec::new(),
    }
}

/// The image of a service or job, which Kubernetes requires.
pub fn image(instance: &Instance) -> Result<String, MapError> {
    instance
        .fields
        .str("image")
        .map(str::to_string)
        .ok_or_else(|| {
            MapError::attribute(
                &instance.address,
                "image",
                "a pod needs a container image: set `image`",
            )
        })
}

/// The pod template of `instance`'s workload `name`, with `labels` on its pods.
pub fn template(
    instance: &Instance,
    name: &str,
    labels: BTreeMap<String, String>,
    restart: Option<&str>,
    mount: Option<VolumeMount>,
) -> Result<PodTemplateSpec, MapError> {
    let fields = &instance.fields;
    let port = fields.int("port").map(|p| {
        vec![ContainerPort {
            container_port: p as i32,
            name: Some("serve".into()),
            ..ContainerPort::default()
        }]
    });
    let container = Container {
        name: "main".into(),
        image: Some(image(instance)?),
        ports: port,
        resources: Some(resources(fields)),
        volume_mounts: mount.map(|m| vec![m]),
        ..Container::default()
    };
    let constraints = spread(fields.str("spread"), name);
    Ok(PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels),
            ..ObjectMeta::default()
        }),
        spec: Some(PodSpec {
            containers: vec![container],
            restart_policy: restart.map(str::to_string),
            topology_spread_constraints: (!constraints.is_empty()).then_some(constraints),
            ..PodSpec::default()
        }),
    })
}
