//! Plans: what an apply will change, and what changed outside Strata since the last one.
//!
//! [`make`] refreshes every object from its provider, records [`Drift`], and diffs the
//! evaluated blueprint against what exists into [`Change`]s. A plan renders for people
//! ([`render`]) and as documented JSON ([`json`]), and can be saved and applied later as
//! long as the state has not moved on (lineage and serial are checked).

pub mod attrs;
mod cascade;
mod diff;
pub mod json;
mod late;
mod moved;
pub mod outputs;
mod protect;
mod refresh;
pub mod render;
pub mod saved;

use blueprint::Address;
use serde::{Deserialize, Serialize};

use crate::provider::Attrs;

pub use diff::{PlanOptions, diff, make};
pub use refresh::refresh;

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

/// Why an object is replaced or destroyed, when its action alone does not say: Terraform's
/// `action_reason` values, and Strata's own for what Terraform does not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// `-replace` asked for it.
    ReplaceByRequest,
    /// Its block is no longer in the blueprint.
    DeleteBecauseNoResourceConfig,
    /// Its block is there, but `count` no longer reaches its index.
    DeleteBecauseCountIndex,
    /// Its block is there, but its key is no longer in `for_each`.
    DeleteBecauseEachKey,
    /// Its block has `count` or `for_each` now, and it has no key, or the other way round.
    DeleteBecauseWrongRepetition,
    /// The module call it lived in is no longer in the blueprint.
    DeleteBecauseNoModule,
    /// An environment past its time to live (Strata's own).
    DeleteBecauseTtlExpired,
    /// An older object left at the address by an interrupted create_before_destroy.
    DeleteBecauseDeposed,
    /// A `moved` block took it to an address the blueprint does not declare.
    DeleteBecauseNoMoveTarget,
    /// It names a replaced object in an attribute that forces replacement (Strata's own:
    /// Terraform gets there through the replaced object's unknown id).
    ReplaceBecauseDependencyReplaced,
}

impl Reason {
    /// The plan's explanation line, after "because" (`vm.a` is the object's address).
    pub fn explain(self, address: &Address) -> String {
        let key = address
            .key
            .as_ref()
            .map(|k| k.to_string())
            .unwrap_or_default();
        match self {
            Reason::ReplaceByRequest => "-replace asked for it".to_string(),
            Reason::DeleteBecauseNoResourceConfig => format!("{address} is not in the blueprint"),
            Reason::DeleteBecauseCountIndex => format!("index {key} is out of range for count"),
            Reason::DeleteBecauseEachKey => format!("key {key} is not in for_each map"),
            Reason::DeleteBecauseWrongRepetition => {
                "its block's count or for_each changed how it is keyed".to_string()
            }
            Reason::DeleteBecauseNoModule => {
                // The module path: the address without its resource part.
                let full = address.to_string();
                let resource = Address {
                    module: Vec::new(),
                    ..address.clone()
                }
                .to_string();
                let module = full
                    .strip_suffix(&resource)
                    .unwrap_or(&full)
                    .trim_end_matches('.');
                format!("{module} is not in the blueprint")
            }
            Reason::DeleteBecauseTtlExpired => "its ttl expired".to_string(),
            Reason::DeleteBecauseDeposed => {
                "it was left behind by an interrupted create_before_destroy".to_string()
            }
            Reason::DeleteBecauseNoMoveTarget => {
                format!("{address}, where a moved block took it, is not in the blueprint")
            }
            Reason::ReplaceBecauseDependencyReplaced => {
                "an object it names in an attribute that forces replacement is replaced".to_string()
            }
        }
    }
}

/// One object's change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Its address.
    pub address: Address,
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
    /// Why, when the action alone does not say (Terraform's `action_reason`).
    pub reason: Option<Reason>,
    /// Addresses it must come after (creates, updates) or before (deletes).
    pub dependencies: Vec<Address>,
    /// For a replacement: create the new object before destroying the old.
    pub create_before_destroy: bool,
    /// For a temporary object that ends (ttl expired): the fingerprint of its definition,
    /// so that it is not created again while the definition stays the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retire: Option<String>,
    /// Attributes computed from sensitive values: shown as `(sensitive)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive: Vec<String>,
    /// Attributes (top-level names) known only after apply: those the blueprint sets from
    /// such values (another object's computed `address` when that object is created or
    /// replaced by this plan), and computed ones the provider gives new values in an
    /// update. They are absent from `after`; the apply evaluates the blueprint's once what
    /// they come from exists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// Attributes the blueprint did not write, filled from the schema's defaults or the
    /// service catalog: the plan does not show them as if the blueprint had written them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implied: Vec<String>,
    /// What the provider says the change does beyond its attributes (a VM restarted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// For an object that changes address (a `moved` block): where it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_address: Option<Address>,
    /// For an object that exists and stays (update, replace, no-op): what it depended on
    /// at its last apply, as the state recorded it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prior_dependencies: Vec<Address>,
    /// `prevent_destroy` of its block, recorded in the state at apply.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevent_destroy: bool,
    /// For an object that exists: `prevent_destroy` as the state recorded it at its last
    /// apply (`prevent_destroy` above is the block's now, while it is declared).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prior_prevent_destroy: bool,
}

impl Change {
    /// True when applying it does something: an action, or a move.
    pub fn acts(&self) -> bool {
        self.action != Action::NoOp || self.previous_address.is_some()
    }

    /// What the object it deletes depended on, as the state recorded it: for a delete
    /// its dependencies, for a replacement the old object's.
    pub fn recorded_dependencies(&self) -> &[Address] {
        match self.action {
            Action::Delete | Action::Forget => &self.dependencies,
            _ => &self.prior_dependencies,
        }
    }
}

/// An object changed outside Strata: found different from the state, or gone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    /// Its address.
    pub address: Address,
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

/// What will happen to one root output, as Terraform's "Changes to Outputs".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputChange {
    /// The output's name.
    pub name: String,
    /// Create (a new output), Update, Delete (no longer in the blueprint) or NoOp.
    pub action: Action,
    /// Its value in the state (`None` when it has none).
    pub before: Option<serde_json::Value>,
    /// Its value after the apply (`None` when deleted or known only after apply).
    pub after: Option<serde_json::Value>,
    /// True when the value is known only after apply.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after_unknown: bool,
    /// Declared `sensitive = true` (now or in the state): its values are never shown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
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
    /// Every root output's change, NoOps included, by name.
    #[serde(default)]
    pub output_changes: Vec<OutputChange>,
    /// The provider configurations the apply configures when it gets to them (their
    /// settings read what this plan creates or replaces), with what they wait for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deferred: Vec<blueprint::providers::Deferred>,
}

impl Plan {
    /// The changes that do something (moves included).
    pub fn actions(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.acts())
    }

    /// The output changes that do something.
    pub fn output_actions(&self) -> impl Iterator<Item = &OutputChange> {
        self.output_changes
            .iter()
            .filter(|c| c.action != Action::NoOp)
    }

    /// True when no object changes (outputs may still change).
    pub fn changes_no_objects(&self) -> bool {
        self.actions().next().is_none()
    }

    /// True when applying it changes nothing: no object and no output.
    pub fn is_empty(&self) -> bool {
        self.changes_no_objects() && self.output_actions().next().is_none()
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
