//! The `moved` and `removed` blocks of the whole module tree: gathered with the module
//! they apply in, the moves Strata infers where `count` was added or taken off, and the
//! checks that need the evaluated blueprint.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::address::{Address, InstanceKey};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::refactor::{Endpoint, Move, Removal, ResourceStep, resolve};
use crate::source::Span;

use super::Known;
use super::tree::Tree;

/// What an endpoint names, without where it was written.
type Id<'a> = (
    &'a [String],
    &'a [crate::address::ModuleStep],
    Option<&'a ResourceStep>,
);

/// The module call names from the root to `node`.
fn scope(tree: &Tree, mut node: usize) -> Vec<String> {
    let mut names = Vec::new();
    while let (Some(parent), Some(call)) = (tree.nodes[node].parent, &tree.nodes[node].call) {
        names.push(call.clone());
        node = parent;
    }
    names.reverse();
    names
}

/// The module node at the end of call names from the root.
fn node_at<'a>(tree: &Tree, names: impl IntoIterator<Item = &'a String>) -> Option<usize> {
    names.into_iter().try_fold(0, |node, name| {
        tree.nodes[node].children.get(name.as_str()).copied()
    })
}

/// Every move (written, then inferred) and removal, each with the module it applies in.
pub(crate) fn collect(tree: &Tree) -> (Vec<Move>, Vec<Removal>) {
    let mut moves = Vec::new();
    let mut implied = Vec::new();
    let mut removals = Vec::new();
    for node in 0..tree.nodes.len() {
        let scope = scope(tree, node);
        let module = tree.module(node);
        let scoped = |e: &Endpoint| Endpoint {
            scope: scope.clone(),
            ..e.clone()
        };
        for m in &module.moved {
            moves.push(Move {
                from: scoped(&m.from),
                to: scoped(&m.to),
                ..m.clone()
            });
        }
        for r in &module.removed {
            removals.push(Removal {
                from: scoped(&r.from),
                ..r.clone()
            });
        }
        for decl in module.resources.values() {
            let end = |key: Option<InstanceKey>| Endpoint {
                scope: scope.clone(),
                module: Vec::new(),
                resource: Some(ResourceStep {
                    kind: decl.kind.name.clone(),
                    name: decl.name.name.clone(),
                    key,
                }),
                span: decl.block.header_span(),
            };
            let zero = || Some(InstanceKey::Index(0));
            let (from, to) = match (&decl.meta.count, &decl.meta.for_each) {
                (Some(_), None) => (end(None), end(zero())),
                (None, None) => (end(zero()), end(None)),
                _ => continue,
            };
            implied.push(Move {
                from,
                to,
                span: decl.block.header_span(),
                implied: true,
            });
        }
    }
    moves.extend(implied);
    (moves, removals)
}

/// The attributes of existing objects at the addresses the moves take them to.
pub(crate) fn known_after(known: &Arc<Known>, moves: &[Move]) -> Arc<Known> {
    let addresses: BTreeSet<Address> = known.keys().cloned().collect();
    let moved = resolve(moves, &addresses).moved;
    if moved.is_empty() {
        return known.clone();
    }
    let mut after = (**known).clone();
    let values: Vec<_> = moved
        .iter()
        .filter_map(|m| after.remove(&m.from).map(|v| (m.to.clone(), v)))
        .collect();
    after.extend(values);
    Arc::new(after)
}

/// Where the blueprint still declares what `end` names: the resource or module call
/// block when `whole`, else an instance.
fn declared(tree: &Tree, config: &Config, end: &Endpoint, whole: bool) -> Option<Span> {
    let names: Vec<&String> = end
        .scope
        .iter()
        .chain(end.module.iter().map(|m| &m.name))
        .collect();
    match (&end.resource, whole) {
        (Some(r), true) => {
            let module = tree.module(node_at(tree, names)?);
            module
                .resources
                .get(&(r.kind.clone(), r.name.clone()))
                .map(|d| d.block.header_span())
        }
        (None, true) => {
            let (call, parents) = names.split_last()?;
            let parent = tree.module(node_at(tree, parents.iter().copied())?);
            parent.calls.get(call.as_str()).map(|c| c.span)
        }
        (Some(_), false) => config
            .instances
            .iter()
            .find(|i| end.names(&i.address))
            .map(|i| i.span),
        (None, false) => config
            .resources
            .iter()
            .find(|r| {
                end.names(&Address {
                    module: r.module.clone(),
                    kind: r.kind.to_string(),
                    name: r.name.clone(),
                    key: None,
                })
            })
            .map(|r| r.span),
    }
}

/// The checks of `moved` and `removed` blocks: kinds kept, no two blocks for one address,
/// no cycles, and nothing moved or removed that the blueprint still declares.
pub(crate) fn check(tree: &Tree, config: &Config, diags: &mut Diagnostics) {
    let written: Vec<&Move> = config.moves.iter().filter(|m| !m.implied).collect();
    let mut froms: HashMap<Id, &Move> = HashMap::new();
    let mut tos: HashMap<Id, &Move> = HashMap::new();
    for m in &written {
        check_kinds(m, diags);
        if m.from.same(&m.to) {
            diags.push(Diagnostic::warning(
                m.span,
                format!("moved block from {} to itself", m.from),
                "It has no effect. Remove it, or correct one of its addresses.",
            ));
            continue;
        }
        if let Some(first) = froms.insert(m.from.id(), m) {
            diags.push(twice(m, first, "move", &m.from));
        }
        if let Some(first) = tos.insert(m.to.id(), m) {
            diags.push(twice(m, first, "move objects to", &m.to));
        }
        if let Some(at) = declared(tree, config, &m.from, m.whole()) {
            diags.push(
                Diagnostic::error(
                    m.from.span,
                    format!("Moved object {} is still declared", m.from),
                    format!("This block moves {} to {}, but the blueprint still declares {}. Delete or rename its block (the move then takes its object to {}), or remove this moved block.", m.from, m.to, m.from, m.to),
                )
                .with_note("declared here", at),
            );
        }
    }
    check_cycles(&written, diags);
    let mut removed: HashMap<Id, &Removal> = HashMap::new();
    for r in &config.removals {
        if let Some(first) = removed.insert(r.from.id(), r) {
            diags.push(
                Diagnostic::error(
                    r.from.span,
                    format!("{} is removed twice", r.from),
                    "Keep one removed block for it.",
                )
                .with_note("first removed here", first.from.span),
            );
        }
        if let Some(m) = froms.get(&r.from.id()) {
            diags.push(
                Diagnostic::error(r.from.span, format!("{} is both moved and removed", r.from), "An object either moves to a new address or leaves the blueprint. Keep the moved block or the removed block.")
                    .with_note("moved here", m.span),
            );
        }
        if let Some(at) = declared(tree, config, &r.from, r.from.key().is_none()) {
            diags.push(
                Diagnostic::error(
                    r.from.span,
                    format!("Removed object {} is still declared", r.from),
                    format!("A removed block is for objects whose block is gone; the blueprint still declares {}. Delete its block, or remove this removed block.", r.from),
                )
                .with_note("declared here", at),
            );
        }
    }
}

fn twice(m: &Move, first: &Move, what: &str, end: &Endpoint) -> Diagnostic {
    Diagnostic::error(
        m.span,
        format!("Two moved blocks {what} {end}"),
        "An object has one old and one new address. Keep one of the two moved blocks; to move objects one after another, chain the blocks (a to b, then b to c).",
    )
    .with_note("the other moved block", first.span)
}

fn check_kinds(m: &Move, diags: &mut Diagnostics) {
    match (&m.from.resource, &m.to.resource) {
        (Some(a), Some(b)) if a.kind != b.kind => diags.push(Diagnostic::error(
            m.to.span,
            format!("Cannot move {} to {}: an object keeps its kind", m.from, m.to),
            format!("A moved block gives an object a new address; it cannot turn a {} into a {}. To replace one with the other, delete the old block (its object is destroyed) and declare the new one.", a.kind, b.kind),
        )),
        (Some(_), None) | (None, Some(_)) => diags.push(Diagnostic::error(
            m.to.span,
            format!("Cannot move {} to {}", m.from, m.to),
            "A moved block moves a resource to a resource, or a module call to a module call.",
        )),
        _ => {}
    }
}

/// Reports moved blocks that lead back to where they started (`a` to `b`, `b` to `a`).
fn check_cycles(written: &[&Move], diags: &mut Diagnostics) {
    let next = |i: usize| written.iter().position(|m| m.from.same(&written[i].to));
    let mut reported = BTreeSet::new();
    for start in 0..written.len() {
        let mut path = vec![start];
        let mut at = start;
        while let Some(n) = next(at) {
            if let Some(pos) = path.iter().position(|&p| p == n) {
                let cycle = &path[pos..];
                if reported.insert(cycle.iter().min().copied()) {
                    let mut steps: Vec<String> =
                        cycle.iter().map(|&i| written[i].from.to_string()).collect();
                    steps.push(written[n].from.to_string());
                    let mut d = Diagnostic::error(
                        written[n].span,
                        "The moved blocks form a cycle",
                        format!(
                            "{}: no address is the final one. Remove the moved block that points back.",
                            steps.join(" -> ")
                        ),
                    );
                    for &i in cycle.iter().filter(|&&i| i != n) {
                        d = d.with_note("part of the cycle", written[i].span);
                    }
                    diags.push(d);
                }
                break;
            }
            path.push(n);
            at = n;
        }
    }
}
