//! Load in the report: every service with a `load` block as an M/M/c queue (Erlang C,
//! [`sim::capacity::queue`]), with every replica at peak and right after the failure that
//! leaves it the fewest replicas; the same figures `strata capacity` prints.

use serde::{Deserialize, Serialize};
use sim::capacity::Capacity;

/// One service's queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadRow {
    /// The service.
    pub service: String,
    /// Requests per second at peak.
    pub rps: f64,
    /// Replicas serving with every one running.
    pub replicas: u32,
    /// Utilisation of each replica at peak, in percent (at or above 100: saturated, the
    /// queue grows without bound); `None` with no replica.
    pub utilisation_percent: Option<f64>,
    /// Probability that a request waits (Erlang C), 0 to 1.
    pub p_wait: f64,
    /// Mean response time in ms; `None` when saturated (unbounded).
    pub response_ms: Option<f64>,
    /// Right after the loss that leaves the fewest replicas while some still serve.
    pub after_worst_loss: Option<AfterWorst>,
    /// `<kind> <domain>` whose loss leaves no replica (the service is unavailable), if any.
    pub unavailable_after: Option<String>,
}

/// The queue right after the loss that leaves the fewest replicas (some left).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AfterWorst {
    /// `<kind> <domain>`, such as `rack rack.dc1[3]`.
    pub domain: String,
    /// Replicas left.
    pub replicas: u32,
    /// Utilisation of each, in percent; `None` with none left.
    pub utilisation_percent: Option<f64>,
    /// Probability that a request waits.
    pub p_wait: f64,
    /// Mean response time in ms; `None` when saturated or with no replica.
    pub response_ms: Option<f64>,
}

/// The load rows of `capacity`, in its order.
pub fn rows(capacity: &Capacity) -> Vec<LoadRow> {
    capacity
        .latency
        .iter()
        .map(|l| LoadRow {
            service: l.service.clone(),
            rps: l.rps,
            replicas: l.all_replicas.replicas,
            utilisation_percent: l.all_replicas.utilisation_percent,
            p_wait: l.all_replicas.p_wait,
            response_ms: l.all_replicas.mean_response_ms,
            unavailable_after: l
                .down_after()
                .map(|a| format!("{} {}", a.kind.name(), a.domain)),
            after_worst_loss: l.worst_with_some_left().map(|w| AfterWorst {
                domain: format!("{} {}", w.kind.name(), w.domain),
                replicas: w.now.replicas,
                utilisation_percent: w.now.utilisation_percent,
                p_wait: w.now.p_wait,
                response_ms: w.now.mean_response_ms,
            }),
        })
        .collect()
}
