//! Semantic checks: design mistakes that a schema cannot see because they span several
//! blocks — overlapping networks, impossible quorums, requests that fit no node, volumes
//! larger than their storage. Each file holds one family of checks.

mod capacity;
mod cluster;
mod environment;
mod jobs;
mod network;
mod scenario;
mod storage;

use crate::address::Address;
use crate::config::{Config, Instance};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// The evaluated blueprint with instances indexed by address.
pub(crate) struct World<'a> {
    pub config: &'a Config,
    by_address: rustc_hash::FxHashMap<&'a Address, &'a Instance>,
}

impl<'a> World<'a> {
    fn new(config: &'a Config) -> Self {
        World {
            config,
            by_address: Self::valid(config).map(|i| (&i.address, i)).collect(),
        }
    }

    /// The instances whose blocks had no errors: a check reads only these, so it runs in
    /// the same pass as the schema's errors elsewhere.
    fn valid(config: &'a Config) -> impl Iterator<Item = &'a Instance> + 'a {
        config
            .instances
            .iter()
            .enumerate()
            .filter(|(n, _)| !config.invalid.contains(n))
            .map(|(_, i)| i)
    }

    /// The instance an attribute of `inst` refers to.
    pub fn target(&self, inst: &Instance, attr: &str) -> Option<&'a Instance> {
        inst.fields.reference(attr).and_then(|a| self.get(a))
    }

    /// The instance at an address.
    pub fn get(&self, address: &Address) -> Option<&'a Instance> {
        self.by_address.get(address).copied()
    }

    /// Instances of a kind.
    pub fn of_kind(&self, kind: &'a str) -> impl Iterator<Item = &'a Instance> + 'a {
        Self::valid(self.config).filter(move |i| i.kind == kind)
    }
}

/// Runs every check over the instances whose blocks are valid.
pub fn run(config: &Config) -> Diagnostics {
    let world = World::new(config);
    let mut out: Vec<Diagnostic> = Vec::new();
    network::check(&world, &mut out);
    cluster::check(&world, &mut out);
    storage::check(&world, &mut out);
    capacity::check(&world, &mut out);
    scenario::check(&world, &mut out);
    environment::check(&world, &mut out);
    jobs::check(&world, &mut out);
    out.into_iter().collect()
}
