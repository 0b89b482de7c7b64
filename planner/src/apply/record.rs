//! What each operation of an apply leaves in the state.

use std::collections::HashMap;

use blueprint::Address;

use crate::plan::{Action, Change, Plan};
use crate::state::{Object, Rename, Retired, State};

use super::{Op, OpKind};

/// Records in the state what the blueprint now says about the objects an apply leaves
/// as they are: their `prevent_destroy`. (Objects it creates or updates take it from
/// their change.) Applying a plan with no changes calls this too, so that lifting a
/// protection takes one apply.
pub fn settle(plan: &Plan, state: &mut State) {
    let protection: HashMap<(Address, &str), bool> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::NoOp)
        .filter_map(|c| Some(((c.address.clone(), c.id.as_deref()?), c.prevent_destroy)))
        .collect();
    for object in &mut state.objects {
        if let Some(&protected) = protection.get(&(object.address.clone(), object.id.as_str())) {
            object.prevent_destroy = protected;
        }
    }
}

/// The idempotency key of a change's create: its address, or for the new object of a
/// create-before-destroy replacement (which exists beside the old one) `ADDRESS#OLDID`.
/// That is unambiguous whatever the instance key holds: a `#` in a string key stands
/// inside its quotes, and nothing can follow a whole address, so only one `#` ends one.
pub fn create_key(change: &Change) -> String {
    match (&change.id, change.action, change.create_before_destroy) {
        (Some(old), Action::Replace, true) => format!("{}#{old}", change.address),
        _ => change.address.to_string(),
    }
}

/// The state object a successful create or update leaves.
pub(super) fn object(
    change: &Change,
    address: blueprint::Address,
    id: String,
    attributes: crate::provider::Attrs,
    now: u64,
) -> Object {
    Object {
        address,
        kind: change.kind.clone(),
        provider: change.provider.clone(),
        id,
        attributes,
        dependencies: change.dependencies.clone(),
        created_at: now,
        sensitive: change.sensitive.clone(),
        prevent_destroy: change.prevent_destroy,
    }
}

/// Puts an operation's result into the state.
pub(super) fn record(state: &mut State, op: &Op, change: &Change, mut object: Option<Object>) {
    let address = change.address.clone();
    let old_id = change.id.clone().unwrap_or_default();
    // An update changes an object; it was still created when it was (an environment's
    // time to live counts from then).
    if op.kind == OpKind::Update
        && let (Some(updated), Some(old)) = (
            object.as_mut(),
            state
                .objects
                .iter()
                .find(|o| o.address == address && o.id == old_id),
        )
    {
        updated.created_at = old.created_at;
    }
    match op.kind {
        // The object takes its new address now; what refers to the old one is redirected
        // once the walk ends (`moved`), in one pass.
        OpKind::Move => {
            if let Some(from) = previous(change)
                && let Some(object) = state
                    .objects
                    .iter_mut()
                    .find(|o| o.address == from && o.id == old_id)
            {
                object.address = address.clone();
            }
            return;
        }
        // The old object of a create-before-destroy replacement stays until its delete.
        OpKind::Create if change.action == Action::Replace && change.create_before_destroy => {}
        OpKind::Create => state.objects.retain(|o| o.address != address),
        OpKind::Update | OpKind::Delete | OpKind::Forget => state
            .objects
            .retain(|o| !(o.address == address && o.id == old_id)),
    }
    if let Some(object) = object {
        state.objects.push(object);
    }
    if op.kind == OpKind::Delete
        && let Some(fingerprint) = &change.retire
    {
        state.retired.retain(|r| r.address != change.address);
        state.retired.push(Retired {
            address: change.address.clone(),
            fingerprint: fingerprint.clone(),
            reason: change
                .reason
                .map(|r| r.explain(&change.address))
                .unwrap_or_default(),
        });
    }
    if op.kind == OpKind::Create {
        state.retired.retain(|r| r.address != change.address);
    }
}

/// The address a moved object had.
pub(super) fn previous(change: &Change) -> Option<Address> {
    change.previous_address.clone()
}

/// The moves among the operations that succeeded.
pub(super) fn moved(ops: &[Op], done: &[bool], changes: &[Change]) -> Vec<Rename> {
    ops.iter()
        .zip(done)
        .filter(|(op, done)| **done && op.kind == OpKind::Move)
        .filter_map(|(op, _)| {
            let change = &changes[op.change];
            Some(Rename {
                id: change.id.clone()?,
                from: previous(change)?,
                to: change.address.clone(),
            })
        })
        .collect()
}
