//! Failover paths on small inline blueprints with injected failures: the downtime of each
//! service must be exactly what the scenario's timings give.

mod common;

// The topics, one file each under failover/ (a test crate's root resolves `mod` paths
// beside itself, hence the `#[path]`s).
#[path = "failover/hosts.rs"]
mod hosts;
#[path = "failover/maintenance.rs"]
mod maintenance;
#[path = "failover/platforms.rs"]
mod platforms;
#[path = "failover/quorum.rs"]
mod quorum;
#[path = "failover/random.rs"]
mod random;
#[path = "failover/reference.rs"]
mod reference;
#[path = "failover/storage.rs"]
mod storage;
