//! The planner: the dependency graph of resource instances built from an evaluated
//! blueprint. Plans, the apply walk, state and its backends join it with plan/apply.

pub mod graph;

pub use graph::{Edge, Graph, GraphBuilder, Node};
