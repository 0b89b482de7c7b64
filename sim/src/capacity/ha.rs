//! vSphere HA admission control, computed as vSphere computes it.
//!
//! - **Percentage**: a share of the pool's CPU and memory is reserved for failover. The
//!   current failover capacity is `(total − used) / total` for each resource; the pool
//!   admits its VMs while both are at least the reserve.
//! - **Slots**: a slot is the largest CPU reservation by the largest memory reservation of
//!   the powered-on VMs; each host holds `min(⌊cpu / slot cpu⌋, ⌊memory / slot memory⌋)`
//!   slots; the failover capacity is how many of the largest hosts can fail with enough
//!   slots left for every VM. [`slots`] is that computation over any hosts and VMs (the
//!   worked example in VMware's documentation is a test); a pool's VMs reserve their vCPUs
//!   (times `ghz` when it is set) and their memory, against hosts with overcommit.
//! - **Failover hosts**: that many hosts are kept empty; VMs restart there first.
//!
//! Every policy also reports the host failures its free capacity actually covers.

use serde::Serialize;

use super::inventory::{HaPolicy, Inventory, Res};
use super::place::Placement;
use super::{Percent, round};

/// The slot policy's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Slots {
    /// CPU of one slot (the largest CPU reservation).
    pub slot_cpu: f64,
    /// Memory of one slot (the largest memory reservation).
    #[serde(serialize_with = "whole")]
    pub slot_memory: f64,
    /// Slots each host holds.
    pub per_host: Vec<u64>,
    /// Slots in all.
    pub total: u64,
    /// Slots taken: one per powered-on VM.
    pub used: u64,
    /// Slots left.
    pub available: u64,
    /// Hosts that can fail, largest first, with enough slots left for every VM.
    pub failover_capacity: u32,
}

/// A whole number as an integer, anything else as it is.
fn whole<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        s.serialize_i64(*x as i64)
    } else {
        s.serialize_f64(*x)
    }
}

/// The slot computation: `hosts` and `vms` as (CPU, memory) in any units, the same for both.
pub fn slots(hosts: &[Res], vms: &[Res]) -> Slots {
    let (slot_cpu, slot_memory) = placement::ha::slot_size(vms.iter().map(|v| (v.cpu, v.memory)));
    let per_host: Vec<u64> = hosts
        .iter()
        .map(|h| placement::ha::host_slots((h.cpu, h.memory), (slot_cpu, slot_memory), vms.len()))
        .collect();
    let total: u64 = per_host.iter().sum();
    let used = vms.len() as u64;
    let mut largest = per_host.clone();
    largest.sort_unstable_by(|a, b| b.cmp(a));
    let mut left = total;
    let mut failover_capacity = 0;
    for (i, s) in largest.iter().enumerate() {
        if i + 1 >= largest.len() {
            break;
        }
        left -= s;
        if left < used {
            break;
        }
        failover_capacity += 1;
    }
    Slots {
        slot_cpu,
        slot_memory,
        per_host,
        total,
        used,
        available: total.saturating_sub(used),
        failover_capacity,
    }
}

/// Admission control of one pool.
#[derive(Clone, Debug, Serialize)]
pub struct Admission {
    /// `percentage`, `slots`, `failover_hosts` or `disabled`.
    pub policy: &'static str,
    /// Host failures the policy is set up for.
    pub configured_host_failures: u32,
    /// The percentage policy's reserve, in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserve_percent: Option<f64>,
    /// The percentage policy's current failover capacity, in percent of CPU and memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free_percent: Option<Percent>,
    /// The slot policy's figures (CPU in GHz when the hosts give `ghz`, else in vCPUs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slots: Option<Slots>,
    /// The unit of the slots' CPU: `GHz` or `vCPU`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot_cpu_unit: Option<&'static str>,
    /// Hosts kept empty for failover.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failover_hosts: Vec<String>,
    /// True when the VMs that run pass admission control.
    pub admits: bool,
    /// Host failures the pool can take, by the policy's own arithmetic.
    pub tolerates_host_failures: u32,
    /// What it means, in a sentence.
    pub summary: String,
    /// When it tolerates a host failure but survivability finds a host whose loss is not
    /// survived: why ([`super::explain::admission_disagreement`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yet: Option<String>,
}

/// Host failures the free capacity of a pool covers: whole hosts' worth of free CPU and
/// memory, at most one less than the pool's hosts.
fn whole_hosts_free(free: Res, per_host: Res, hosts: usize) -> u32 {
    if hosts == 0 {
        return 0;
    }
    let by = |f: f64, h: f64| {
        if h <= 0.0 {
            f64::INFINITY
        } else {
            (f / h + 1e-9).floor()
        }
    };
    let n = by(free.cpu, per_host.cpu).min(by(free.memory, per_host.memory));
    n.clamp(0.0, (hosts - 1) as f64) as u32
}

/// Admission control of pool `p` with the VMs as placed.
pub fn admission(inv: &Inventory, base: &Placement, p: usize) -> Admission {
    let pool = &inv.pools[p];
    let per_host = pool.per_host();
    let total = pool.total();
    let running: Vec<usize> = (0..inv.guests.len())
        .filter(|&g| inv.guests[g].pool == p && base.host[g].is_some())
        .collect();
    let asked = inv.guests.iter().filter(|g| g.pool == p).count();
    let used = running
        .iter()
        .fold(Res::default(), |a, &g| a + inv.guests[g].need);
    let free = total - used;
    let configured = pool.ha.configured_failures(pool.hosts);
    let all_placed = running.len() == asked;
    let mut out = Admission {
        policy: pool.ha.name(),
        configured_host_failures: configured,
        reserve_percent: None,
        free_percent: None,
        slots: None,
        slot_cpu_unit: None,
        failover_hosts: Vec::new(),
        admits: all_placed,
        tolerates_host_failures: whole_hosts_free(free, per_host, pool.hosts),
        summary: String::new(),
        yet: None,
    };
    match pool.ha {
        HaPolicy::Percentage { reserve } => {
            let share = |f: f64, t: f64| if t > 0.0 { f / t } else { 0.0 };
            let (cpu, memory) = (share(free.cpu, total.cpu), share(free.memory, total.memory));
            out.reserve_percent = Some(round(reserve * 100.0, 2));
            out.free_percent = Some(Percent {
                cpu: round(cpu * 100.0, 2),
                memory: round(memory * 100.0, 2),
            });
            out.admits &= cpu + 1e-9 >= reserve && memory + 1e-9 >= reserve;
            out.summary = format!(
                "{}% of CPU and memory reserved; {}% of CPU and {}% of memory are free: {}.",
                fmt(reserve * 100.0),
                fmt(cpu * 100.0),
                fmt(memory * 100.0),
                if out.admits {
                    "the VMs are admitted"
                } else {
                    "more is powered on than admission control allows"
                }
            );
        }
        HaPolicy::Slots { host_failures } => {
            let ghz = pool.ghz.unwrap_or(1.0);
            let hosts = vec![Res::new(per_host.cpu * ghz, per_host.memory); pool.hosts];
            let vms: Vec<Res> = running
                .iter()
                .map(|&g| {
                    let need = inv.guests[g].need;
                    Res::new(need.cpu * ghz, need.memory)
                })
                .collect();
            let s = slots(&hosts, &vms);
            out.tolerates_host_failures = s.failover_capacity;
            out.admits &= s.failover_capacity >= host_failures;
            out.summary = format!(
                "Slots of {} {} and {}: {} in all, {} used; {} host failure(s) tolerated of {} required.",
                fmt(s.slot_cpu),
                if pool.ghz.is_some() { "GHz" } else { "vCPU" },
                super::bytes(s.slot_memory),
                s.total,
                s.used,
                s.failover_capacity,
                host_failures
            );
            out.slot_cpu_unit = Some(if pool.ghz.is_some() { "GHz" } else { "vCPU" });
            out.slots = Some(Slots {
                slot_cpu: round(s.slot_cpu, 4),
                slot_memory: s.slot_memory.round(),
                ..s
            });
        }
        HaPolicy::FailoverHosts { .. } => {
            out.failover_hosts = (0..pool.hosts)
                .filter(|&h| pool.is_failover_host(h))
                .map(|h| pool.host_name(h))
                .collect();
            let reserved = out.failover_hosts.len() as u32;
            out.admits &= reserved >= configured;
            out.summary = format!(
                "{} host(s) kept empty for failover; the others hold every VM: {}.",
                reserved,
                if out.admits { "yes" } else { "no" }
            );
        }
        HaPolicy::Disabled => {
            out.summary = format!(
                "Admission control disabled: nothing is reserved, and free capacity covers {} host failure(s).",
                out.tolerates_host_failures
            );
        }
    }
    out
}

fn fmt(x: f64) -> String {
    let r = round(x, 1);
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r}")
    }
}
