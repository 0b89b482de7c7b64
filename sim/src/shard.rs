//! `Shard`: one slice of a run's replications, so a large sweep can be split over
//! machines (for example a Kubernetes indexed Job) and merged afterwards.
//!
//! Shard `k` of `n` runs replications `k, k + n, k + 2n, …`: each replication belongs to
//! exactly one shard, shards get within one replication of each other's load, and since a
//! replication's random stream depends only on (seed, index), a replication gives the same
//! record in whichever shard runs it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// Shard `index` of `count`; written `K/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shard {
    /// K, from 0.
    pub index: u64,
    /// N, at least 1.
    pub count: u64,
}

/// A shard that cannot be.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ShardError {
    /// Not `K/N` with two whole numbers.
    #[error("a shard is written K/N, for example 0/4, not `{0}`")]
    Syntax(String),
    /// N is zero, or K is not below N.
    #[error("shard {index}/{count} does not exist: K must be below N")]
    Range {
        /// K.
        index: u64,
        /// N.
        count: u64,
    },
}

impl Shard {
    /// The whole run: shard 0 of 1.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Shard `index` of `count`.
    pub fn new(index: u64, count: u64) -> Result<Self, ShardError> {
        if index >= count {
            return Err(ShardError::Range { index, count });
        }
        Ok(Shard { index, count })
    }

    /// Whether this is the whole run.
    pub fn is_whole(&self) -> bool {
        self.count == 1
    }

    /// How many of `total` replications this shard runs.
    pub fn len(&self, total: u64) -> u64 {
        total.saturating_sub(self.index).div_ceil(self.count)
    }

    /// Whether this shard runs none of `total` replications.
    pub fn is_empty(&self, total: u64) -> bool {
        self.len(total) == 0
    }

    /// The index of this shard's `nth` replication.
    pub fn replication(&self, nth: u64) -> u64 {
        self.index + nth * self.count
    }

    /// The indices of the replications this shard runs, of `total`.
    pub fn replications(&self, total: u64) -> impl Iterator<Item = u64> + use<> {
        (self.index..total).step_by(self.count as usize)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = ShardError;
    fn from_str(s: &str) -> Result<Self, ShardError> {
        let syntax = || ShardError::Syntax(s.to_owned());
        let (k, n) = s.split_once('/').ok_or_else(syntax)?;
        let k = k.trim().parse().map_err(|_| syntax())?;
        let n = n.trim().parse().map_err(|_| syntax())?;
        Shard::new(k, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_replications() {
        for total in [0, 1, 7, 10] {
            for count in 1..5 {
                let mut all: Vec<u64> = (0..count)
                    .flat_map(|k| {
                        let s = Shard::new(k, count).unwrap();
                        let r: Vec<u64> = s.replications(total).collect();
                        assert_eq!(r.len() as u64, s.len(total));
                        let nth: Vec<u64> = (0..s.len(total)).map(|j| s.replication(j)).collect();
                        assert_eq!(r, nth);
                        r
                    })
                    .collect();
                all.sort();
                assert_eq!(all, (0..total).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn parses_k_of_n() {
        assert_eq!("1/4".parse(), Ok(Shard { index: 1, count: 4 }));
        assert_eq!(
            "4/4".parse::<Shard>(),
            Err(ShardError::Range { index: 4, count: 4 })
        );
        assert!("0/0".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        assert_eq!(Shard::new(2, 3).unwrap().to_string(), "2/3");
    }
}
