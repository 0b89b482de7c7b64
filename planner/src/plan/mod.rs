//! Plans: what an apply will change, and what changed outside Strata since the last one.
//!
//! [`make`] refreshes every object from its provider, records [`Drift`], and diffs the
//! evaluated blueprint against what exists into [`Change`]s. A plan renders for people
//! ([`render`]) and as documented JSON ([`json`]), and can be saved and applied later as
//! long as the state has not moved on (lineage and serial are checked).

mod cascade;
mod diff;
pub mod json;
mod moved;
mod protect;
pub mod render;
mod render_refactor;

use blueprint::Address;
use serde::{Deserialize, Serialize};

use crate::provider::Attrs;

pub use diff::{PlanOptions, make};

/// What will happen to one object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Nothing.
    NoOp,
    /// Create it.
    Create,
    /// Change it in place.
    Update,
    /// Destroy it and create it anew.
    Replace,
    /// Destroy it.
    Delete,
    /// Stop managing it, leaving it as it is (a `removed` block with `destroy = false`).
    Forget,
}

/// One object's change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Its address.
    pub address: String,
    /// Its kind.
    pub kind: String,
    /// Its provider configuration.
    pub provider: String,
    /// What will happen.
    pub action: Action,
    /// Its provider id, when it exists.
    pub id: Option<String>,
    /// Its attributes now (`None` when it does not exist).
    pub before: Option<Attrs>,
    /// Its attributes after the apply as far as known now (`None` when deleted); attributes
    /// known only after apply are absent.
    pub after: Option<Attrs>,
    /// The attributes whose change forces a replacement.
    pub replace_because: Vec<String>,
    /// Why, when the blueprint alone does not say (`ttl expired`, `-replace`).
    pub reason: Option<String>,
    /// Addresses it must come after (creates, updates) or before (deletes).
    pub dependencies: Vec<String>,
    /// For a replacement: create the new object before destroying the old.
    pub create_before_destroy: bool,
    /// For a temporary object that ends (ttl expired): the fingerprint of its definition,
    /// so that it is not created again while the definition stays the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retire: Option<String>,
    /// Attributes computed from sensitive values: shown as `(sensitive)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive: Vec<String>,
    /// For an object that changes address (a `moved` block): where it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_address: Option<String>,
    /// For an object that exists and stays (update, replace, no-op): what it depended on
    /// at its last apply, as the state recorded it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prior_dependencies: Vec<String>,
    /// `prevent_destroy` of its block, recorded in the state at apply.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevent_destroy: bool,
}

impl Change {
    /// True when applying it does something: an action, or a move.
    pub fn acts(&self) -> bool {
        self.action != Action::NoOp || self.previous_address.is_some()
    }

    /// What the object it deletes depended on, as the state recorded it: for a delete
    /// its dependencies, for a replacement the old object's.
    pub fn recorded_dependencies(&self) -> &[String] {
        match self.action {
            Action::Delete | Action::Forget => &self.dependencies,
            _ => &self.prior_dependencies,
        }
    }

    /// Its address, parsed.
    pub fn address(&self) -> Address {
        self.address.parse().unwrap_or_else(|_| Address {
            module: Vec::new(),
            kind: self.kind.clone(),
            name: self.address.clone(),
            key: None,
        })
    }
}

/// An object changed outside Strata: found different from the state, or gone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    /// Its address.
    pub address: String,
    /// Its kind.
    pub kind: String,
    /// As the state recorded it.
    pub before: Attrs,
    /// As it is now; `None` when it was deleted.
    pub after: Option<Attrs>,
    /// Attributes computed from sensitive values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive: Vec<String>,
}

/// A plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The format version of a saved plan.
    pub format_version: u32,
    /// The lineage of the state it was made against.
    pub lineage: String,
    /// The serial of that state: applying refuses when the state has moved on.
    pub serial: u64,
    /// True for `strata destroy`.
    pub destroy: bool,
    /// Every object's change, NoOps included, in address order.
    pub changes: Vec<Change>,
    /// What changed outside Strata.
    pub drift: Vec<Drift>,
}

impl Plan {
    /// The changes that do something (moves included).
    pub fn actions(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.acts())
    }

    /// True when applying it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.actions().next().is_none()
    }

    /// (to add, to change, to destroy), counting a replacement as one add and one destroy.
    pub fn counts(&self) -> (usize, usize, usize) {
        self.actions()
            .fold((0, 0, 0), |(a, c, d), ch| match ch.action {
                Action::Create => (a + 1, c, d),
                Action::Update => (a, c + 1, d),
                Action::Replace => (a + 1, c, d + 1),
                Action::Delete => (a, c, d + 1),
                Action::NoOp | Action::Forget => (a, c, d),
            })
    }
}
