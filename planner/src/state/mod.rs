//! State: what Strata has created, as a versioned JSON document.
//!
//! A [`State`] has a lineage (fixed when the state is first created), a serial (raised by
//! every write) and the [`Object`]s that exist. A [`Backend`] stores the state of each
//! workspace: [`LocalBackend`] in folders, written atomically with the previous version kept
//! as a backup; [`PostgresBackend`] in a database schema, every version kept. Both keep a
//! [`Journal`] of every provider call (intent before, outcome after) so that a crashed apply
//! can be finished, and a [`Lock`] so that two runs never change the same state at once.

use std::collections::HashMap;

use blueprint::Address;
use serde::{Deserialize, Serialize};

use crate::provider::Attrs;

mod applied;
mod backend;
mod digest;
mod document;
mod error;
mod journal;
mod local;
mod lock;
mod postgres;
mod seal;
mod sys;

pub use applied::{Applied, AppliedError};
pub use backend::{Backend, DEFAULT_WORKSPACE, Version, Write, check_workspace_name, follows};
pub use digest::{restore, stands_for};
pub use document::read as read_document;
pub use error::StateError;
pub use journal::{Entry, Journal, Op, Phase, Recovery};
pub use local::LocalBackend;
pub use lock::{HeldLock, Lock, LockError, LockInfo};
pub use postgres::{
    DEFAULT_LEASE, DEFAULT_SCHEMA, MIN_LEASE, PgConfig, PostgresBackend, check_schema, mask,
    password,
};
pub use seal::{Protector, SealError, StateKey, is_protected, is_sealed, protect, unseal};
pub use sys::format_utc;

/// The state format version this build writes.
pub const FORMAT_VERSION: u32 = 1;

/// One object Strata manages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Object {
    /// Its address in the blueprint.
    pub address: Address,
    /// Its resource kind.
    pub kind: String,
    /// The provider configuration that manages it (`sim`).
    pub provider: String,
    /// The provider's id for it.
    pub id: String,
    /// Its attributes: those the blueprint set, and those the provider computed.
    pub attributes: Attrs,
    /// The objects it was created after (direct dependencies only).
    pub dependencies: Vec<Address>,
    /// When it was created, in seconds since the Unix epoch (environment ttl, job runs).
    pub created_at: u64,
    /// Attributes computed from sensitive values: never printed, and sealed in the state
    /// file when a state key is given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive: Vec<String>,
    /// `prevent_destroy` as its block said at the last apply: a plan that would destroy
    /// it is refused even once its block is gone (states written before this field
    /// read as unprotected).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevent_destroy: bool,
}

/// One object taking a new address (a `moved` block).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    /// The object's id.
    pub id: String,
    /// Its old address.
    pub from: Address,
    /// Its new address.
    pub to: Address,
}

/// Gives each object its new address, then points whatever referred to an old address
/// (dependencies, reference attributes) at the new one: what `moved` blocks do to a state.
/// One pass over the objects, however many move.
pub fn rename(objects: &mut [Object], moves: &[Rename]) {
    let by_object: HashMap<(&Address, &str), &Address> = moves
        .iter()
        .map(|m| ((&m.from, m.id.as_str()), &m.to))
        .collect();
    let mut renamed: Vec<(usize, Address)> = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        if let Some(&to) = by_object.get(&(&object.address, object.id.as_str())) {
            renamed.push((i, to.clone()));
        }
    }
    for (i, to) in renamed {
        objects[i].address = to;
    }
    redirect(objects, moves);
}

/// Points whatever refers to an old address of `moves` (dependencies, reference
/// attributes) at the new one, leaving the objects' own addresses alone.
pub fn redirect(objects: &mut [Object], moves: &[Rename]) {
    if moves.is_empty() {
        return;
    }
    let addresses: HashMap<&Address, &Address> = moves.iter().map(|m| (&m.from, &m.to)).collect();
    let texts: HashMap<String, String> = moves
        .iter()
        .map(|m| (m.from.to_string(), m.to.to_string()))
        .collect();
    for object in objects {
        for dep in &mut object.dependencies {
            if let Some(&to) = addresses.get(dep) {
                *dep = to.clone();
            }
        }
        rename_references(&mut object.attributes, &texts);
    }
}

/// Points every reference in `attrs` (a value, a list element or a nested block's value
/// equal to an old address of `moved`, as text) at the new address. True when any was.
pub fn rename_references(attrs: &mut Attrs, moved: &HashMap<String, String>) -> bool {
    fn walk(value: &mut serde_json::Value, moved: &HashMap<String, String>) -> bool {
        match value {
            serde_json::Value::String(s) => match moved.get(s.as_str()) {
                Some(to) => {
                    *s = to.clone();
                    true
                }
                None => false,
            },
            serde_json::Value::Array(items) => {
                items.iter_mut().fold(false, |t, v| walk(v, moved) | t)
            }
            serde_json::Value::Object(map) => {
                map.values_mut().fold(false, |t, v| walk(v, moved) | t)
            }
            _ => false,
        }
    }
    attrs.values_mut().fold(false, |t, v| walk(v, moved) | t)
}

/// Everything Strata manages for one blueprint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The format version.
    pub version: u32,
    /// Identifies this state across its versions; never changes.
    pub lineage: String,
    /// Raised by one on every write.
    pub serial: u64,
    /// The objects, sorted by address.
    pub objects: Vec<Object>,
    /// Root outputs after the last apply.
    pub outputs: serde_json::Map<String, serde_json::Value>,
    /// Temporary things that ended (environments past their ttl, completed jobs), with the
    /// fingerprint of their definition: they are not created again unless it changes.
    #[serde(default)]
    pub retired: Vec<Retired>,
    /// The blueprint's files at the last successful apply (for `strata plan -impact`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<Applied>,
}

/// A temporary object that has ended and must not come back while its definition stays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Retired {
    /// Its address.
    pub address: Address,
    /// A fingerprint of the attributes it was defined with.
    pub fingerprint: String,
    /// Why it ended.
    pub reason: String,
}
