//! Host figures a real provider read from the hosts of a pool it manages (libvirt's node
//! info, a vSphere cluster's hosts), which replace what the blueprint's `host_pool` says,
//! for capacity planning and the failure simulation alike.

use std::collections::BTreeMap;

use blueprint::Config;
use blueprint::config::{Field, Fields, NestedBlock, Typed};

/// One pool's figures as its provider read them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    /// How many hosts the pool has (a vSphere cluster's hosts); `None` keeps the
    /// blueprint's `hosts` (libvirt reads one host per connection).
    pub hosts: Option<u64>,
    /// Cores per host (libvirt's node CPUs; a cluster's cores over its hosts).
    pub cores: f64,
    /// Memory per host, in bytes.
    pub memory: f64,
}

/// `config` with the `hosts`, `host.cpu` and `host.memory` of every pool in `measured`
/// (by address, `host_pool.kvm`) replaced by the measured figures; other pools as written.
pub fn apply(config: &Config, measured: &BTreeMap<String, Measured>) -> Config {
    let mut out = config.clone();
    for inst in out.instances.iter_mut().filter(|i| i.kind == "host_pool") {
        let Some(m) = measured.get(&inst.address.to_string()) else {
            continue;
        };
        let span = inst.span;
        let set = |fields: &mut Fields, name: &str, value: Typed| {
            fields.attrs.insert(name.to_string(), Field { value, span });
        };
        if let Some(hosts) = m.hosts {
            set(&mut inst.fields, "hosts", Typed::Int(hosts as i64));
        }
        let blocks = inst.fields.blocks.entry("host".to_string()).or_default();
        if blocks.is_empty() {
            blocks.push(NestedBlock {
                label: None,
                fields: Fields::default(),
                span,
            });
        }
        let host = &mut blocks[0].fields;
        set(host, "cpu", Typed::Num(m.cores));
        set(host, "memory", Typed::Size(m.memory.max(0.0) as u64));
    }
    out
}
