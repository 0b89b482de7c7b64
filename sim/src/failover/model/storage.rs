//! Storage: Ceph OSDs up, down and out, the copies of the worst placement group, I/O while min_size copies are up; NFS and local storage.

use super::{Event, World};
use crate::engine::Scheduler;
use crate::failover::scenario::Class;
use crate::topology::StorageKind;

impl World<'_> {
    pub(super) fn osd_changed(&mut self, st: u32, k: u32, s: &mut Scheduler<Event>) {
        let StorageKind::Ceph { hosts, .. } = &self.t.storages[st as usize].kind else {
            return;
        };
        let h = hosts[k as usize];
        let host = &self.hosts[h as usize];
        let unit = self.d.first_unit[st as usize] + k;
        let up = host.powered && !host.maintenance && !self.is_down(Class::Storage, unit);
        let maintenance = host.maintenance;
        let osd = &mut self.osds[st as usize][k as usize];
        if up {
            if osd.up {
                return;
            }
            osd.up = true;
            osd.out = false;
            if let Some(id) = osd.timer.take() {
                s.cancel(id);
            }
        } else {
            let changed = osd.up;
            osd.up = false;
            // Down outside maintenance (noout): marked out after the delay, also when a
            // host that failed during maintenance stays down after it.
            if !maintenance && !osd.out && osd.timer.is_none() {
                let delay = self.sim.scenario.timings.ceph_rereplication;
                osd.timer = Some(s.schedule_in(delay, Event::OsdOut(st, k)));
            }
            if !changed {
                return;
            }
        }
        self.recount_storage(st);
    }

    pub(super) fn osd_out(&mut self, st: u32, k: u32) {
        let osd = &mut self.osds[st as usize][k as usize];
        osd.timer = None;
        osd.out = true;
        self.recount_storage(st);
    }

    pub(super) fn recount_storage(&mut self, st: u32) {
        let forced = self.storages[st as usize].forced > 0;
        let (worst, io) = match &self.t.storages[st as usize].kind {
            StorageKind::Ceph { size, min_size, .. } => {
                let osds = &self.osds[st as usize];
                let up = osds.iter().filter(|o| o.up).count() as u32;
                let missing = osds.iter().filter(|o| !o.up && !o.out).count() as u32;
                let worst = size.saturating_sub(missing).min(up);
                (worst, !forced && worst >= *min_size)
            }
            StorageKind::Nfs => {
                let unit = self.d.first_unit[st as usize];
                let io = !forced && !self.is_down(Class::Storage, unit);
                (u32::from(io), io)
            }
            StorageKind::Local => (u32::from(!forced), !forced),
        };
        let state = &mut self.storages[st as usize];
        if state.worst != worst || state.io != io {
            state.worst = worst;
            state.io = io;
            self.dirty = true;
        }
    }
}
