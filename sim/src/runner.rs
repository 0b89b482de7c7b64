//! Monte Carlo runs: R replications of a [`Simulation`] over a horizon, on a chosen number
//! of threads, whole or one shard, into an [`Outcome`].
//!
//! Replication `i` draws from the random stream (seed, i) whatever thread or shard runs it,
//! and per-replication records go into tallies whose sums do not depend on order (see
//! [`crate::stats`]); so the outcome, and its JSON, is the same byte for byte for any
//! number of threads, and merged shards give exactly the unsharded outcome.

use crate::monitor::ServiceRecord;
use crate::outcome::{Outcome, ShardOf};
use crate::random::{SimRng, lane_stream, stream};
use crate::shard::Shard;
use crate::stats::RunTally;
use crate::time::SimTime;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use thiserror::Error;

/// A model that can be replicated: one engine run per replication, from its own stream.
pub trait Simulation: Sync {
    /// The addresses of the services each replication reports on, in record order.
    fn services(&self) -> Vec<String>;

    /// Runs one replication and returns one record per service (in [`Self::services`]
    /// order) and the number of events processed.
    fn replicate(&self, replication: &Replication) -> ReplicationResult;

    /// [`Self::replicate`] under a [`Control`]: adds the events handled to
    /// [`Control::events`] and returns `None` when [`Control::stop`] ends it early. The
    /// default adds them at the end and never stops midway; a model whose replications can
    /// be long reports and checks in steps instead, with the same result.
    fn replicate_with(
        &self,
        replication: &Replication,
        control: &Control,
    ) -> Option<ReplicationResult> {
        let result = self.replicate(replication);
        control.events.fetch_add(result.events, Ordering::Relaxed);
        Some(result)
    }
}

/// Shared between a run and other threads: its progress to read, and a stop to ask for.
#[derive(Debug, Default)]
pub struct Control {
    /// Replications finished.
    pub replications: AtomicU64,
    /// Events handled so far, in steps of at most [`Control::STEP`] within a replication.
    pub events: AtomicU64,
    /// Set to end the run early: replications not started are skipped, those running stop
    /// at their next step, and the run returns [`RunError::Stopped`].
    pub stop: AtomicBool,
}

impl Control {
    /// The most events a replication handles between two looks at the control (a few
    /// milliseconds of work).
    pub const STEP: u64 = 1 << 16;

    /// Whether a stop was asked for.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// Which replication to run, and how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Replication {
    /// The run's seed.
    pub seed: u64,
    /// The replication's index in the run (0 ≤ index < replications).
    pub index: u64,
    /// How long to simulate.
    pub horizon: SimTime,
}

impl Replication {
    /// The replication's main random stream, (seed, index).
    pub fn rng(&self) -> SimRng {
        stream(self.seed, self.index)
    }

    /// An independent stream of this replication for component `lane` (lane 0 is
    /// [`Self::rng`]).
    pub fn lane_rng(&self, lane: u64) -> SimRng {
        lane_stream(self.seed, self.index, lane)
    }
}

/// What one replication produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplicationResult {
    /// Events processed by the engine.
    pub events: u64,
    /// One record per service.
    pub services: Vec<ServiceRecord>,
}

/// What to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunConfig {
    /// The scenario's name (carried into the outcome).
    pub scenario: String,
    /// The seed of every random stream.
    pub seed: u64,
    /// Replications of the whole run (a shard runs its slice of them).
    pub replications: u64,
    /// Simulated time per replication.
    pub horizon: SimTime,
    /// Worker threads; 0 means one per core. The outcome does not depend on it.
    pub threads: usize,
    /// The slice of replications to run ([`Shard::WHOLE`] for all).
    pub shard: Shard,
}

impl RunConfig {
    /// A whole run on one thread.
    pub fn new(
        scenario: impl Into<String>,
        seed: u64,
        replications: u64,
        horizon: SimTime,
    ) -> Self {
        RunConfig {
            scenario: scenario.into(),
            seed,
            replications,
            horizon,
            threads: 1,
            shard: Shard::WHOLE,
        }
    }
}

/// Why a run could not start.
#[derive(Debug, Error)]
pub enum RunError {
    /// Zero replications.
    #[error("a run needs at least one replication")]
    NoReplications,
    /// A zero horizon.
    #[error("a run needs a horizon longer than zero")]
    ZeroHorizon,
    /// K is not below N.
    #[error("shard {0} does not exist: K must be below N")]
    Shard(Shard),
    /// The run was stopped through its [`Control`]; its partial result is discarded.
    #[error("the run was stopped before it finished")]
    Stopped,
    /// The worker threads could not be started.
    #[error("could not start {threads} worker threads: {source}")]
    Threads {
        /// How many were asked for.
        threads: usize,
        /// Why not.
        source: rayon::ThreadPoolBuildError,
    },
}

/// Runs `config` on `simulation`.
pub fn run<S: Simulation + ?Sized>(
    config: &RunConfig,
    simulation: &S,
) -> Result<Outcome, RunError> {
    run_with_control(config, simulation, &Control::default())
}

/// Runs `config` on `simulation` under `control`, which another thread can poll for
/// progress ([`Control::replications`], [`Control::events`]) and use to stop the run
/// ([`Control::stop`], then [`RunError::Stopped`]).
pub fn run_with_control<S: Simulation + ?Sized>(
    config: &RunConfig,
    simulation: &S,
    control: &Control,
) -> Result<Outcome, RunError> {
    if config.replications == 0 {
        return Err(RunError::NoReplications);
    }
    if config.horizon == SimTime::ZERO {
        return Err(RunError::ZeroHorizon);
    }
    let shard = config.shard;
    if shard.index >= shard.count {
        return Err(RunError::Shard(shard));
    }
    let addresses = simulation.services();
    let services = addresses.len();
    let count = shard.len(config.replications);
    let one = |tally: &mut RunTally, nth: u64| {
        let replication = Replication {
            seed: config.seed,
            index: shard.replication(nth),
            horizon: config.horizon,
        };
        if control.stopped() {
            return;
        }
        if let Some(result) = simulation.replicate_with(&replication, control) {
            tally.add(replication.index, result.events, &result.services);
            control.replications.fetch_add(1, Ordering::Relaxed);
        }
    };
    let tally = if config.threads == 1 {
        let mut tally = RunTally::new(services);
        (0..count).for_each(|nth| one(&mut tally, nth));
        tally
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.threads)
            .build()
            .map_err(|source| RunError::Threads {
                threads: config.threads,
                source,
            })?;
        pool.install(|| {
            (0..count)
                .into_par_iter()
                .fold(
                    || RunTally::new(services),
                    |mut tally, nth| {
                        one(&mut tally, nth);
                        tally
                    },
                )
                .reduce(
                    || RunTally::new(services),
                    |mut a, b| {
                        a.merge(&b);
                        a
                    },
                )
        })
    };
    if control.stopped() {
        return Err(RunError::Stopped);
    }
    let shard_of = (!shard.is_whole()).then_some(ShardOf {
        shard,
        replications_total: config.replications,
    });
    Ok(Outcome::from_tally(
        config.scenario.clone(),
        config.seed,
        count,
        config.horizon,
        shard_of,
        addresses,
        tally,
    ))
}
