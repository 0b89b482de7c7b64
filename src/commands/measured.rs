//! The host figures real providers recorded in the state (planner::host_figures), by pool
//! address, for `strata capacity` and `strata simulate`.

use std::collections::BTreeMap;

use ::sim::measured::Measured;
use planner::host_figures::{NODE_COUNT, NODE_CPUS, NODE_MEMORY};

use crate::printer::Printer;

/// The figures of every host pool whose provider recorded them at the last apply or
/// refresh: those count instead of the blueprint's `hosts` and `host` block.
pub fn read(state: &planner::state::State) -> BTreeMap<String, Measured> {
    state
        .objects
        .iter()
        .filter(|o| o.kind == "host_pool")
        .filter_map(|o| {
            let cores = o.attributes.get(NODE_CPUS)?.as_f64()?;
            let memory =
                blueprint::units::parse_size(o.attributes.get(NODE_MEMORY)?.as_str()?).ok()?;
            Some((
                o.address.to_string(),
                Measured {
                    hosts: o.attributes.get(NODE_COUNT).and_then(|n| n.as_u64()),
                    cores,
                    memory: memory as f64,
                },
            ))
        })
        .collect()
}

/// Says, under a report, which pools count with measured figures.
pub fn note(measured: &BTreeMap<String, Measured>, printer: &mut Printer) {
    for (pool, m) in measured {
        let hosts = m.hosts.map(|n| format!("{n} hosts, ")).unwrap_or_default();
        printer.line(&format!(
            "{pool}: {hosts}{} cores and {} per host, as its provider read them",
            m.cores,
            ::sim::capacity::bytes(m.memory)
        ));
    }
}
