//! `host_pool` and `storage` as what vSphere already has: the cluster read for its hosts,
//! CPU, memory and HA admission control; a datastore read for its capacity and free space.
//! Strata creates and deletes neither; their figures join the attributes, so that the
//! state shows them and a change in vCenter shows as drift.

use blueprint::Address;
use blueprint::units::format_size;
use planner::Attrs;
use planner::host_figures::{
    self, DISABLED, FAILOVER_HOSTS, FAILOVER_LEVEL, HA_ADMISSION_CONTROL, HA_CPU_RESERVE_PERCENT,
    HA_ENABLED, HA_FAILOVER_HOSTS, HA_FAILOVER_LEVEL, HA_MEMORY_RESERVE_PERCENT, NODE_COUNT,
    NODE_CPUS, NODE_MEMORY, RESOURCE_PERCENTAGE,
};

use crate::collector::{Object, Props};
use crate::ctx::{Ctx, DATASTORE};
use crate::error::VsphereError;
use crate::soap::Node;

/// What a cluster's figures are read from.
pub const CLUSTER: Props<'static> = Props {
    kind: "ClusterComputeResource",
    paths: &[
        "name",
        "summary.numHosts",
        "summary.numCpuCores",
        "summary.totalCpu",
        "summary.totalMemory",
        "configurationEx",
    ],
};

/// What a datastore's figures are read from.
pub const STORE: Props<'static> = Props {
    kind: "Datastore",
    paths: DATASTORE,
};

/// `attrs` with the cluster's figures: `cluster`, `cluster_cpu_cores`, `cluster_cpu_mhz`,
/// `cluster_memory` (totals), the host figures capacity planning and the simulation count
/// with (planner::host_figures: `node_count` hosts, and per host `node_cpus` and
/// `node_memory`, the cluster's totals over its hosts, rounded down) and its HA settings
/// (`configurationEx.dasConfig`): `ha_enabled`, `ha_admission_control` (the policy's type:
/// `failover_level`, `resource_percentage`, `failover_hosts`, `disabled`, or `other`), and
/// the policy's figures: `ha_failover_level` (host failures tolerated),
/// `ha_cpu_reserve_percent` and `ha_memory_reserve_percent` (resources reserved),
/// `ha_failover_hosts` (hosts kept empty).
pub fn cluster_into(attrs: &Attrs, c: &Object) -> Attrs {
    let mut out = attrs.clone();
    out.insert(
        host_figures::CLUSTER.into(),
        c.text("name").unwrap_or_default().into(),
    );
    let int = |path: &str| c.int(path).unwrap_or(0).max(0) as u64;
    let (hosts, cores, memory) = (
        int("summary.numHosts"),
        int("summary.numCpuCores"),
        int("summary.totalMemory"),
    );
    out.insert("cluster_cpu_cores".into(), cores.into());
    out.insert("cluster_cpu_mhz".into(), int("summary.totalCpu").into());
    out.insert("cluster_memory".into(), format_size(memory).into());
    out.insert(NODE_COUNT.into(), hosts.into());
    if let (Some(cores), Some(memory)) = (cores.checked_div(hosts), memory.checked_div(hosts)) {
        out.insert(NODE_CPUS.into(), cores.into());
        out.insert(NODE_MEMORY.into(), format_size(memory).into());
    }
    ha_into(
        &mut out,
        c.get("configurationEx").and_then(|n| n.child("dasConfig")),
    );
    out
}

/// The HA attributes of a cluster's `dasConfig` (none: HA off).
fn ha_into(out: &mut Attrs, das: Option<&Node>) {
    for name in [
        HA_FAILOVER_LEVEL,
        HA_CPU_RESERVE_PERCENT,
        HA_MEMORY_RESERVE_PERCENT,
        HA_FAILOVER_HOSTS,
    ] {
        out.remove(name);
    }
    let flag = |name: &str| das.and_then(|d| d.text_at(&[name])) == Some("true");
    let policy = das.and_then(|d| d.child("admissionControlPolicy"));
    let kind = match policy.and_then(|p| p.xsi_type.as_deref()) {
        _ if !flag("admissionControlEnabled") => DISABLED,
        Some("ClusterFailoverLevelAdmissionControlPolicy") => FAILOVER_LEVEL,
        Some("ClusterFailoverResourcesAdmissionControlPolicy") => RESOURCE_PERCENTAGE,
        Some("ClusterFailoverHostAdmissionControlPolicy") => FAILOVER_HOSTS,
        _ => "other",
    };
    out.insert(HA_ENABLED.into(), flag("enabled").into());
    out.insert(HA_ADMISSION_CONTROL.into(), kind.into());
    let Some(policy) = policy.filter(|_| kind != DISABLED) else {
        return;
    };
    let mut put = |name: &str, value: Option<i64>| {
        if let Some(v) = value {
            out.insert(name.into(), v.max(0).into());
        }
    };
    match kind {
        FAILOVER_LEVEL => put(HA_FAILOVER_LEVEL, policy.int_at(&["failoverLevel"])),
        RESOURCE_PERCENTAGE => {
            put(
                HA_CPU_RESERVE_PERCENT,
                policy.int_at(&["cpuFailoverResourcesPercent"]),
            );
            put(
                HA_MEMORY_RESERVE_PERCENT,
                policy.int_at(&["memoryFailoverResourcesPercent"]),
            );
        }
        FAILOVER_HOSTS => put(
            HA_FAILOVER_HOSTS,
            Some(policy.all("failoverHosts").count() as i64),
        ),
        _ => {}
    }
}

/// `attrs` with the datastore's figures: `datastore`, `datastore_type`,
/// `datastore_capacity` and `datastore_free`.
pub fn datastore_into(attrs: &Attrs, d: &Object) -> Attrs {
    let mut out = attrs.clone();
    let size = |path: &str| format_size(d.int(path).unwrap_or(0).max(0) as u64);
    out.insert(
        "datastore".into(),
        d.text("name").unwrap_or_default().into(),
    );
    out.insert(
        "datastore_type".into(),
        d.text("summary.type").unwrap_or_default().into(),
    );
    out.insert("datastore_capacity".into(), size("summary.capacity").into());
    out.insert("datastore_free".into(), size("summary.freeSpace").into());
    out
}

/// The host pool's cluster, read: its id and attributes.
pub async fn cluster(ctx: &Ctx, attrs: &Attrs) -> Result<(String, Attrs), VsphereError> {
    let start = crate::collector::Start::object(ctx.inventory.cluster.clone());
    let got = ctx.client.retrieve(&[start], &[CLUSTER]).await?;
    let c = got.into_iter().next().unwrap_or_default();
    Ok((ctx.inventory.cluster.to_string(), cluster_into(attrs, &c)))
}

/// The storage's datastore (called like the `storage` block), read: its id and attributes.
pub async fn datastore(
    ctx: &Ctx,
    address: &Address,
    attrs: &Attrs,
) -> Result<(String, Attrs), VsphereError> {
    let d = ctx.datastore(&address.name).await?;
    let id = d.obj.as_ref().map(ToString::to_string).unwrap_or_default();
    Ok((id, datastore_into(attrs, &d)))
}
