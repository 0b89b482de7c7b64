//! The planner: from an evaluated blueprint and what exists to a plan, and from a plan to
//! the world.
//!
//! [`GraphBuilder`] builds the dependency graph of resource instances; [`provider`]
//! defines how providers are called; [`state`] records what exists, crash-safely.

pub mod apply;
pub mod graph;
pub mod host_figures;
pub mod plan;
pub mod progress;
pub mod provider;
pub mod state;

pub use graph::{Edge, Graph, GraphBuilder, Node};
pub use plan::{Action, Change, Drift, Plan};
pub use provider::{Attrs, Provider, Providers};
pub use state::{Object, State};
