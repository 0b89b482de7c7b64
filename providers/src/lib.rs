//! Providers: what creates the things a blueprint declares.
//!
//! A provider implements [`planner::Provider`]. [`SimProvider`] is the built-in simulated
//! datacenter (`sim`), the default: hosts with capacity and overcommit, VM placement with
//! anti-affinity, addresses from zone CIDRs, Kubernetes clusters whose nodes are VMs,
//! services and jobs placed on nodes, storage claims, latency, injected faults and drift,
//! all persisted crash-safely beside the state. libvirt, vSphere and Kubernetes follow.
//!
//! ```no_run
//! # async fn demo() -> Result<(), providers::SimError> {
//! use planner::Provider;
//! let sim = providers::SimProvider::open(".strata/sim.json".as_ref(), Default::default())?;
//! assert_eq!(sim.name(), "sim");
//! println!("{}", sim.summary());
//! # Ok(()) }
//! ```

pub mod sim;

pub use sim::{ApiServer, ApiServerError, SimConfig, SimError, SimProvider};
