//! Capacity checks: requests that fit on no node of their cluster, VMs larger than a host,
//! and host pools asked for more than they have.

use std::collections::BTreeMap;

use super::World;
use crate::address::Address;
use crate::config::{Fields, Instance};
use crate::diagnostic::Diagnostic;
use crate::number::format_f64 as format_number;
use crate::source::Span;
use crate::units::format_size;

pub(super) fn check(world: &World, out: &mut Vec<Diagnostic>) {
    requests_fit(world, out);
    vms_fit(world, out);
}

/// The largest (cpu, memory) of any worker node of a cluster.
fn largest_node(cluster: &Instance) -> Option<(f64, u64, String)> {
    cluster
        .fields
        .blocks("node_group")
        .iter()
        .filter(|g| g.fields.int("count").unwrap_or(0) > 0)
        .filter_map(|g| {
            Some((
                g.fields.num("cpu")?,
                g.fields.size("memory")?,
                g.label.clone().unwrap_or_default(),
            ))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
}

fn requests_fit(world: &World, out: &mut Vec<Diagnostic>) {
    for inst in world.of_kind("service").chain(world.of_kind("job")) {
        let Some(cluster) = world.target(inst, "cluster") else {
            continue;
        };
        let (Some(cpu), Some(memory)) = (inst.fields.num("cpu"), inst.fields.size("memory")) else {
            continue;
        };
        let fits = cluster.fields.blocks("node_group").iter().any(|g| {
            g.fields.int("count").unwrap_or(0) > 0
                && g.fields.num("cpu").is_some_and(|c| c >= cpu)
                && g.fields.size("memory").is_some_and(|m| m >= memory)
        });
        if fits {
            continue;
        }
        let span = inst
            .fields
            .span(if largest_node(cluster).is_some_and(|(c, _, _)| c < cpu) {
                "cpu"
            } else {
                "memory"
            })
            .unwrap_or(inst.span);
        let detail = match largest_node(cluster) {
            Some((c, m, group)) => format!(
                "Each replica requests {} CPU and {}, but no worker node of {} is that large (node group \"{group}\" has {} CPU and {}). Kubernetes would leave it Pending. Lower the requests or add a node group with larger nodes.",
                format_number(cpu),
                format_size(memory),
                cluster.address,
                format_number(c),
                format_size(m)
            ),
            None => format!(
                "{} has no worker nodes (every node group has count = 0), so nothing can be scheduled on it.",
                cluster.address
            ),
        };
        out.push(Diagnostic::error(
            span,
            format!("Requests of {} fit on no node", inst.address),
            detail,
        ));
    }
}

/// A VM-shaped demand on a host pool: who, vCPUs, memory, and where it is written.
struct Demand<'a> {
    who: String,
    pool: &'a Address,
    cpu: i64,
    memory: u64,
    count: i64,
    span: Span,
}

fn demands<'a>(world: &World<'a>) -> Vec<Demand<'a>> {
    let mut out = Vec::new();
    for vm in world.of_kind("vm") {
        if let (Some(pool), Some(cpu), Some(memory)) = (
            vm.fields.reference("pool"),
            vm.fields.int("cpu"),
            vm.fields.size("memory"),
        ) {
            out.push(Demand {
                who: vm.address.to_string(),
                pool,
                cpu,
                memory,
                count: 1,
                span: vm.fields.span("cpu").unwrap_or(vm.span),
            });
        }
    }
    for cluster in world.of_kind("kubernetes_cluster") {
        let Some(pool) = cluster.fields.reference("pool") else {
            continue;
        };
        let groups = cluster
            .fields
            .blocks("control_plane")
            .iter()
            .chain(cluster.fields.blocks("node_group"));
        for g in groups {
            let name = g.label.as_deref().map_or_else(
                || "control plane".to_string(),
                |l| format!("node group \"{l}\""),
            );
            if let (Some(cpu), Some(memory)) = (g.fields.int("cpu"), g.fields.size("memory")) {
                out.push(Demand {
                    who: format!("{} {name}", cluster.address),
                    pool,
                    cpu,
                    memory,
                    count: g.fields.int("count").unwrap_or(0),
                    span: g.span,
                });
            }
        }
    }
    out
}

/// (vCPUs per host, memory per host, hosts) a pool offers, overcommit included.
fn pool_offer(pool: &Fields) -> Option<(f64, f64, i64)> {
    let host = pool.block("host")?;
    let overcommit = pool.block("overcommit");
    let cpu_ratio = overcommit.and_then(|o| o.fields.num("cpu")).unwrap_or(1.0);
    let mem_ratio = overcommit
        .and_then(|o| o.fields.num("memory"))
        .unwrap_or(1.0);
    Some((
        host.fields.num("cpu")? * cpu_ratio,
        host.fields.size("memory")? as f64 * mem_ratio,
        pool.int("hosts")?,
    ))
}

fn vms_fit(world: &World, out: &mut Vec<Diagnostic>) {
    let mut totals: BTreeMap<&Address, (f64, f64)> = BTreeMap::new();
    for d in demands(world) {
        let Some(pool) = world.get(d.pool) else {
            continue;
        };
        let Some((cpu, memory, _)) = pool_offer(&pool.fields) else {
            continue;
        };
        if d.cpu as f64 > cpu || d.memory as f64 > memory {
            out.push(Diagnostic::error(
                d.span,
                format!("{} is larger than any host of {}", d.who, pool.address),
                format!("It needs {} vCPU and {}; one host offers {} vCPU (with overcommit) and {}. Make it smaller or the hosts larger.", d.cpu, format_size(d.memory), format_number(cpu), format_size(memory as u64)),
            ));
        }
        let t = totals.entry(d.pool).or_default();
        t.0 += (d.cpu * d.count.max(0)) as f64;
        t.1 += d.memory as f64 * d.count.max(0) as f64;
    }
    for (address, (cpu, memory)) in totals {
        let Some(pool) = world.get(address) else {
            continue;
        };
        let Some((host_cpu, host_memory, hosts)) = pool_offer(&pool.fields) else {
            continue;
        };
        let (cap_cpu, cap_memory) = (host_cpu * hosts as f64, host_memory * hosts as f64);
        if cpu > cap_cpu || memory > cap_memory {
            out.push(Diagnostic::warning(
                pool.fields.span("hosts").unwrap_or(pool.span),
                format!("Host pool {} is asked for more than it has", pool.address),
                format!(
                    "Its VMs and cluster nodes need {} vCPU and {}; its {hosts} hosts offer {} vCPU and {} with overcommit. Apply would fail to place some of them. Add hosts.",
                    format_number(cpu),
                    format_size(memory as u64),
                    format_number(cap_cpu),
                    format_size(cap_memory as u64)
                ),
            ));
        }
    }
}
