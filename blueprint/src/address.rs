//! Addresses of resource instances: `vm.web[2]`, `network_zone.z["rack[3]"]`,
//! `module.prod.kubernetes_cluster.main`.
//!
//! `Display` writes blueprint syntax and `FromStr` reads it back; the two are exact
//! inverses for every address, whatever its string keys hold (a key is an HCL quoted
//! string, see [`crate::quote`]). Every file and command that stores or takes an address (the state, the
//! journal, saved plans, `-target`, `strata state`, `strata import`, the sim provider)
//! goes through them, also as serde's string form of [`Address`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::quote::{self, Templates};

/// The key of one instance of a block with `count` (a number) or `for_each` (a string).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    /// `count.index`.
    Index(i64),
    /// `each.key`: any string, the empty one included.
    Key(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Index(i) => write!(f, "[{i}]"),
            InstanceKey::Key(k) => {
                f.write_str("[")?;
                quote::write(f, k, Templates::Escape)?;
                f.write_str("]")
            }
        }
    }
}

/// One step of a module path: `module.NAME` with its instance key, if the call has one.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleStep {
    /// The module call's name.
    pub name: String,
    /// The call's instance key under `count`/`for_each`.
    pub key: Option<InstanceKey>,
}

/// Where a resource instance lives: its module path, kind, name and instance key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    /// Module calls from the root, outermost first.
    pub module: Vec<ModuleStep>,
    /// The resource kind, such as `vm`.
    pub kind: String,
    /// The block's name label.
    pub name: String,
    /// The instance key, for blocks with `count` or `for_each`.
    pub key: Option<InstanceKey>,
}

impl Address {
    /// Whether this address names `other`: it is `other`, or it has no instance key and
    /// `other` is an instance of the same block (`vm.web` names `vm.web[0]` and
    /// `vm.web["a"]`), as `-target` and `strata state rm` read an address.
    pub fn includes(&self, other: &Address) -> bool {
        self == other
            || (self.key.is_none()
                && self.module == other.module
                && self.kind == other.kind
                && self.name == other.name)
    }
}

/// Why a string is not an address: what is wrong, and where.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{} is not a resource address: {reason} (at character {column}); write it as the blueprint refers to it, e.g. vm.web[2], network_zone.z[\"rack-1\"] or module.prod.vm.web",
    Quoted(.input)
)]
pub struct AddressError {
    input: String,
    /// 1-based, in characters.
    column: usize,
    reason: String,
}

/// The input of an error, quoted as a key is, so that quotes and control characters in it
/// show plainly.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        quote::write(f, self.0, Templates::Escape)
    }
}

fn write_module_path(f: &mut fmt::Formatter<'_>, module: &[ModuleStep]) -> fmt::Result {
    for step in module {
        write!(f, "module.{}", step.name)?;
        if let Some(key) = &step.key {
            write!(f, "{key}")?;
        }
        f.write_str(".")?;
    }
    Ok(())
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_module_path(f, &self.module)?;
        write!(f, "{}.{}", self.kind, self.name)?;
        if let Some(key) = &self.key {
            write!(f, "{key}")?;
        }
        Ok(())
    }
}

/// Reads an address left to right; `pos` is a byte offset into `input`.
struct Reader<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    fn fail(&self, at: usize, reason: impl Into<String>) -> AddressError {
        AddressError {
            input: self.input.to_string(),
            column: self.input[..at].chars().count() + 1,
            reason: reason.into(),
        }
    }

    fn eat(&mut self, text: &str) -> bool {
        let found = self.rest().starts_with(text);
        if found {
            self.pos += text.len();
        }
        found
    }

    fn expect(&mut self, text: &str, reason: &str) -> Result<(), AddressError> {
        if self.eat(text) {
            Ok(())
        } else {
            Err(self.fail(self.pos, reason))
        }
    }

    /// A name: a letter or underscore, then letters, digits, underscores and dashes.
    fn ident(&mut self, what: &str) -> Result<&'a str, AddressError> {
        let rest = self.rest();
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        let ident = &rest[..end];
        if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            return Err(self.fail(
                self.pos,
                format!("expected {what}, a name that starts with a letter or underscore"),
            ));
        }
        self.pos += end;
        Ok(ident)
    }

    /// An optional `[2]` or `["key"]`.
    fn key(&mut self) -> Result<Option<InstanceKey>, AddressError> {
        let open = self.pos;
        if !self.eat("[") {
            return Ok(None);
        }
        let key = if self.rest().starts_with('"') {
            let start = self.pos;
            let (key, used) =
                quote::read(self.rest()).map_err(|e| self.fail(start + e.at, e.reason))?;
            self.pos += used;
            InstanceKey::Key(key)
        } else {
            let rest = self.rest();
            let digits = rest.strip_prefix('-').unwrap_or(rest);
            let len = rest.len() - digits.len()
                + digits
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(digits.len());
            let index = rest[..len].parse().map_err(|_| {
                self.fail(
                    self.pos,
                    "an instance key is a whole number, or a string in double quotes",
                )
            })?;
            self.pos += len;
            InstanceKey::Index(index)
        };
        if !self.eat("]") {
            return Err(self.fail(
                self.pos,
                format!(
                    "the [ at character {} has no closing ]",
                    self.input[..open].chars().count() + 1
                ),
            ));
        }
        Ok(Some(key))
    }
}

impl FromStr for Address {
    type Err = AddressError;

    /// Reads `[module.NAME[KEY].]...KIND.NAME[KEY]`; surrounding white space is ignored.
    fn from_str(input: &str) -> Result<Address, AddressError> {
        let mut r = Reader {
            input: input.trim(),
            pos: 0,
        };
        let mut module = Vec::new();
        while r.eat("module.") {
            let name = r.ident("a module name")?.to_string();
            let key = r.key()?;
            module.push(ModuleStep { name, key });
            r.expect(".", "a module path must be followed by . and a resource")?;
        }
        let kind = r.ident("a resource kind")?.to_string();
        r.expect(
            ".",
            "a resource kind must be followed by . and the block's name",
        )?;
        let name = r.ident("the block's name")?.to_string();
        let key = r.key()?;
        if !r.rest().is_empty() {
            return Err(r.fail(r.pos, "unexpected text after the address"));
        }
        Ok(Address {
            module,
            kind,
            name,
            key,
        })
    }
}

/// An address is stored as its text (state, journal, saved plans, the sim provider).
impl Serialize for Address {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Address, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
