//! A `service` on a cluster: its Deployment (stateless) or StatefulSet (stateful, or
//! with a volume per replica), its Service, and its PodDisruptionBudget from `quorum`.

use std::collections::BTreeMap;

use blueprint::{Address, Instance};
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimSpec, Service, ServicePort, ServiceSpec,
    VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::ctx::Ctx;
use crate::error::MapError;
use crate::manifest::Manifest;
use crate::meta::{COMPONENT, COPY_OF, Meta};
use crate::{names, pod, quantity};

/// Where a service's objects go: the cluster, the namespace, the address that owns them
/// (the service, or the environment holding a copy of it) and what it is a copy of.
#[derive(Clone, Debug)]
pub struct Placement<'a> {
    /// The cluster's folder name.
    pub cluster: String,
    /// The namespace.
    pub namespace: String,
    /// The owning address.
    pub owner: &'a Address,
    /// The service copied, for an environment's copy.
    pub copy_of: Option<&'a Address>,
    /// The cluster's `storage`: the StorageClass of volumes that name none.
    pub storage: Option<&'a Address>,
}

/// The volume a volume claim template is called, and its mount path when none is given.
const VOLUME: &str = "data";
const DEFAULT_PATH: &str = "/data";

/// Whether the service runs as a StatefulSet: `stateful` (the catalog's default for its
/// kind) or a `volume` (a claim per replica is what a StatefulSet's volumeClaimTemplates
/// are; a Deployment's replicas would share one).
pub fn is_stateful(instance: &Instance) -> bool {
    instance.fields.bool("stateful").unwrap_or(false) || instance.fields.block("volume").is_some()
}

/// The PodDisruptionBudget's minAvailable: the quorum (one when unset), for a service of
/// more than one replica; a single replica gets none, since a budget of one would block
/// every node drain.
pub fn min_available(replicas: i64, quorum: Option<i64>) -> Option<i32> {
    (replicas > 1).then(|| quorum.unwrap_or(1).clamp(1, replicas) as i32)
}

/// The objects of `instance` placed by `at`.
pub fn manifests(
    instance: &Instance,
    ctx: &Ctx,
    at: &Placement,
) -> Result<Vec<Manifest>, MapError> {
    let fields = &instance.fields;
    let name = names::object(&instance.address);
    let kind = fields.str("kind").unwrap_or("application");
    let meta = |object: &str| -> Meta {
        let meta = ctx
            .meta(object, Some(&at.namespace), Some(at.owner))
            .label(crate::meta::NAME, &name)
            .label(COMPONENT, kind);
        match at.copy_of {
            Some(original) => meta.annotate(COPY_OF, &original.to_string()),
            None => meta,
        }
    };
    let replicas = match fields.get("replicas") {
        Some(blueprint::Typed::Int(n)) => *n,
        _ => {
            return Err(MapError::attribute(
                &instance.address,
                "replicas",
                "must be known to render (it is known after apply)",
            ));
        }
    };
    let selector = LabelSelector {
        match_labels: Some(pod::selector_labels(&name)),
        ..LabelSelector::default()
    };
    let mut pod_labels = pod::selector_labels(&name);
    pod_labels.insert(COMPONENT.into(), kind.into());
    let mut out = Vec::new();
    let port = fields.int("port");
    let stateful = is_stateful(instance);
    if stateful {
        let volume = fields.block("volume");
        let mount = volume.map(|v| VolumeMount {
            name: VOLUME.into(),
            mount_path: v.fields.str("path").unwrap_or(DEFAULT_PATH).into(),
            ..VolumeMount::default()
        });
        let claims = volume
            .map(|v| claim(instance, &v.fields, at.storage))
            .transpose()?;
        let set = StatefulSet {
            metadata: meta(&name).object_meta(),
            spec: Some(StatefulSetSpec {
                replicas: Some(replicas as i32),
                selector: selector.clone(),
                service_name: Some(name.clone()),
                pod_management_policy: Some("Parallel".into()),
                template: pod::template(instance, &name, pod_labels, None, mount)?,
                volume_claim_templates: claims.map(|c| vec![c]),
                ..StatefulSetSpec::default()
            }),
            ..StatefulSet::default()
        };
        out.push(Manifest::typed(&at.cluster, &set));
    } else {
        let deployment = Deployment {
            metadata: meta(&name).object_meta(),
            spec: Some(DeploymentSpec {
                replicas: Some(replicas as i32),
                selector: selector.clone(),
                template: pod::template(instance, &name, pod_labels, None, None)?,
                ..DeploymentSpec::default()
            }),
            ..Deployment::default()
        };
        out.push(Manifest::typed(&at.cluster, &deployment));
    }
    if let Some(port) = port {
        let service = Service {
            metadata: meta(&name).object_meta(),
            spec: Some(ServiceSpec {
                // A StatefulSet's governing Service is headless: each replica has its name.
                cluster_ip: stateful.then(|| "None".to_string()),
                selector: Some(pod::selector_labels(&name)),
                ports: Some(vec![ServicePort {
                    name: Some("serve".into()),
                    port: port as i32,
                    target_port: Some(IntOrString::String("serve".into())),
                    ..ServicePort::default()
                }]),
                ..ServiceSpec::default()
            }),
            ..Service::default()
        };
        out.push(Manifest::typed(&at.cluster, &service));
    }
    if let Some(min) = min_available(replicas, fields.int("quorum")) {
        let budget = PodDisruptionBudget {
            metadata: meta(&name).object_meta(),
            spec: Some(PodDisruptionBudgetSpec {
                min_available: Some(IntOrString::Int(min)),
                selector: Some(selector),
                ..PodDisruptionBudgetSpec::default()
            }),
            ..PodDisruptionBudget::default()
        };
        out.push(Manifest::typed(&at.cluster, &budget));
    }
    Ok(out)
}

/// The claim template of a `volume` block: its size, ReadWriteOnce, and the StorageClass
/// named after its `storage` (the cluster's `storage` when unset).
fn claim(
    instance: &Instance,
    volume: &blueprint::Fields,
    default: Option<&Address>,
) -> Result<PersistentVolumeClaim, MapError> {
    let size = volume.size("size").ok_or_else(|| {
        MapError::attribute(&instance.address, "volume.size", "must be known to render")
    })?;
    let storage = volume.reference("storage").or(default);
    Ok(PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(VOLUME.into()),
            ..ObjectMeta::default()
        },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".into()]),
            storage_class_name: storage.map(names::object),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_string(),
                    quantity::bytes(size),
                )])),
                ..VolumeResourceRequirements::default()
            }),
            ..PersistentVolumeClaimSpec::default()
        }),
        ..PersistentVolumeClaim::default()
    })
}
