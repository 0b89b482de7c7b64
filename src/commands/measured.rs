//! The host figures and HA settings real providers recorded in the state
//! (planner::host_figures), by pool address, for `strata capacity` and `strata simulate`.

use std::collections::BTreeMap;

use ::sim::measured::{HaPolicy, Measured, describe};
use planner::Attrs;
use planner::host_figures::{
    CLUSTER, DISABLED, FAILOVER_HOSTS, FAILOVER_LEVEL, HA_ADMISSION_CONTROL,
    HA_CPU_RESERVE_PERCENT, HA_ENABLED, HA_FAILOVER_HOSTS, HA_FAILOVER_LEVEL,
    HA_MEMORY_RESERVE_PERCENT, NODE_COUNT, NODE_CPUS, NODE_MEMORY, RESOURCE_PERCENTAGE,
};

use crate::printer::Printer;

/// The figures of every host pool whose provider recorded them at the last apply or
/// refresh: those count instead of the blueprint's `hosts`, `host` and `ha` blocks.
pub fn read(state: &planner::state::State) -> BTreeMap<String, Measured> {
    state
        .objects
        .iter()
        .filter(|o| o.kind == "host_pool")
        .filter_map(|o| {
            let a = &o.attributes;
            let cores = a.get(NODE_CPUS)?.as_f64()?;
            let memory = blueprint::units::parse_size(a.get(NODE_MEMORY)?.as_str()?).ok()?;
            let from = match a.get(CLUSTER).and_then(|c| c.as_str()) {
                Some(cluster) => format!("{} cluster \"{cluster}\"", provider_name(&o.provider)),
                None => format!("provider {}", o.provider),
            };
            Some((
                o.address.to_string(),
                Measured {
                    hosts: a.get(NODE_COUNT).and_then(|n| n.as_u64()),
                    cores,
                    memory: memory as f64,
                    ha: ha_policy(a),
                    from,
                },
            ))
        })
        .collect()
}

/// A provider configuration's name for people: `vsphere` and `vsphere.lab` as `vSphere`.
fn provider_name(provider: &str) -> &str {
    match provider.split('.').next() {
        Some("vsphere") => "vSphere",
        _ => provider,
    }
}

/// The admission control a provider read, as capacity and the simulation model it (the
/// vSphere Availability guide's policies):
/// - HA off, or admission control disabled: nothing reserved;
/// - failover level N: slots kept for N host failures;
/// - resource percentage: the larger of the CPU and memory percentages reserved (the model
///   reserves one share of both);
/// - failover hosts: that many hosts kept empty.
///
/// `None` (the blueprint's `ha` block counts) when the provider read no HA settings or a
/// policy Strata does not model.
fn ha_policy(a: &Attrs) -> Option<HaPolicy> {
    let int = |name: &str| a.get(name).and_then(|v| v.as_u64());
    if a.get(HA_ENABLED).and_then(|v| v.as_bool()) == Some(false) {
        return Some(HaPolicy::Disabled);
    }
    let clamp = |n: u64| n.min(u64::from(u32::MAX)) as u32;
    match a.get(HA_ADMISSION_CONTROL)?.as_str()? {
        DISABLED => Some(HaPolicy::Disabled),
        FAILOVER_LEVEL => Some(HaPolicy::Slots {
            host_failures: clamp(int(HA_FAILOVER_LEVEL)?),
        }),
        RESOURCE_PERCENTAGE => {
            let percent = int(HA_CPU_RESERVE_PERCENT)
                .unwrap_or(0)
                .max(int(HA_MEMORY_RESERVE_PERCENT).unwrap_or(0))
                .min(100);
            Some(HaPolicy::Percentage {
                reserve: percent as f64 / 100.0,
            })
        }
        FAILOVER_HOSTS => Some(HaPolicy::FailoverHosts {
            hosts: clamp(int(HA_FAILOVER_HOSTS)?),
        }),
        _ => None,
    }
}

/// Says, under a report, which pools count with measured figures and where they come from.
pub fn note(measured: &BTreeMap<String, Measured>, printer: &mut Printer) {
    for (pool, m) in measured {
        let hosts = m.hosts.map(|n| format!("{n} hosts, ")).unwrap_or_default();
        let ha =
            m.ha.map(|p| format!(", HA admission control {}", describe(p)))
                .unwrap_or_default();
        printer.line(&format!(
            "{pool}: {hosts}{} cores and {} per host{ha}, from {}",
            m.cores,
            ::sim::capacity::bytes(m.memory),
            m.source()
        ));
    }
}
