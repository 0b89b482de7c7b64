//! Services and jobs: pods on the worker nodes of their cluster, and volumes on storage.
//!
//! A service places `replicas` pods by their cpu/memory requests (catalog defaults when
//! the attributes are unset) and claims `volume.size × replicas` on the volume's storage,
//! or the cluster's. A job is started when created: `parallelism` pods that hold their
//! requests until `duration` has passed, then complete and release them. An update
//! places the pods again, with the workload's own pods and claim given back first.

use blueprint::schema::catalog_entry;
use blueprint::units::parse_size;
use blueprint::{Address, Diagnostic};
use planner::Attrs;
use serde_json::Value;

use super::attrs::Reader;
use super::format::size;
use super::nodes::{NodeView, PodNeed, Spread, render_placement, reservations};
use super::record::{Alloc, Change, Claim, Pod, Record};
use super::world::World;

/// A volume per replica.
struct VolumeSpec {
    size: u64,
    storage: Option<String>,
}

/// What the blueprint asks of a service or job.
struct WorkloadSpec {
    cluster: String,
    replicas: usize,
    need: PodNeed,
    spread: Spread,
    volume: Option<VolumeSpec>,
    /// For a job: how long it runs, in milliseconds.
    duration: Option<u64>,
}

fn read_service(owner: &Address, attrs: &Attrs) -> Result<WorkloadSpec, Diagnostic> {
    let r = Reader::new(owner, attrs);
    let entry = catalog_entry(r.string("kind")?.unwrap_or("application"))
        .or_else(|| catalog_entry("application"))
        .expect("the catalog has \"application\"");
    let volume = match r.block("volume") {
        Some(v) => Some(VolumeSpec {
            size: v.required("size", v.size("size"))?,
            storage: v.reference("storage")?,
        }),
        None => None,
    };
    Ok(WorkloadSpec {
        cluster: r.required("cluster", r.reference("cluster"))?,
        replicas: r.count("replicas")?.unwrap_or(entry.replicas.max(0) as u64) as usize,
        need: PodNeed {
            cpu_m: r
                .millicores("cpu")?
                .unwrap_or((entry.cpu * 1000.0).round() as u64),
            memory: r
                .size("memory")?
                .unwrap_or_else(|| parse_size(entry.memory).unwrap_or(0)),
        },
        spread: Spread::parse(r.string("spread")?),
        volume,
        duration: None,
    })
}

fn read_job(owner: &Address, attrs: &Attrs) -> Result<WorkloadSpec, Diagnostic> {
    let r = Reader::new(owner, attrs);
    Ok(WorkloadSpec {
        cluster: r.required("cluster", r.reference("cluster"))?,
        replicas: r.count("parallelism")?.unwrap_or(1) as usize,
        need: PodNeed {
            cpu_m: r.millicores("cpu")?.unwrap_or(0),
            memory: r.size("memory")?.unwrap_or(0),
        },
        spread: Spread::None,
        volume: None,
        duration: Some(r.required("duration", r.duration("duration"))?),
    })
}

fn read(kind: &str, owner: &Address, attrs: &Attrs) -> Result<WorkloadSpec, Diagnostic> {
    if kind == "job" {
        read_job(owner, attrs)
    } else {
        read_service(owner, attrs)
    }
}

/// An application on VMs (`vms` instead of `cluster`): it holds nothing of its own; its
/// `placement` names the VMs it runs on, which must exist.
fn on_vms(world: &World, mut record: Record) -> Result<Record, Diagnostic> {
    let vms = Reader::new(&record.address, &record.attrs).strings("vms")?;
    let mut placement = Vec::with_capacity(vms.len());
    for (i, vm) in vms.iter().enumerate() {
        let target = world.target(&record.address, "vms", vm, "vm")?;
        placement.push(serde_json::json!({
            "replica": i,
            "vm": vm,
            "host": target.attrs.get("host").cloned().unwrap_or(Value::Null),
        }));
    }
    record
        .attrs
        .insert("id".into(), Value::String(record.id.clone()));
    record
        .attrs
        .insert("placement".into(), Value::Array(placement));
    record.alloc = Alloc::None;
    Ok(record)
}

/// Creates a service or starts a job.
pub(crate) fn create(
    world: &World,
    kind: &str,
    address: &Address,
    attrs: &Attrs,
    now_ms: u64,
) -> Result<Change, Diagnostic> {
    if attrs.contains_key("vms") {
        let record = Record {
            id: world.new_id(kind),
            address: address.clone(),
            kind: kind.to_string(),
            attrs: attrs.clone(),
            created_ms: now_ms,
            key: None,
            sensitive: Vec::new(),
            alloc: Alloc::None,
        };
        return Ok(Change::put(on_vms(world, record)?));
    }
    let spec = read(kind, address, attrs)?;
    let id = world.new_id(kind);
    let record = Record {
        id,
        address: address.clone(),
        kind: kind.to_string(),
        attrs: attrs.clone(),
        created_ms: now_ms,
        key: None,
        sensitive: Vec::new(),
        alloc: Alloc::None,
    };
    Ok(Change::put(build(world, &spec, None, record, now_ms)?))
}

/// Changes a service or job: its pods are placed again.
pub(crate) fn update(
    world: &World,
    old: &Record,
    attrs: &Attrs,
    now_ms: u64,
) -> Result<Change, Diagnostic> {
    let record = Record {
        attrs: attrs.clone(),
        alloc: Alloc::None,
        ..old.clone()
    };
    if attrs.contains_key("vms") {
        return Ok(Change::put(on_vms(world, record)?));
    }
    let spec = read(&old.kind, &old.address, attrs)?;
    Ok(Change::put(build(world, &spec, Some(old), record, now_ms)?))
}

/// Places the pods and claims the volumes of `record`, which replaces `old`.
fn build(
    world: &World,
    spec: &WorkloadSpec,
    old: Option<&Record>,
    mut record: Record,
    now_ms: u64,
) -> Result<Record, Diagnostic> {
    let owner = &record.address;
    let cluster = world.target(owner, "cluster", &spec.cluster, "kubernetes_cluster")?;
    let Alloc::Cluster { nodes, .. } = &cluster.alloc else {
        return Err(Diagnostic::error(
            None,
            format!("{} has no nodes", spec.cluster),
            format!(
                "The simulated datacenter recorded {} without nodes, so {owner} cannot run on it. Recreate the cluster.",
                spec.cluster
            ),
        ));
    };
    let reserved = reservations(&cluster.address, &cluster.attrs)?;
    let mut view = NodeView::new(
        &spec.cluster,
        nodes,
        &reserved,
        world.cluster_use(&spec.cluster),
    );
    let (mut old_pods, mut old_claim) = (Vec::new(), None);
    if let Some(Record {
        id,
        alloc:
            Alloc::Workload {
                cluster,
                pods,
                claim,
                ..
            },
        ..
    }) = old
    {
        if *cluster == spec.cluster && world.is_running(id) {
            view.give(pods);
        }
        old_pods.clone_from(pods);
        old_claim.clone_from(claim);
    }
    let until = spec.duration.map(|d| record.created_ms.saturating_add(d));
    let done = until.is_some_and(|u| u <= now_ms);
    let pods: Vec<Pod> = if done {
        old_pods
    } else {
        view.place(owner, spec.replicas, spec.need, spec.spread, &[])?
    };
    let claim = match &spec.volume {
        Some(volume) => Some(claim(
            world,
            owner,
            cluster,
            spec,
            volume,
            old_claim.as_ref(),
        )?),
        None => None,
    };
    record
        .attrs
        .insert("id".into(), Value::String(record.id.clone()));
    record
        .attrs
        .insert("placement".into(), render_placement(&pods));
    if until.is_some() {
        let status = if done { "completed" } else { "running" };
        record
            .attrs
            .insert("status".into(), Value::String(status.into()));
    }
    record.alloc = Alloc::Workload {
        cluster: spec.cluster.clone(),
        pods,
        claim,
        until_ms: until,
    };
    Ok(record)
}

/// Claims `size × replicas` on the volume's storage, or the cluster's.
fn claim(
    world: &World,
    owner: &Address,
    cluster: &Record,
    spec: &WorkloadSpec,
    volume: &VolumeSpec,
    old: Option<&Claim>,
) -> Result<Claim, Diagnostic> {
    let storage = match &volume.storage {
        Some(s) => s.clone(),
        None => Reader::new(&cluster.address, &cluster.attrs)
            .reference("storage")?
            .ok_or_else(|| {
                Diagnostic::error(
                    None,
                    format!("No storage for the volume of {owner}"),
                    format!("Neither the volume of {owner} nor {} names a storage. Set `storage = storage.NAME` in the volume block, or on the kubernetes_cluster.", cluster.address),
                )
            })?,
    };
    let record = world.target(owner, "volume.storage", &storage, "storage")?;
    let capacity = match record.alloc {
        Alloc::Storage { capacity } => capacity,
        _ => 0,
    };
    let mine = old.filter(|c| c.storage == storage).map_or(0, |c| c.bytes);
    let claimed = world
        .storage_use(&storage)
        .map_or(0, |u| u.claimed)
        .saturating_sub(mine);
    let bytes = volume.size.saturating_mul(spec.replicas as u64);
    if claimed.saturating_add(bytes) > capacity {
        return Err(Diagnostic::error(
            None,
            format!(
                "{storage} has no room for the volumes of {owner} (needs {}: {} × {}; {} of {} free)",
                size(bytes),
                spec.replicas,
                size(volume.size),
                size(capacity.saturating_sub(claimed)),
                size(capacity)
            ),
            format!(
                "Volumes of other services already claim {} of {storage}. Add capacity to {storage}, shrink the volumes or the replicas, or put the volumes on another storage.",
                size(claimed)
            ),
        ));
    }
    Ok(Claim { storage, bytes })
}
