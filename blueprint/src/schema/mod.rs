//! The schema of every resource kind: attributes with their types, defaults and bounds,
//! nested blocks, and which kinds a reference must point to.
//!
//! Schemas are data: [`kind`] looks one up by name, and [`crate::conform`] checks an
//! evaluated block against it. The kinds themselves are declared in `kinds.rs`; the
//! platform-service catalog and its defaults in `catalog.rs`.

mod catalog;
mod kinds;
pub mod providers;

use std::sync::LazyLock;

pub use catalog::{CatalogEntry, SERVICE_KINDS, catalog_entry};
pub use kinds::{FAILURE_SCOPES, RESTART_PRIORITIES};

use crate::value::Value;

/// The type an attribute accepts.
#[derive(Clone, Debug, PartialEq)]
pub enum AttrType {
    /// Any string.
    String,
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// CPU cores: a number (`0.5`) or millicores (`"500m"`).
    Cpu,
    /// A size with a unit: `"4GiB"`.
    Size,
    /// A duration with a unit: `"30s"`, `"4h"`.
    Duration,
    /// A ratio: `"5%"` or a number such as `0.05`.
    Ratio,
    /// An IP network in CIDR notation: `"10.20.0.0/16"`.
    Cidr,
    /// An IP address.
    Ip,
    /// A TCP/UDP port, 1 to 65535.
    Port,
    /// One of a fixed set of strings.
    Enum(&'static [&'static str]),
    /// A reference to a resource of one of these kinds.
    Ref(&'static [&'static str]),
    /// One reference or a list of references to resources of these kinds.
    Refs(&'static [&'static str]),
    /// A list of values of one type.
    List(Box<AttrType>),
    /// A map from strings to values of one type.
    Map(Box<AttrType>),
}

impl AttrType {
    /// How the type reads in messages and docs.
    pub fn describe(&self) -> String {
        match self {
            AttrType::String => "a string".into(),
            AttrType::Bool => "true or false".into(),
            AttrType::Integer => "a whole number".into(),
            AttrType::Number => "a number".into(),
            AttrType::Cpu => "a number of CPU cores such as 2 or \"500m\"".into(),
            AttrType::Size => "a size such as \"4GiB\"".into(),
            AttrType::Duration => "a duration such as \"30s\" or \"4h\"".into(),
            AttrType::Ratio => "a ratio such as \"5%\" or 0.05".into(),
            AttrType::Cidr => "a network in CIDR notation such as \"10.20.0.0/16\"".into(),
            AttrType::Ip => "an IP address such as \"10.20.0.5\"".into(),
            AttrType::Port => "a port number from 1 to 65535".into(),
            AttrType::Enum(values) => format!("one of {}", quote_list(values)),
            AttrType::Ref(kinds) => format!("a reference to a {}", kinds.join(" or ")),
            AttrType::Refs(kinds) => format!(
                "a reference or a list of references to {}",
                kinds.join(" or ")
            ),
            AttrType::List(t) => format!("a list of {}", strip_article(&t.describe())),
            AttrType::Map(t) => format!("a map of {}", strip_article(&t.describe())),
        }
    }
}

fn strip_article(s: &str) -> String {
    s.strip_prefix("a ")
        .or_else(|| s.strip_prefix("an "))
        .map_or_else(|| s.to_string(), |r| format!("{r}s"))
}

/// `"a", "b" or "c"`.
pub fn quote_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

/// One attribute of a block.
#[derive(Clone, Debug)]
pub struct AttrSchema {
    /// Its name.
    pub name: &'static str,
    /// What it accepts.
    pub ty: AttrType,
    /// Must be set.
    pub required: bool,
    /// The value when unset.
    pub default: Option<Value>,
    /// Smallest allowed number (for numbers, sizes in bytes, durations in ms, ratios).
    pub min: Option<f64>,
    /// Largest allowed number.
    pub max: Option<f64>,
    /// Set by the provider after apply when not given (an address, an id).
    pub computed: bool,
    /// Always sensitive, whatever it is computed from (a cluster's token, as Terraform's
    /// provider schemas mark such attributes): shown as `(sensitive value)`, protected in
    /// the state, and sensitive in every expression that reads it.
    pub sensitive: bool,
    /// Changing it forces the object to be replaced.
    pub force_new: bool,
    /// A list whose order means nothing (the services of an environment): kept sorted,
    /// so that reordering it is no change.
    pub unordered: bool,
    /// One line for docs.
    pub doc: &'static str,
}

/// A nested block type allowed inside a block.
#[derive(Clone, Debug)]
pub struct NestedSchema {
    /// The block type.
    pub name: &'static str,
    /// The name of its one label, for labelled blocks such as `node_group "general"`.
    pub label: Option<&'static str>,
    /// Fewest allowed.
    pub min: usize,
    /// Most allowed.
    pub max: Option<usize>,
    /// What it contains.
    pub body: BlockSchema,
    /// One line for docs.
    pub doc: &'static str,
}

/// The contents a block may have.
#[derive(Clone, Debug, Default)]
pub struct BlockSchema {
    /// Its attributes.
    pub attrs: Vec<AttrSchema>,
    /// Its nested block types.
    pub blocks: Vec<NestedSchema>,
}

impl BlockSchema {
    /// The attribute named `name`.
    pub fn attr(&self, name: &str) -> Option<&AttrSchema> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// The nested block type named `name`.
    pub fn block(&self, name: &str) -> Option<&NestedSchema> {
        self.blocks.iter().find(|b| b.name == name)
    }

    fn with(mut self, attr: AttrSchema) -> Self {
        self.attrs.push(attr);
        self
    }

    fn nest(mut self, nested: NestedSchema) -> Self {
        self.blocks.push(nested);
        self
    }
}

/// The schema of a resource kind.
#[derive(Clone, Debug)]
pub struct KindSchema {
    /// The block type, such as `vm`.
    pub kind: &'static str,
    /// One line for docs.
    pub doc: &'static str,
    /// False for blocks that describe but do not provision (`scenario`).
    pub managed: bool,
    /// Its contents.
    pub body: BlockSchema,
}

/// Builder shorthand for an attribute.
fn attr(name: &'static str, ty: AttrType, doc: &'static str) -> AttrSchema {
    AttrSchema {
        name,
        ty,
        required: false,
        default: None,
        min: None,
        max: None,
        computed: false,
        sensitive: false,
        force_new: false,
        unordered: false,
        doc,
    }
}

impl AttrSchema {
    fn required(mut self) -> Self {
        self.required = true;
        self
    }

    fn default(mut self, value: impl Into<DefaultValue>) -> Self {
        self.default = Some(value.into().0);
        self
    }

    fn min(mut self, min: f64) -> Self {
        self.min = Some(min);
        self
    }

    fn max(mut self, max: f64) -> Self {
        self.max = Some(max);
        self
    }

    fn computed(mut self) -> Self {
        self.computed = true;
        self
    }

    fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    fn force_new(mut self) -> Self {
        self.force_new = true;
        self
    }

    fn unordered(mut self) -> Self {
        self.unordered = true;
        self
    }
}

/// A default value written as a Rust literal.
struct DefaultValue(Value);

impl From<i64> for DefaultValue {
    fn from(v: i64) -> Self {
        DefaultValue(Value::number(v))
    }
}

impl From<f64> for DefaultValue {
    fn from(v: f64) -> Self {
        DefaultValue(crate::number::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
}

impl From<&'static str> for DefaultValue {
    fn from(v: &'static str) -> Self {
        DefaultValue(Value::string(v))
    }
}

impl From<bool> for DefaultValue {
    fn from(v: bool) -> Self {
        DefaultValue(Value::Bool(v))
    }
}

/// Builder shorthand for a nested block.
fn block(name: &'static str, doc: &'static str, body: BlockSchema) -> NestedSchema {
    NestedSchema {
        name,
        label: None,
        min: 0,
        max: Some(1),
        body,
        doc,
    }
}

impl NestedSchema {
    fn required(mut self) -> Self {
        self.min = 1;
        self
    }

    fn labelled(mut self, label: &'static str) -> Self {
        self.label = Some(label);
        self.max = None;
        self
    }

    fn repeated(mut self) -> Self {
        self.max = None;
        self
    }
}

static KINDS: LazyLock<Vec<KindSchema>> = LazyLock::new(kinds::all);

impl KindSchema {
    /// Checks `value` for the attribute `name` as a block of this kind is checked: the
    /// kind must have the attribute, and the value its type, unit and bounds. A nested
    /// block's name is accepted as it is. `Err` is a sentence saying what is wrong: the
    /// attributes the kind has (with the closest name), or the value's problem.
    pub fn check_attribute(&self, name: &str, value: &Value) -> Result<(), String> {
        if self.body.blocks.iter().any(|n| n.name == name) {
            return Ok(());
        }
        let Some(spec) = self.body.attr(name) else {
            let names = self.body.attrs.iter().map(|a| a.name);
            return Err(format!(
                "A {} has no attribute \"{name}\". It has {}.{}",
                self.kind,
                names.clone().collect::<Vec<_>>().join(", "),
                crate::suggest::hint(name, names)
            ));
        };
        crate::conform::check_value(spec, value).map_err(|problem| format!("\"{name}\" {problem}."))
    }
}

/// The schema of resource kind `name`.
pub fn kind(name: &str) -> Option<&'static KindSchema> {
    KINDS.iter().find(|k| k.kind == name)
}

/// The top-level attributes of resource kind `name` that are always sensitive
/// ([`AttrSchema::sensitive`]); none for an unknown kind.
pub fn sensitive_attrs(name: &str) -> impl Iterator<Item = &'static str> {
    kind(name)
        .into_iter()
        .flat_map(|k| k.body.attrs.iter().filter(|a| a.sensitive).map(|a| a.name))
}

/// Every resource kind, in documentation order.
pub fn kinds() -> &'static [KindSchema] {
    &KINDS
}

/// The names of every resource kind.
pub fn kind_names() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|k| k.kind)
}
