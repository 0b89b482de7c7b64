//! Moves: an object of the simulated datacenter takes a new address (a `moved` block),
//! and every record that refers to its old address (a VM's pool and zone, a service's
//! cluster and storage, a host's rack, attributes naming it) refers to the new one, in
//! one change.

use std::collections::HashMap;

use blueprint::{Address, Diagnostic};
use planner::provider::MoveRequest;
use planner::state::rename_references;

use super::record::{Alloc, Change, Record};
use super::world::World;

/// The addresses a record's holdings refer to, to rewrite: a VM's pool and zone, a
/// cluster's, a workload's cluster and storage, a host's rack.
fn alloc_refs(alloc: &mut Alloc) -> Vec<&mut String> {
    match alloc {
        Alloc::None | Alloc::Zone { .. } | Alloc::Storage { .. } => Vec::new(),
        Alloc::Pool { hosts } => hosts.iter_mut().filter_map(|h| h.rack.as_mut()).collect(),
        Alloc::Vm { pool, lease, .. } => std::iter::once(pool)
            .chain(lease.as_mut().map(|l| &mut l.zone))
            .collect(),
        Alloc::Cluster { pool, zone, .. } => vec![pool, zone],
        Alloc::Workload { cluster, claim, .. } => std::iter::once(cluster)
            .chain(claim.as_mut().map(|c| &mut c.storage))
            .collect(),
    }
}

/// True when a record's holdings refer to `address` (the same fields as [`alloc_refs`]).
fn alloc_mentions(alloc: &Alloc, address: &str) -> bool {
    match alloc {
        Alloc::None | Alloc::Zone { .. } | Alloc::Storage { .. } => false,
        Alloc::Pool { hosts } => hosts.iter().any(|h| h.rack.as_deref() == Some(address)),
        Alloc::Vm { pool, lease, .. } => {
            pool == address || lease.as_ref().is_some_and(|l| l.zone == address)
        }
        Alloc::Cluster { pool, zone, .. } => pool == address || zone == address,
        Alloc::Workload { cluster, claim, .. } => {
            cluster == address || claim.as_ref().is_some_and(|c| c.storage == address)
        }
    }
}

/// True when `value` holds the text `address`, at any depth.
fn mentions(value: &serde_json::Value, address: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s == address,
        serde_json::Value::Array(items) => items.iter().any(|v| mentions(v, address)),
        serde_json::Value::Object(map) => map.values().any(|v| mentions(v, address)),
        _ => false,
    }
}

/// True when `record` refers to `address`, in its attributes or its holdings.
fn refers(record: &Record, address: &str) -> bool {
    record.attrs.values().any(|v| mentions(v, address)) || alloc_mentions(&record.alloc, address)
}

/// The change that moves the object `request.id` from `request.from` to `request.to`;
/// `None` when it is already there.
pub(crate) fn rename(world: &World, request: &MoveRequest) -> Result<Option<Change>, Diagnostic> {
    let (from, to) = (&request.from, &request.to);
    let Some(record) = world.get(&request.id) else {
        return Err(Diagnostic::error(
            None,
            format!("{from} no longer exists in the simulated datacenter"),
            format!(
                "No object has id {}: it was deleted outside Strata. Run plan again.",
                request.id
            ),
        ));
    };
    if record.address == *to {
        return Ok(None);
    }
    if let Some(other) = world.at_key(&to.to_string()).filter(|o| o.id != record.id) {
        return Err(taken(to, other));
    }
    let (old, new) = (from.to_string(), to.to_string());
    let mut moved = record.clone();
    moved.address = to.clone();
    // The key of a create-before-destroy object starts with its address.
    moved.key = record.key.as_ref().map(|k| {
        k.strip_prefix(&old)
            .map_or_else(|| k.clone(), |rest| format!("{new}{rest}"))
    });
    let mut put = vec![moved];
    let renamed = HashMap::from([(old.clone(), new.clone())]);
    for other in world
        .records()
        .filter(|r| r.id != record.id && refers(r, &old))
    {
        let mut changed: Record = other.clone();
        rename_references(&mut changed.attrs, &renamed);
        for reference in alloc_refs(&mut changed.alloc) {
            if *reference == old {
                *reference = new.clone();
            }
        }
        put.push(changed);
    }
    Ok(Some(Change {
        put,
        del: Vec::new(),
    }))
}

fn taken(to: &Address, other: &Record) -> Diagnostic {
    Diagnostic::error(
        None,
        format!("{to} already has an object"),
        format!(
            "The simulated datacenter holds {} ({}) at {to}; it cannot take another object there.",
            other.id, other.kind
        ),
    )
}
