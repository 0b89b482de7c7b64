//! What `strata sim show` prints: hosts, clusters, storage and zones with used and free.
//!
//! The summary is JSON: CPU in cores (vCPU after overcommit for hosts, requests for
//! cluster nodes), memory and storage in bytes, so the CLI can format and total them.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::record::{Alloc, Record};
use super::world::World;

fn cores(millicores: u64) -> f64 {
    millicores as f64 / 1000.0
}

fn figures(total: u64, used: u64) -> Value {
    json!({ "total": total, "used": used, "free": total.saturating_sub(used) })
}

fn cpu_figures(total_m: u64, used_m: u64) -> Value {
    json!({
        "total": cores(total_m),
        "used": cores(used_m),
        "free": cores(total_m.saturating_sub(used_m)),
    })
}

fn sorted<'a>(world: &'a World, kind: &str) -> Vec<&'a Record> {
    let mut records: Vec<&Record> = world.records().filter(|r| r.kind == kind).collect();
    records.sort_by(|a, b| a.address.cmp(&b.address));
    records
}

/// The summary of the whole world.
pub(crate) fn summary(world: &World) -> Value {
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for record in world.records() {
        *kinds.entry(record.kind.as_str()).or_default() += 1;
    }
    json!({
        "objects": kinds,
        "pools": sorted(world, "host_pool").into_iter().map(|r| pool(world, r)).collect::<Vec<_>>(),
        "clusters": sorted(world, "kubernetes_cluster").into_iter().map(|r| cluster(world, r)).collect::<Vec<_>>(),
        "storage": sorted(world, "storage").into_iter().map(|r| storage(world, r)).collect::<Vec<_>>(),
        "zones": sorted(world, "network_zone").into_iter().map(|r| zone(world, r)).collect::<Vec<_>>(),
    })
}

fn pool(world: &World, record: &Record) -> Value {
    let address = record.address.to_string();
    let hosts = match &record.alloc {
        Alloc::Pool { hosts } => hosts.as_slice(),
        _ => &[],
    };
    let usage = world.pool_use(&address);
    let (mut cpu, mut mem) = ((0, 0), (0, 0));
    let hosts: Vec<Value> = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let used = usage.and_then(|u| u.hosts.get(i));
            let (used_cpu, used_mem) = used.map_or((0, 0), |u| (u.cpu_m, u.memory));
            cpu = (cpu.0 + h.cpu_m, cpu.1 + used_cpu);
            mem = (mem.0 + h.memory, mem.1 + used_mem);
            json!({
                "name": h.name,
                "rack": h.rack,
                "guests": used.map_or(0, |u| u.guests),
                "cpu": cpu_figures(h.cpu_m, used_cpu),
                "memory": figures(h.memory, used_mem),
            })
        })
        .collect();
    json!({
        "address": address,
        "id": record.id,
        "cpu": cpu_figures(cpu.0, cpu.1),
        "memory": figures(mem.0, mem.1),
        "hosts": hosts,
    })
}

fn cluster(world: &World, record: &Record) -> Value {
    let address = record.address.to_string();
    let nodes = match &record.alloc {
        Alloc::Cluster { nodes, .. } => nodes.as_slice(),
        _ => &[],
    };
    let usage = world.cluster_use(&address);
    let (mut cpu, mut mem) = ((0, 0), (0, 0));
    for node in nodes.iter().filter(|n| !n.control_plane) {
        let used = usage
            .and_then(|u| u.nodes.get(&node.name))
            .copied()
            .unwrap_or_default();
        cpu = (cpu.0 + node.cpu_m, cpu.1 + used.cpu_m);
        mem = (mem.0 + node.memory, mem.1 + used.memory);
    }
    json!({
        "address": address,
        "id": record.id,
        "endpoint": record.attrs.get("endpoint"),
        "nodes": nodes.len(),
        "workers": nodes.iter().filter(|n| !n.control_plane).count(),
        "workloads": usage.map_or(0, |u| u.users.len()),
        "cpu_requests": cpu_figures(cpu.0, cpu.1),
        "memory_requests": figures(mem.0, mem.1),
    })
}

fn storage(world: &World, record: &Record) -> Value {
    let address = record.address.to_string();
    let capacity = match record.alloc {
        Alloc::Storage { capacity } => capacity,
        _ => 0,
    };
    let usage = world.storage_use(&address);
    json!({
        "address": address,
        "id": record.id,
        "type": record.attrs.get("type"),
        "capacity": figures(capacity, usage.map_or(0, |u| u.claimed)),
        "volumes": usage.map_or(0, |u| u.users.len()),
    })
}

fn zone(world: &World, record: &Record) -> Value {
    let address = record.address.to_string();
    let cidr = match &record.alloc {
        Alloc::Zone { cidr } => Some(cidr.to_string()),
        _ => None,
    };
    json!({
        "address": address,
        "id": record.id,
        "cidr": cidr,
        "addresses_used": world.zone_use(&address).map_or(0, |u| u.used.len()),
    })
}
