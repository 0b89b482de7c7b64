//! Refactoring: `moved` and `removed` blocks, and the moves Strata infers when `count` is
//! added to or taken off a block.
//!
//! A [`Move`] says that the objects at one [`Endpoint`] now live at another (a renamed
//! block, a block moved into or out of a module, a renamed module call, `count` changed
//! to `for_each`); [`resolve`] applies every move to the addresses of a state, following
//! chains. A [`Removal`] says that the objects at an endpoint leave the blueprint on
//! purpose: forgotten (`destroy = false`) or destroyed even when the state recorded them
//! as protected (`destroy = true`). The planner uses both; evaluation uses the moves to
//! read the attributes an object had at its old address.

mod parse;
mod resolve;

use std::fmt;

use crate::address::{Address, InstanceKey, ModuleStep};
use crate::source::Span;

pub use parse::endpoint;
pub(crate) use parse::{moved_block, removed_block};
pub use resolve::{Conflict, Moved, Resolution, resolve};

/// The resource an endpoint names: `vm.web`, or one instance, `vm.web[2]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResourceStep {
    /// Its kind.
    pub kind: String,
    /// The block's name.
    pub name: String,
    /// The instance key; `None` for the whole resource or its instance without a key.
    pub key: Option<InstanceKey>,
}

/// What a `moved` or `removed` block names: a module call (`module.a`, `module.a[0]`) or
/// a resource (`vm.a`, `module.a.vm.b[1]`), relative to the module that declares the
/// block. The block applies in every instance of that module.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// The module calls from the root to the module that declared the block (names only:
    /// every instance of them).
    pub scope: Vec<String>,
    /// The module calls the address names, from that module down.
    pub module: Vec<ModuleStep>,
    /// The resource; `None` when the endpoint is a module call.
    pub resource: Option<ResourceStep>,
    /// The address expression.
    pub span: Span,
}

/// What an address holds beyond an endpoint it matched.
#[derive(Clone, Debug)]
struct Found {
    /// The module steps of the declaring module's instance, keys included.
    scope: Vec<ModuleStep>,
    /// The key a whole move carries over.
    key: Option<InstanceKey>,
    /// Under a module endpoint: the module steps below it.
    below: Vec<ModuleStep>,
}

impl Endpoint {
    /// The key of the last step: the resource's, or the last module call's.
    pub fn key(&self) -> Option<&InstanceKey> {
        match &self.resource {
            Some(r) => r.key.as_ref(),
            None => self.module.last().and_then(|m| m.key.as_ref()),
        }
    }

    /// What it names, without where it was written.
    pub fn id(&self) -> (&[String], &[ModuleStep], Option<&ResourceStep>) {
        (&self.scope, &self.module, self.resource.as_ref())
    }

    /// True when both name the same thing.
    pub fn same(&self, other: &Endpoint) -> bool {
        self.id() == other.id()
    }

    /// True when it names exactly `address` (an endpoint without a key names the
    /// instance without a key), or for a module call, a module instance `address` is in.
    pub fn names(&self, address: &Address) -> bool {
        self.find(address, false).is_some()
    }

    /// True for `module.NAME` endpoints.
    pub fn is_module(&self) -> bool {
        self.resource.is_none()
    }

    /// Matches `address`. With `whole`, an endpoint without a key stands for every
    /// instance (the key is carried over); otherwise it stands for the instance without
    /// a key.
    fn find(&self, address: &Address, whole: bool) -> Option<Found> {
        let n = self.scope.len();
        if address.module.len() < n
            || address.module[..n]
                .iter()
                .zip(&self.scope)
                .any(|(step, name)| step.name != *name)
        {
            return None;
        }
        let rest = &address.module[n..];
        let scope = address.module[..n].to_vec();
        let carry = |have: &Option<InstanceKey>, want: &Option<InstanceKey>| match whole {
            true => Some(have.clone()),
            false => (have == want).then_some(None),
        };
        match &self.resource {
            Some(r) => {
                if rest != self.module.as_slice()
                    || address.kind != r.kind
                    || address.name != r.name
                {
                    return None;
                }
                let key = carry(&address.key, &r.key)?;
                Some(Found {
                    scope,
                    key,
                    below: Vec::new(),
                })
            }
            None => {
                let (last, parents) = self.module.split_last()?;
                if rest.len() < self.module.len()
                    || rest[..parents.len()] != *parents
                    || rest[parents.len()].name != last.name
                {
                    return None;
                }
                let key = carry(&rest[parents.len()].key, &last.key)?;
                Some(Found {
                    scope,
                    key,
                    below: rest[self.module.len()..].to_vec(),
                })
            }
        }
    }

    /// True when the endpoint names `address` or a module it is in. An endpoint without
    /// a key names every instance.
    pub fn covers(&self, address: &Address) -> bool {
        self.find(address, self.key().is_none()).is_some()
    }

    /// `address`, matched by `from`, at this endpoint instead.
    fn place(&self, address: &Address, found: Found, whole: bool) -> Address {
        let mut module = found.scope;
        match &self.resource {
            Some(r) => {
                module.extend(self.module.iter().cloned());
                Address {
                    module,
                    kind: r.kind.clone(),
                    name: r.name.clone(),
                    key: if whole { found.key } else { r.key.clone() },
                }
            }
            None => {
                let mut steps = self.module.clone();
                if let (true, Some(last)) = (whole, steps.last_mut()) {
                    last.key = found.key;
                }
                module.extend(steps);
                module.extend(found.below);
                Address {
                    module,
                    ..address.clone()
                }
            }
        }
    }

    /// How precisely it names objects: instances before resources before modules, and
    /// deeper before shallower.
    fn precision(&self) -> (bool, usize, bool) {
        (
            self.resource.is_some(),
            self.module.len(),
            self.key().is_some(),
        )
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut sep = |f: &mut fmt::Formatter<'_>| {
            let s = if first { "" } else { "." };
            first = false;
            f.write_str(s)
        };
        for step in &self.module {
            sep(f)?;
            write!(f, "module.{}", step.name)?;
            if let Some(key) = &step.key {
                write!(f, "{key}")?;
            }
        }
        if let Some(r) = &self.resource {
            sep(f)?;
            write!(f, "{}.{}", r.kind, r.name)?;
            if let Some(key) = &r.key {
                write!(f, "{key}")?;
            }
        }
        Ok(())
    }
}

/// A `moved` block, or a move Strata infers: a block given `count` moves its object
/// without a key to `[0]`, a block that lost `count` moves `[0]` back (as Terraform does).
#[derive(Clone, Debug, PartialEq)]
pub struct Move {
    /// The old address.
    pub from: Endpoint,
    /// The new address.
    pub to: Endpoint,
    /// The `moved` block, or the resource block of an inferred move.
    pub span: Span,
    /// Inferred rather than written: skipped quietly when its new address is taken.
    pub implied: bool,
}

impl Move {
    /// True when both ends have no key: every instance moves, keeping its key.
    pub fn whole(&self) -> bool {
        self.from.key().is_none() && self.to.key().is_none()
    }

    /// Where this move takes `address`, when it applies to it.
    pub fn apply(&self, address: &Address) -> Option<Address> {
        let whole = self.whole();
        let found = self.from.find(address, whole)?;
        Some(self.to.place(address, found, whole))
    }
}

/// A `removed` block: the objects at `from` leave the blueprint on purpose.
#[derive(Clone, Debug, PartialEq)]
pub struct Removal {
    /// What leaves: a resource (every instance, or one), or a module call.
    pub from: Endpoint,
    /// `lifecycle { destroy = true }`: destroy the objects, even those the state records
    /// as protected by `prevent_destroy`; `false`: forget them, leaving them running.
    pub destroy: bool,
    /// The block.
    pub span: Span,
}

#[cfg(test)]
mod tests;
