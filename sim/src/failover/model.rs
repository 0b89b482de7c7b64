//! One replication of a [`Failover`] simulation: the state of every host, VM, node, pod
//! and storage, and what each event does to it (see the documentation of [`super`]).

use std::cmp::Reverse;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;

use super::scenario::{Class, Target};
use super::{Derived, Failover};
use crate::engine::{Engine, Model, Scheduler, TimerId};
use crate::monitor::{ServiceMonitor, ServiceRecord};
use crate::random::SimRng;
use crate::runner::{Control, Replication, ReplicationResult};
use crate::time::SimTime;
use crate::topology::{Spread, StorageKind, Topology};

/// Runs one replication in steps of [`Control::STEP`] events, adding them to
/// `control.events`; `None` when `control` asks to stop first.
pub(super) fn replicate(
    sim: &Failover,
    replication: &Replication,
    control: &Control,
) -> Option<ReplicationResult> {
    let model = World::new(sim, replication);
    let capacity = sim.topology.hosts.len()
        + sim.topology.vms.len()
        + sim.topology.nodes.len()
        + sim.topology.replicas.len()
        + 16;
    let mut engine = Engine::with_scheduler(model, Scheduler::with_capacity(capacity));
    loop {
        let run = engine.run_for(replication.horizon, Control::STEP);
        control.events.fetch_add(run.events, Ordering::Relaxed);
        if !run.paused {
            break;
        }
        if control.stopped() {
            return None;
        }
    }
    Some(ReplicationResult {
        events: engine.events(),
        services: engine.into_model().finish(replication.horizon),
    })
}

/// The events of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Event {
    /// A unit of a class fails.
    Fail(Class, u32),
    /// A unit of a class is repaired.
    Repaired(Class, u32),
    /// Injection `k` starts.
    InjectStart(u32),
    /// Injection `k` ends.
    InjectEnd(u32),
    /// vSphere HA declares a host dead.
    HaDetect(u32),
    /// A VM has booted.
    Booted(u32),
    /// The pods of a NotReady node are evicted.
    Evict(u32),
    /// A pod has started.
    Started(u32),
    /// A Ceph OSD is marked out: (storage, OSD).
    OsdOut(u32, u32),
    /// The next host of a pool is drained for maintenance.
    MaintStart(u32),
    /// The host of a pool in maintenance returns.
    MaintEnd(u32),
}

/// Room left on a host or node.
#[derive(Clone, Copy, Debug)]
struct Free {
    cpu_m: i64,
    memory: i64,
}

impl Free {
    fn holds(&self, cpu_m: u64, memory: u64) -> bool {
        self.cpu_m >= cpu_m as i64 && self.memory >= memory as i64
    }

    fn add(&mut self, cpu_m: u64, memory: u64, sign: i64) {
        self.cpu_m += sign * cpu_m as i64;
        self.memory += sign * memory as i64;
    }
}

struct HostState {
    powered: bool,
    maintenance: bool,
    free: Free,
    detect: Option<TimerId>,
}

struct VmState {
    host: u32,
    booted: bool,
    running: bool,
    stranded: bool,
    boot: Option<TimerId>,
}

struct NodeState {
    ready: bool,
    evict_due: bool,
    free: Free,
    evict: Option<TimerId>,
}

struct ReplicaState {
    node: Option<u32>,
    started: bool,
    up: bool,
    start: Option<TimerId>,
}

struct ClusterState {
    ready_cp: u32,
    ready_workers: u32,
    pending: Vec<u32>,
    deferred: Vec<u32>,
}

struct OsdState {
    up: bool,
    out: bool,
    timer: Option<TimerId>,
}

struct StorageState {
    forced: u32,
    /// Copies of the worst placement group that are up (for NFS and local: 1 or 0).
    worst: u32,
    io: bool,
}

#[derive(Default)]
struct Crew {
    busy: u32,
    queue: VecDeque<u32>,
}

struct MaintState {
    next: u32,
    active: Option<u32>,
    round_start: SimTime,
}

/// One replication's state.
struct World<'a> {
    t: &'a Topology,
    d: &'a Derived,
    sim: &'a Failover,
    /// Down count of each unit, per class: random failures and injections.
    down: [Vec<u16>; 7],
    rngs: [Vec<SimRng>; 7],
    crews: [Crew; 7],
    hosts: Vec<HostState>,
    /// VMs of each anti-affinity group on each host: `host * groups + group`.
    group_count: Vec<u16>,
    vms: Vec<VmState>,
    nodes: Vec<NodeState>,
    replicas: Vec<ReplicaState>,
    up_count: Vec<u32>,
    service_up: Vec<bool>,
    clusters: Vec<ClusterState>,
    osds: Vec<Vec<OsdState>>,
    storages: Vec<StorageState>,
    maint: Vec<MaintState>,
    monitors: Vec<ServiceMonitor>,
    dirty: bool,
}

fn lane(class: Class, unit: u32) -> u64 {
    ((class.index() as u64 + 1) << 32) | u64::from(unit)
}

impl<'a> World<'a> {
    fn new(sim: &'a Failover, replication: &Replication) -> World<'a> {
        let t = &sim.topology;
        let d = &sim.derived;
        let counts = [
            t.sites.len(),
            t.racks.len(),
            t.hosts.len(),
            t.vms.len(),
            t.nodes.len(),
            t.replicas.len(),
            d.storage_units.len(),
        ];
        let down = counts.map(|n| vec![0u16; n]);
        let rngs = std::array::from_fn(|c| {
            let class = Class::ALL[c];
            if sim.scenario.failures[c].is_some() {
                (0..counts[c] as u32)
                    .map(|u| replication.lane_rng(lane(class, u)))
                    .collect()
            } else {
                Vec::new()
            }
        });
        let groups = d.groups as usize;
        let mut hosts: Vec<HostState> = t
            .hosts
            .iter()
            .map(|h| HostState {
                powered: true,
                maintenance: false,
                free: Free {
                    cpu_m: h.cpu_m as i64,
                    memory: h.memory as i64,
                },
                detect: None,
            })
            .collect();
        let mut group_count = vec![0u16; t.hosts.len() * groups];
        for vm in &t.vms {
            hosts[vm.host as usize].free.add(vm.cpu_m, vm.memory, -1);
            if let Some(g) = vm.group {
                group_count[vm.host as usize * groups + g as usize] += 1;
            }
        }
        let vms = t
            .vms
            .iter()
            .map(|v| VmState {
                host: v.host,
                booted: true,
                running: true,
                stranded: false,
                boot: None,
            })
            .collect();
        let mut nodes: Vec<NodeState> = t
            .nodes
            .iter()
            .map(|n| NodeState {
                ready: true,
                evict_due: false,
                free: Free {
                    cpu_m: n.cpu_m as i64,
                    memory: n.memory as i64,
                },
                evict: None,
            })
            .collect();
        let replicas = t
            .replicas
            .iter()
            .map(|r| {
                let s = &t.services[r.service as usize];
                nodes[r.node as usize].free.add(s.cpu_m, s.memory, -1);
                ReplicaState {
                    node: Some(r.node),
                    started: true,
                    up: true,
                    start: None,
                }
            })
            .collect();
        let up_count = t.services.iter().map(|s| s.replicas.len() as u32).collect();
        let clusters = t
            .clusters
            .iter()
            .map(|c| ClusterState {
                ready_cp: c.control_plane,
                ready_workers: c.workers(),
                pending: Vec::new(),
                deferred: Vec::new(),
            })
            .collect();
        let osds = t
            .storages
            .iter()
            .map(|s| match &s.kind {
                StorageKind::Ceph { hosts, .. } => hosts
                    .iter()
                    .map(|_| OsdState {
                        up: true,
                        out: false,
                        timer: None,
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let storages = t
            .storages
            .iter()
            .map(|_| StorageState {
                forced: 0,
                worst: 0,
                io: true,
            })
            .collect();
        let maint = t
            .pools
            .iter()
            .map(|_| MaintState {
                next: 0,
                active: None,
                round_start: SimTime::ZERO,
            })
            .collect();
        let mut world = World {
            t,
            d,
            sim,
            down,
            rngs,
            crews: Default::default(),
            hosts,
            group_count,
            vms,
            nodes,
            replicas,
            up_count,
            service_up: vec![true; t.services.len()],
            clusters,
            osds,
            storages,
            maint,
            monitors: vec![ServiceMonitor::new(); d.addresses.len()],
            dirty: true,
        };
        for s in 0..t.storages.len() as u32 {
            world.recount_storage(s);
        }
        world
    }

    fn finish(self, horizon: SimTime) -> Vec<ServiceRecord> {
        self.monitors
            .into_iter()
            .map(|m| m.finish(horizon))
            .collect()
    }

    // ---- failures, repairs and injections ----

    fn fail(&mut self, class: Class, unit: u32, s: &mut Scheduler<Event>) {
        let c = class.index();
        let Some(model) = &self.sim.scenario.failures[c] else {
            return;
        };
        self.down[c][unit as usize] += 1;
        let crew = &mut self.crews[c];
        if model.repair_crews.is_none_or(|n| crew.busy < n) {
            crew.busy += 1;
            let ttr = model
                .time_to_repair
                .sample(&mut self.rngs[c][unit as usize]);
            s.schedule_in(ttr, Event::Repaired(class, unit));
        } else {
            crew.queue.push_back(unit);
        }
        self.apply(class, unit, s);
    }

    fn repaired(&mut self, class: Class, unit: u32, s: &mut Scheduler<Event>) {
        let c = class.index();
        let Some(model) = &self.sim.scenario.failures[c] else {
            return;
        };
        self.down[c][unit as usize] -= 1;
        let ttf = model
            .time_to_failure
            .sample(&mut self.rngs[c][unit as usize]);
        s.schedule_in(ttf, Event::Fail(class, unit));
        match self.crews[c].queue.pop_front() {
            Some(next) => {
                let ttr = model
                    .time_to_repair
                    .sample(&mut self.rngs[c][next as usize]);
                s.schedule_in(ttr, Event::Repaired(class, next));
            }
            None => self.crews[c].busy -= 1,
        }
        self.apply(class, unit, s);
    }

    fn inject(&mut self, k: u32, start: bool, s: &mut Scheduler<Event>) {
        match &self.sim.scenario.injections[k as usize].target {
            Target::Units(class, units) => {
                let c = class.index();
                for &u in units {
                    if start {
                        self.down[c][u as usize] += 1;
                    } else {
                        self.down[c][u as usize] -= 1;
                    }
                    self.apply(*class, u, s);
                }
            }
            Target::Storage(st) => {
                let state = &mut self.storages[*st as usize];
                if start {
                    state.forced += 1;
                } else {
                    state.forced -= 1;
                }
                self.recount_storage(*st);
            }
        }
    }

    /// Follows a change of a unit's down count.
    fn apply(&mut self, class: Class, unit: u32, s: &mut Scheduler<Event>) {
        let d = self.d;
        match class {
            Class::Site => {
                for &h in &d.site_hosts[unit as usize] {
                    self.host_changed(h, s);
                }
            }
            Class::Rack => {
                for &h in &d.rack_hosts[unit as usize] {
                    self.host_changed(h, s);
                }
            }
            Class::Host => self.host_changed(unit, s),
            Class::Vm => self.vm_changed(unit, s),
            Class::Node => self.node_changed(unit, s),
            Class::Replica => self.replica_changed(unit),
            Class::Storage => match d.storage_units[unit as usize] {
                (st, Some(k)) => self.osd_changed(st, k, s),
                (st, None) => self.recount_storage(st),
            },
        }
    }

    // ---- hosts and vSphere HA ----

    fn is_down(&self, class: Class, unit: u32) -> bool {
        self.down[class.index()][unit as usize] > 0
    }

    fn host_changed(&mut self, h: u32, s: &mut Scheduler<Event>) {
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
            self.retry_stranded(pool, s);
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

    fn booted(&mut self, v: u32, s: &mut Scheduler<Event>) {
        let vm = &mut self.vms[v as usize];
        vm.boot = None;
        vm.booted = true;
        self.vm_changed(v, s);
        let home = self.t.vms[v as usize].host;
        if self.vms[v as usize].host != home && self.vms[v as usize].running && self.room(v, home) {
            self.move_vm(v, home);
        }
    }

    /// Whether host `h` can take VM `v` now.
    fn room(&self, v: u32, h: u32) -> bool {
        let vm = &self.t.vms[v as usize];
        let host = &self.hosts[h as usize];
        host.powered
            && !host.maintenance
            && host.free.holds(vm.cpu_m, vm.memory)
            && vm.group.is_none_or(|g| {
                self.group_count[h as usize * self.d.groups as usize + g as usize] == 0
            })
    }

    /// The host of VM `v`'s pool for a restart: room, then the most free memory, the most
    /// free vCPU, the lowest index.
    fn choose_host(&self, v: u32, except: Option<u32>) -> Option<u32> {
        let pool = self.t.vms[v as usize].pool;
        let mut best: Option<(Reverse<i64>, Reverse<i64>, u32)> = None;
        for h in self.t.pools[pool as usize].hosts.clone() {
            if Some(h) == except || !self.room(v, h) {
                continue;
            }
            let free = self.hosts[h as usize].free;
            let key = (Reverse(free.memory), Reverse(free.cpu_m), h);
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
        best.map(|(_, _, h)| h)
    }

    fn move_vm(&mut self, v: u32, to: u32) {
        let vm = &self.t.vms[v as usize];
        let from = self.vms[v as usize].host;
        let groups = self.d.groups as usize;
        self.hosts[from as usize].free.add(vm.cpu_m, vm.memory, 1);
        self.hosts[to as usize].free.add(vm.cpu_m, vm.memory, -1);
        if let Some(g) = vm.group {
            self.group_count[from as usize * groups + g as usize] -= 1;
            self.group_count[to as usize * groups + g as usize] += 1;
        }
        self.vms[v as usize].host = to;
    }

    fn ha_detect(&mut self, h: u32, s: &mut Scheduler<Event>) {
        self.hosts[h as usize].detect = None;
        if self.hosts[h as usize].powered {
            return;
        }
        let pool = self.t.hosts[h as usize].pool;
        for i in 0..self.t.pools[pool as usize].vms.len() {
            let v = self.t.pools[pool as usize].vms[i];
            if self.vms[v as usize].host != h {
                continue;
            }
            match self.choose_host(v, None) {
                Some(to) => {
                    self.move_vm(v, to);
                    self.power_on(v, s);
                }
                None => self.vms[v as usize].stranded = true,
            }
        }
    }

    /// VMs of `pool` whose home is `h` and that run elsewhere move back by vMotion.
    fn migrate_home(&mut self, pool: u32, h: u32) {
        for i in 0..self.t.pools[pool as usize].vms.len() {
            let v = self.t.pools[pool as usize].vms[i];
            let state = &self.vms[v as usize];
            if self.t.vms[v as usize].host == h
                && state.host != h
                && state.running
                && self.room(v, h)
            {
                self.move_vm(v, h);
            }
        }
    }

    /// VMs of `pool` that HA could not restart try again.
    fn retry_stranded(&mut self, pool: u32, s: &mut Scheduler<Event>) {
        for i in 0..self.t.pools[pool as usize].vms.len() {
            let v = self.t.pools[pool as usize].vms[i];
            if !self.vms[v as usize].stranded {
                continue;
            }
            if self.hosts[self.vms[v as usize].host as usize].powered {
                self.vms[v as usize].stranded = false;
            } else if let Some(to) = self.choose_host(v, None) {
                self.vms[v as usize].stranded = false;
                self.move_vm(v, to);
                self.power_on(v, s);
            }
        }
    }

    fn vm_changed(&mut self, v: u32, s: &mut Scheduler<Event>) {
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
    }

    // ---- Kubernetes ----

    fn cp_ok(&self, c: u32) -> bool {
        self.clusters[c as usize].ready_cp >= self.t.clusters[c as usize].etcd_quorum()
    }

    fn node_changed(&mut self, n: u32, s: &mut Scheduler<Event>) {
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

    fn started(&mut self, r: u32) {
        let state = &mut self.replicas[r as usize];
        state.start = None;
        state.started = true;
        self.replica_changed(r);
    }

    fn replica_changed(&mut self, r: u32) {
        let state = &self.replicas[r as usize];
        let up = state.started
            && state.node.is_some_and(|n| self.nodes[n as usize].ready)
            && !self.is_down(Class::Replica, r);
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

    fn evict(&mut self, n: u32, s: &mut Scheduler<Event>) {
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

    /// Binds pod `r` to the best ready worker with room, and starts it; false if none.
    fn schedule_pod(&mut self, r: u32, s: &mut Scheduler<Event>) -> bool {
        let t = self.t;
        let service = &t.services[t.replicas[r as usize].service as usize];
        let cluster = &t.clusters[service.cluster as usize];
        let mut best: Option<(u32, Reverse<i64>, Reverse<i64>, u32)> = None;
        for n in cluster.nodes.clone() {
            let state = &self.nodes[n as usize];
            if t.nodes[n as usize].control_plane
                || !state.ready
                || !state.free.holds(service.cpu_m, service.memory)
            {
                continue;
            }
            let crowd = match service.spread {
                Spread::None => 0,
                Spread::Node => service
                    .replicas
                    .clone()
                    .filter(|&o| self.replicas[o as usize].node == Some(n))
                    .count() as u32,
                Spread::Host => {
                    let host = self.vms[t.nodes[n as usize].vm as usize].host;
                    service
                        .replicas
                        .clone()
                        .filter(|&o| {
                            self.replicas[o as usize].node.is_some_and(|m| {
                                self.vms[t.nodes[m as usize].vm as usize].host == host
                            })
                        })
                        .count() as u32
                }
            };
            let key = (
                crowd,
                Reverse(state.free.memory),
                Reverse(state.free.cpu_m),
                n,
            );
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
        let Some((_, _, _, n)) = best else {
            return false;
        };
        self.nodes[n as usize]
            .free
            .add(service.cpu_m, service.memory, -1);
        self.replicas[r as usize].node = Some(n);
        self.start_replica(r, s);
        true
    }

    // ---- storage ----

    fn osd_changed(&mut self, st: u32, k: u32, s: &mut Scheduler<Event>) {
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

    fn osd_out(&mut self, st: u32, k: u32) {
        let osd = &mut self.osds[st as usize][k as usize];
        osd.timer = None;
        osd.out = true;
        self.recount_storage(st);
    }

    fn recount_storage(&mut self, st: u32) {
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

    // ---- maintenance ----

    fn maint_start(&mut self, p: u32, s: &mut Scheduler<Event>) {
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
                    let to = self.choose_host(v, Some(h)).expect("checked by can_drain");
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
            match self.choose_host(v, Some(h)) {
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

    fn maint_end(&mut self, p: u32, s: &mut Scheduler<Event>) {
        let Some(h) = self.maint[p as usize].active.take() else {
            return;
        };
        self.hosts[h as usize].maintenance = false;
        for i in 0..self.d.host_osds[h as usize].len() {
            let (st, k) = self.d.host_osds[h as usize][i];
            self.osd_changed(st, k, s);
        }
        self.migrate_home(p, h);
        self.retry_stranded(p, s);
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

    // ---- statuses ----

    fn update_monitors(&mut self, now: SimTime) {
        let t = self.t;
        for &s in &self.d.order {
            let service = &t.services[s as usize];
            let count = self.up_count[s as usize];
            let up = count >= service.quorum
                && self.cp_ok(service.cluster)
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
    }
}

impl Model for World<'_> {
    type Event = Event;

    fn init(&mut self, s: &mut Scheduler<Event>) {
        let scenario = &self.sim.scenario;
        for class in Class::ALL {
            let c = class.index();
            if let Some(model) = &scenario.failures[c] {
                for (u, rng) in self.rngs[c].iter_mut().enumerate() {
                    let ttf = model.time_to_failure.sample(rng);
                    s.schedule_in(ttf, Event::Fail(class, u as u32));
                }
            }
        }
        for (k, injection) in scenario.injections.iter().enumerate() {
            s.schedule_at(injection.at, Event::InjectStart(k as u32));
            let end = injection.at.saturating_add(injection.duration);
            s.schedule_at(end, Event::InjectEnd(k as u32));
        }
        if let Some(m) = scenario.maintenance {
            for p in 0..self.t.pools.len() as u32 {
                s.schedule_at(m.every, Event::MaintStart(p));
            }
        }
        self.update_monitors(SimTime::ZERO);
        self.dirty = false;
    }

    fn handle(&mut self, event: Event, s: &mut Scheduler<Event>) {
        match event {
            Event::Fail(class, unit) => self.fail(class, unit, s),
            Event::Repaired(class, unit) => self.repaired(class, unit, s),
            Event::InjectStart(k) => self.inject(k, true, s),
            Event::InjectEnd(k) => self.inject(k, false, s),
            Event::HaDetect(h) => self.ha_detect(h, s),
            Event::Booted(v) => self.booted(v, s),
            Event::Evict(n) => self.evict(n, s),
            Event::Started(r) => self.started(r),
            Event::OsdOut(st, k) => self.osd_out(st, k),
            Event::MaintStart(p) => self.maint_start(p, s),
            Event::MaintEnd(p) => self.maint_end(p, s),
        }
        if self.dirty {
            self.dirty = false;
            self.update_monitors(s.now());
        }
    }
}
