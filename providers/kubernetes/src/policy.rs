//! A `network_policy` as Kubernetes NetworkPolicies: in every namespace it protects, a
//! default deny of ingress, and for an `allow` policy one NetworkPolicy per destination
//! that admits exactly its sources on its ports.
//!
//! Destinations: a zone is its namespace on every cluster where a service or job runs in
//! it (all its pods); a service on a cluster is its pods. VMs and clusters (their API
//! servers) are not pods: their flows are the VM providers' firewalls, and they are left
//! out here. Sources: a zone is its namespace's pods and its CIDR (VMs in it); a service
//! is its pods when it runs on the destination's cluster, else the CIDR of its cluster's
//! zone (where its traffic leaves the nodes); a VM is its fixed `address`, else its zone's
//! CIDR; a cluster is its zone's CIDR. NetworkPolicy has no deny rule: a `deny` policy
//! only makes sure its destinations have their default deny, which holds unless another
//! policy allows the same flow.

use std::collections::BTreeSet;

use blueprint::{Address, Instance};
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
    NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::ctx::Ctx;
use crate::error::MapError;
use crate::manifest::Manifest;
use crate::meta::NAMESPACE_NAME;
use crate::{names, namespace, pod};

/// The name of the default-deny NetworkPolicy of a namespace.
pub const DEFAULT_DENY: &str = "default-deny";

/// Where a flow goes: the pods of a namespace on a cluster, all or one workload's.
#[derive(Clone, Debug, PartialEq)]
pub struct Destination {
    /// The cluster's folder name.
    pub cluster: String,
    /// The zone whose namespace it is.
    pub zone: Address,
    /// The workload's name; `None` for every pod of the namespace.
    pub workload: Option<String>,
    /// The target's address.
    pub target: Address,
}

/// The clusters where a service or job runs in `zone`.
fn zone_clusters(ctx: &Ctx, zone: &Address) -> BTreeSet<String> {
    ctx.config
        .instances
        .iter()
        .filter(|i| matches!(i.kind, "service" | "job") && i.fields.get("cluster").is_some())
        .filter_map(|i| {
            let (name, cluster) = ctx.cluster(i).ok()?;
            (ctx.zone(i, cluster).ok()? == *zone).then_some(name)
        })
        .collect()
}

/// The destinations of a policy's `to`.
pub fn destinations(instance: &Instance, ctx: &Ctx) -> Result<Vec<Destination>, MapError> {
    let mut out = Vec::new();
    for target in instance.fields.references("to") {
        match target.kind.as_str() {
            "network_zone" => {
                out.extend(
                    zone_clusters(ctx, target)
                        .into_iter()
                        .map(|cluster| Destination {
                            cluster,
                            zone: target.clone(),
                            workload: None,
                            target: target.clone(),
                        }),
                )
            }
            "service" => {
                let service = ctx.instance(target, &instance.address, "to")?;
                if service.fields.get("cluster").is_none() {
                    continue;
                }
                let (cluster_name, cluster) = ctx.cluster(service)?;
                out.push(Destination {
                    cluster: cluster_name,
                    zone: ctx.zone(service, cluster)?,
                    workload: Some(names::object(target)),
                    target: target.clone(),
                });
            }
            _ => {}
        }
    }
    Ok(out)
}

fn cidr_peer(cidr: String) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        ip_block: Some(IPBlock { cidr, except: None }),
        ..NetworkPolicyPeer::default()
    }
}

fn host_peer(ip: std::net::IpAddr) -> NetworkPolicyPeer {
    cidr_peer(format!("{ip}/{}", if ip.is_ipv4() { 32 } else { 128 }))
}

fn zone_cidr(ctx: &Ctx, zone: Option<&Address>) -> Option<NetworkPolicyPeer> {
    let cidr = ctx.config.instance(zone?)?.fields.cidr("cidr")?;
    Some(cidr_peer(cidr.trunc().to_string()))
}

fn namespace_peer(ctx: &Ctx, zone: &Address, workload: Option<String>) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        namespace_selector: Some(LabelSelector {
            match_labels: Some([(NAMESPACE_NAME.to_string(), ctx.zone_namespace(zone))].into()),
            ..LabelSelector::default()
        }),
        pod_selector: workload.map(|w| LabelSelector {
            match_labels: Some(pod::selector_labels(&w)),
            ..LabelSelector::default()
        }),
        ..NetworkPolicyPeer::default()
    }
}

/// The peers a policy's `from` admits into `cluster`.
pub fn sources(
    instance: &Instance,
    ctx: &Ctx,
    cluster: &str,
) -> Result<Vec<NetworkPolicyPeer>, MapError> {
    let mut peers = Vec::new();
    for source in instance.fields.references("from") {
        let found = ctx.instance(source, &instance.address, "from")?;
        match source.kind.as_str() {
            "network_zone" => {
                peers.push(namespace_peer(ctx, source, None));
                peers.extend(zone_cidr(ctx, Some(source)));
            }
            "service" if found.fields.get("cluster").is_some() => {
                let (name, on) = ctx.cluster(found)?;
                if name == cluster {
                    peers.push(namespace_peer(
                        ctx,
                        &ctx.zone(found, on)?,
                        Some(names::object(source)),
                    ));
                } else {
                    peers.extend(zone_cidr(ctx, on.fields.reference("zone")));
                }
            }
            "vm" => match found.fields.ip("address") {
                Some(ip) => peers.push(host_peer(ip)),
                None => peers.extend(zone_cidr(ctx, found.fields.reference("zone"))),
            },
            "service" => {
                for vm in found.fields.references("vms") {
                    let vm = ctx.instance(vm, &instance.address, "from")?;
                    match vm.fields.ip("address") {
                        Some(ip) => peers.push(host_peer(ip)),
                        None => peers.extend(zone_cidr(ctx, vm.fields.reference("zone"))),
                    }
                }
            }
            _ => peers.extend(zone_cidr(ctx, found.fields.reference("zone"))),
        }
    }
    // A peer named twice (a VM and its zone's range, two VMs without addresses) once.
    let mut unique: Vec<NetworkPolicyPeer> = Vec::with_capacity(peers.len());
    for peer in peers {
        if !unique.contains(&peer) {
            unique.push(peer);
        }
    }
    Ok(unique)
}

/// The ports of a policy: each of `ports` for its protocol (TCP and UDP for `any`);
/// none (every port) when `ports` is empty.
pub fn ports(instance: &Instance) -> Result<Option<Vec<NetworkPolicyPort>>, MapError> {
    let protocols: &[&str] = match instance.fields.str("protocol").unwrap_or("tcp") {
        "tcp" => &["TCP"],
        "udp" => &["UDP"],
        "any" => &["TCP", "UDP"],
        other => {
            return Err(MapError::attribute(
                &instance.address,
                "protocol",
                format!("a Kubernetes NetworkPolicy cannot select {other}: use tcp, udp or any"),
            ));
        }
    };
    let numbers: Vec<i64> = match instance.fields.get("ports") {
        Some(blueprint::Typed::List(items)) => items
            .iter()
            .filter_map(|f| match f.value {
                blueprint::Typed::Int(p) => Some(p),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if numbers.is_empty() {
        return Ok(if protocols.len() == 1 {
            Some(vec![NetworkPolicyPort {
                protocol: Some(protocols[0].into()),
                ..NetworkPolicyPort::default()
            }])
        } else {
            None
        });
    }
    Ok(Some(
        protocols
            .iter()
            .flat_map(|proto| {
                numbers.iter().map(|p| NetworkPolicyPort {
                    protocol: Some(proto.to_string()),
                    port: Some(IntOrString::Int(*p as i32)),
                    ..NetworkPolicyPort::default()
                })
            })
            .collect(),
    ))
}

fn default_deny(ctx: &Ctx, cluster: &str, ns: &str) -> Manifest {
    Manifest::typed(
        cluster,
        &NetworkPolicy {
            metadata: ctx.meta(DEFAULT_DENY, Some(ns), None).object_meta(),
            spec: Some(NetworkPolicySpec {
                pod_selector: Some(LabelSelector::default()),
                policy_types: Some(vec!["Ingress".into()]),
                ..NetworkPolicySpec::default()
            }),
        },
    )
}

/// The objects of a `network_policy`.
pub fn manifests(instance: &Instance, ctx: &Ctx) -> Result<Vec<Manifest>, MapError> {
    let allow = instance.fields.str("action").unwrap_or("allow") == "allow";
    let mut out = Vec::new();
    for to in destinations(instance, ctx)? {
        let ns = ctx.zone_namespace(&to.zone);
        out.push(namespace::zone(ctx, &to.cluster, &to.zone));
        out.push(default_deny(ctx, &to.cluster, &ns));
        if !allow {
            continue;
        }
        // An empty `from` would admit every source: a policy whose sources are not pods
        // or known ranges admits none.
        let from = sources(instance, ctx, &to.cluster)?;
        if from.is_empty() {
            continue;
        }
        // The policy's name; with the destination's when it has several.
        let name = if instance.fields.references("to").len() == 1 {
            names::object(&instance.address)
        } else {
            names::label(&format!(
                "{}-{}",
                names::slug(&instance.address),
                names::slug(&to.target)
            ))
        };
        let policy = NetworkPolicy {
            metadata: ctx
                .meta(&name, Some(&ns), Some(&instance.address))
                .object_meta(),
            spec: Some(NetworkPolicySpec {
                pod_selector: Some(LabelSelector {
                    match_labels: to.workload.as_deref().map(pod::selector_labels),
                    ..LabelSelector::default()
                }),
                policy_types: Some(vec!["Ingress".into()]),
                ingress: Some(vec![NetworkPolicyIngressRule {
                    from: Some(from),
                    ports: ports(instance)?,
                }]),
                ..NetworkPolicySpec::default()
            }),
        };
        out.push(Manifest::typed(&to.cluster, &policy));
    }
    Ok(out)
}
