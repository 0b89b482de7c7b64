//! The discrete-event simulator: an event engine, failure/repair models, Monte Carlo runs
//! and their outcome statistics.
//!
//! # API, bottom up (each a module)
//! - [`time`]: [`SimTime`], integer milliseconds, for instants and durations
//!   (`from_millis/secs/minutes/hours/days/years`, `from_hours_f64`, `as_millis`,
//!   `as_hours_f64`, `as_years_f64`, `+`, `-`, `saturating_add/sub`; a year is 365 days).
//! - [`engine`]: [`Engine<M>`](Engine) drives a [`Model`] (`type Event` of the model's own,
//!   `init(&mut self, &mut Scheduler)`, `handle(&mut self, event, &mut Scheduler)`):
//!   `Engine::new(model)` (calls `init`), `run_until(horizon) -> RunSummary { events,
//!   end, stopped, paused }`, `run_for(horizon, max_events)` (the same in steps),
//!   `step`, `now`, `events`, `model`, `parts_mut`, `into_model`. The model acts
//!   through the [`Scheduler`]: `now()`, `schedule_at(at, event) -> TimerId`,
//!   `schedule_in(delay, event) -> TimerId`, `cancel(TimerId) -> bool` (O(1)),
//!   `is_pending(TimerId)`, `pending()`, `stop()`. Events come out in (time, push order):
//!   ties are first in, first out. The queue ([`EventQueue`]) is a radix heap (a linear
//!   scan while it holds at most 8 events); handles are never reused.
//! - [`random`]: [`SimRng`] (rand's Xoshiro256++), seeded by a SplitMix64 hash of
//!   (seed, replication, lane): [`stream(seed, i)`](stream),
//!   [`lane_stream(seed, i, lane)`](lane_stream).
//! - [`distribution`]: [`Distribution`] of durations by their mean:
//!   `exponential(mean)`, `weibull(mean, shape)`, `lognormal(mean, sigma)`,
//!   `fixed(value)`, or `new(Shape, mean)`; `sample(&mut rng) -> SimTime`, `mean()`.
//! - [`monitor`]: [`ServiceMonitor`] follows one service through a replication:
//!   `update(now, up, degraded)` at each change, `finish(horizon) -> ServiceRecord
//!   { downtime, outages, outage_lengths, degraded }` ("degraded" = fewer replicas than
//!   desired, outages included).
//! - [`runner`]: a [`Simulation`] (`Sync`; `services() -> Vec<String>` addresses,
//!   `replicate(&Replication { seed, index, horizon }) -> ReplicationResult { events,
//!   services: Vec<ServiceRecord> }`, drawing from `replication.rng()` or
//!   `replication.lane_rng(lane)`) runs under a [`RunConfig`] `{ scenario, seed,
//!   replications, horizon, threads (0 = one per core), shard }` via
//!   [`run(&config, &simulation)`](run) or [`run_with_control`] (a [`Control`] counts
//!   finished replications and events for another thread, and stops the run when asked)
//!   into an [`Outcome`]; errors are [`RunError`].
//! - [`shard`]: [`Shard`] `K/N` (`FromStr`, `Display`, `Shard::WHOLE`) runs replications
//!   `K, K + N, …`.
//! - [`stats`]: [`ServiceTally`] (integer sufficient statistics: sums of downtime and its
//!   square, outages, degraded time, an outage-length [`Histogram`], the worst replication;
//!   `add`, `merge` in any order) and [`ServiceOutcome`] computed from it: `address`,
//!   `availability { mean, ci95: [low, high] }` (Student's t over replications),
//!   `downtime_minutes_per_year { mean, ci95 }`, `outages_per_year { mean }`,
//!   `outage_minutes { mean, p95, max }`, `degraded_minutes_per_year { mean }`,
//!   `worst_replication { replication, availability }`, `tally`.
//! - [`outcome`]: [`Outcome`] `{ scenario, seed, replications, horizon_ms, shard?,
//!   events, services[] }`, `to_json`, `from_json`, and
//!   [`Outcome::merge(&shards)`](Outcome::merge), which gives exactly the unsharded
//!   outcome or a [`MergeError`].
//! - [`replica_group`]: the first model. [`ReplicaGroupSpec::new(address, replicas,
//!   quorum, time_to_failure, time_to_repair)`](ReplicaGroupSpec::new)
//!   `.with_repair_crews(n)` (FIFO; unlimited by default); [`ReplicaGroups`] is a
//!   `Simulation` of independent groups, one service each, each on its own lane.
//! - [`topology`]: [`Topology::from_config(&config)`](Topology::from_config) places a
//!   blueprint as the `sim` provider does: sites, racks, hosts of each pool (overcommit,
//!   racks round-robin), VMs (most free memory, anti-affinity), cluster nodes as VMs
//!   (control plane spread first), replicas on workers by requests (`spread`), Ceph
//!   copies on the hosts of its pool, service dependencies; `Display` dumps the placement;
//!   a blueprint that does not fit is a [`TopologyError`].
//! - [`failover`]: [`Scenario::from_config(&config, &topology, name)`](failover::Scenario::from_config)
//!   reads a `scenario` block (failure models per [`Class`](failover::Class), injections,
//!   [`Timings`](failover::Timings), maintenance); [`Failover::new(topology,
//!   scenario)`](Failover::new) is the `Simulation` of vSphere HA restarts with admission
//!   room, Kubernetes eviction and rescheduling (stateful pods wait), quorums, etcd,
//!   Ceph min_size and re-replication, and dependencies: one outcome row per service,
//!   cluster and storage, plus Ceph data-at-risk rows ([`failover::row_kind`]).
//!
//! # Writing a model
//! A model is a struct implementing [`Model`] with an event enum; it owns its random
//! streams and one [`ServiceMonitor`] per service it reports on. A [`Simulation`] builds
//! the model for each [`Replication`], runs an [`Engine`] to the horizon and returns the
//! monitors' records; the runner does the rest. See [`replica_group`] for the pattern.
//!
//! # Determinism
//! Replication `i` always draws from stream (seed, i), and tallies add up in any order to
//! the same integers, so an outcome's JSON is identical for any number of threads, and
//! merged shards equal the unsharded run. Nothing here prints.
//!
//! ```
//! use sim::{Distribution, ReplicaGroupSpec, ReplicaGroups, RunConfig, SimTime, run};
//!
//! let group = ReplicaGroupSpec::new(
//!     "service.kafka", 3, 2,
//!     Distribution::exponential(SimTime::from_hours(1000))?,
//!     Distribution::lognormal(SimTime::from_hours(10), 1.0)?,
//! )?;
//! let config = RunConfig { threads: 2, ..RunConfig::new("demo", 7, 100, SimTime::from_years(1)) };
//! let outcome = run(&config, &ReplicaGroups::new(vec![group]))?;
//! assert!(outcome.services[0].availability.mean > 0.99);
//! let json = outcome.to_json();
//! # let _ = json;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod capacity;
pub mod distribution;
pub mod engine;
pub mod failover;
pub mod histogram;
mod math;
pub mod measured;
pub mod monitor;
pub mod outcome;
pub mod random;
pub mod replica_group;
pub mod runner;
pub mod shard;
pub mod stats;
pub mod time;
pub mod topology;

pub use distribution::{Distribution, DistributionError, Shape};
pub use engine::{Engine, EventQueue, Model, RunSummary, Scheduler, TimerId};
pub use failover::Failover;
pub use histogram::Histogram;
pub use monitor::{ServiceMonitor, ServiceRecord};
pub use outcome::{MergeError, Outcome, ShardOf};
pub use random::{SimRng, lane_stream, stream};
pub use replica_group::{
    ReplicaEvent, ReplicaGroupError, ReplicaGroupModel, ReplicaGroupSpec, ReplicaGroups,
};
pub use runner::{
    Control, Replication, ReplicationResult, RunConfig, RunError, Simulation, run, run_with_control,
};
pub use shard::{Shard, ShardError};
pub use stats::{Interval, Mean, OutageMinutes, RunTally, ServiceOutcome, ServiceTally, Worst};
pub use time::SimTime;
pub use topology::{Topology, TopologyError};
