//! One replication of a [`Failover`] simulation: the state of every host, VM, node, pod
//! and storage, and what each event does to it (see the documentation of [`super`]).

mod ha;
mod kube;
mod maint;
mod status;
mod storage;

use std::collections::VecDeque;
use std::sync::atomic::Ordering;

use placement::Need;
use placement::ha::RestartRoom;

use super::scenario::{Class, Target};
use super::{Derived, Failover};
use crate::engine::{Engine, Model, Scheduler, TimerId};
use crate::monitor::{ServiceMonitor, ServiceRecord};
use crate::random::SimRng;
use crate::runner::{Control, Replication, ReplicationResult};
use crate::time::SimTime;
use crate::topology::{StorageKind, Topology};

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
    /// vSphere HA restarts the VMs of a pool that wait for a host, in priority order.
    HaRestart(u32),
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

    fn holds_need(&self, need: Need) -> bool {
        self.holds(need.cpu_m, need.memory)
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
    /// VMs on it (for slots).
    guests: u64,
    detect: Option<TimerId>,
}

struct VmState {
    host: u32,
    booted: bool,
    running: bool,
    /// Down with its host, waiting for HA to restart it.
    stranded: bool,
    /// Restarted by HA away from its host: holds restart room until it moves back.
    away: bool,
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
    /// Repair crews of each failure model of each class.
    crews: [Vec<Crew>; 7],
    hosts: Vec<HostState>,
    /// The restart room of each pool's admission policy.
    rooms: Vec<RestartRoom>,
    /// Pools with an `HaRestart` pending.
    restart_due: Vec<bool>,
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
            if sim.scenario.failures[c].any() {
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
                guests: 0,
                detect: None,
            })
            .collect();
        let mut group_count = vec![0u16; t.hosts.len() * groups];
        for vm in &t.vms {
            hosts[vm.host as usize].free.add(vm.cpu_m, vm.memory, -1);
            hosts[vm.host as usize].guests += 1;
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
                away: false,
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
                if let Some(n) = r.node() {
                    nodes[n as usize].free.add(s.cpu_m, s.memory, -1);
                }
                ReplicaState {
                    node: r.node(),
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
            crews: std::array::from_fn(|c| {
                (0..sim.scenario.failures[c].models.len())
                    .map(|_| Crew::default())
                    .collect()
            }),
            hosts,
            rooms: d.rooms.clone(),
            restart_due: vec![false; t.pools.len()],
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
        let failures = &self.sim.scenario.failures[c];
        let (Some(m), Some(model)) = (failures.unit[unit as usize], failures.model(unit)) else {
            return;
        };
        self.down[c][unit as usize] += 1;
        let crew = &mut self.crews[c][m as usize];
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
        let failures = &self.sim.scenario.failures[c];
        let (Some(m), Some(model)) = (failures.unit[unit as usize], failures.model(unit)) else {
            return;
        };
        self.down[c][unit as usize] -= 1;
        let ttf = model
            .time_to_failure
            .sample(&mut self.rngs[c][unit as usize]);
        s.schedule_in(ttf, Event::Fail(class, unit));
        let crew = &mut self.crews[c][m as usize];
        match crew.queue.pop_front() {
            Some(next) => {
                let ttr = model
                    .time_to_repair
                    .sample(&mut self.rngs[c][next as usize]);
                s.schedule_in(ttr, Event::Repaired(class, next));
            }
            None => crew.busy -= 1,
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
}

impl Model for World<'_> {
    type Event = Event;

    fn init(&mut self, s: &mut Scheduler<Event>) {
        let scenario = &self.sim.scenario;
        for class in Class::ALL {
            let c = class.index();
            let failures = &scenario.failures[c];
            for (u, rng) in self.rngs[c].iter_mut().enumerate() {
                if let Some(model) = failures.model(u as u32) {
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
            Event::HaRestart(p) => self.ha_restart(p, s),
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
