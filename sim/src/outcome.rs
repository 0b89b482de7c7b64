//! `Outcome`: the result of a run (or of one shard of it), serialisable as JSON, and
//! `merge`, which combines shard outcomes into exactly the unsharded outcome.
//!
//! Every figure in an outcome is computed from the services' tallies (integer sums and
//! histograms, carried in the outcome), so merging adds the tallies and computes the
//! figures again: the merged JSON is byte for byte the JSON of the unsharded run.

use crate::shard::Shard;
use crate::stats::{RunTally, ServiceOutcome};
use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use thiserror::Error;

/// The result of a run; see the module documentation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The scenario's name.
    pub scenario: String,
    /// The seed the replications' random streams derive from.
    pub seed: u64,
    /// Replications counted in this outcome.
    pub replications: u64,
    /// The simulated time of each replication (ms).
    #[serde(rename = "horizon_ms")]
    pub horizon: SimTime,
    /// Present on the outcome of one shard: which shard, of how many replications in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardOf>,
    /// Events processed over all replications.
    pub events: u64,
    /// One entry per service, in the model's order.
    pub services: Vec<ServiceOutcome>,
}

/// Which shard an outcome covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardOf {
    /// K of N.
    #[serde(flatten)]
    pub shard: Shard,
    /// Replications of the whole run.
    pub replications_total: u64,
}

/// Why shard outcomes cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no outcomes to merge")]
    Empty,
    /// Outcomes of different runs.
    #[error("outcome {index} is of another run than the first: its {field} differs")]
    Mismatch {
        /// Position of the outcome.
        index: usize,
        /// What differs.
        field: &'static str,
    },
    /// A shard is missing or given twice.
    #[error("shard {missing_or_repeated} of {count} is {problem}")]
    Coverage {
        /// The shard's index.
        missing_or_repeated: u64,
        /// N.
        count: u64,
        /// "missing" or "given twice".
        problem: &'static str,
    },
    /// A shard's counts do not add up.
    #[error("outcome {0} is inconsistent: its replications do not match its shard")]
    Inconsistent(usize),
}

impl Outcome {
    /// The outcome of `tally` (`replications` replications of `horizon` each), with one
    /// address per service in the tally's order.
    pub fn from_tally(
        scenario: String,
        seed: u64,
        replications: u64,
        horizon: SimTime,
        shard: Option<ShardOf>,
        addresses: Vec<String>,
        tally: RunTally,
    ) -> Self {
        let services = addresses
            .into_iter()
            .zip(tally.services)
            .map(|(address, t)| ServiceOutcome::from_tally(address, t, horizon))
            .collect();
        Outcome {
            scenario,
            seed,
            replications,
            horizon,
            shard,
            events: tally.events,
            services,
        }
    }

    /// Which shard this outcome covers; a whole run is shard 0/1.
    pub fn shard_of(&self) -> ShardOf {
        self.shard.unwrap_or(ShardOf {
            shard: Shard::WHOLE,
            replications_total: self.replications,
        })
    }

    /// Combines the outcomes of all N shards of one run (in any order) into the outcome
    /// of the whole run. (A whole run's outcome is shard 0/1 and merges alone.)
    pub fn merge(shards: &[Outcome]) -> Result<Outcome, MergeError> {
        let first = shards.first().ok_or(MergeError::Empty)?;
        let of = first.shard_of();
        let count = of.shard.count;
        let mut seen = BTreeSet::new();
        let mut tally = RunTally::new(first.services.len());
        for (index, outcome) in shards.iter().enumerate() {
            let this = outcome.shard_of();
            let mismatch = |field| MergeError::Mismatch { index, field };
            if outcome.scenario != first.scenario {
                return Err(mismatch("scenario"));
            }
            if outcome.seed != first.seed {
                return Err(mismatch("seed"));
            }
            if outcome.horizon != first.horizon {
                return Err(mismatch("horizon"));
            }
            if this.shard.count != count || this.replications_total != of.replications_total {
                return Err(mismatch("shard count or replication total"));
            }
            let addresses = outcome.services.iter().map(|s| &s.address);
            if !addresses.eq(first.services.iter().map(|s| &s.address)) {
                return Err(mismatch("list of services"));
            }
            let k = this.shard.index;
            if k >= count {
                return Err(MergeError::Inconsistent(index));
            }
            if !seen.insert(k) {
                return Err(MergeError::Coverage {
                    missing_or_repeated: k,
                    count,
                    problem: "given twice",
                });
            }
            let expected = this.shard.len(this.replications_total);
            let counted = outcome
                .services
                .iter()
                .all(|s| s.tally.replications == expected);
            if outcome.replications != expected || !counted {
                return Err(MergeError::Inconsistent(index));
            }
            tally.events += outcome.events;
            for (t, s) in tally.services.iter_mut().zip(&outcome.services) {
                t.merge(&s.tally);
            }
        }
        let complete = seen.len() as u64 == count;
        if let Some(missing) = (0..count).find(|k| !complete && !seen.contains(k)) {
            return Err(MergeError::Coverage {
                missing_or_repeated: missing,
                count,
                problem: "missing",
            });
        }
        let addresses = first.services.iter().map(|s| s.address.clone()).collect();
        Ok(Outcome::from_tally(
            first.scenario.clone(),
            first.seed,
            of.replications_total,
            first.horizon,
            None,
            addresses,
            tally,
        ))
    }

    /// The outcome as pretty JSON (the format `--json` prints and `merge` reads).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an outcome always serialises")
    }

    /// Reads an outcome from JSON.
    pub fn from_json(text: &str) -> Result<Outcome, serde_json::Error> {
        serde_json::from_str(text)
    }
}
