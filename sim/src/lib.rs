//! The discrete-event simulator: an event engine, failure/repair models, Monte Carlo runs
//! and their outcome statistics.
//!
//! So far the foundation:
//! - [`time`]: [`SimTime`], integer milliseconds, for instants and durations.
//! - [`engine`]: [`Engine`] drives a [`Model`] (`type Event`, `init`, `handle`) through a
//!   [`Scheduler`] (`now`, `schedule_at`, `schedule_in`, `cancel`, `is_pending`, `stop`);
//!   events come out in (time, push order), and every scheduled event has a [`TimerId`]
//!   that cancels it in O(1).
//! - [`random`]: [`SimRng`] streams derived from (seed, replication, lane).
//! - [`distribution`]: [`Distribution`] of durations by mean: exponential,
//!   Weibull(shape), lognormal(σ), fixed.
//!
//! Nothing here prints.

pub mod distribution;
pub mod engine;
mod math;
pub mod random;
pub mod time;

pub use distribution::{Distribution, DistributionError, Shape};
pub use engine::{Engine, EventQueue, Model, RunSummary, Scheduler, TimerId};
pub use random::{SimRng, lane_stream, stream};
pub use time::SimTime;
