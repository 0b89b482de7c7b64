//! The item graph: every declaration of every module node, with an edge wherever one
//! refers to another. Evaluation follows its topological order; a cycle in it is reported
//! as the shortest cycle, each step with the expression that makes it.

use std::collections::{HashMap, VecDeque};

use petgraph::algo::{tarjan_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::schema;
use crate::source::Span;

use super::refs::{self, RawRef};
use super::tree::Tree;

/// A declaration in one module node.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Item {
    Var(usize, String),
    Local(usize, String),
    Resource(usize, String, String),
    Output(usize, String),
    /// A module call's expansion (count / for_each) in its parent node.
    Call(usize, String),
    Provider(usize, usize),
}

/// Items and "refers to" edges, labelled with the referring expression's span.
struct ItemGraph {
    graph: DiGraph<Item, Span>,
    index: HashMap<Item, NodeIndex>,
}

impl ItemGraph {
    fn node(&mut self, item: Item) -> NodeIndex {
        if let Some(&i) = self.index.get(&item) {
            return i;
        }
        let i = self.graph.add_node(item.clone());
        self.index.insert(item, i);
        i
    }

    fn edge(&mut self, from: &Item, to: Item, span: Span) {
        let a = self.node(from.clone());
        let b = self.node(to);
        if !self.graph.contains_edge(a, b) {
            self.graph.add_edge(a, b, span);
        }
    }
}

/// Builds the item graph and returns the items in an order where every item comes after
/// what it refers to, each with `true` when it lies on a cycle. Cycles are reported; the
/// items on them are then evaluated as unknown, so they cause no further errors.
pub(crate) fn evaluation_order(tree: &Tree, diags: &mut Diagnostics) -> Vec<(Item, bool)> {
    let mut g = ItemGraph {
        graph: DiGraph::new(),
        index: HashMap::new(),
    };
    for node in 0..tree.nodes.len() {
        add_node_items(tree, node, &mut g);
    }
    if let Ok(order) = toposort(&g.graph, None) {
        return order
            .into_iter()
            .rev()
            .map(|i| (g.graph[i].clone(), false))
            .collect();
    }
    let mut component = vec![usize::MAX; g.graph.node_count()];
    for (c, scc) in tarjan_scc(&g.graph).into_iter().enumerate() {
        let self_loop = scc.len() == 1 && g.graph.contains_edge(scc[0], scc[0]);
        if scc.len() > 1 || self_loop {
            diags.push(cycle_diagnostic(tree, &g.graph, &scc));
            for n in scc {
                component[n.index()] = c;
            }
        }
    }
    // Without the edges inside each cycle the graph is acyclic, and whatever refers to a
    // cycle still comes after it.
    let mut acyclic = g.graph.clone();
    acyclic.retain_edges(|gr, e| match gr.edge_endpoints(e) {
        Some((a, b)) => {
            component[a.index()] == usize::MAX || component[a.index()] != component[b.index()]
        }
        None => false,
    });
    toposort(&acyclic, None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|i| (acyclic[i].clone(), component[i.index()] != usize::MAX))
        .collect()
}

fn add_node_items(tree: &Tree, node: usize, g: &mut ItemGraph) {
    let module = tree.module(node);
    let parent_call = tree.nodes[node].parent.zip(tree.nodes[node].call.clone());
    let mut items: Vec<(Item, Vec<RawRef>, Vec<RawRef>)> = Vec::new();
    for (name, var) in &module.variables {
        // Validation rules may refer to other variables of the module.
        let mut own = Vec::new();
        for (cond, message) in &var.validations {
            refs::in_expr(cond, &mut own);
            refs::in_expr(message, &mut own);
        }
        own.retain(|r| !(r.root == "var" && r.attr.as_deref() == Some(name.as_str())));
        let mut parent_refs = Vec::new();
        if let Some((parent, call)) = &parent_call
            && let Some(input) = tree
                .module(*parent)
                .calls
                .get(call)
                .and_then(|c| c.inputs.iter().find(|i| &i.name.name == name))
        {
            refs::in_expr(&input.value, &mut parent_refs);
        }
        items.push((Item::Var(node, name.clone()), own, parent_refs));
    }
    for (name, attr) in &module.locals {
        let mut r = Vec::new();
        refs::in_expr(&attr.value, &mut r);
        items.push((Item::Local(node, name.clone()), r, Vec::new()));
    }
    for ((kind, name), decl) in &module.resources {
        let mut r = Vec::new();
        refs::in_body(&decl.block.body, &[], &mut r);
        items.push((
            Item::Resource(node, kind.clone(), name.clone()),
            r,
            Vec::new(),
        ));
    }
    for (name, out) in &module.outputs {
        let mut r = Vec::new();
        refs::in_expr(&out.value, &mut r);
        items.push((Item::Output(node, name.clone()), r, Vec::new()));
    }
    for (name, call) in &module.calls {
        let mut r = Vec::new();
        for e in [&call.meta.count, &call.meta.for_each, &call.meta.depends_on]
            .into_iter()
            .flatten()
        {
            refs::in_expr(e, &mut r);
        }
        items.push((Item::Call(node, name.clone()), r, Vec::new()));
    }
    for (i, p) in module.providers.iter().enumerate() {
        let mut r = Vec::new();
        refs::in_body(&p.body, &[], &mut r);
        items.push((Item::Provider(node, i), r, Vec::new()));
    }
    for (item, own, from_parent) in items {
        g.node(item.clone());
        if let Some((parent, call)) = &parent_call {
            g.edge(
                &item,
                Item::Call(*parent, call.clone()),
                tree_span(tree, *parent, call),
            );
            for r in &from_parent {
                link(tree, *parent, &item, r, g);
            }
        }
        for r in &own {
            link(tree, node, &item, r, g);
        }
    }
}

fn tree_span(tree: &Tree, node: usize, call: &str) -> Span {
    tree.module(node)
        .calls
        .get(call)
        .map(|c| c.span)
        .unwrap_or(Span {
            file: crate::source::FileId(0),
            start: 0,
            end: 0,
        })
}

/// Adds the edges a reference `r`, written in module node `node`, makes from `item`.
fn link(tree: &Tree, node: usize, item: &Item, r: &RawRef, g: &mut ItemGraph) {
    let module = tree.module(node);
    let Some(attr) = &r.attr else { return };
    match r.root.as_str() {
        "var" if module.variables.contains_key(attr) => {
            g.edge(item, Item::Var(node, attr.clone()), r.span)
        }
        "local" if module.locals.contains_key(attr) => {
            g.edge(item, Item::Local(node, attr.clone()), r.span)
        }
        "module" => {
            let Some(&child) = tree.nodes[node].children.get(attr) else {
                return;
            };
            g.edge(item, Item::Call(node, attr.clone()), r.span);
            let outputs = &tree.module(child).outputs;
            match &r.attr2 {
                Some(out) if outputs.contains_key(out) => {
                    g.edge(item, Item::Output(child, out.clone()), r.span)
                }
                Some(_) => {}
                None => {
                    for out in outputs.keys() {
                        g.edge(item, Item::Output(child, out.clone()), r.span);
                    }
                    // `depends_on = [module.x]` waits for every resource inside.
                    link_all_resources(tree, child, item, r.span, g);
                }
            }
        }
        kind if schema::kind(kind).is_some()
            && module
                .resources
                .contains_key(&(kind.to_string(), attr.clone())) =>
        {
            g.edge(
                item,
                Item::Resource(node, kind.to_string(), attr.clone()),
                r.span,
            );
        }
        _ => {}
    }
}

fn link_all_resources(tree: &Tree, node: usize, item: &Item, span: Span, g: &mut ItemGraph) {
    for (kind, name) in tree.module(node).resources.keys() {
        g.edge(item, Item::Resource(node, kind.clone(), name.clone()), span);
    }
    for &child in tree.nodes[node].children.values() {
        link_all_resources(tree, child, item, span, g);
    }
}

/// How an item reads in messages: blueprint syntax, with its module path.
pub(crate) fn describe(tree: &Tree, item: &Item) -> String {
    let (node, text) = match item {
        Item::Var(n, name) => (*n, format!("var.{name}")),
        Item::Local(n, name) => (*n, format!("local.{name}")),
        Item::Resource(n, kind, name) => (*n, format!("{kind}.{name}")),
        Item::Output(n, name) => (*n, format!("output.{name}")),
        Item::Call(n, name) => (*n, format!("module.{name}")),
        Item::Provider(n, i) => (
            *n,
            format!("provider.{}", tree.module(*n).providers[*i].name.name),
        ),
    };
    let mut prefix = String::new();
    let mut cur = node;
    while let (Some(parent), Some(call)) = (tree.nodes[cur].parent, &tree.nodes[cur].call) {
        prefix = format!("module.{call}.{prefix}");
        cur = parent;
    }
    format!("{prefix}{text}")
}

/// The shortest cycle through the strongly connected component `scc`, as a diagnostic.
fn cycle_diagnostic(tree: &Tree, graph: &DiGraph<Item, Span>, scc: &[NodeIndex]) -> Diagnostic {
    let cycle = shortest_cycle(graph, scc);
    let names: Vec<String> = cycle
        .iter()
        .map(|(n, _)| describe(tree, &graph[*n]))
        .collect();
    let mut chain = names.clone();
    chain.push(names[0].clone());
    let first_span = cycle[0].1;
    let mut d = Diagnostic::error(
        first_span,
        format!("Dependency cycle: {}", chain.join(" → ")),
        "Each of these refers to the next, so none can be evaluated or created first. Remove one of the references, or move the shared value into a variable or local that does not depend on the others.",
    );
    for (i, (_, span)) in cycle.iter().enumerate() {
        let next = &names[(i + 1) % names.len()];
        d = d.with_note(format!("{} refers to {next}", names[i]), *span);
    }
    d
}

/// The shortest cycle in `scc`: its items in order, each with the span of its reference
/// to the next. Ties go to the cycle found from the earliest item.
fn shortest_cycle(graph: &DiGraph<Item, Span>, scc: &[NodeIndex]) -> Vec<(NodeIndex, Span)> {
    let members: std::collections::HashSet<NodeIndex> = scc.iter().copied().collect();
    let mut starts: Vec<NodeIndex> = scc.to_vec();
    starts.sort();
    let mut best: Option<Vec<(NodeIndex, Span)>> = None;
    for &start in &starts {
        // Breadth-first search from `start` back to itself, inside the component.
        let mut prev: HashMap<NodeIndex, (NodeIndex, Span)> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        let mut found = None;
        while let Some(n) = queue.pop_front() {
            for e in graph.edges(n) {
                let t = e.target();
                if !members.contains(&t) {
                    continue;
                }
                if t == start {
                    found = Some((n, *e.weight()));
                    break;
                }
                if let std::collections::hash_map::Entry::Vacant(v) = prev.entry(t) {
                    v.insert((n, *e.weight()));
                    queue.push_back(t);
                }
            }
            if found.is_some() {
                break;
            }
        }
        let Some((last, last_span)) = found else {
            continue;
        };
        let mut path = vec![(last, last_span)];
        let mut cur = last;
        while cur != start {
            let (p, s) = prev[&cur];
            path.push((p, s));
            cur = p;
        }
        path.reverse();
        if best.as_ref().is_none_or(|b| path.len() < b.len()) {
            best = Some(path);
        }
    }
    best.unwrap_or_default()
}
