//! Provisioning latency and injected faults, as a slow or flaky API would show them.
//!
//! Every create, update and delete first waits `latency` (without holding the world's
//! lock, so concurrent calls overlap) and then fails with probability `failure_rate`,
//! before anything changes: a retry is always safe. Faults come from a generator seeded
//! with `seed`, so a run's sequence of faults is reproducible.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use blueprint::{Address, Diagnostic};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Latency and faults of mutating calls.
#[derive(Debug)]
pub(crate) struct Faults {
    latency: Duration,
    rate: f64,
    rng: Mutex<StdRng>,
}

impl Faults {
    /// Waits `latency` per call and fails a share `rate` (clamped to 0..=1) of them.
    pub fn new(latency: Duration, rate: f64, seed: u64) -> Faults {
        let rate = if rate.is_nan() {
            0.0
        } else {
            rate.clamp(0.0, 1.0)
        };
        Faults {
            latency,
            rate,
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    /// Waits the latency, then fails with the configured probability.
    pub async fn call(&self, action: &str, address: &Address) -> Result<(), Diagnostic> {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        if self.rate <= 0.0 {
            return Ok(());
        }
        let roll: f64 = self
            .rng
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .random();
        if roll < self.rate {
            return Err(Diagnostic::error(
                None,
                format!("The simulated datacenter failed to {action} {address} (injected fault)"),
                format!(
                    "The sim provider injects faults into {:.0}% of its calls (failure_rate = {}); nothing was changed, so retrying is safe.",
                    self.rate * 100.0,
                    self.rate
                ),
            ));
        }
        Ok(())
    }
}
