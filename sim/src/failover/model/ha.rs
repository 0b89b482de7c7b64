//! Hosts and vSphere HA: hosts going down and up, their VMs stopping, HA restarts within
//! the room the pool's admission policy keeps and in restart-priority order (the rules of
//! `placement::ha`), boots, and VMs moving back home by vMotion.

use placement::ha::{self, RestartCandidate};
use placement::host::{self, Candidate};
use placement::{Need, Room};

use super::{Event, World};
use crate::engine::Scheduler;
use crate::failover::scenario::Class;

impl World<'_> {
    pub(super) fn is_down(&self, class: Class, unit: u32) -> bool {
        self.down[class.index()][unit as usize] > 0
    }

    pub(super) fn host_changed(&mut self, h: u32, s: &mut Scheduler<Event>) {
        let host = &self.t.hosts[h as usize];
        let powered = !self.is_down(Class::Host, h)
            && !self.is_down(Class::Site, host.site)
            && host.rack.is_none_or(|r| !self.is_down(Class::Rack, r));
        if powered == self.hosts[h as usize].powered {
            return;
        }
        self.hosts[h as usize].powered = powered;
        let pool = host.pool;
        let vms = &self.t.pools[pool as usize].vms;
        if !powered {
            for &v in vms {
                if self.vms[v as usize].host == h {
                    self.power_off(v, s);
                }
            }
            let delay = self.sim.scenario.timings.ha_detection;
            self.hosts[h as usize].detect = Some(s.schedule_in(delay, Event::HaDetect(h)));
        } else {
            if let Some(id) = self.hosts[h as usize].detect.take() {
                s.cancel(id);
            }
            for &v in vms {
                if self.vms[v as usize].host == h {
                    self.vms[v as usize].stranded = false;
                    self.power_on(v, s);
                }
            }
            self.migrate_home(pool, h);
            self.request_restart(pool, s);
        }
        for i in 0..self.d.host_osds[h as usize].len() {
            let (st, k) = self.d.host_osds[h as usize][i];
            self.osd_changed(st, k, s);
        }
    }

    fn power_off(&mut self, v: u32, s: &mut Scheduler<Event>) {
        let vm = &mut self.vms[v as usize];
        vm.booted = false;
        if let Some(id) = vm.boot.take() {
            s.cancel(id);
        }
        self.vm_changed(v, s);
    }

    fn power_on(&mut self, v: u32, s: &mut Scheduler<Event>) {
        let boot = self.sim.scenario.timings.vm_boot;
        let vm = &mut self.vms[v as usize];
        vm.booted = false;
        if let Some(id) = vm.boot.take() {
            s.cancel(id);
        }
        vm.boot = Some(s.schedule_in(boot, Event::Booted(v)));
        self.vm_changed(v, s);
    }

    pub(super) fn booted(&mut self, v: u32, s: &mut Scheduler<Event>) {
        let vm = &mut self.vms[v as usize];
        vm.boot = None;
        vm.booted = true;
        self.vm_changed(v, s);
        let home = self.t.vms[v as usize].host;
        if self.vms[v as usize].host != home && self.vms[v as usize].running && self.room(v, home) {
            self.move_home(v);
        }
    }

    fn need(&self, v: u32) -> Need {
        let vm = &self.t.vms[v as usize];
        Need::new(vm.cpu_m, vm.memory)
    }

    /// Whether host `h` is up and out of maintenance, and VM `v` fits on it now (room, no
    /// VM of its anti-affinity group).
    pub(super) fn room(&self, v: u32, h: u32) -> bool {
        let host = &self.hosts[h as usize];
        host.powered
            && !host.maintenance
            && !self.blocked(v, h)
            && host.free.holds_need(self.need(v))
    }

    fn blocked(&self, v: u32, h: u32) -> bool {
        self.t.vms[v as usize]
            .group
            .is_some_and(|g| self.group_count[h as usize * self.d.groups as usize + g as usize] > 0)
    }

    /// Host `h` of VM `v`'s pool as placement sees it, if it is up and out of maintenance.
    fn candidate(&self, v: u32, h: u32) -> Option<Candidate> {
        let host = &self.hosts[h as usize];
        (host.powered && !host.maintenance).then(|| Candidate {
            index: h as usize,
            room: Room {
                cpu_m: host.free.cpu_m,
                memory: host.free.memory,
            },
            blocked: self.blocked(v, h),
            penalty: 0,
        })
    }

    /// The host VM `v` moves to by vMotion (maintenance): placement's rule, never host
    /// `except` nor a host kept empty for failover.
    pub(super) fn migration_host(&self, v: u32, except: u32) -> Option<u32> {
        let pool = &self.t.pools[self.t.vms[v as usize].pool as usize];
        let count = pool.hosts.len();
        let candidates = pool.hosts.clone().filter_map(|h| {
            let index = (h - pool.hosts.start) as usize;
            if h == except || pool.ha.is_failover_host(count, index) {
                return None;
            }
            self.candidate(v, h)
        });
        host::choose(candidates, self.need(v), None)
            .ok()
            .map(|h| h as u32)
    }

    /// The host HA restarts VM `v` on: placement's restart rule within the pool's room.
    fn restart_host(&self, v: u32) -> Option<u32> {
        let p = self.t.vms[v as usize].pool as usize;
        let pool = &self.t.pools[p];
        let start = pool.hosts.start;
        let candidates = pool.hosts.clone().filter_map(|h| {
            let mut c = self.candidate(v, h)?;
            c.index = (h - start) as usize;
            Some(RestartCandidate {
                host: c,
                guests: self.hosts[h as usize].guests,
            })
        });
        ha::restart_host(candidates, self.need(v), &self.rooms[p]).map(|i| start + i as u32)
    }

    pub(super) fn move_vm(&mut self, v: u32, to: u32) {
        let vm = &self.t.vms[v as usize];
        let from = self.vms[v as usize].host;
        let groups = self.d.groups as usize;
        self.hosts[from as usize].free.add(vm.cpu_m, vm.memory, 1);
        self.hosts[from as usize].guests -= 1;
        self.hosts[to as usize].free.add(vm.cpu_m, vm.memory, -1);
        self.hosts[to as usize].guests += 1;
        if let Some(g) = vm.group {
            self.group_count[from as usize * groups + g as usize] -= 1;
            self.group_count[to as usize * groups + g as usize] += 1;
        }
        self.vms[v as usize].host = to;
    }

    /// VM `v` moves back to its own host by vMotion, giving back the restart room it held.
    fn move_home(&mut self, v: u32) {
        let home = self.t.vms[v as usize].host;
        self.move_vm(v, home);
        if std::mem::take(&mut self.vms[v as usize].away) {
            let need = self.need(v);
            self.rooms[self.t.vms[v as usize].pool as usize].give(need);
        }
    }

    pub(super) fn ha_detect(&mut self, h: u32, s: &mut Scheduler<Event>) {
        self.hosts[h as usize].detect = None;
        if self.hosts[h as usize].powered {
            return;
        }
        let pool = self.t.hosts[h as usize].pool;
        for i in 0..self.t.pools[pool as usize].vms.len() {
            let v = self.t.pools[pool as usize].vms[i];
            if self.vms[v as usize].host == h {
                self.vms[v as usize].stranded = true;
            }
        }
        self.request_restart(pool, s);
    }

    /// Schedules the restart of `pool`'s waiting VMs now, after the events already due at
    /// this instant (so that hosts detected together restart in one priority order).
    pub(super) fn request_restart(&mut self, pool: u32, s: &mut Scheduler<Event>) {
        if !std::mem::replace(&mut self.restart_due[pool as usize], true) {
            s.schedule_in(crate::time::SimTime::ZERO, Event::HaRestart(pool));
        }
    }

    /// Restarts the VMs of `pool` that wait for a host, in restart order, each where the
    /// policy's room allows; the others keep waiting.
    pub(super) fn ha_restart(&mut self, pool: u32, s: &mut Scheduler<Event>) {
        self.restart_due[pool as usize] = false;
        let mut waiting: Vec<usize> = self.t.pools[pool as usize]
            .vms
            .iter()
            .map(|&v| v as usize)
            .filter(|&v| {
                let state = &self.vms[v];
                state.stranded
                    && !self.hosts[state.host as usize].powered
                    && self.t.vms[v].priority != ha::Priority::Disabled
            })
            .collect();
        ha::restart_order(&mut waiting, |v| {
            (self.t.vms[v].priority, self.need(v as u32))
        });
        for v in waiting {
            let v = v as u32;
            let Some(to) = self.restart_host(v) else {
                continue;
            };
            let home = self.t.vms[v as usize].host;
            let need = self.need(v);
            let room = &mut self.rooms[pool as usize];
            let state = &mut self.vms[v as usize];
            if to != home && !state.away {
                room.take(need);
                state.away = true;
            } else if to == home && state.away {
                room.give(need);
                state.away = false;
            }
            state.stranded = false;
            self.move_vm(v, to);
            self.power_on(v, s);
        }
    }

    /// VMs of `pool` whose home is `h` and that run elsewhere move back by vMotion.
    pub(super) fn migrate_home(&mut self, pool: u32, h: u32) {
        for i in 0..self.t.pools[pool as usize].vms.len() {
            let v = self.t.pools[pool as usize].vms[i];
            let state = &self.vms[v as usize];
            if self.t.vms[v as usize].host == h
                && state.host != h
                && state.running
                && self.room(v, h)
            {
                self.move_home(v);
            }
        }
    }

    pub(super) fn vm_changed(&mut self, v: u32, s: &mut Scheduler<Event>) {
        let state = &self.vms[v as usize];
        let running =
            self.hosts[state.host as usize].powered && state.booted && !self.is_down(Class::Vm, v);
        if running == state.running {
            return;
        }
        self.vms[v as usize].running = running;
        if let Some(n) = self.t.vms[v as usize].node {
            self.node_changed(n, s);
        }
        for i in 0..self.d.vm_replicas[v as usize].len() {
            let r = self.d.vm_replicas[v as usize][i];
            self.replica_changed(r);
        }
    }
}
