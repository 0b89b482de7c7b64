//! Storage checks: Ceph replica settings, volumes larger than their storage, and
//! storage claimed beyond its capacity.

use std::collections::BTreeMap;

use super::World;
use crate::address::Address;
use crate::diagnostic::Diagnostic;
use crate::units::format_size;

pub(super) fn check(world: &World, out: &mut Vec<Diagnostic>) {
    ceph(world, out);
    volumes(world, out);
}

fn ceph(world: &World, out: &mut Vec<Diagnostic>) {
    for storage in world.of_kind("storage") {
        let kind = storage.fields.str("type");
        let replicas = storage.fields.int("replicas");
        let min_size = storage.fields.int("min_size");
        if kind != Some("ceph") {
            for attr in ["replicas", "min_size"] {
                if let Some(span) = storage.fields.span(attr) {
                    out.push(Diagnostic::warning(
                        span,
                        format!(
                            "\"{attr}\" has no effect on {} storage",
                            kind.unwrap_or("this")
                        ),
                        "Replica settings apply to Ceph pools only; remove it.",
                    ));
                }
            }
            continue;
        }
        if let (Some(r), Some(m)) = (replicas, min_size)
            && m > r
        {
            out.push(Diagnostic::error(
                storage.fields.span("min_size").unwrap_or(storage.span),
                format!("min_size of {} is larger than its replicas", storage.address),
                format!("Ceph serves I/O only while min_size ({m}) replicas are up, and the pool keeps only {r}: it could never serve I/O."),
            ));
        } else if min_size == Some(1) {
            out.push(Diagnostic::warning(
                storage.fields.span("min_size").unwrap_or(storage.span),
                format!("{} accepts writes with a single replica", storage.address),
                "With min_size = 1, Ceph acknowledges writes that exist on one disk only; losing it loses data. Use min_size = 2 with replicas = 3.",
            ));
        }
        if let Some(pool) = world.target(storage, "pool")
            && let (Some(hosts), Some(r)) = (pool.fields.int("hosts"), replicas)
            && r > hosts
        {
            out.push(Diagnostic::error(
                storage.fields.span("replicas").unwrap_or(storage.span),
                format!("{} wants {r} replicas on {hosts} hosts", storage.address),
                format!(
                    "Ceph places each replica on a different host; {} has only {hosts}.",
                    pool.address
                ),
            ));
        }
        raw_need(world, storage, replicas.unwrap_or(DEFAULT_REPLICAS), out);
    }
}

/// Ceph's pool size when `replicas` is unset (Ceph's `osd_pool_default_size`).
const DEFAULT_REPLICAS: i64 = 3;

/// Ceph keeps `replicas` copies of every object: its raw need is capacity × replicas, to
/// be found on the disks of its pool's hosts.
fn raw_need(
    world: &World,
    storage: &crate::config::Instance,
    replicas: i64,
    out: &mut Vec<Diagnostic>,
) {
    let Some(pool) = world.target(storage, "pool") else {
        return;
    };
    let (Some(capacity), Some(hosts), Some(disk)) = (
        storage.fields.size("capacity"),
        pool.fields.int("hosts"),
        pool.fields
            .block("host")
            .and_then(|h| h.fields.size("disk")),
    ) else {
        return;
    };
    let need = capacity.saturating_mul(replicas.max(1) as u64);
    let raw = disk.saturating_mul(hosts.max(0) as u64);
    if need > raw {
        out.push(
            Diagnostic::error(
                storage.fields.span("capacity").unwrap_or(storage.span),
                format!("{} needs more raw disk than its hosts have", storage.address),
                format!(
                    "Ceph keeps {replicas} copies: {} usable needs {} raw, and the {hosts} hosts of {} have {} of disk ({} each). Lower the capacity or replicas, or add hosts or disk.",
                    format_size(capacity),
                    format_size(need),
                    pool.address,
                    format_size(raw),
                    format_size(disk)
                ),
            )
            .with_note("the disk per host is set here", pool.fields.block("host").and_then(|h| h.fields.span("disk"))),
        );
    }
}

/// The storage a volume lives on: its own, or its cluster's default.
fn volume_storage<'a>(
    world: &World<'a>,
    service: &'a crate::config::Instance,
    volume: &'a crate::config::NestedBlock,
) -> Option<&'a Address> {
    volume.fields.reference("storage").or_else(|| {
        world
            .target(service, "cluster")
            .and_then(|c| c.fields.reference("storage"))
    })
}

fn volumes(world: &World, out: &mut Vec<Diagnostic>) {
    let mut claimed: BTreeMap<&Address, (u64, Vec<String>)> = BTreeMap::new();
    for service in world.of_kind("service") {
        let Some(volume) = service.fields.block("volume") else {
            continue;
        };
        let Some(size) = volume.fields.size("size") else {
            continue;
        };
        let replicas = service.fields.int("replicas").unwrap_or(1).max(0) as u64;
        let span = volume.fields.span("size").unwrap_or(volume.span);
        let Some(storage_address) = volume_storage(world, service, volume) else {
            out.push(Diagnostic::error(
                span,
                format!("No storage for the volume of {}", service.address),
                "Neither the volume nor its cluster names a storage. Set `storage = storage.NAME` in the volume block, or on the kubernetes_cluster.",
            ));
            continue;
        };
        let Some(storage) = world.get(storage_address) else {
            continue;
        };
        let Some(capacity) = storage.fields.size("capacity") else {
            continue;
        };
        if size > capacity {
            out.push(Diagnostic::error(
                span,
                format!("Volume of {} is larger than its storage", service.address),
                format!(
                    "Each replica asks for {}, but {} holds {} in all.",
                    format_size(size),
                    storage.address,
                    format_size(capacity)
                ),
            ));
            continue;
        }
        let entry = claimed.entry(storage_address).or_default();
        entry.0 = entry.0.saturating_add(size.saturating_mul(replicas));
        entry.1.push(service.address.to_string());
    }
    for (address, (total, users)) in claimed {
        let Some(storage) = world.get(address) else {
            continue;
        };
        let Some(capacity) = storage.fields.size("capacity") else {
            continue;
        };
        if total > capacity {
            let names: Vec<&str> = users.iter().map(String::as_str).collect();
            out.push(Diagnostic::error(
                storage.fields.span("capacity").unwrap_or(storage.span),
                format!("Volumes claim more than {} holds", address),
                format!("Volumes of {} need {} (size × replicas), but its capacity is {}. Add capacity or shrink volumes.", names.join(", "), format_size(total), format_size(capacity)),
            ));
        }
    }
}
