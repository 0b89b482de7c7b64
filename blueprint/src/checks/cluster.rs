//! Cluster and service checks: etcd quorum of the control plane, service quorums,
//! replica spreading, and exposure through a real gateway.

use super::World;
use crate::diagnostic::Diagnostic;

pub(super) fn check(world: &World, out: &mut Vec<Diagnostic>) {
    control_planes(world, out);
    services(world, out);
}

fn control_planes(world: &World, out: &mut Vec<Diagnostic>) {
    for cluster in world.of_kind("kubernetes_cluster") {
        let Some(cp) = cluster.fields.block("control_plane") else {
            continue;
        };
        let Some(count) = cp.fields.int("count") else {
            continue;
        };
        let span = cp.fields.span("count").unwrap_or(cp.span);
        let prod = cluster.fields.str("purpose") == Some("prod");
        if prod && count == 1 {
            out.push(Diagnostic::error(
                span,
                format!("Production cluster {} has a single control-plane node", cluster.address),
                "With one etcd member, losing that node stops the whole cluster's API. Production runs three control-plane nodes (count = 3), which survive the loss of one.",
            ));
        } else if count % 2 == 0 {
            out.push(Diagnostic::warning(
                span,
                format!("Cluster {} has an even number of control-plane nodes ({count})", cluster.address),
                format!(
                    "etcd needs a majority of its members: {count} members tolerate {} failed, no more than {} would, and cost one more node. Use an odd count such as {}.",
                    (count - 1) / 2,
                    count - 1,
                    count + 1
                ),
            ));
        }
    }
}

fn services(world: &World, out: &mut Vec<Diagnostic>) {
    for service in world.of_kind("service") {
        if !hosting(service, out) {
            continue;
        }
        let vms = service
            .fields
            .get("vms")
            .map(|_| service.fields.references("vms").len() as i64);
        let replicas = vms.or(service.fields.int("replicas"));
        let quorum = service.fields.int("quorum");
        if let (Some(r), Some(q)) = (replicas, quorum)
            && q > r
        {
            out.push(Diagnostic::error(
                service.fields.span("quorum").unwrap_or(service.span),
                format!("Quorum of {} is larger than its replicas", service.address),
                format!("It needs {q} replicas running to be up but has only {r}, so it can never be up. Raise replicas or lower quorum."),
            ));
        }
        if let Some(expose) = service.fields.block("expose")
            && let Some(gateway) = expose
                .fields
                .reference("gateway")
                .and_then(|a| world.get(a))
            && gateway.fields.str("kind") != Some("api_gateway")
        {
            out.push(Diagnostic::error(
                expose.fields.span("gateway").unwrap_or(expose.span),
                format!("{} is not an API gateway", gateway.address),
                format!("`expose` routes north-south traffic through a service of kind \"api_gateway\"; {} is of kind \"{}\".", gateway.address, gateway.fields.str("kind").unwrap_or("application")),
            ));
        }
        spread(world, service, out);
    }
}

/// A service runs on a cluster or on VMs, not both, not neither; on VMs, what only pods
/// have (requests, spread, volumes) does not apply. False when it has neither.
fn hosting(service: &crate::config::Instance, out: &mut Vec<Diagnostic>) -> bool {
    let f = &service.fields;
    match (f.get("cluster").is_some(), f.get("vms").is_some()) {
        (false, false) => {
            out.push(Diagnostic::error(
                service.span,
                format!("{} runs nowhere", service.address),
                "A service runs on a Kubernetes cluster (`cluster = kubernetes_cluster.NAME`) or, as an application that has not moved yet, on VMs (`vms = [vm.NAME, ...]`). Set one of them.",
            ));
            return false;
        }
        (true, true) => out.push(Diagnostic::error(
            f.span("vms").unwrap_or(service.span),
            format!("{} sets both cluster and vms", service.address),
            "A service runs either as replicas on a cluster or on VMs. To compare an application before and after its migration, declare it twice: on its VMs with `migrates_to = [service.NEW]`, and on the cluster.",
        )),
        (false, true) => {
            for attr in ["spread", "replicas", "cpu", "memory"] {
                if !f.implied.contains(attr)
                    && let Some(span) = f.span(attr)
                {
                    out.push(Diagnostic::error(
                        span,
                        format!("`{attr}` does not apply to a service on VMs"),
                        format!("{} runs on its VMs: one replica per VM of `vms`, sized by the VMs themselves. Remove `{attr}`.", service.address),
                    ));
                }
            }
            if let Some(volume) = f.block("volume") {
                out.push(Diagnostic::error(
                    volume.span,
                    "A service on VMs has no volume",
                    format!("{} keeps its data on its VMs' disks (`disk` of each vm). Remove the volume block.", service.address),
                ));
            }
        }
        (true, false) => {}
    }
    true
}

/// Replicas that must be on different hosts or nodes need at least that many.
fn spread(world: &World, service: &crate::config::Instance, out: &mut Vec<Diagnostic>) {
    let (Some(replicas), Some(cluster)) = (
        service.fields.int("replicas"),
        world.target(service, "cluster"),
    ) else {
        return;
    };
    let nodes: i64 = cluster
        .fields
        .blocks("node_group")
        .iter()
        .filter_map(|g| g.fields.int("count"))
        .sum();
    let hosts = world
        .target(cluster, "pool")
        .and_then(|p| p.fields.int("hosts"))
        .unwrap_or(i64::MAX);
    let (limit, what) = match service.fields.str("spread") {
        Some("host") => (hosts.min(nodes), "hosts"),
        Some("node") => (nodes, "nodes"),
        _ => return,
    };
    if replicas > limit && limit > 0 {
        out.push(Diagnostic::warning(
            service.fields.span("replicas").unwrap_or(service.span),
            format!("{} cannot spread {replicas} replicas over {limit} {what}", service.address),
            format!("With spread = \"{}\", each replica needs its own {}; {} has only {limit}. Some replicas will share one, and losing it takes several down. Add capacity, lower replicas, or set spread = \"none\".", service.fields.str("spread").unwrap_or("host"), &what[..what.len() - 1], cluster.address),
        ));
    }
}
