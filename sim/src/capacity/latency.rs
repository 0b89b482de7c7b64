//! Latency under failure: for every service with `load { rps, service_time }`, the M/M/c
//! queue of its replicas ([`super::queue::erlang_c`]) with all of them running, and after
//! the worst loss of each kind of single failure domain (host, rack, site).
//!
//! The queue has `replicas × concurrency` servers, each serving `1 / service_time` requests
//! per second. "After" is right after the failure, with the replicas that ran on the failed hosts gone
//! (the load falls on the others until they are back); the replicas running once
//! everything that fits has moved are given with their queue too.

use serde::Serialize;

use super::inventory::{Inventory, WorkloadKind};
use super::place::Placement;
use super::queue::{QueueFigures, erlang_c};
use super::round;
use super::survive::{DomainKind, Survivability};

/// The queue after the worst domain of one kind.
#[derive(Clone, Debug, Serialize)]
pub struct AfterLoss {
    /// `host`, `rack` or `site`.
    pub kind: DomainKind,
    /// The domain whose loss leaves the fewest replicas.
    pub domain: String,
    /// Right after the failure.
    pub now: QueueFigures,
    /// Once everything that fits has moved.
    pub recovered: QueueFigures,
}

/// One service's latency.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceLatency {
    /// The service.
    pub service: String,
    /// Requests per second at peak.
    pub rps: f64,
    /// Mean service time of one request, in ms.
    pub service_time_ms: f64,
    /// Requests one replica serves at once.
    pub concurrency: u32,
    /// Its availability target, in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_percent: Option<f64>,
    /// With every replica that is scheduled.
    pub all_replicas: QueueFigures,
    /// After the worst host, rack and site loss.
    pub after_loss: Vec<AfterLoss>,
    /// The worst of those, right after the failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worst: Option<AfterLoss>,
}

impl ServiceLatency {
    /// The loss that leaves the fewest replicas while some still serve: the queue under the
    /// heaviest load (a loss that leaves none is [`ServiceLatency::down_after`]).
    pub fn worst_with_some_left(&self) -> Option<&AfterLoss> {
        self.after_loss
            .iter()
            .filter(|a| a.now.replicas > 0)
            .min_by_key(|a| a.now.replicas)
    }

    /// A loss after which no replica is left, if any: the service is unavailable.
    pub fn down_after(&self) -> Option<&AfterLoss> {
        self.worst.as_ref().filter(|a| a.now.replicas == 0)
    }
}

/// Latency of every service with a `load` block.
pub fn analyse(inv: &Inventory, base: &Placement, survival: &Survivability) -> Vec<ServiceLatency> {
    let mut out = Vec::new();
    for (w, workload) in inv.workloads.iter().enumerate() {
        let Some(load) = workload
            .load
            .filter(|_| workload.kind == WorkloadKind::Service)
        else {
            continue;
        };
        let mu = if load.service_time > 0.0 {
            1.0 / load.service_time
        } else {
            f64::INFINITY
        };
        let figures = |replicas: usize| {
            let replicas = replicas.min(u32::MAX as usize) as u32;
            let servers = replicas.saturating_mul(load.concurrency);
            QueueFigures::new(replicas, &erlang_c(load.rps, mu, servers))
        };
        let mut after_loss: Vec<AfterLoss> = Vec::new();
        for kind in [DomainKind::Host, DomainKind::Rack, DomainKind::Site] {
            let worst = survival
                .outcomes
                .iter()
                .filter(|o| o.kind == kind)
                .map(|o| {
                    let now = base.running(w).saturating_sub(o.down_now[w]);
                    (now, o.running_after[w], o)
                })
                .min_by_key(|(now, after, _)| (*now, *after));
            if let Some((now, after, o)) = worst {
                after_loss.push(AfterLoss {
                    kind,
                    domain: o.domain.clone(),
                    now: figures(now),
                    recovered: figures(after),
                });
            }
        }
        let worst = after_loss
            .iter()
            .min_by_key(|a| (a.now.replicas, a.recovered.replicas))
            .cloned();
        out.push(ServiceLatency {
            service: workload.address.clone(),
            rps: load.rps,
            service_time_ms: round(load.service_time * 1000.0, 3),
            concurrency: load.concurrency,
            target_percent: workload.target.map(|t| round(t * 100.0, 4)),
            all_replicas: figures(base.running(w)),
            after_loss,
            worst,
        });
    }
    out
}
