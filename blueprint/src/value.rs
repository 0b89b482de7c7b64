//! Dynamic values of the expression language: what every expression evaluates to.
//!
//! Values are cheap to clone (strings and collections sit behind `Arc`), so scopes can hand
//! them out freely. `Unknown` stands for a value only known after apply (an `id`, an address
//! given out by a provider); operations on it yield `Unknown` instead of failing.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::address::Address;
use crate::number::Number;

/// A value of the blueprint language.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`: the absence of a value; an attribute set to null is as if unset.
    Null,
    /// A value known only after apply.
    Unknown,
    /// `true` or `false`.
    Bool(bool),
    /// A number: an exact decimal of any size (see [`Number`]).
    Number(Number),
    /// A string.
    String(Arc<str>),
    /// A list or tuple: an ordered sequence.
    List(Arc<Vec<Value>>),
    /// A set: distinct elements, kept sorted so that iteration is deterministic.
    Set(Arc<Vec<Value>>),
    /// A map or object, ordered by key as Terraform orders them.
    Map(Arc<BTreeMap<String, Value>>),
    /// A whole resource instance, as `site.dc1` evaluates.
    Ref(Arc<ResourceRef>),
}

/// A reference to a resource instance, with the attributes it was configured with.
#[derive(Debug, PartialEq)]
pub struct ResourceRef {
    /// The instance's index in the evaluated configuration.
    pub index: usize,
    /// The instance's address.
    pub address: Address,
    /// Its attributes (configured values, defaults, and `Unknown` for computed ones).
    pub attrs: BTreeMap<String, Value>,
    /// Attributes computed from sensitive values.
    pub sensitive: Vec<String>,
}

impl Value {
    /// A string value.
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    /// A list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    /// A set value: sorts and removes duplicates.
    pub fn set(mut items: Vec<Value>) -> Value {
        items.sort_by(Value::total_cmp);
        items.dedup();
        Value::Set(Arc::new(items))
    }

    /// A map value.
    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Arc::new(entries))
    }

    /// The name of this value's type, as messages show it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown => "unknown",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Map(_) => "map",
            Value::Ref(_) => "resource",
        }
    }

    /// True when this value, or anything inside it, is unknown.
    pub fn is_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::List(v) | Value::Set(v) => v.iter().any(Value::is_unknown),
            Value::Map(m) => m.values().any(Value::is_unknown),
            _ => false,
        }
    }

    /// The elements of a list or set.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) => Some(v),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A number value.
    pub fn number(n: impl Into<Number>) -> Value {
        Value::Number(n.into())
    }

    /// The number, when this is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as the nearest `f64`, when this is one.
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().map(Number::to_f64)
    }

    /// The number as an integer, when it is a whole number that fits in an `i64`.
    pub fn as_integer(&self) -> Option<i64> {
        self.as_number().and_then(Number::to_i64)
    }

    /// Converts a primitive to the string that templates and string functions see.
    pub fn to_template_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A total order over values, used to keep sets sorted and deterministic.
    pub fn total_cmp(a: &Value, b: &Value) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        fn rank(v: &Value) -> u8 {
            match v {
                Value::Null => 0,
                Value::Unknown => 1,
                Value::Bool(_) => 2,
                Value::Number(_) => 3,
                Value::String(_) => 4,
                Value::List(_) => 5,
                Value::Set(_) => 6,
                Value::Map(_) => 7,
                Value::Ref(_) => 8,
            }
        }
        match (a, b) {
            (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
            (Value::Number(x), Value::Number(y)) => x.cmp(y),
            (Value::String(x), Value::String(y)) => x.cmp(y),
            (Value::List(x), Value::List(y)) | (Value::Set(x), Value::Set(y)) => x
                .iter()
                .zip(y.iter())
                .map(|(p, q)| Value::total_cmp(p, q))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(x.len().cmp(&y.len())),
            (Value::Map(x), Value::Map(y)) => x
                .iter()
                .zip(y.iter())
                .map(|((ka, va), (kb, vb))| ka.cmp(kb).then_with(|| Value::total_cmp(va, vb)))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(x.len().cmp(&y.len())),
            (Value::Ref(x), Value::Ref(y)) => x.address.to_string().cmp(&y.address.to_string()),
            _ => rank(a).cmp(&rank(b)),
        }
    }

    /// Converts to JSON; resource references become their address, unknowns `null`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null | Value::Unknown => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => match (n.to_i64(), n.to_u64()) {
                (Some(i), _) => serde_json::Value::from(i),
                (_, Some(u)) => serde_json::Value::from(u),
                _ => serde_json::Number::from_f64(n.to_f64())
                    .map(serde_json::Value::Number)
                    .unwrap_or(serde_json::Value::Null),
            },
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::List(v) | Value::Set(v) => {
                serde_json::Value::Array(v.iter().map(Value::to_json).collect())
            }
            Value::Map(m) => {
                serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
            Value::Ref(r) => serde_json::Value::String(r.address.to_string()),
        }
    }

    /// Converts JSON (a variable file, a `-var` value) to a value.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                Number::parse(&n.to_string()).map_or(Value::Null, Value::Number)
            }
            serde_json::Value::String(s) => Value::string(s.as_str()),
            serde_json::Value::Array(a) => Value::list(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }
}

impl fmt::Display for Value {
    /// Blueprint syntax for the value, as messages quote it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Unknown => f.write_str("(known after apply)"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List(v) | Value::Set(v) => {
                f.write_str("[")?;
                for (i, item) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Value::Map(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} = {v}")?;
                }
                f.write_str("}")
            }
            Value::Ref(r) => write!(f, "{}", r.address),
        }
    }
}
