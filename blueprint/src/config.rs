//! The evaluated blueprint: every resource instance with typed, checked attributes.
//!
//! This is what the rest of Strata consumes: the planner builds its graph from the
//! instances and their dependencies, the simulator its topology from their fields.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;

use crate::address::{Address, ModuleStep};
use crate::refactor::{Move, Removal};
use crate::source::Span;
use crate::units;
use crate::value::Value;

/// A checked attribute value, with units resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Typed {
    /// Known only after apply.
    Unknown,
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number (CPU cores, ratios given as numbers, overcommit).
    Num(f64),
    /// A string.
    Str(Arc<str>),
    /// A size in bytes.
    Size(u64),
    /// A duration in milliseconds.
    Duration(u64),
    /// A ratio (0.05 for 5%).
    Ratio(f64),
    /// A network.
    Cidr(IpNet),
    /// An address.
    Ip(IpAddr),
    /// A reference to another resource instance.
    Ref(Address),
    /// A list.
    List(Vec<Field>),
    /// A map.
    Map(BTreeMap<String, Field>),
}

/// A typed value and the span of the expression it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The value.
    pub value: Typed,
    /// Its expression (or the block, for defaults).
    pub span: Span,
}

/// One nested block, such as a `node_group`.
#[derive(Clone, Debug, PartialEq)]
pub struct NestedBlock {
    /// Its label, for labelled blocks.
    pub label: Option<String>,
    /// Its contents.
    pub fields: Fields,
    /// The block.
    pub span: Span,
}

/// The attributes and nested blocks of a block, after checking.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields {
    /// Attributes, by name; defaults are filled in.
    pub attrs: BTreeMap<String, Field>,
    /// Nested blocks, by block type.
    pub blocks: BTreeMap<String, Vec<NestedBlock>>,
    /// Attributes and blocks the blueprint did not write: filled from the schema's
    /// defaults or the service catalog, or placeholders for what the provider computes.
    /// A plan does not show them as if the blueprint had written them.
    pub implied: std::collections::BTreeSet<String>,
}

impl Fields {
    /// An attribute's typed value.
    pub fn get(&self, name: &str) -> Option<&Typed> {
        self.attrs.get(name).map(|f| &f.value)
    }

    /// The span of an attribute.
    pub fn span(&self, name: &str) -> Option<Span> {
        self.attrs.get(name).map(|f| f.span)
    }

    /// A whole-number attribute.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            Typed::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// A numeric attribute (integers, numbers, CPU, ratios).
    pub fn num(&self, name: &str) -> Option<f64> {
        match self.get(name)? {
            Typed::Int(i) => Some(*i as f64),
            Typed::Num(n) | Typed::Ratio(n) => Some(*n),
            _ => None,
        }
    }

    /// A size attribute, in bytes.
    pub fn size(&self, name: &str) -> Option<u64> {
        match self.get(name)? {
            Typed::Size(b) => Some(*b),
            _ => None,
        }
    }

    /// A duration attribute, in milliseconds.
    pub fn duration(&self, name: &str) -> Option<u64> {
        match self.get(name)? {
            Typed::Duration(ms) => Some(*ms),
            _ => None,
        }
    }

    /// A string attribute.
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            Typed::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A boolean attribute.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            Typed::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A CIDR attribute.
    pub fn cidr(&self, name: &str) -> Option<IpNet> {
        match self.get(name)? {
            Typed::Cidr(c) => Some(*c),
            _ => None,
        }
    }

    /// An IP address attribute.
    pub fn ip(&self, name: &str) -> Option<IpAddr> {
        match self.get(name)? {
            Typed::Ip(ip) => Some(*ip),
            _ => None,
        }
    }

    /// A single-reference attribute.
    pub fn reference(&self, name: &str) -> Option<&Address> {
        match self.get(name)? {
            Typed::Ref(a) => Some(a),
            _ => None,
        }
    }

    /// A reference-list attribute (a single reference counts as a list of one).
    pub fn references(&self, name: &str) -> Vec<&Address> {
        match self.get(name) {
            Some(Typed::Ref(a)) => vec![a],
            Some(Typed::List(items)) => items
                .iter()
                .filter_map(|f| match &f.value {
                    Typed::Ref(a) => Some(a),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The first nested block of a type.
    pub fn block(&self, name: &str) -> Option<&NestedBlock> {
        self.blocks.get(name).and_then(|b| b.first())
    }

    /// All nested blocks of a type.
    pub fn blocks(&self, name: &str) -> &[NestedBlock] {
        self.blocks.get(name).map_or(&[], Vec::as_slice)
    }

    /// As JSON: units in canonical form, references as addresses.
    pub fn to_json(&self) -> serde_json::Value {
        let mut map: serde_json::Map<String, serde_json::Value> = self
            .attrs
            .iter()
            .map(|(k, f)| (k.clone(), f.value.to_json()))
            .collect();
        for (name, blocks) in &self.blocks {
            let items = blocks.iter().map(|b| {
                let mut v = b.fields.to_json();
                if let (Some(label), serde_json::Value::Object(o)) = (&b.label, &mut v) {
                    o.insert("_label".into(), label.clone().into());
                }
                v
            });
            map.insert(name.clone(), serde_json::Value::Array(items.collect()));
        }
        serde_json::Value::Object(map)
    }
}

impl Typed {
    /// Back to a language value, as references to this resource see it.
    pub fn to_value(&self) -> Value {
        match self {
            Typed::Unknown => Value::Unknown,
            Typed::Bool(b) => Value::Bool(*b),
            Typed::Int(i) => Value::number(*i),
            Typed::Num(n) | Typed::Ratio(n) => {
                crate::number::Number::from_f64(*n).map_or(Value::Unknown, Value::Number)
            }
            Typed::Str(s) => Value::String(s.clone()),
            Typed::Size(b) => Value::string(units::format_size(*b)),
            Typed::Duration(ms) => Value::string(units::format_duration(*ms)),
            Typed::Cidr(c) => Value::string(c.to_string()),
            Typed::Ip(ip) => Value::string(ip.to_string()),
            Typed::Ref(a) => Value::string(a.to_string()),
            Typed::List(items) => Value::list(items.iter().map(|f| f.value.to_value()).collect()),
            Typed::Map(m) => Value::map(
                m.iter()
                    .map(|(k, f)| (k.clone(), f.value.to_value()))
                    .collect(),
            ),
        }
    }

    /// As JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Typed::Unknown => serde_json::Value::Null,
            Typed::List(items) => items.iter().map(|f| f.value.to_json()).collect(),
            Typed::Map(m) => m
                .iter()
                .map(|(k, f)| (k.clone(), f.value.to_json()))
                .collect(),
            other => other.to_value().to_json(),
        }
    }
}

/// `lifecycle { ... }` of a resource.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lifecycle {
    /// Refuse any plan that destroys it.
    pub prevent_destroy: bool,
    /// Create the replacement before destroying the old object.
    pub create_before_destroy: bool,
    /// Attributes whose changes are ignored.
    pub ignore_changes: Vec<String>,
}

/// One resource instance of the evaluated blueprint.
#[derive(Clone, Debug)]
pub struct Instance {
    /// Its address.
    pub address: Address,
    /// Its kind's schema name.
    pub kind: &'static str,
    /// False for descriptions that are not provisioned (`scenario`).
    pub managed: bool,
    /// Its checked attributes and blocks.
    pub fields: Fields,
    /// Instances it must come after (indexes into [`Config::instances`]), sorted.
    pub deps: Vec<usize>,
    /// Its lifecycle settings.
    pub lifecycle: Lifecycle,
    /// The provider configuration it uses: its `provider`, else the blueprint's default
    /// for its kind; `sim` when unset.
    pub provider: Option<String>,
    /// The block header.
    pub span: Span,
    /// Attributes computed from sensitive values: shown as `(sensitive)`, encrypted in the
    /// state when a key is given.
    pub sensitive: Vec<String>,
}

/// A resource block as declared in one module instance, whatever its `count` or
/// `for_each` gives (none, one or many instances).
#[derive(Clone, Debug)]
pub struct Resource {
    /// The module instance it is in.
    pub module: Vec<ModuleStep>,
    /// Its kind.
    pub kind: &'static str,
    /// Its name.
    pub name: String,
    /// Its lifecycle settings.
    pub lifecycle: Lifecycle,
    /// The block header.
    pub span: Span,
}

/// A root output.
#[derive(Clone, Debug)]
pub struct Output {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: Value,
    /// Hidden in human and JSON output.
    pub sensitive: bool,
    /// What it is.
    pub description: Option<String>,
}

/// A `provider` block, evaluated.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    /// The provider name, such as `sim`.
    pub name: String,
    /// Its alias, when there are several configurations of one provider.
    pub alias: Option<String>,
    /// Its settings.
    pub settings: BTreeMap<String, Value>,
    /// The resource instances each setting's value was computed from, by setting (sorted,
    /// without repeats; a setting that reads none is absent): Terraform's dependencies of
    /// a provider node. A configuration that reads a resource is configured after it.
    pub references: BTreeMap<String, Vec<Address>>,
    /// The block.
    pub span: Span,
}

/// The evaluated blueprint.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Every resource instance, in an order where dependencies come first.
    pub instances: Vec<Instance>,
    /// Root outputs.
    pub outputs: Vec<Output>,
    /// Provider configurations.
    pub providers: Vec<ProviderConfig>,
    /// The root `strata { default_provider { KIND = NAME } }`: the provider of each kind's
    /// resources that name none (`sim` for kinds it does not list).
    pub default_providers: BTreeMap<String, String>,
    /// The root `strata { currency = "EUR" }`: the ISO 4217 code costs are in; `None`
    /// when unset (reports then say the currency is not set).
    pub currency: Option<String>,
    /// Every resource block in every module instance, even those with no instances.
    pub resources: Vec<Resource>,
    /// `moved` blocks of every module, and the moves inferred where `count` was added
    /// or taken off.
    pub moves: Vec<Move>,
    /// `removed` blocks of every module.
    pub removals: Vec<Removal>,
    /// The sensitive values of this evaluation, to mask wherever they could still show.
    pub redactor: crate::redact::Redactor,
    /// Instances (indexes into `instances`) whose block had errors: the semantic checks
    /// do not read them, so they run beside those errors without guessing.
    pub invalid: std::collections::BTreeSet<usize>,
}

impl Config {
    /// The instance at `address`.
    pub fn instance(&self, address: &Address) -> Option<&Instance> {
        self.instances.iter().find(|i| &i.address == address)
    }

    /// The resource block `address` is an instance of, when the blueprint declares it.
    pub fn resource(&self, address: &Address) -> Option<&Resource> {
        self.resources.iter().find(|r| {
            r.module == address.module && r.kind == address.kind && r.name == address.name
        })
    }

    /// Every instance of kind `kind`.
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Instance> + 'a {
        self.instances.iter().filter(move |i| i.kind == kind)
    }
}
