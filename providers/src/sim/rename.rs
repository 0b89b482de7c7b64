//! Moves: an object of the simulated datacenter takes a new address (a `moved` block),
//! and every record that refers to its old address (a VM's pool and zone, a service's
//! cluster and storage, a host's rack, attributes naming it) refers to the new one, in
//! one change.

use blueprint::{Address, Diagnostic};
use planner::provider::MoveRequest;
use planner::state::rename_references;

use super::record::{Alloc, Change, Record};
use super::world::World;

/// Points the references to `from` in what a record holds at `to`; true when any was.
fn rename_alloc(alloc: &mut Alloc, from: &str, to: &str) -> bool {
    let mut touched = false;
    let mut swap = |s: &mut String| {
        if s == from {
            *s = to.to_string();
            touched = true;
        }
    };
    match alloc {
        Alloc::None | Alloc::Zone { .. } | Alloc::Storage { .. } => {}
        Alloc::Pool { hosts } => hosts
            .iter_mut()
            .filter_map(|h| h.rack.as_mut())
            .for_each(&mut swap),
        Alloc::Vm { pool, lease, .. } => {
            swap(pool);
            if let Some(lease) = lease {
                swap(&mut lease.zone);
            }
        }
        Alloc::Cluster { pool, zone, .. } => {
            swap(pool);
            swap(zone);
        }
        Alloc::Workload { cluster, claim, .. } => {
            swap(cluster);
            if let Some(claim) = claim {
                swap(&mut claim.storage);
            }
        }
    }
    touched
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
    if let Some(other) = world.at(to).filter(|o| o.id != record.id) {
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
    for other in world.records().filter(|r| r.id != record.id) {
        let mut changed: Record = other.clone();
        rename_references(&mut changed.attrs, &old, &new);
        let touched = rename_alloc(&mut changed.alloc, &old, &new);
        if touched || changed.attrs != other.attrs {
            put.push(changed);
        }
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
