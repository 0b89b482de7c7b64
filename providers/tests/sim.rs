//! The simulated datacenter through its public API: placement, addresses, clusters,
//! services, storage, jobs, drift, latency, faults, persistence and crash safety.

// The topics, one file each under sim/ (a test crate's root resolves `mod` paths beside
// itself, hence the `#[path]`s).
#[path = "sim/blueprints.rs"]
mod blueprints;
#[path = "sim/clusters.rs"]
mod clusters;
#[path = "sim/common.rs"]
mod common;
#[path = "sim/faults.rs"]
mod faults;
#[path = "sim/lifecycle.rs"]
mod lifecycle;
#[path = "sim/persistence.rs"]
mod persistence;
#[path = "sim/placement.rs"]
mod placement;
#[path = "sim/services.rs"]
mod services;
