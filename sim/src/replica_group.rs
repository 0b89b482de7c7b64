//! Replica groups: N replicas that fail and are repaired, up while a quorum Q of them is.
//!
//! Each replica fails after a time drawn from its group's time-to-failure distribution and
//! is repaired after a time drawn from the time-to-repair distribution. With
//! `repair_crews = Some(c)`, at most `c` replicas of the group are under repair at once;
//! the others wait in FIFO order. The group (a service) is up while at least `quorum`
//! replicas are up and degraded while fewer than all are. Replicas start new and up at
//! time zero. Every group draws from its own lane of the replication's stream (lane = the
//! group's position), so groups are independent and adding a group leaves the others'
//! failures unchanged.
//!
//! [`ReplicaGroups`] is a [`Simulation`] of any number of independent groups, one service
//! per group.

use crate::distribution::Distribution;
use crate::engine::{Engine, Model, Scheduler};
use crate::monitor::{ServiceMonitor, ServiceRecord};
use crate::random::SimRng;
use crate::runner::{Replication, ReplicationResult, Simulation};
use crate::time::SimTime;
use std::collections::VecDeque;
use thiserror::Error;

/// One group's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaGroupSpec {
    /// The service's address.
    pub address: String,
    /// N, the replicas.
    pub replicas: u32,
    /// Q, the replicas that must be up for the service to be up.
    pub quorum: u32,
    /// Time from a replica's start (or repair) to its failure.
    pub time_to_failure: Distribution,
    /// Time a repair takes once a crew starts it.
    pub time_to_repair: Distribution,
    /// Repairs that can proceed at once; `None` for unlimited.
    pub repair_crews: Option<u32>,
}

/// A replica group that cannot be.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplicaGroupError {
    /// N is zero.
    #[error("{0}: a replica group needs at least one replica")]
    NoReplicas(String),
    /// Q is zero or above N.
    #[error("{address}: quorum {quorum} must be between 1 and the {replicas} replicas")]
    Quorum {
        /// The group.
        address: String,
        /// Q.
        quorum: u32,
        /// N.
        replicas: u32,
    },
    /// Zero repair crews.
    #[error("{0}: repair_crews must be at least 1 (leave it out for unlimited)")]
    NoCrews(String),
}

impl ReplicaGroupSpec {
    /// A group of `replicas` replicas needing `quorum`, with unlimited repair crews.
    pub fn new(
        address: impl Into<String>,
        replicas: u32,
        quorum: u32,
        time_to_failure: Distribution,
        time_to_repair: Distribution,
    ) -> Result<Self, ReplicaGroupError> {
        let address = address.into();
        if replicas == 0 {
            return Err(ReplicaGroupError::NoReplicas(address));
        }
        if quorum == 0 || quorum > replicas {
            return Err(ReplicaGroupError::Quorum {
                address,
                quorum,
                replicas,
            });
        }
        Ok(ReplicaGroupSpec {
            address,
            replicas,
            quorum,
            time_to_failure,
            time_to_repair,
            repair_crews: None,
        })
    }

    /// The same group with at most `crews` repairs at once.
    pub fn with_repair_crews(mut self, crews: u32) -> Result<Self, ReplicaGroupError> {
        if crews == 0 {
            return Err(ReplicaGroupError::NoCrews(self.address));
        }
        self.repair_crews = Some(crews);
        Ok(self)
    }
}

/// The events of the replica-group model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplicaEvent {
    /// Replica `replica` of group `group` fails.
    Fail {
        /// Group position.
        group: u32,
        /// Replica within the group.
        replica: u32,
    },
    /// Replica `replica` of group `group` is repaired.
    Repaired {
        /// Group position.
        group: u32,
        /// Replica within the group.
        replica: u32,
    },
}

struct GroupState {
    up: u32,
    repairing: u32,
    waiting: VecDeque<u32>,
    monitor: ServiceMonitor,
    rng: SimRng,
}

/// One replication of a set of groups, as an engine [`Model`].
pub struct ReplicaGroupModel<'a> {
    specs: &'a [ReplicaGroupSpec],
    groups: Vec<GroupState>,
}

impl<'a> ReplicaGroupModel<'a> {
    /// The groups `specs` at time zero, drawing from `replication`'s lanes.
    pub fn new(specs: &'a [ReplicaGroupSpec], replication: &Replication) -> Self {
        let groups = specs
            .iter()
            .enumerate()
            .map(|(lane, spec)| GroupState {
                up: spec.replicas,
                repairing: 0,
                waiting: VecDeque::new(),
                monitor: ServiceMonitor::new(),
                rng: replication.lane_rng(lane as u64),
            })
            .collect();
        ReplicaGroupModel { specs, groups }
    }

    /// Each group's record, closing open intervals at `horizon`.
    pub fn finish(self, horizon: SimTime) -> Vec<ServiceRecord> {
        self.groups
            .into_iter()
            .map(|g| g.monitor.finish(horizon))
            .collect()
    }
}

impl Model for ReplicaGroupModel<'_> {
    type Event = ReplicaEvent;

    fn init(&mut self, scheduler: &mut Scheduler<ReplicaEvent>) {
        for (g, (spec, state)) in self.specs.iter().zip(&mut self.groups).enumerate() {
            for replica in 0..spec.replicas {
                let ttf = spec.time_to_failure.sample(&mut state.rng);
                let group = g as u32;
                scheduler.schedule_in(ttf, ReplicaEvent::Fail { group, replica });
            }
        }
    }

    #[inline]
    fn handle(&mut self, event: ReplicaEvent, scheduler: &mut Scheduler<ReplicaEvent>) {
        let (group, replica) = match event {
            ReplicaEvent::Fail { group, replica } | ReplicaEvent::Repaired { group, replica } => {
                (group, replica)
            }
        };
        let spec = &self.specs[group as usize];
        let state = &mut self.groups[group as usize];
        match event {
            ReplicaEvent::Fail { .. } => {
                state.up -= 1;
                if spec
                    .repair_crews
                    .is_none_or(|crews| state.repairing < crews)
                {
                    state.repairing += 1;
                    let ttr = spec.time_to_repair.sample(&mut state.rng);
                    scheduler.schedule_in(ttr, ReplicaEvent::Repaired { group, replica });
                } else {
                    state.waiting.push_back(replica);
                }
            }
            ReplicaEvent::Repaired { .. } => {
                state.up += 1;
                let ttf = spec.time_to_failure.sample(&mut state.rng);
                scheduler.schedule_in(ttf, ReplicaEvent::Fail { group, replica });
                match state.waiting.pop_front() {
                    Some(next) => {
                        let ttr = spec.time_to_repair.sample(&mut state.rng);
                        let event = ReplicaEvent::Repaired {
                            group,
                            replica: next,
                        };
                        scheduler.schedule_in(ttr, event);
                    }
                    None => state.repairing -= 1,
                }
            }
        }
        let now = scheduler.now();
        state
            .monitor
            .update(now, state.up >= spec.quorum, state.up < spec.replicas);
    }
}

/// Independent replica groups, one service each, as a [`Simulation`].
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaGroups {
    /// The groups, in service order.
    pub groups: Vec<ReplicaGroupSpec>,
}

impl ReplicaGroups {
    /// A simulation of `groups`.
    pub fn new(groups: Vec<ReplicaGroupSpec>) -> Self {
        ReplicaGroups { groups }
    }
}

impl Simulation for ReplicaGroups {
    fn services(&self) -> Vec<String> {
        self.groups.iter().map(|g| g.address.clone()).collect()
    }

    fn replicate(&self, replication: &Replication) -> ReplicationResult {
        let model = ReplicaGroupModel::new(&self.groups, replication);
        let pending: u32 = self.groups.iter().map(|g| g.replicas).sum();
        let scheduler = Scheduler::with_capacity(pending as usize);
        let mut engine = Engine::with_scheduler(model, scheduler);
        let run = engine.run_until(replication.horizon);
        ReplicationResult {
            events: run.events,
            services: engine.into_model().finish(replication.horizon),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(h: u64) -> Distribution {
        Distribution::fixed(SimTime::from_hours(h)).unwrap()
    }

    #[test]
    fn invalid_groups_are_errors() {
        assert!(ReplicaGroupSpec::new("a", 0, 0, hours(1), hours(1)).is_err());
        assert!(ReplicaGroupSpec::new("a", 3, 4, hours(1), hours(1)).is_err());
        assert!(ReplicaGroupSpec::new("a", 3, 0, hours(1), hours(1)).is_err());
        let ok = ReplicaGroupSpec::new("a", 3, 2, hours(1), hours(1)).unwrap();
        assert!(ok.clone().with_repair_crews(0).is_err());
        assert_eq!(ok.with_repair_crews(2).unwrap().repair_crews, Some(2));
    }

    #[test]
    fn fixed_times_give_an_exact_record() {
        // Three replicas fail together every 10 h for 2 h; one crew repairs them in turn.
        let spec = ReplicaGroupSpec::new("g", 3, 2, hours(10), hours(2))
            .unwrap()
            .with_repair_crews(1)
            .unwrap();
        let sim = ReplicaGroups::new(vec![spec]);
        let replication = Replication {
            seed: 1,
            index: 0,
            horizon: SimTime::from_hours(20),
        };
        let result = sim.replicate(&replication);
        // t=10: all fail; repaired one by one at 12, 14, 16 → down 10..14 (fewer than 2
        // up), degraded 10..16; each fails again 10 h after its repair: at 22 and later.
        let r = &result.services[0];
        assert_eq!(r.outages, 1);
        assert_eq!(r.downtime, SimTime::from_hours(4));
        assert_eq!(r.degraded, SimTime::from_hours(6));
        assert_eq!(result.events, 6);
    }
}
