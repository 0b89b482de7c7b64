//! Kubernetes: nodes ready or not, pods stopping and starting, evictions after the grace period and the toleration, rescheduling with the placement rule, and the control plane (an etcd majority).

use placement::pods;
use placement::{Need, Room};

use super::{Event, World};
use crate::engine::Scheduler;
use crate::failover::scenario::Class;
use crate::topology::On;

impl World<'_> {
    pub(super) fn cp_ok(&self, c: u32) -> bool {
        self.clusters[c as usize].ready_cp >= self.t.clusters[c as usize].etcd_quorum()
    }

    pub(super) fn node_changed(&mut self, n: u32, s: &mut Scheduler<Event>) {
        let node = &self.t.nodes[n as usize];
        let ready = self.vms[node.vm as usize].running && !self.is_down(Class::Node, n);
        if ready == self.nodes[n as usize].ready {
            return;
        }
        self.nodes[n as usize].ready = ready;
        self.dirty = true;
        let c = node.cluster;
        let cp_before = self.cp_ok(c);
        let cluster = &mut self.clusters[c as usize];
        let counter = if node.control_plane {
            &mut cluster.ready_cp
        } else {
            &mut cluster.ready_workers
        };
        if ready {
            *counter += 1;
        } else {
            *counter -= 1;
        }
        let replicas = &self.d.cluster_replicas[c as usize];
        if !ready {
            for &r in replicas {
                if self.replicas[r as usize].node == Some(n) {
                    self.stop_replica(r, s);
                }
            }
            let timings = &self.sim.scenario.timings;
            let delay = timings.node_monitor_grace + timings.pod_eviction;
            self.nodes[n as usize].evict = Some(s.schedule_in(delay, Event::Evict(n)));
        } else {
            let state = &mut self.nodes[n as usize];
            state.evict_due = false;
            if let Some(id) = state.evict.take() {
                s.cancel(id);
            }
            for &r in replicas {
                if self.replicas[r as usize].node == Some(n) {
                    self.start_replica(r, s);
                }
            }
            if !cp_before && self.cp_ok(c) {
                self.cp_recovered(c, s);
            } else {
                self.schedule_pending(c, s);
            }
        }
    }

    fn stop_replica(&mut self, r: u32, s: &mut Scheduler<Event>) {
        let state = &mut self.replicas[r as usize];
        state.started = false;
        if let Some(id) = state.start.take() {
            s.cancel(id);
        }
        self.replica_changed(r);
    }

    fn start_replica(&mut self, r: u32, s: &mut Scheduler<Event>) {
        let state = &mut self.replicas[r as usize];
        if !state.started && state.start.is_none() {
            let delay = self.sim.scenario.timings.pod_start;
            state.start = Some(s.schedule_in(delay, Event::Started(r)));
        }
    }

    pub(super) fn started(&mut self, r: u32) {
        let state = &mut self.replicas[r as usize];
        state.start = None;
        state.started = true;
        self.replica_changed(r);
    }

    pub(super) fn replica_changed(&mut self, r: u32) {
        let state = &self.replicas[r as usize];
        let placed = match self.t.replicas[r as usize].on {
            On::Node(_) => state.node.is_some_and(|n| self.nodes[n as usize].ready),
            On::Vm(v) => self.vms[v as usize].running,
        };
        let up = state.started && placed && !self.is_down(Class::Replica, r);
        if up == state.up {
            return;
        }
        self.replicas[r as usize].up = up;
        let service = self.t.replicas[r as usize].service as usize;
        if up {
            self.up_count[service] += 1;
        } else {
            self.up_count[service] -= 1;
        }
        self.dirty = true;
    }

    pub(super) fn evict(&mut self, n: u32, s: &mut Scheduler<Event>) {
        self.nodes[n as usize].evict = None;
        if self.nodes[n as usize].ready {
            return;
        }
        let c = self.t.nodes[n as usize].cluster;
        if !self.cp_ok(c) {
            self.nodes[n as usize].evict_due = true;
            self.clusters[c as usize].deferred.push(n);
            return;
        }
        self.evict_pods(n, s);
    }

    /// Evicts the pods of stateless services from node `n` and schedules them elsewhere.
    fn evict_pods(&mut self, n: u32, s: &mut Scheduler<Event>) {
        let c = self.t.nodes[n as usize].cluster;
        for i in 0..self.d.cluster_replicas[c as usize].len() {
            let r = self.d.cluster_replicas[c as usize][i];
            let service = &self.t.services[self.t.replicas[r as usize].service as usize];
            if self.replicas[r as usize].node != Some(n) || service.stateful {
                continue;
            }
            self.nodes[n as usize]
                .free
                .add(service.cpu_m, service.memory, 1);
            let state = &mut self.replicas[r as usize];
            state.node = None;
            state.started = false;
            if let Some(id) = state.start.take() {
                s.cancel(id);
            }
            self.replica_changed(r);
            if !self.schedule_pod(r, s) {
                self.clusters[c as usize].pending.push(r);
            }
        }
    }

    fn cp_recovered(&mut self, c: u32, s: &mut Scheduler<Event>) {
        let deferred = std::mem::take(&mut self.clusters[c as usize].deferred);
        for n in deferred {
            let node = &mut self.nodes[n as usize];
            if node.evict_due && !node.ready {
                node.evict_due = false;
                self.evict_pods(n, s);
            }
        }
        self.schedule_pending(c, s);
    }

    fn schedule_pending(&mut self, c: u32, s: &mut Scheduler<Event>) {
        if self.clusters[c as usize].pending.is_empty() || !self.cp_ok(c) {
            return;
        }
        let pending = std::mem::take(&mut self.clusters[c as usize].pending);
        let mut left = Vec::new();
        for r in pending {
            if !self.schedule_pod(r, s) {
                left.push(r);
            }
        }
        self.clusters[c as usize].pending = left;
    }

    /// Binds pod `r` to the ready worker placement's scheduling rule picks, and starts it;
    /// false if none has room.
    fn schedule_pod(&mut self, r: u32, s: &mut Scheduler<Event>) -> bool {
        let t = self.t;
        let service = &t.services[t.replicas[r as usize].service as usize];
        let Some(c) = service.cluster else {
            return false;
        };
        let host_of = |m: u32| self.vms[t.nodes[m as usize].vm as usize].host;
        let candidates = t.clusters[c as usize].nodes.clone().filter_map(|n| {
            let state = &self.nodes[n as usize];
            if t.nodes[n as usize].control_plane || !state.ready {
                return None;
            }
            let (mut on_node, mut on_host) = (0, 0);
            for o in service.replicas.clone() {
                if let Some(m) = self.replicas[o as usize].node {
                    on_node += u64::from(m == n);
                    on_host += u64::from(host_of(m) == host_of(n));
                }
            }
            Some(pods::Candidate {
                index: n as usize,
                room: Room {
                    cpu_m: state.free.cpu_m,
                    memory: state.free.memory,
                },
                crowd: service.spread.crowd(on_node, on_host),
            })
        });
        let Some(n) = pods::choose(candidates, Need::new(service.cpu_m, service.memory)) else {
            return false;
        };
        let n = n as u32;
        self.nodes[n as usize]
            .free
            .add(service.cpu_m, service.memory, -1);
        self.replicas[r as usize].node = Some(n);
        self.start_replica(r, s);
        true
    }
}
