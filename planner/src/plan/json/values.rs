//! The value rules of the JSON plan: sensitive attributes marked and masked, attributes
//! known only after apply marked.

use serde_json::{Map, Value};

use crate::plan::{Action, Change};
use crate::provider::Attrs;

/// What a sensitive value reads as in the JSON plan, in place of the value (Terraform's
/// human plan prints the same words).
pub const SENSITIVE: &str = "(sensitive value)";

/// `before_sensitive` / `after_sensitive` (and `sensitive_values` in the module trees):
/// `true` at each sensitive attribute; attributes left out are not sensitive.
#[derive(Clone)]
pub struct Masks(Value);

impl Masks {
    /// The masks of the attributes named in `sensitive`.
    pub fn of(sensitive: &[String]) -> Masks {
        Masks(Value::Object(
            sensitive
                .iter()
                .map(|n| (n.clone(), Value::Bool(true)))
                .collect(),
        ))
    }

    /// The masks of a value that is there, or `false` (Terraform's mask of a null value,
    /// such as `before` of a create).
    pub fn or_false(&self, present: bool) -> Value {
        if present {
            self.0.clone()
        } else {
            Value::Bool(false)
        }
    }
}

impl From<Masks> for Value {
    fn from(masks: Masks) -> Value {
        masks.0
    }
}

impl serde::Serialize for Masks {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// `attrs` as an object with the values of the `sensitive` ones replaced by [`SENSITIVE`].
pub fn masked(attrs: &Attrs, sensitive: &[String]) -> Value {
    Value::Object(
        attrs
            .iter()
            .map(|(name, value)| {
                let shown = if sensitive.contains(name) {
                    Value::from(SENSITIVE)
                } else {
                    value.clone()
                };
                (name.clone(), shown)
            })
            .collect(),
    )
}

/// `after_unknown`: `true` at each attribute known only after apply. For an object created
/// (or created anew by a replacement) these are the attributes the provider computes that
/// `after` does not hold yet (its `id` first), and those the blueprint sets from values
/// known only after apply; for an update, those the update recomputes.
pub fn after_unknown(change: &Change) -> Value {
    let mut unknown: Map<String, Value> = change
        .unknown
        .iter()
        .map(|n| (n.clone(), Value::Bool(true)))
        .collect();
    if matches!(change.action, Action::Create | Action::Replace) {
        let after = change.after.as_ref();
        let held = |name: &str| after.is_some_and(|a| a.contains_key(name));
        let computed = blueprint::schema::kind(&change.kind)
            .into_iter()
            .flat_map(|s| s.body.attrs.iter())
            .filter(|a| a.computed)
            .map(|a| a.name);
        for name in std::iter::once("id").chain(computed) {
            if !held(name) {
                unknown.insert(name.to_string(), Value::Bool(true));
            }
        }
    }
    Value::Object(unknown)
}
