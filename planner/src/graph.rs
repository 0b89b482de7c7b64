//! The dependency graph of resource instances: a node per managed instance, an edge from
//! each instance to every instance it must come after.
//!
//! [`GraphBuilder`] builds it from an evaluated blueprint; the graph prints as Graphviz
//! DOT or JSON and gives the order in which instances can be created.

use blueprint::{Address, Config};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

/// One resource instance in the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Its address.
    pub address: Address,
    /// Its kind.
    pub kind: &'static str,
}

/// "must happen after": the source is created after the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge;

/// Managed resource instances and the order constraints between them.
#[derive(Debug, Default)]
pub struct Graph {
    graph: DiGraph<Node, Edge>,
}

/// Builds a [`Graph`] from an evaluated blueprint.
pub struct GraphBuilder;

impl GraphBuilder {
    /// A node for each managed instance (scenarios are not provisioned), an edge for each
    /// dependency between two of them.
    pub fn build(config: &Config) -> Graph {
        let mut graph = DiGraph::with_capacity(config.instances.len(), config.instances.len() * 2);
        let mut node_of = vec![None; config.instances.len()];
        for (i, inst) in config.instances.iter().enumerate() {
            if inst.managed {
                node_of[i] = Some(graph.add_node(Node {
                    address: inst.address.clone(),
                    kind: inst.kind,
                }));
            }
        }
        for (i, inst) in config.instances.iter().enumerate() {
            let Some(from) = node_of[i] else { continue };
            for &dep in &inst.deps {
                if let Some(Some(to)) = node_of.get(dep) {
                    graph.add_edge(from, *to, Edge);
                }
            }
        }
        Graph { graph }
    }
}

impl Graph {
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The nodes sorted by address, with the addresses each depends on, sorted.
    pub fn adjacency(&self) -> Vec<(&Node, Vec<&Address>)> {
        let mut out: Vec<(&Node, Vec<&Address>)> = self
            .graph
            .node_indices()
            .map(|n| {
                let mut deps: Vec<&Address> = self
                    .graph
                    .edges(n)
                    .map(|e| &self.graph[e.target()].address)
                    .collect();
                deps.sort();
                deps.dedup();
                (&self.graph[n], deps)
            })
            .collect();
        out.sort_by(|a, b| a.0.address.cmp(&b.0.address));
        out
    }

    /// Graphviz DOT: edges point from an instance to what it depends on.
    pub fn to_dot(&self) -> String {
        let mut out =
            String::from("digraph strata {\n  rankdir = \"RL\";\n  node [shape = box];\n");
        let adjacency = self.adjacency();
        for (node, _) in &adjacency {
            out.push_str(&format!(
                "  {} [label = {}];\n",
                quote(&node.address.to_string()),
                quote(&format!("{}\n{}", node.address, node.kind))
            ));
        }
        for (node, deps) in &adjacency {
            for dep in deps {
                out.push_str(&format!(
                    "  {} -> {};\n",
                    quote(&node.address.to_string()),
                    quote(&dep.to_string())
                ));
            }
        }
        out.push_str("}\n");
        out
    }

    /// JSON: `{"nodes": [{"address", "kind", "depends_on": [...]}], "edges": n}`.
    pub fn to_json(&self) -> serde_json::Value {
        let nodes: Vec<serde_json::Value> = self
            .adjacency()
            .into_iter()
            .map(|(node, deps)| {
                serde_json::json!({
                    "address": node.address.to_string(),
                    "kind": node.kind,
                    "depends_on": deps.iter().map(ToString::to_string).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({ "format_version": "1", "nodes": nodes, "edge_count": self.edge_count() })
    }

    /// Instances in an order where each comes after everything it depends on.
    pub fn creation_order(&self) -> Vec<&Address> {
        let order = petgraph::algo::toposort(&self.graph, None).unwrap_or_default();
        order
            .into_iter()
            .rev()
            .map(|n: NodeIndex| &self.graph[n].address)
            .collect()
    }
}

/// A DOT string literal.
fn quote(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}
