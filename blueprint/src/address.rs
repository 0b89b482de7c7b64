//! Addresses of resource instances: `vm.web[2]`, `module.prod.kubernetes_cluster.main`.
//!
//! `Display` writes blueprint syntax and `FromStr` reads it back, so an address printed by
//! one command can be given to another.

use std::fmt;
use std::str::FromStr;

/// The key of one instance of a block with `count` (a number) or `for_each` (a string).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    /// `count.index`.
    Index(i64),
    /// `each.key`.
    Key(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Index(i) => write!(f, "[{i}]"),
            InstanceKey::Key(k) => write!(f, "[{k:?}]"),
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

/// Why a string is not an address.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "\"{input}\" is not a resource address: {reason} (expected e.g. vm.web[2] or module.prod.vm.web)"
)]
pub struct AddressError {
    input: String,
    reason: &'static str,
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

/// Reads an identifier followed by an optional `[key]`, returning the rest of the input.
fn ident_and_key(s: &str) -> Result<(&str, Option<InstanceKey>, &str), &'static str> {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(s.len());
    let (ident, rest) = s.split_at(end);
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        return Err("a name must start with a letter or underscore");
    }
    let Some(inner) = rest.strip_prefix('[') else {
        return Ok((ident, None, rest));
    };
    let close = inner.find(']').ok_or("an opening [ has no closing ]")?;
    let (raw, rest) = (&inner[..close], &inner[close + 1..]);
    let key = if let Some(quoted) = raw.strip_prefix('"') {
        InstanceKey::Key(
            quoted
                .strip_suffix('"')
                .ok_or("a string key needs closing quotes")?
                .to_string(),
        )
    } else {
        InstanceKey::Index(
            raw.parse()
                .map_err(|_| "an index must be a number or a quoted string")?,
        )
    };
    Ok((ident, Some(key), rest))
}

impl FromStr for Address {
    type Err = AddressError;

    fn from_str(input: &str) -> Result<Address, AddressError> {
        let err = |reason| AddressError {
            input: input.to_string(),
            reason,
        };
        let mut rest = input.trim();
        let mut module = Vec::new();
        while let Some(after) = rest.strip_prefix("module.") {
            let (name, key, tail) = ident_and_key(after).map_err(err)?;
            module.push(ModuleStep {
                name: name.to_string(),
                key,
            });
            rest = tail
                .strip_prefix('.')
                .ok_or_else(|| err("a module path must be followed by a resource"))?;
        }
        let (kind, key, tail) = ident_and_key(rest).map_err(err)?;
        if key.is_some() {
            return Err(err("the kind cannot have an index"));
        }
        let tail = tail
            .strip_prefix('.')
            .ok_or_else(|| err("a kind must be followed by .name"))?;
        let (name, key, tail) = ident_and_key(tail).map_err(err)?;
        if !tail.is_empty() {
            return Err(err("unexpected text after the address"));
        }
        Ok(Address {
            module,
            kind: kind.to_string(),
            name: name.to_string(),
            key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_display() {
        for text in [
            "vm.web",
            "vm.web[2]",
            "service.app[\"payments\"]",
            "module.prod.kubernetes_cluster.main",
            "module.env[\"sit\"].module.db[0].vm.primary",
        ] {
            let address: Address = text.parse().unwrap();
            assert_eq!(address.to_string(), text);
        }
    }

    #[test]
    fn rejects_malformed_addresses() {
        for text in [
            "vm",
            "vm.",
            "module.x",
            "vm.web[",
            "vm.web[x]",
            "1vm.a",
            "vm.a.b",
        ] {
            assert!(text.parse::<Address>().is_err(), "{text} should not parse");
        }
    }
}
