//! The attributes in which a provider records, on a `host_pool` it manages, the figures it
//! read from the real hosts and their HA settings, so that `strata capacity` and `strata
//! simulate` count with them instead of the blueprint's `host` and `ha` blocks
//! (docs/capacity.md).

/// Cores per host (a whole number).
pub const NODE_CPUS: &str = "node_cpus";
/// Memory per host, as a size (`64GiB`).
pub const NODE_MEMORY: &str = "node_memory";
/// How many hosts the pool has; absent when the provider reads one host (libvirt), and
/// then the blueprint's `hosts` counts.
pub const NODE_COUNT: &str = "node_count";
/// The name of the cluster the figures were read from (a vSphere cluster), said where
/// capacity and the simulation count with them; absent for a single host.
pub const CLUSTER: &str = "cluster";
/// Whether the cluster's HA is on (a bool). Off, nothing is reserved for restarts.
pub const HA_ENABLED: &str = "ha_enabled";
/// The cluster's admission control policy: one of [`FAILOVER_LEVEL`],
/// [`RESOURCE_PERCENTAGE`], [`FAILOVER_HOSTS`], `disabled`, or `other` (a policy Strata
/// does not model; the blueprint's `ha` block counts then).
pub const HA_ADMISSION_CONTROL: &str = "ha_admission_control";
/// Host failures the failover-level policy tolerates (a whole number).
pub const HA_FAILOVER_LEVEL: &str = "ha_failover_level";
/// CPU reserved for failover by the resource-percentage policy, in percent.
pub const HA_CPU_RESERVE_PERCENT: &str = "ha_cpu_reserve_percent";
/// Memory reserved for failover by the resource-percentage policy, in percent.
pub const HA_MEMORY_RESERVE_PERCENT: &str = "ha_memory_reserve_percent";
/// Hosts the failover-hosts policy keeps empty (how many).
pub const HA_FAILOVER_HOSTS: &str = "ha_failover_hosts";

/// [`HA_ADMISSION_CONTROL`] of vSphere's `ClusterFailoverLevelAdmissionControlPolicy`:
/// slots kept for this many host failures.
pub const FAILOVER_LEVEL: &str = "failover_level";
/// [`HA_ADMISSION_CONTROL`] of `ClusterFailoverResourcesAdmissionControlPolicy`: a share
/// of CPU and memory reserved.
pub const RESOURCE_PERCENTAGE: &str = "resource_percentage";
/// [`HA_ADMISSION_CONTROL`] of `ClusterFailoverHostAdmissionControlPolicy`: dedicated
/// failover hosts.
pub const FAILOVER_HOSTS: &str = "failover_hosts";
/// [`HA_ADMISSION_CONTROL`] when admission control is off.
pub const DISABLED: &str = "disabled";
