//! The attributes in which a provider records, on a `host_pool` it manages, the figures it
//! read from the real hosts, so that `strata capacity` and `strata simulate` count with
//! them instead of the blueprint's `host` block (docs/capacity.md).

/// Cores per host (a whole number).
pub const NODE_CPUS: &str = "node_cpus";
/// Memory per host, as a size (`64GiB`).
pub const NODE_MEMORY: &str = "node_memory";
/// How many hosts the pool has; absent when the provider reads one host (libvirt), and
/// then the blueprint's `hosts` counts.
pub const NODE_COUNT: &str = "node_count";
