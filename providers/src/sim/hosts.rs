//! Placing VMs and cluster nodes on the hosts of a pool.
//!
//! A [`PoolView`] is a pool's hosts as one change sees them: the world's usage plus what
//! the change has taken or given back so far. [`PoolView::choose`] picks the host for one
//! VM by the one placement rule (`placement::host`): one with room and no VM of the same
//! anti-affinity group, never a host the pool's HA policy keeps empty for failover, the
//! preferred host when it qualifies, else the least penalised (for spreading a cluster's
//! nodes) with the most free memory. When none qualifies, [`PoolView::no_room`] says why,
//! with figures.

use std::borrow::Cow;
use std::collections::HashMap;

use blueprint::{Address, Diagnostic};
use placement::ha::HaPolicy;
use placement::host::{self, Candidate};

use super::format::{cores, signed_size, size};
use super::record::{Alloc, Host};
use super::world::{PoolUse, World};

pub(crate) use placement::Need;
use placement::host::Shortfall;

/// A pool's hosts, as one change sees them.
pub(crate) struct PoolView<'w> {
    address: String,
    hosts: Cow<'w, [Host]>,
    base: Option<&'w PoolUse>,
    delta: Vec<(i64, i128)>,
    groups: HashMap<(usize, String), i64>,
    ha: HaPolicy,
}

impl<'w> PoolView<'w> {
    /// The pool `owner` names through `attr`.
    pub fn new(
        world: &'w World,
        owner: &Address,
        attr: &str,
        pool: &str,
    ) -> Result<PoolView<'w>, Diagnostic> {
        let record = world.target(owner, attr, pool, "host_pool")?;
        let Alloc::Pool { hosts } = &record.alloc else {
            return Err(Diagnostic::error(
                None,
                format!("{pool} has no hosts"),
                format!(
                    "The simulated datacenter recorded {pool} without hosts, so {owner} cannot run on it. Recreate the pool."
                ),
            ));
        };
        Ok(PoolView {
            address: pool.to_string(),
            hosts: Cow::Borrowed(hosts),
            base: world.pool_use(pool),
            delta: vec![(0, 0); hosts.len()],
            groups: HashMap::new(),
            ha: ha_policy(&record.attrs),
        })
    }

    /// The pool with other hosts (a pool being resized); usage stays by host index.
    pub fn with_hosts(mut self, hosts: Vec<Host>) -> PoolView<'w> {
        self.delta.resize(hosts.len(), (0, 0));
        self.hosts = Cow::Owned(hosts);
        self
    }

    /// Number of hosts.
    pub fn len(&self) -> usize {
        self.hosts.len()
    }

    /// A host's name as objects report it: `host_pool.prod/host-3`.
    pub fn host_name(&self, host: usize) -> String {
        match self.hosts.get(host) {
            Some(h) => format!("{}/{}", self.address, h.name),
            None => format!("{}/host-{host}", self.address),
        }
    }

    /// Free vCPU (millicores) and memory of a host; negative when overcommitted.
    pub fn free(&self, host: usize) -> (i64, i128) {
        let Some(h) = self.hosts.get(host) else {
            return (0, 0);
        };
        let (used_cpu, used_mem) = self
            .base
            .and_then(|b| b.hosts.get(host))
            .map_or((0, 0), |u| (u.cpu_m, u.memory));
        let (dc, dm) = self.delta.get(host).copied().unwrap_or_default();
        (
            h.cpu_m as i64 - used_cpu as i64 - dc,
            h.memory as i128 - used_mem as i128 - dm,
        )
    }

    /// VMs of an anti-affinity group on a host.
    pub fn group(&self, host: usize, group: &str) -> i64 {
        let base = self
            .base
            .and_then(|b| b.hosts.get(host))
            .and_then(|u| u.groups.get(group))
            .copied()
            .unwrap_or(0);
        base as i64
            + self
                .groups
                .get(&(host, group.to_string()))
                .copied()
                .unwrap_or(0)
    }

    fn adjust(&mut self, host: usize, need: Need, group: Option<&str>, sign: i64) {
        if self.delta.len() <= host {
            self.delta.resize(host + 1, (0, 0));
        }
        self.delta[host].0 += sign * need.cpu_m as i64;
        self.delta[host].1 += sign as i128 * need.memory as i128;
        if let Some(group) = group {
            *self.groups.entry((host, group.to_string())).or_default() += sign;
        }
    }

    /// Puts a VM on a host.
    pub fn take(&mut self, host: usize, need: Need, group: Option<&str>) {
        self.adjust(host, need, group, 1);
    }

    /// Takes a VM off a host.
    pub fn give(&mut self, host: usize, need: Need, group: Option<&str>) {
        self.adjust(host, need, group, -1);
    }

    /// The host for a VM: `prefer` when it qualifies, else the least `penalty`, then the
    /// most free memory (`placement::host::choose`); hosts kept for failover stay empty.
    pub fn choose(
        &self,
        need: Need,
        group: Option<&str>,
        prefer: Option<usize>,
        penalty: impl Fn(usize) -> u64,
    ) -> Result<usize, Shortfall> {
        let count = self.hosts.len();
        let candidates = (0..count)
            .filter(|&h| !self.ha.is_failover_host(count, h))
            .map(|h| {
                let (cpu_m, memory) = self.free(h);
                Candidate {
                    index: h,
                    room: placement::Room {
                        cpu_m,
                        memory: i64::try_from(memory).unwrap_or(i64::MAX),
                    },
                    blocked: group.is_some_and(|g| self.group(h, g) > 0),
                    penalty: penalty(h),
                }
            });
        host::choose(candidates, need, prefer)
    }

    /// The diagnostic for a VM (`what`) that fits on no host.
    pub fn no_room(
        &self,
        shortfall: &Shortfall,
        what: &str,
        need: Need,
        group: Option<&str>,
    ) -> Diagnostic {
        let pool = &self.address;
        let largest = match shortfall.largest {
            Some(h) => {
                let (cpu, mem) = self.free(h);
                format!(
                    "the largest free is {} vCPU, {} on {}",
                    cores(cpu),
                    signed_size(mem),
                    self.hosts[h].name
                )
            }
            None => "the pool has no hosts".to_string(),
        };
        let summary = format!(
            "No host of {pool} has room for {what} (needs {} vCPU, {}; {largest})",
            cores(need.cpu_m as i64),
            size(need.memory)
        );
        let mut detail = match self.hosts.first() {
            Some(h) => format!(
                "{pool} has {} hosts of {} vCPU and {} each, after overcommit. ",
                self.hosts.len(),
                cores(h.cpu_m as i64),
                size(h.memory)
            ),
            None => String::new(),
        };
        if let (Some(group), false) = (group, shortfall.blocked.is_empty()) {
            let names: Vec<&str> = shortfall
                .blocked
                .iter()
                .take(5)
                .map(|h| self.hosts[*h].name.as_str())
                .collect();
            let more = if shortfall.blocked.len() > 5 {
                ", …"
            } else {
                ""
            };
            detail.push_str(&format!(
                "{} host(s) with room already run a VM of anti-affinity group \"{group}\" ({}{more}); VMs of one group run on different hosts. ",
                shortfall.blocked.len(),
                names.join(", ")
            ));
        }
        detail.push_str(&format!(
            "Add hosts to {pool}, raise its overcommit, or make {what} smaller."
        ));
        Diagnostic::error(None, summary, detail)
    }
}

/// The HA admission policy of a pool record's attributes (its `ha` block).
fn ha_policy(attrs: &planner::Attrs) -> HaPolicy {
    let Some(ha) = attrs.get("ha").and_then(|v| match v {
        serde_json::Value::Array(items) => items.first(),
        other => Some(other),
    }) else {
        return HaPolicy::Disabled;
    };
    let int = |name: &str, default: u64| {
        ha.get(name)
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(default) as u32
    };
    match ha.get("admission").and_then(serde_json::Value::as_str) {
        Some("failover_hosts") => HaPolicy::FailoverHosts {
            hosts: int("failover_hosts", 1),
        },
        Some("slots") => HaPolicy::Slots {
            host_failures: int("host_failures", 1),
        },
        Some("disabled") => HaPolicy::Disabled,
        _ => HaPolicy::Percentage {
            reserve: ha
                .get("reserve")
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(0.25),
        },
    }
}
