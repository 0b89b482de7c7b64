//! Statuses: every row of the outcome (services in dependency order, clusters, storage, data at risk, applications after migration) handed to its monitor after each event.

use super::World;
use crate::time::SimTime;
use crate::topology::StorageKind;

impl World<'_> {
    pub(super) fn update_monitors(&mut self, now: SimTime) {
        let t = self.t;
        for &s in &self.d.order {
            let service = &t.services[s as usize];
            let count = self.up_count[s as usize];
            let up = count >= service.quorum
                && service.cluster.is_none_or(|c| self.cp_ok(c))
                && service
                    .storage
                    .is_none_or(|st| self.storages[st as usize].io)
                && service
                    .requires
                    .iter()
                    .all(|&d| self.service_up[d as usize]);
            self.service_up[s as usize] = up;
            let degraded = !up || count < service.replicas.len() as u32;
            self.monitors[s as usize].update(now, up, degraded);
        }
        let mut row = t.services.len();
        for (c, cluster) in t.clusters.iter().enumerate() {
            let state = &self.clusters[c];
            let up = self.cp_ok(c as u32);
            let degraded = !up
                || state.ready_cp < cluster.control_plane
                || state.ready_workers < cluster.workers();
            self.monitors[row].update(now, up, degraded);
            row += 1;
        }
        for (st, storage) in t.storages.iter().enumerate() {
            let state = &self.storages[st];
            let full = match &storage.kind {
                StorageKind::Ceph { size, .. } => state.worst >= *size,
                _ => state.io,
            };
            self.monitors[row].update(now, state.io, !state.io || !full);
            row += 1;
        }
        for &st in &self.d.at_risk {
            let at_risk = self.storages[st as usize].worst <= 1;
            self.monitors[row].update(now, !at_risk, at_risk);
            row += 1;
        }
        for &m in &self.d.migrations {
            let targets = &t.services[m as usize].migrates_to;
            let up = targets.iter().all(|&x| self.service_up[x as usize]);
            self.monitors[row].update(now, up, !up);
            row += 1;
        }
    }
}
