//! Maintenance: the hosts of each pool drained one at a time, when every host is up, its VMs fit elsewhere and its OSDs can go down.

use super::{Event, World};
use crate::engine::Scheduler;
use crate::time::SimTime;
use crate::topology::StorageKind;

impl World<'_> {
    pub(super) fn maint_start(&mut self, p: u32, s: &mut Scheduler<Event>) {
        let Some(m) = self.sim.scenario.maintenance else {
            return;
        };
        let pool = &self.t.pools[p as usize];
        if pool.hosts.is_empty() {
            return;
        }
        let state = &mut self.maint[p as usize];
        if state.next == 0 {
            state.round_start = s.now();
        }
        let h = pool.hosts.start + state.next;
        if self.can_drain(p, h) {
            for i in 0..pool.vms.len() {
                let v = pool.vms[i];
                if self.vms[v as usize].host == h {
                    let to = self.migration_host(v, h).expect("checked by can_drain");
                    self.move_vm(v, to);
                }
            }
            self.hosts[h as usize].maintenance = true;
            self.maint[p as usize].active = Some(h);
            for i in 0..self.d.host_osds[h as usize].len() {
                let (st, k) = self.d.host_osds[h as usize][i];
                self.osd_changed(st, k, s);
            }
            s.schedule_in(m.duration, Event::MaintEnd(p));
        } else {
            // Skipped this round; the next host's turn comes when this one's would end.
            self.advance_maintenance(p, m.duration, s);
        }
    }

    /// Whether host `h` of pool `p` can be drained without taking anything down.
    fn can_drain(&mut self, p: u32, h: u32) -> bool {
        let pool = &self.t.pools[p as usize];
        if pool.hosts.clone().any(|o| {
            let host = &self.hosts[o as usize];
            !host.powered || host.maintenance
        }) {
            return false;
        }
        for &(st, _) in &self.d.host_osds[h as usize] {
            if let StorageKind::Ceph { size, min_size, .. } = &self.t.storages[st as usize].kind {
                let osds = &self.osds[st as usize];
                let up = osds.iter().filter(|o| o.up).count() as u32;
                let missing = osds.iter().filter(|o| !o.up && !o.out).count() as u32 + 1;
                if size.saturating_sub(missing).min(up - 1) < *min_size {
                    return false;
                }
            }
        }
        // Try the moves, then undo them: every VM of `h` must find room elsewhere.
        let mut moved = Vec::new();
        let mut ok = true;
        for &v in &pool.vms {
            if self.vms[v as usize].host != h {
                continue;
            }
            match self.migration_host(v, h) {
                Some(to) => {
                    self.move_vm(v, to);
                    moved.push(v);
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        for v in moved {
            self.move_vm(v, h);
        }
        ok
    }

    pub(super) fn maint_end(&mut self, p: u32, s: &mut Scheduler<Event>) {
        let Some(h) = self.maint[p as usize].active.take() else {
            return;
        };
        self.hosts[h as usize].maintenance = false;
        for i in 0..self.d.host_osds[h as usize].len() {
            let (st, k) = self.d.host_osds[h as usize][i];
            self.osd_changed(st, k, s);
        }
        self.migrate_home(p, h);
        self.request_restart(p, s);
        self.advance_maintenance(p, SimTime::ZERO, s);
    }

    /// Schedules the next host of pool `p` after `delay`, or the next round.
    fn advance_maintenance(&mut self, p: u32, delay: SimTime, s: &mut Scheduler<Event>) {
        let Some(m) = self.sim.scenario.maintenance else {
            return;
        };
        let hosts = self.t.pools[p as usize].hosts.len() as u32;
        let state = &mut self.maint[p as usize];
        state.next += 1;
        if state.next >= hosts {
            state.next = 0;
            let at = (state.round_start + m.every).max(s.now() + delay);
            s.schedule_at(at, Event::MaintStart(p));
        } else {
            s.schedule_in(delay, Event::MaintStart(p));
        }
    }
}
