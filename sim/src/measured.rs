//! Host figures and HA settings a real provider read from the hosts of a pool it manages
//! (libvirt's node info, a vSphere cluster's hosts and HA admission control), which replace
//! what the blueprint's `host_pool` says, for capacity planning and the failure simulation
//! alike: the real world is the truth for what a provider reads, as Terraform's data
//! sources are (docs/capacity.md, "Measured figures").

use std::collections::BTreeMap;

use blueprint::config::{Field, Fields, NestedBlock, Typed};
use blueprint::{Config, Diagnostic};
pub use placement::ha::HaPolicy;

/// One pool's figures as its provider read them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measured {
    /// How many hosts the pool has (a vSphere cluster's hosts); `None` keeps the
    /// blueprint's `hosts` (libvirt reads one host per connection).
    pub hosts: Option<u64>,
    /// Cores per host (libvirt's node CPUs; a cluster's cores over its hosts).
    pub cores: f64,
    /// Memory per host, in bytes.
    pub memory: f64,
    /// HA admission control as the provider read it (a vSphere cluster's); `None` keeps
    /// the blueprint's `ha` block.
    pub ha: Option<HaPolicy>,
    /// What the figures were read from, for people (`vSphere cluster "DC0_C0"`); empty
    /// when the provider does not say.
    pub from: String,
}

impl Measured {
    /// Where the figures come from, for people: `from` or `its provider`.
    pub fn source(&self) -> &str {
        if self.from.is_empty() {
            "its provider"
        } else {
            &self.from
        }
    }
}

/// `config` with the `hosts`, `host.cpu`, `host.memory` and (when read) the `ha` block of
/// every pool in `measured` (by address, `host_pool.kvm`) replaced by the measured
/// figures; other pools as written.
pub fn apply(config: &Config, measured: &BTreeMap<String, Measured>) -> Config {
    let mut out = config.clone();
    for inst in out.instances.iter_mut().filter(|i| i.kind == "host_pool") {
        let Some(m) = measured.get(&inst.address.to_string()) else {
            continue;
        };
        let span = inst.span;
        if let Some(hosts) = m.hosts {
            set(&mut inst.fields, "hosts", Typed::Int(hosts as i64), span);
        }
        let host = &mut first_block(&mut inst.fields, "host", span).fields;
        set(host, "cpu", Typed::Num(m.cores), span);
        set(host, "memory", Typed::Size(m.memory.max(0.0) as u64), span);
        if let Some(policy) = m.ha {
            let ha = first_block(&mut inst.fields, "ha", span);
            ha.fields = ha_fields(policy, ha.span);
        }
    }
    out
}

/// A warning for every pool whose blueprint `ha` block says another admission policy than
/// the one its provider read: the provider's counts, and the warning names both (at the
/// block) so that the blueprint can be made to match or the block removed.
pub fn disagreements(config: &Config, measured: &BTreeMap<String, Measured>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for inst in config.instances.iter().filter(|i| i.kind == "host_pool") {
        let address = inst.address.to_string();
        let Some((m, read)) = measured.get(&address).and_then(|m| Some((m, m.ha?))) else {
            continue;
        };
        let Some(block) = inst.fields.blocks.get("ha").and_then(|b| b.first()) else {
            continue;
        };
        let written = HaPolicy::from_fields(Some(&block.fields));
        if written == read {
            continue;
        }
        out.push(Diagnostic::warning(
            block.span,
            format!(
                "{address}: the blueprint's HA admission control differs from {}'s",
                m.source()
            ),
            format!(
                "The `ha` block says {}; {} has {}. Capacity and the simulation count with \
                 what {} has, as read at the last apply or refresh. Make the block say the \
                 same, or remove it.",
                describe(written),
                m.source(),
                describe(read),
                m.source()
            ),
        ));
    }
    out
}

/// A policy in words: `slots, 1 host failure(s) tolerated`.
pub fn describe(policy: HaPolicy) -> String {
    match policy {
        HaPolicy::Percentage { reserve } => {
            format!(
                "percentage, {}% of CPU and memory reserved",
                (reserve * 1000.0).round() / 10.0
            )
        }
        HaPolicy::Slots { host_failures } => {
            format!("slots, {host_failures} host failure(s) tolerated")
        }
        HaPolicy::FailoverHosts { hosts } => format!("failover_hosts, {hosts} host(s) kept empty"),
        HaPolicy::Disabled => "disabled".into(),
    }
}

/// The `ha` block's attributes saying `policy` (the inverse of [`HaPolicy::from_fields`]).
fn ha_fields(policy: HaPolicy, span: blueprint::Span) -> Fields {
    let mut fields = Fields::default();
    set(
        &mut fields,
        "admission",
        Typed::Str(policy.name().into()),
        span,
    );
    match policy {
        HaPolicy::Percentage { reserve } => {
            set(&mut fields, "reserve", Typed::Ratio(reserve), span)
        }
        HaPolicy::Slots { host_failures } => set(
            &mut fields,
            "host_failures",
            Typed::Int(host_failures.into()),
            span,
        ),
        HaPolicy::FailoverHosts { hosts } => set(
            &mut fields,
            "failover_hosts",
            Typed::Int(hosts.into()),
            span,
        ),
        HaPolicy::Disabled => {}
    }
    fields
}

fn set(fields: &mut Fields, name: &str, value: Typed, span: blueprint::Span) {
    fields.attrs.insert(name.to_string(), Field { value, span });
}

/// The first nested block `name` of `fields`, added (empty, at `span`) when there is none.
fn first_block<'a>(
    fields: &'a mut Fields,
    name: &str,
    span: blueprint::Span,
) -> &'a mut NestedBlock {
    let blocks = fields.blocks.entry(name.to_string()).or_default();
    if blocks.is_empty() {
        blocks.push(NestedBlock {
            label: None,
            fields: Fields::default(),
            span,
        });
    }
    &mut blocks[0]
}
