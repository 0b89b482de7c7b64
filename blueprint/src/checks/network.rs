//! Network checks: overlapping zones, VM addresses outside their zone or reused, and
//! policies that name nothing.

use std::collections::HashMap;

use ipnet::IpNet;

use super::World;
use crate::config::Instance;
use crate::diagnostic::Diagnostic;

pub(super) fn check(world: &World, out: &mut Vec<Diagnostic>) {
    overlapping_zones(world, out);
    vm_addresses(world, out);
    policies(world, out);
}

fn overlapping_zones(world: &World, out: &mut Vec<Diagnostic>) {
    let mut zones: Vec<(IpNet, &Instance)> = world
        .of_kind("network_zone")
        .filter_map(|z| z.fields.cidr("cidr").map(|c| (c, z)))
        .collect();
    zones.sort_by_key(|z| (z.0.network(), z.0.prefix_len()));
    // After sorting by start, a zone overlaps an earlier one iff it starts before the
    // furthest end seen so far.
    let mut widest: Option<(IpNet, &Instance)> = None;
    for &(net, zone) in &zones {
        if let Some((prev, prev_zone)) = widest
            && prev.contains(&net.network())
        {
            out.push(
                Diagnostic::error(
                    zone.fields.span("cidr"),
                    format!("Network zones {} and {} overlap", prev_zone.address, zone.address),
                    format!("{net} lies inside {prev}, so addresses of one zone would be routed to the other. Give each zone its own range, for example with cidrsubnet()."),
                )
                .with_note(format!("{} is {prev}", prev_zone.address), prev_zone.fields.span("cidr")),
            );
        }
        if widest
            .is_none_or(|(p, _)| !p.contains(&net.network()) || net.broadcast() > p.broadcast())
        {
            widest = Some((net, zone));
        }
    }
}

fn vm_addresses(world: &World, out: &mut Vec<Diagnostic>) {
    let mut used: HashMap<std::net::IpAddr, &Instance> = HashMap::new();
    for vm in world.of_kind("vm") {
        let Some(ip) = vm.fields.ip("address") else {
            continue;
        };
        if let Some(zone) = world.target(vm, "zone")
            && let Some(cidr) = zone.fields.cidr("cidr")
        {
            if !cidr.contains(&ip) {
                out.push(Diagnostic::error(
                    vm.fields.span("address"),
                    format!("Address of {} is outside its zone", vm.address),
                    format!("{ip} is not in {} ({cidr}). Pick an address inside the zone, for example with cidrhost(\"{cidr}\", 10), or leave `address` unset to have one given.", zone.address),
                ));
            } else if cidr.prefix_len() < cidr.max_prefix_len() - 1
                && (ip == cidr.network() || ip == cidr.broadcast())
            {
                out.push(Diagnostic::error(
                    vm.fields.span("address"),
                    format!("Address of {} is not a host address", vm.address),
                    format!(
                        "{ip} is the {} address of {cidr}; no host can use it.",
                        if ip == cidr.network() {
                            "network"
                        } else {
                            "broadcast"
                        }
                    ),
                ));
            }
        }
        if let Some(first) = used.insert(ip, vm) {
            out.push(
                Diagnostic::error(
                    vm.fields.span("address"),
                    format!("Address {ip} is used twice"),
                    format!(
                        "{} and {} both have {ip}. Give each VM its own address.",
                        first.address, vm.address
                    ),
                )
                .with_note(
                    format!("{} has it here", first.address),
                    first.fields.span("address"),
                ),
            );
        }
    }
}

/// Zones something is placed in: VMs, clusters' nodes, services (directly or through their cluster).
fn populated_zones(world: &World) -> std::collections::HashSet<crate::address::Address> {
    let mut zones = std::collections::HashSet::new();
    for inst in World::valid(world.config) {
        if let Some(z) = inst.fields.reference("zone") {
            zones.insert(z.clone());
        }
        if inst.kind == "service"
            && let Some(cluster) = world.target(inst, "cluster")
            && let Some(z) = cluster.fields.reference("zone")
        {
            zones.insert(z.clone());
        }
    }
    zones
}

fn policies(world: &World, out: &mut Vec<Diagnostic>) {
    let populated = populated_zones(world);
    for policy in world.of_kind("network_policy") {
        for side in ["from", "to"] {
            let targets = policy.fields.references(side);
            if targets.is_empty() && policy.fields.get(side).is_some() {
                out.push(Diagnostic::error(
                    policy.fields.span(side),
                    format!("Policy {} names nothing on its \"{side}\" side", policy.address),
                    "An empty list allows traffic for nobody, so the policy does nothing. Name the zones or services the traffic comes from and goes to.",
                ));
            }
            for target in targets {
                if target.kind == "network_zone" && !populated.contains(target) {
                    out.push(Diagnostic::warning(
                        policy.fields.span(side),
                        format!("Policy {} applies to an empty zone", policy.address),
                        format!("Nothing is placed in {target}: no VM, cluster or service has `zone = {target}`, so the policy matches no workload."),
                    ));
                }
            }
        }
        if policy.fields.references("from") == policy.fields.references("to")
            && !policy.fields.references("from").is_empty()
        {
            out.push(Diagnostic::warning(
                policy.fields.span("to"),
                format!("Policy {} has the same source and destination", policy.address),
                "Traffic inside one zone or service needs no policy between zones. Check that `to` names what you meant.",
            ));
        }
    }
}
