//! Namespaces: one per network zone that holds a service or job on a cluster (shared by
//! everything in the zone, so without an owning address), and one per environment.

use blueprint::Address;
use k8s_openapi::api::core::v1::Namespace;

use crate::ctx::Ctx;
use crate::manifest::Manifest;

/// Annotation on a zone's namespace: the zone's address.
pub const ZONE: &str = "strata.dev/zone";

/// The namespace of `zone` on `cluster`.
pub fn zone(ctx: &Ctx, cluster: &str, zone: &Address) -> Manifest {
    let meta = ctx
        .meta(&ctx.zone_namespace(zone), None, None)
        .annotate(ZONE, &zone.to_string());
    Manifest::typed(
        cluster,
        &Namespace {
            metadata: meta.object_meta(),
            ..Namespace::default()
        },
    )
}
