//! Placing VMs and cluster nodes on the hosts of a pool.
//!
//! A [`PoolView`] is a pool's hosts as one change sees them: the world's usage plus what
//! the change has taken or given back so far. [`PoolView::choose`] picks the host for one
//! VM: one with room and no VM of the same anti-affinity group, the preferred host when it
//! qualifies, else the least penalised (for spreading a cluster's nodes) with the most
//! free memory. When none qualifies, [`PoolView::no_room`] says why, with figures.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::HashMap;

use blueprint::{Address, Diagnostic};

use super::format::{cores, signed_size, size};
use super::record::{Alloc, Host};
use super::world::{PoolUse, World};

/// What one VM needs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Need {
    /// vCPUs, in millicores.
    pub cpu_m: u64,
    /// Memory, in bytes.
    pub memory: u64,
}

/// Why no host qualified.
#[derive(Clone, Debug)]
pub(crate) struct Shortfall {
    /// The host with the most free memory.
    largest: Option<usize>,
    /// Hosts with room that already run a VM of the group.
    blocked: Vec<usize>,
}

/// A pool's hosts, as one change sees them.
pub(crate) struct PoolView<'w> {
    address: String,
    hosts: Cow<'w, [Host]>,
    base: Option<&'w PoolUse>,
    delta: Vec<(i64, i128)>,
    groups: HashMap<(usize, String), i64>,
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
    /// most free memory.
    pub fn choose(
        &self,
        need: Need,
        group: Option<&str>,
        prefer: Option<usize>,
        penalty: impl Fn(usize) -> u64,
    ) -> Result<usize, Shortfall> {
        let mut blocked = Vec::new();
        let mut best: Option<(u64, Reverse<i128>, Reverse<i64>, usize)> = None;
        let mut largest: Option<(i128, i64, usize)> = None;
        for h in 0..self.hosts.len() {
            let (cpu, mem) = self.free(h);
            if largest.is_none_or(|(m, c, _)| (mem, cpu) > (m, c)) {
                largest = Some((mem, cpu, h));
            }
            if cpu < need.cpu_m as i64 || mem < need.memory as i128 {
                continue;
            }
            if group.is_some_and(|g| self.group(h, g) > 0) {
                blocked.push(h);
                continue;
            }
            if prefer == Some(h) {
                return Ok(h);
            }
            let key = (penalty(h), Reverse(mem), Reverse(cpu), h);
            if best.as_ref().is_none_or(|b| key < *b) {
                best = Some(key);
            }
        }
        best.map(|(_, _, _, h)| h).ok_or(Shortfall {
            largest: largest.map(|(_, _, h)| h),
            blocked,
        })
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
