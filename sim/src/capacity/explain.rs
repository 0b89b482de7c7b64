//! Why a failure domain does not survive, in words: one [`Reason`] per thing that stops or
//! is not restored, each marked production or not, so that `strata capacity` and the report
//! print the same sentences from the same model (nothing re-derives them).
//!
//! The vocabulary is the one of docs/capacity.md, shared with `strata simulate` and the
//! report: data is **unavailable** while the hosts that hold its copies are down (it comes
//! back with them), **at risk on its last copy** while one copy serves it, and **lost** only
//! when no copy can come back, which a failure domain's outage never decides by itself.
//!
//! Production: a VM, a workload that is not a copy in an `environment`, on a cluster whose
//! `purpose` is not written as `dev`, `test` or `staging`. A domain that only stops non-production
//! work is not a production failure ([`DomainOutcome::production_verdict`]).

use serde::Serialize;

use super::inventory::{Inventory, WorkloadKind};
use super::place::NotRestarted;
use super::survive::{DomainOutcome, Status, StorageImpact, Verdict};

/// Cluster purposes that are not production.
pub const NON_PRODUCTION_PURPOSES: &[&str] = &["dev", "test", "staging"];

/// One reason a domain's failure is not survived.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reason {
    /// Whether it touches production.
    pub production: bool,
    /// `degraded` or `fails`.
    pub severity: Verdict,
    /// The sentence, such as `storage.ceph: unavailable: placement groups below min_size stop I/O (2 of 6 hosts down)`.
    pub text: String,
}

/// True when the workload at `index` is production.
pub fn production_workload(inv: &Inventory, index: usize) -> bool {
    let w = &inv.workloads[index];
    w.kind != WorkloadKind::Environment && production_cluster(inv, w.cluster)
}

/// True when the cluster at `index` is production: unless the blueprint writes its
/// `purpose` as dev, test or staging (the schema's default `dev` does not count, so that a
/// blueprint that says nothing has every failure counted).
pub fn production_cluster(inv: &Inventory, index: usize) -> bool {
    let c = &inv.clusters[index];
    !(c.purpose_written && NON_PRODUCTION_PURPOSES.contains(&c.purpose.as_str()))
}

impl StorageImpact {
    /// Its state in the shared vocabulary, with the hosts down.
    pub fn describe(&self) -> String {
        let state = match self.status {
            "no_io" => "unavailable: placement groups below min_size stop I/O",
            "all_copies_down" => {
                "unavailable: every copy of some data is on the failed hosts (back when they return; lost only if their disks are)"
            }
            "at_risk" => "at risk on its last copy: I/O continues on one copy",
            "degraded" => "redundancy not restored",
            other => other,
        };
        format!(
            "{}: {state} ({} of {} hosts down)",
            self.storage, self.hosts_down, self.hosts
        )
    }

    /// True when it serves no I/O.
    pub fn stopped(&self) -> bool {
        matches!(self.status, "no_io" | "all_copies_down")
    }
}

/// The reasons of `o`; `why_lost` says, per VM of `o.vms_not_restarted`, why it was not
/// restarted; `nodes` gives the cluster index of each node not restarted.
pub(crate) fn reasons(
    inv: &Inventory,
    o: &DomainOutcome,
    why_lost: &[NotRestarted],
    nodes: &[Option<usize>],
) -> Vec<Reason> {
    let mut out = Vec::new();
    let mut push = |production: bool, severity: Verdict, text: String| {
        out.push(Reason {
            production,
            severity,
            text,
        })
    };
    for (vm, why) in o.vms_not_restarted.iter().zip(why_lost) {
        push(
            true,
            Verdict::Fails,
            format!("{vm}: not restarted, {}", why.describe()),
        );
    }
    let mut by_cluster: Vec<(Option<usize>, usize)> = Vec::new();
    for c in nodes {
        match by_cluster.iter_mut().find(|(k, _)| k == c) {
            Some((_, n)) => *n += 1,
            None => by_cluster.push((*c, 1)),
        }
    }
    for (c, n) in by_cluster {
        let (name, production) = c.map_or(("a cluster".to_string(), true), |c| {
            (inv.clusters[c].address.clone(), production_cluster(inv, c))
        });
        push(
            production,
            Verdict::Degraded,
            format!("{name}: {n} node(s) not restarted"),
        );
    }
    for w in o
        .workloads
        .iter()
        .filter(|w| w.reason.is_none() && w.no_room > 0)
    {
        let severity = if w.status == Status::Down && w.kind != WorkloadKind::Job {
            Verdict::Fails
        } else {
            Verdict::Degraded
        };
        push(
            production_workload(inv, w.index),
            severity,
            format!(
                "{}: {} of {} running (quorum {}), {} no longer fit",
                w.workload, w.running_after, w.replicas, w.quorum, w.no_room
            ),
        );
    }
    for c in &o.control_plane_lost {
        let production = inv
            .clusters
            .iter()
            .position(|k| &k.address == c)
            .is_none_or(|i| production_cluster(inv, i));
        push(
            production,
            Verdict::Fails,
            format!("{c}: control plane lost quorum"),
        );
    }
    for s in o.storage.iter().filter(|s| s.status != "recovers") {
        let severity = if s.stopped() {
            Verdict::Fails
        } else {
            Verdict::Degraded
        };
        push(true, severity, s.describe());
    }
    let mut because: Vec<(&str, bool, Vec<&str>, bool)> = Vec::new();
    for w in &o.workloads {
        let Some(reason) = &w.reason else { continue };
        let production = production_workload(inv, w.index);
        let stops = w.status == Status::Down && w.kind != WorkloadKind::Job;
        match because
            .iter_mut()
            .find(|(r, p, _, _)| *r == reason.as_str() && *p == production)
        {
            Some((_, _, names, fails)) => {
                names.push(&w.workload);
                *fails |= stops;
            }
            None => because.push((reason, production, vec![&w.workload], stops)),
        }
    }
    for (reason, production, names, fails) in because {
        let severity = if fails {
            Verdict::Fails
        } else {
            Verdict::Degraded
        };
        push(
            production,
            severity,
            format!("unavailable ({reason}): {}", names.join(", ")),
        );
    }
    out
}

/// The worst severity among the reasons that touch production.
pub fn production_verdict(reasons: &[Reason]) -> Verdict {
    reasons
        .iter()
        .filter(|r| r.production)
        .map(|r| r.severity)
        .max()
        .unwrap_or(Verdict::Survives)
}

/// When admission control of `pool` says it tolerates a host failure but losing one of its
/// hosts is not survived: why, from that host's reasons (anti-affinity, a VM larger than
/// any one host's free room, ...); `None` when the two agree.
pub fn admission_disagreement(
    pool: &str,
    tolerates_host_failures: u32,
    outcomes: &[DomainOutcome],
) -> Option<String> {
    if tolerates_host_failures == 0 {
        return None;
    }
    let prefix = format!("{pool}/");
    // The first host of the worst verdict (`rev` because `max_by_key` keeps the last).
    let worst = outcomes
        .iter()
        .filter(|o| o.kind == super::survive::DomainKind::Host && o.domain.starts_with(&prefix))
        .filter(|o| o.verdict != Verdict::Survives)
        .rev()
        .max_by_key(|o| o.verdict)?;
    let why: Vec<&str> = worst
        .reasons
        .iter()
        .filter(|r| r.severity == worst.verdict)
        .map(|r| r.text.as_str())
        .collect();
    Some(format!(
        "admission control tolerates {tolerates_host_failures} host failure(s), yet losing {} {}: {}",
        worst.domain,
        worst.verdict.name(),
        why.join("; ")
    ))
}
