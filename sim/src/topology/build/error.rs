//! Why a blueprint gives no topology, with the figures its messages show.

use thiserror::Error;

/// Why a blueprint gives no topology.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TopologyError {
    /// A reference that names nothing the simulator knows (the blueprint has errors).
    #[error("{owner}: `{attr}` does not name a {kind} of the blueprint")]
    Reference {
        /// The instance.
        owner: String,
        /// Its attribute.
        attr: &'static str,
        /// The kind it should name.
        kind: &'static str,
    },
    /// A required attribute without a value (the blueprint has errors).
    #[error("{owner}: `{attr}` has no value")]
    Missing {
        /// The instance.
        owner: String,
        /// Its attribute.
        attr: &'static str,
    },
    /// No host of a pool has room for a VM or node.
    #[error(
        "no host of {pool} has room for {what} (needs {cpu} vCPU, {memory}); apply would fail the same way"
    )]
    NoHost {
        /// The pool.
        pool: String,
        /// The VM or node.
        what: String,
        /// Its vCPU.
        cpu: String,
        /// Its memory.
        memory: String,
    },
    /// No worker node of a cluster has room for a replica.
    #[error(
        "no node of {cluster} has room for replica {replica} of {service} (needs {cpu} CPU, {memory}); apply would fail the same way"
    )]
    NoNode {
        /// The cluster.
        cluster: String,
        /// The service.
        service: String,
        /// Which replica, from 1.
        replica: u32,
        /// Its CPU request.
        cpu: String,
        /// Its memory request.
        memory: String,
    },
}

/// Millicores as cores, without trailing zeros ("1.5").
pub(super) fn cores(m: u64) -> String {
    let text = format!("{:.3}", m as f64 / 1000.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Bytes as a size with its unit ("1.5GiB").
pub(super) fn size(bytes: u64) -> String {
    blueprint::units::format_size(bytes)
}
