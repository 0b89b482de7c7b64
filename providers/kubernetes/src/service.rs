//! A `service` resource: its zone's namespace, its workload objects
//! ([`crate::workload`]), its Gateway when it is an API gateway and its route when it is
//! exposed ([`crate::expose`]). A service on VMs (`vms`) has none.

use blueprint::Instance;

use crate::ctx::Ctx;
use crate::error::MapError;
use crate::manifest::Manifest;
use crate::workload::Placement;
use crate::{expose, namespace, workload};

/// The objects of a `service`.
pub fn manifests(instance: &Instance, ctx: &Ctx) -> Result<Vec<Manifest>, MapError> {
    if instance.fields.get("cluster").is_none() {
        return Ok(Vec::new());
    }
    let (cluster_name, cluster) = ctx.cluster(instance)?;
    let zone = ctx.zone(instance, cluster)?;
    let at = Placement {
        cluster: cluster_name.clone(),
        namespace: ctx.zone_namespace(&zone),
        owner: &instance.address,
        copy_of: None,
        storage: cluster.fields.reference("storage"),
    };
    let mut out = vec![namespace::zone(ctx, &cluster_name, &zone)];
    out.extend(workload::manifests(instance, ctx, &at)?);
    if instance.fields.str("kind") == Some("api_gateway") {
        out.push(expose::gateway(instance, ctx, &at));
    }
    out.extend(expose::route(instance, ctx, &at)?);
    Ok(out)
}
