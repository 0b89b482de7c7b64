//! North-south exposure through the API gateway, as Gateway API objects: a Gateway for
//! each `api_gateway` service, and an HTTPRoute for each service's `expose` block.
//!
//! The Gateway API rather than Ingress: an HTTPRoute in the application's namespace can
//! attach to the gateway in another (the DMZ's), which an Ingress cannot name, and it is
//! the API that gateways such as Kong implement going forward. k8s-openapi carries only
//! Kubernetes' built-in kinds, so these are written as dynamic objects
//! ([`Manifest::dynamic`]) of `gateway.networking.k8s.io/v1` (the Gateway API's standard
//! channel since its v1.0).

use blueprint::Instance;
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::MapError;
use crate::manifest::Manifest;
use crate::meta::{COMPONENT, NAME};
use crate::names;
use crate::workload::Placement;

/// The Gateway API's group and version.
pub const GATEWAY_API: &str = "gateway.networking.k8s.io/v1";

/// The Gateway of an `api_gateway` service placed by `at`: one listener on the service's
/// port (HTTPS terminated with the certificate in Secret `NAME-tls` on 443, HTTP on any
/// other), accepting routes from every namespace; its GatewayClass is named after the
/// gateway (the controller's installation declares it).
pub fn gateway(instance: &Instance, ctx: &Ctx, at: &Placement) -> Manifest {
    let name = names::object(&instance.address);
    let port = instance.fields.int("port").unwrap_or(443);
    let mut listener = json!({
        "name": "serve",
        "port": port,
        "protocol": if port == 443 { "HTTPS" } else { "HTTP" },
        "allowedRoutes": { "namespaces": { "from": "All" } },
    });
    if port == 443 {
        listener["tls"] = json!({
            "mode": "Terminate",
            "certificateRefs": [{ "kind": "Secret", "name": format!("{name}-tls") }],
        });
    }
    let meta = ctx
        .meta(&name, Some(&at.namespace), Some(at.owner))
        .label(NAME, &name)
        .label(COMPONENT, "api_gateway");
    Manifest::dynamic(
        &at.cluster,
        GATEWAY_API,
        "Gateway",
        &meta.object_meta(),
        json!({ "gatewayClassName": name, "listeners": [listener] }),
    )
}

/// The HTTPRoute of `instance`'s `expose` block, when it has one: `host` as its
/// hostname, `path` as a path prefix, to the service's port, through the gateway's
/// Gateway (which must run on the same cluster).
pub fn route(instance: &Instance, ctx: &Ctx, at: &Placement) -> Result<Option<Manifest>, MapError> {
    let Some(expose) = instance.fields.block("expose") else {
        return Ok(None);
    };
    let address = &instance.address;
    let gateway_address = expose.fields.reference("gateway").ok_or_else(|| {
        MapError::attribute(
            address,
            "expose.gateway",
            "must name a known api_gateway service",
        )
    })?;
    let gateway = ctx.instance(gateway_address, address, "expose.gateway")?;
    if gateway.fields.str("kind") != Some("api_gateway") {
        return Err(MapError::attribute(
            address,
            "expose.gateway",
            format!("{gateway_address} is not an api_gateway service"),
        ));
    }
    let (gateway_cluster, cluster) = ctx.cluster(gateway)?;
    if gateway_cluster != at.cluster {
        return Err(MapError::attribute(
            address,
            "expose.gateway",
            format!(
                "{gateway_address} runs on another cluster ({gateway_cluster}) than this service ({}): a route attaches to a gateway of its own cluster",
                at.cluster
            ),
        ));
    }
    let name = names::object(address);
    let port = instance
        .fields
        .int("port")
        .ok_or_else(|| MapError::attribute(address, "port", "an exposed service needs a port"))?;
    let mut spec = json!({
        "parentRefs": [{
            "group": "gateway.networking.k8s.io",
            "kind": "Gateway",
            "name": names::object(gateway_address),
            "namespace": ctx.namespace(gateway, cluster)?,
        }],
        "rules": [{
            "matches": [{ "path": { "type": "PathPrefix", "value": expose.fields.str("path").unwrap_or("/") } }],
            "backendRefs": [{ "name": name, "port": port }],
        }],
    });
    if let Some(host) = expose.fields.str("host") {
        spec["hostnames"] = Value::from(vec![host]);
    }
    let meta = ctx
        .meta(&name, Some(&at.namespace), Some(at.owner))
        .label(NAME, &name);
    Ok(Some(Manifest::dynamic(
        &at.cluster,
        GATEWAY_API,
        "HTTPRoute",
        &meta.object_meta(),
        spec,
    )))
}
