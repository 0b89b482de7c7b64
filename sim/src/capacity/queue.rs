//! The M/M/c queue (Erlang C): requests arrive at random (Poisson, `λ` per second) and wait
//! for one of `c` replicas, each serving `μ` per second with exponential service times.
//!
//! With offered load `a = λ / μ` below `c`, the probability that a request waits is Erlang's
//! C formula, computed through the Erlang B recursion (`B₀ = 1`,
//! `Bₖ = a·Bₖ₋₁ / (k + a·Bₖ₋₁)`, `C = c·B / (c − a·(1 − B))`), which stays exact for
//! thousands of replicas; the mean wait is `C / (cμ − λ)` and the mean response time adds
//! the mean service time `1/μ`. At or above `a = c` the queue grows without bound.

use serde::Serialize;

use super::round;

/// An M/M/c queue's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Queue {
    /// Replicas.
    pub servers: u32,
    /// Arrival rate `λ`, per second.
    pub arrival_rate: f64,
    /// Service rate `μ` of one replica, per second.
    pub service_rate: f64,
    /// `λ / (c μ)`.
    pub utilisation: f64,
    /// Probability that a request waits (Erlang C).
    pub p_wait: f64,
    /// Mean time waiting, in seconds; `None` when the queue is unstable.
    pub mean_wait: Option<f64>,
    /// Mean response time (wait and service), in seconds; `None` when unstable.
    pub mean_response: Option<f64>,
}

impl Queue {
    /// True when the replicas keep up.
    pub fn stable(&self) -> bool {
        self.mean_wait.is_some()
    }
}

/// The M/M/c queue with arrival rate `lambda`, service rate `mu` per server and `servers`.
pub fn erlang_c(lambda: f64, mu: f64, servers: u32) -> Queue {
    let c = f64::from(servers);
    let a = if mu > 0.0 { lambda / mu } else { f64::INFINITY };
    let utilisation = if c > 0.0 { a / c } else { f64::INFINITY };
    let mut q = Queue {
        servers,
        arrival_rate: lambda,
        service_rate: mu,
        utilisation,
        p_wait: 1.0,
        mean_wait: None,
        mean_response: None,
    };
    if lambda <= 0.0 && servers > 0 {
        q.utilisation = 0.0;
        q.p_wait = 0.0;
        q.mean_wait = Some(0.0);
        q.mean_response = Some(1.0 / mu);
        return q;
    }
    if servers == 0 || a >= c || !a.is_finite() {
        return q;
    }
    let mut b = 1.0;
    for k in 1..=servers {
        b = a * b / (f64::from(k) + a * b);
    }
    let p_wait = c * b / (c - a * (1.0 - b));
    let wait = p_wait / (c * mu - lambda);
    q.p_wait = p_wait;
    q.mean_wait = Some(wait);
    q.mean_response = Some(wait + 1.0 / mu);
    q
}

/// A queue's figures as reports show them: times in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueueFigures {
    /// Replicas serving.
    pub replicas: u32,
    /// Servers of the queue: replicas × concurrency.
    pub servers: u32,
    /// Utilisation of each replica, in percent (above 100 when they cannot keep up);
    /// `null` with no replica.
    pub utilisation_percent: Option<f64>,
    /// Probability that a request waits.
    pub p_wait: f64,
    /// Mean wait, in ms; `null` when the replicas cannot keep up.
    pub mean_wait_ms: Option<f64>,
    /// Mean response time, in ms; `null` when the replicas cannot keep up.
    pub mean_response_ms: Option<f64>,
}

impl QueueFigures {
    /// The figures of `q`, served by `replicas` replicas.
    pub fn new(replicas: u32, q: &Queue) -> Self {
        QueueFigures {
            replicas,
            servers: q.servers,
            utilisation_percent: q
                .utilisation
                .is_finite()
                .then(|| round(q.utilisation * 100.0, 2)),
            p_wait: round(q.p_wait, 5),
            mean_wait_ms: q.mean_wait.map(|w| round(w * 1000.0, 3)),
            mean_response_ms: q.mean_response.map(|w| round(w * 1000.0, 3)),
        }
    }
}
