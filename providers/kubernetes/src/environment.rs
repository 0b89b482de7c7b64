//! An `environment`: a namespace of its own on its cluster, a ResourceQuota and a
//! LimitRange from its `quota`, and a copy of each listed service's workload objects
//! (without routes: the production gateway does not route into a test environment).
//! Its `ttl` is Strata's to enforce (a plan deletes the environment once it has passed),
//! recorded on the namespace as an annotation.

use std::collections::BTreeMap;

use blueprint::Instance;
use blueprint::schema::catalog_entry;
use k8s_openapi::api::core::v1::{
    LimitRange, LimitRangeItem, LimitRangeSpec, Namespace, ResourceQuota, ResourceQuotaSpec,
};

use crate::ctx::Ctx;
use crate::error::MapError;
use crate::manifest::Manifest;
use crate::workload::{self, Placement};
use crate::{names, quantity};

/// Annotation on an environment's namespace: its time to live, as the blueprint wrote it.
pub const TTL: &str = "strata.dev/ttl";

/// The namespace of the environment at `address`: `env-` and its object name.
pub fn namespace_name(address: &blueprint::Address) -> String {
    names::label(&format!("env-{}", names::slug(address)))
}

/// The objects of an `environment`.
pub fn manifests(instance: &Instance, ctx: &Ctx) -> Result<Vec<Manifest>, MapError> {
    let address = &instance.address;
    let (cluster_name, cluster) = ctx.cluster(instance)?;
    let ns = namespace_name(address);
    let mut meta = ctx.meta(&ns, None, Some(address));
    if let Some(ttl) = instance.fields.duration("ttl") {
        meta = meta.annotate(TTL, &blueprint::units::format_duration(ttl));
    }
    let mut out = vec![Manifest::typed(
        &cluster_name,
        &Namespace {
            metadata: meta.object_meta(),
            ..Namespace::default()
        },
    )];
    let meta = |name: &str| ctx.meta(name, Some(&ns), Some(address)).object_meta();
    let quota = instance
        .fields
        .block("quota")
        .map(|q| crate::pod::resources(&q.fields));
    if let Some(limits) = quota.as_ref().and_then(|q| q.requests.clone()) {
        let hard: BTreeMap<_, _> = limits
            .iter()
            .flat_map(|(k, v)| {
                [
                    (format!("requests.{k}"), v.clone()),
                    (format!("limits.{k}"), v.clone()),
                ]
            })
            .collect();
        out.push(Manifest::typed(
            &cluster_name,
            &ResourceQuota {
                metadata: meta("quota"),
                spec: Some(ResourceQuotaSpec {
                    hard: Some(hard),
                    ..ResourceQuotaSpec::default()
                }),
                ..ResourceQuota::default()
            },
        ));
    }
    // Containers that set no figures get an application's from the catalog; none may
    // ask for more than the whole quota.
    let application = catalog_entry("application");
    let defaults: BTreeMap<_, _> = application
        .iter()
        .flat_map(|e| {
            let memory = blueprint::units::parse_size(e.memory).ok();
            [
                ("cpu".to_string(), Some(quantity::cpu(e.cpu))),
                ("memory".to_string(), memory.map(quantity::bytes)),
            ]
        })
        .filter_map(|(k, v)| Some((k, v?)))
        .collect();
    out.push(Manifest::typed(
        &cluster_name,
        &LimitRange {
            metadata: meta("limits"),
            spec: Some(LimitRangeSpec {
                limits: vec![LimitRangeItem {
                    type_: "Container".into(),
                    default: Some(defaults.clone()),
                    default_request: Some(defaults),
                    max: quota.and_then(|q| q.limits),
                    ..LimitRangeItem::default()
                }],
            }),
        },
    ));
    for service in instance.fields.references("services") {
        let original = ctx.instance(service, address, "services")?;
        let at = Placement {
            cluster: cluster_name.clone(),
            namespace: ns.clone(),
            owner: address,
            copy_of: Some(service),
            storage: cluster.fields.reference("storage"),
        };
        out.extend(workload::manifests(original, ctx, &at)?);
    }
    Ok(out)
}
