//! Applying moves to the addresses of a state.
//!
//! Each address follows the moves that apply to it, one after another (`a` to `b`, then
//! `b` to `c`: an object at `a` ends at `c`), the most precise move first when several
//! apply. A move is refused, and its object stays where it is, when its new address holds
//! an object that stays, or when several objects would end at one address; an inferred
//! move is then skipped quietly, a written one reported.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::address::Address;

use super::Move;

/// An object that moves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    /// Where it was.
    pub from: Address,
    /// Where it goes.
    pub to: Address,
    /// The last move that took it there (an index into the moves).
    pub by: usize,
}

/// A written move that cannot be carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// Its new address already holds an object that stays there.
    Taken(Moved),
    /// Several objects would end at the same address.
    Collision(Vec<Moved>),
    /// The moves that apply to this address lead back to it.
    Cycle {
        /// The address.
        at: Address,
        /// A move on the way.
        by: usize,
    },
}

/// What [`resolve`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolution {
    /// The objects that move, in address order.
    pub moved: Vec<Moved>,
    /// The written moves that cannot be carried out.
    pub conflicts: Vec<Conflict>,
}

impl Resolution {
    /// Where the object at `address` goes, when it moves.
    pub fn destination(&self, address: &Address) -> Option<&Address> {
        self.moved
            .iter()
            .find(|m| &m.from == address)
            .map(|m| &m.to)
    }
}

/// The moves by the names their `from` endpoint matches: resources by module path, kind
/// and name, module calls by module path; so that an address looks only at moves that
/// may apply to it.
struct Index<'m> {
    moves: &'m [Move],
    resources: HashMap<(Vec<&'m str>, &'m str, &'m str), Vec<usize>>,
    modules: HashMap<Vec<&'m str>, Vec<usize>>,
}

impl<'m> Index<'m> {
    fn new(moves: &'m [Move]) -> Index<'m> {
        let mut index = Index {
            moves,
            resources: HashMap::new(),
            modules: HashMap::new(),
        };
        for (i, m) in moves.iter().enumerate() {
            let path: Vec<&str> = (m.from.scope.iter().map(String::as_str))
                .chain(m.from.module.iter().map(|s| s.name.as_str()))
                .collect();
            match &m.from.resource {
                Some(r) => index
                    .resources
                    .entry((path, r.kind.as_str(), r.name.as_str()))
                    .or_default()
                    .push(i),
                None => index.modules.entry(path).or_default().push(i),
            }
        }
        index
    }

    /// The moves that apply to `at`, with where each takes it.
    fn applying(&self, at: &Address) -> Vec<(usize, Address)> {
        let path: Vec<&str> = at.module.iter().map(|s| s.name.as_str()).collect();
        let resources = self
            .resources
            .get(&(path.clone(), at.kind.as_str(), at.name.as_str()));
        let modules = (1..=path.len()).filter_map(|n| self.modules.get(&path[..n]));
        resources
            .into_iter()
            .chain(modules)
            .flatten()
            .filter_map(|&i| self.moves[i].apply(at).map(|to| (i, to)))
            .collect()
    }

    /// The move that applies to `at`: the most precise written one, else an inferred
    /// one whose new address is free.
    fn step(&self, at: &Address, taken: &BTreeSet<Address>) -> Option<(usize, Address)> {
        let (written, implied): (Vec<_>, Vec<_>) = self
            .applying(at)
            .into_iter()
            .partition(|(i, _)| !self.moves[*i].implied);
        let best = written
            .into_iter()
            .max_by_key(|(i, _)| (self.moves[*i].from.precision(), std::cmp::Reverse(*i)));
        best.or_else(|| implied.into_iter().find(|(_, to)| !taken.contains(to)))
    }
}

/// Applies `moves` to the objects at `addresses`.
pub fn resolve(moves: &[Move], addresses: &BTreeSet<Address>) -> Resolution {
    let mut resolution = Resolution::default();
    if moves.is_empty() {
        return resolution;
    }
    let index = Index::new(moves);
    let mut wanted: Vec<Moved> = Vec::new();
    for address in addresses {
        let mut at = address.clone();
        let mut by = None;
        let mut seen = BTreeSet::from([address.clone()]);
        let mut cycle = false;
        while let Some((i, to)) = index.step(&at, addresses) {
            by = Some(i);
            at = to;
            if !seen.insert(at.clone()) {
                cycle = true;
                break;
            }
        }
        match by {
            Some(by) if cycle => resolution.conflicts.push(Conflict::Cycle { at, by }),
            Some(by) if at != *address => wanted.push(Moved {
                from: address.clone(),
                to: at,
                by,
            }),
            _ => {}
        }
    }
    // Refuse collisions, then moves onto objects that stay, until nothing changes: a
    // refused move keeps its object in place, which may block another.
    let mut by_target: BTreeMap<Address, Vec<Moved>> = BTreeMap::new();
    for m in wanted {
        by_target.entry(m.to.clone()).or_default().push(m);
    }
    let mut moving: Vec<Moved> = Vec::new();
    for (_, group) in by_target {
        if group.len() > 1 {
            resolution.conflicts.push(Conflict::Collision(group));
        } else {
            moving.extend(group);
        }
    }
    loop {
        let leaving: BTreeSet<&Address> = moving.iter().map(|m| &m.from).collect();
        let (blocked, free): (Vec<Moved>, Vec<Moved>) = moving
            .iter()
            .cloned()
            .partition(|m| addresses.contains(&m.to) && !leaving.contains(&m.to));
        if blocked.is_empty() {
            break;
        }
        resolution
            .conflicts
            .extend(blocked.into_iter().map(Conflict::Taken));
        moving = free;
    }
    moving.sort_by(|a, b| a.from.cmp(&b.from));
    resolution.moved = moving;
    resolution
        .conflicts
        .retain(|c| !matches!(c, Conflict::Taken(m) if moves[m.by].implied));
    resolution
}
