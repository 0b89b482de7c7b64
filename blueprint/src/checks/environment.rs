//! Environment checks: what an environment's cloned services request, against its
//! `quota` and against the room its cluster has left beside what already runs there.

use std::collections::BTreeMap;

use super::World;
use crate::address::Address;
use crate::config::Instance;
use crate::diagnostic::Diagnostic;
use crate::number::format_f64 as format_number;
use crate::units::format_size;

pub(super) fn check(world: &World, out: &mut Vec<Diagnostic>) {
    let used = cluster_requests(world);
    for env in world.of_kind("environment") {
        let Some(cluster) = world.target(env, "cluster") else {
            continue;
        };
        let need = clone_requests(world, env);
        quota(env, need, out);
        room(env, cluster, need, used.get(&cluster.address), out);
    }
}

/// (CPU, memory) requests: CPU in cores, memory in bytes.
type Requests = (f64, u64);

/// What one pod of a service or job requests, times its pods (replicas, or a job's
/// parallelism), as the scheduler counts it.
fn pod_requests(inst: &Instance) -> Requests {
    let pods = if inst.kind == "job" {
        inst.fields.int("parallelism").unwrap_or(1)
    } else {
        inst.fields.int("replicas").unwrap_or(1)
    }
    .max(0);
    let cpu = inst.fields.num("cpu").unwrap_or(0.0) * pods as f64;
    let memory = inst
        .fields
        .size("memory")
        .unwrap_or(0)
        .saturating_mul(pods as u64);
    (cpu, memory)
}

/// The requests of an environment's clones: every service it names that runs on a
/// cluster (an application on VMs is not cloned).
fn clone_requests(world: &World, env: &Instance) -> Requests {
    env.fields
        .references("services")
        .into_iter()
        .filter_map(|a| world.get(a))
        .filter(|s| s.fields.reference("cluster").is_some())
        .map(pod_requests)
        .fold((0.0, 0), |(c, m), (dc, dm)| (c + dc, m.saturating_add(dm)))
}

/// The requests of every service and job each cluster runs, before environments.
fn cluster_requests<'a>(world: &World<'a>) -> BTreeMap<&'a Address, Requests> {
    let mut used: BTreeMap<&Address, Requests> = BTreeMap::new();
    for inst in world.of_kind("service").chain(world.of_kind("job")) {
        if let Some(cluster) = inst.fields.reference("cluster") {
            let (c, m) = pod_requests(inst);
            let entry = used.entry(cluster).or_default();
            entry.0 += c;
            entry.1 = entry.1.saturating_add(m);
        }
    }
    used
}

fn quota(env: &Instance, (cpu, memory): Requests, out: &mut Vec<Diagnostic>) {
    let Some(quota) = env.fields.block("quota") else {
        return;
    };
    let services = env.fields.span("services").unwrap_or(env.span);
    if let Some(limit) = quota.fields.num("cpu")
        && cpu > limit + 1e-9
    {
        out.push(
            Diagnostic::error(
                services,
                format!("The services of {} request more CPU than its quota", env.address),
                format!(
                    "Its services request {} CPU in all (each one's cpu × replicas), and quota.cpu allows {}. Kubernetes would refuse the pods beyond the quota. Raise quota.cpu or clone fewer or smaller services.",
                    format_number(cpu),
                    format_number(limit)
                ),
            )
            .with_note("the quota is set here", quota.fields.span("cpu")),
        );
    }
    if let Some(limit) = quota.fields.size("memory")
        && memory > limit
    {
        out.push(
            Diagnostic::error(
                services,
                format!("The services of {} request more memory than its quota", env.address),
                format!(
                    "Its services request {} in all (each one's memory × replicas), and quota.memory allows {}. Kubernetes would refuse the pods beyond the quota. Raise quota.memory or clone fewer or smaller services.",
                    format_size(memory),
                    format_size(limit)
                ),
            )
            .with_note("the quota is set here", quota.fields.span("memory")),
        );
    }
}

/// Worker capacity of a cluster: every node group's count × (cpu, memory), before
/// kube-reserved (so a cluster this check passes may still be short; `strata capacity`
/// counts allocatable).
fn workers(cluster: &Instance) -> Requests {
    cluster
        .fields
        .blocks("node_group")
        .iter()
        .fold((0.0, 0), |(c, m), g| {
            let n = g.fields.int("count").unwrap_or(0).max(0);
            (
                c + g.fields.num("cpu").unwrap_or(0.0) * n as f64,
                m.saturating_add(
                    g.fields
                        .size("memory")
                        .unwrap_or(0)
                        .saturating_mul(n as u64),
                ),
            )
        })
}

fn room(
    env: &Instance,
    cluster: &Instance,
    (cpu, memory): Requests,
    used: Option<&Requests>,
    out: &mut Vec<Diagnostic>,
) {
    let (used_cpu, used_memory) = used.copied().unwrap_or_default();
    let (cap_cpu, cap_memory) = workers(cluster);
    let free_cpu = (cap_cpu - used_cpu).max(0.0);
    let free_memory = cap_memory.saturating_sub(used_memory);
    let short = if cpu > free_cpu + 1e-9 {
        format!(
            "{} CPU, and {} has {} CPU left of {} beside the {} its services and jobs request",
            format_number(cpu),
            cluster.address,
            format_number(free_cpu),
            format_number(cap_cpu),
            format_number(used_cpu)
        )
    } else if memory > free_memory {
        format!(
            "{}, and {} has {} left of {} beside the {} its services and jobs request",
            format_size(memory),
            cluster.address,
            format_size(free_memory),
            format_size(cap_memory),
            format_size(used_memory)
        )
    } else {
        return;
    };
    out.push(Diagnostic::error(
        env.fields.span("services").unwrap_or(env.span),
        format!("{} does not fit on {}", env.address, cluster.address),
        format!(
            "Its services request {short} (worker nodes before kube-reserved). Kubernetes would leave the clones Pending. Add worker nodes or clone fewer services."
        ),
    ));
}
