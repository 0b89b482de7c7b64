//! Strata's Kubernetes provider: a blueprint's services, network policies, jobs and
//! environments as Kubernetes objects.
//!
//! [`manifests`] maps one resource instance to its objects ([`Manifest`]: apiVersion,
//! kind, metadata, spec, for a cluster), the same for an offline render and for a live
//! server-side apply; [`render::render`] maps a whole blueprint, deduplicated, checked
//! for name collisions and sorted, and writes it as YAML; [`simulate_job`] is the Indexed
//! Job that runs `strata simulate` shards on a cluster. See docs/providers/kubernetes.md.
//!
//! ```
//! let config = blueprint::Config::default();
//! let ctx = kubernetes::Ctx { config: &config, lineage: None };
//! assert!(kubernetes::render::render(&ctx, &|_| true).unwrap().is_empty());
//! ```

pub mod ctx;
pub mod environment;
pub mod error;
pub mod expose;
pub mod job;
pub mod live;
pub mod manifest;
pub mod meta;
pub mod names;
pub mod namespace;
pub mod pod;
pub mod policy;
pub mod quantity;
pub mod render;
pub mod service;
pub mod simulate;
pub mod workload;
pub mod yaml;

pub use ctx::Ctx;
pub use error::MapError;
pub use manifest::Manifest;
pub use simulate::{SimulateJob, simulate_job};

/// The objects of one resource instance: a `service` on a cluster, a `network_policy`, a
/// `job` or an `environment`; none for every other kind (and for a service on VMs).
pub fn manifests(instance: &blueprint::Instance, ctx: &Ctx) -> Result<Vec<Manifest>, MapError> {
    if !instance.managed {
        return Ok(Vec::new());
    }
    match instance.kind {
        "service" => service::manifests(instance, ctx),
        "network_policy" => policy::manifests(instance, ctx),
        "job" => job::manifests(instance, ctx),
        "environment" => environment::manifests(instance, ctx),
        _ => Ok(Vec::new()),
    }
}
