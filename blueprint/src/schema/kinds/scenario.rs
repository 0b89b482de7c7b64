//! The kinds that describe what may happen: scenario (with its failure models) and policy.

use super::super::AttrType::*;
use super::super::{BlockSchema, KindSchema, attr, block};
use super::{FAIL_TARGETS, FAILURE_SCOPES};
use super::{body, description};

fn failure_model() -> BlockSchema {
    body()
        .with(
            attr("mtbf", Duration, "Mean time between failures.")
                .required()
                .min(1.0),
        )
        .with(
            attr("mttr", Duration, "Mean time to repair.")
                .required()
                .min(1.0),
        )
        .with(
            attr(
                "distribution",
                Enum(&["exponential", "weibull", "lognormal", "fixed"]),
                "Distribution of repair times (and of lifetimes for weibull).",
            )
            .default("exponential"),
        )
        .with(attr("shape", Number, "Weibull shape.").min(0.01))
        .with(attr("sigma", Number, "Lognormal sigma.").min(0.0))
        .with(
            attr(
                "repair_crews",
                Integer,
                "Repairs of this class that proceed at once; unlimited when unset.",
            )
            .min(1.0),
        )
}

pub(super) fn scenario() -> KindSchema {
    let mut failures = body();
    for (class, scopes) in FAILURE_SCOPES {
        let mut model = failure_model();
        for (attr_name, kind) in *scopes {
            let kinds: &'static [&'static str] = match *kind {
                "site" => &["site"],
                "rack" => &["rack"],
                "host_pool" => &["host_pool"],
                "vm" => &["vm"],
                "kubernetes_cluster" => &["kubernetes_cluster"],
                "service" => &["service"],
                _ => &["storage"],
            };
            model = model.with(attr(
                attr_name,
                Refs(kinds),
                "Only the units of these: the block's scope (the most specific block wins).",
            ));
        }
        failures = failures.nest(
            block(
                class,
                "Failure model of this class; one block per scope.",
                model,
            )
            .repeated(),
        );
    }
    let inject = body()
        .with(attr("at", Duration, "When, from the start of the simulation.").required())
        .with(attr("fail", Ref(FAIL_TARGETS), "What fails.").required())
        .with(attr("host", Integer, "Which host of a host pool, from 0.").min(0.0))
        .with(
            attr("for", Duration, "How long it stays down.")
                .required()
                .min(1.0),
        );
    let growth = body()
        .with(
            attr("rate", Ratio, "Growth per period.")
                .required()
                .min(0.0)
                .max(10.0),
        )
        .with(
            attr(
                "per",
                Enum(&["day", "week", "month", "year"]),
                "The period.",
            )
            .default("month"),
        )
        .with(
            attr(
                "model",
                Enum(&["compound", "linear"]),
                "Compound or linear growth.",
            )
            .default("compound"),
        )
        .with(
            attr("ceiling", Ratio, "Utilisation that counts as full.")
                .default(0.8)
                .min(0.01)
                .max(1.0),
        );
    let timings = body()
        .with(
            attr(
                "ha_detection",
                Duration,
                "vSphere HA: time to declare a host dead.",
            )
            .default("15s"),
        )
        .with(attr("vm_boot", Duration, "Time for a restarted VM to boot.").default("120s"))
        .with(
            attr(
                "node_monitor_grace",
                Duration,
                "Kubernetes: time to mark a node NotReady.",
            )
            .default("50s"),
        )
        .with(
            attr(
                "pod_eviction",
                Duration,
                "Kubernetes: tolerationSeconds before pods are evicted.",
            )
            .default("300s"),
        )
        .with(
            attr(
                "pod_start",
                Duration,
                "Time for a rescheduled pod to start.",
            )
            .default("30s"),
        )
        .with(
            attr(
                "ceph_rereplication",
                Duration,
                "Ceph: time before re-replication starts.",
            )
            .default("600s"),
        );
    let maintenance = body()
        .with(
            attr("every", Duration, "How often each host is patched.")
                .required()
                .min(60_000.0),
        )
        .with(
            attr("duration", Duration, "How long one host is drained.")
                .required()
                .min(1.0),
        );
    KindSchema {
        kind: "scenario",
        doc: "A simulation: failure models, injected faults, growth, horizon, replications, seed.",
        managed: false,
        body: body()
            .with(
                attr("horizon", Duration, "Simulated time per replication.")
                    .default("365d")
                    .min(1.0),
            )
            .with(
                attr("replications", Integer, "Independent runs.")
                    .default(1000)
                    .min(1.0)
                    .max(100_000_000.0),
            )
            .with(attr("seed", Integer, "Random seed.").default(1).min(0.0))
            .with(description())
            .nest(block("failures", "Failure models per class.", failures))
            .nest(block("inject", "A scheduled failure.", inject).repeated())
            .nest(block("growth", "Load growth over time.", growth))
            .nest(block("timings", "Failover timings.", timings))
            .nest(block(
                "maintenance",
                "Planned maintenance that drains hosts one at a time.",
                maintenance,
            )),
    }
}

pub(super) fn policy() -> KindSchema {
    KindSchema {
        kind: "policy",
        doc: "Rego policies every plan of this blueprint is checked against (docs/policy.md).",
        managed: false,
        body: body()
            .with(
                attr(
                    "source",
                    String,
                    "The folder of .rego files, relative to the blueprint folder.",
                )
                .required(),
            )
            .with(attr(
                "namespaces",
                List(Box::new(String)),
                "The packages whose deny and warn rules count (default: [\"main\"]).",
            ))
            .with(description()),
    }
}
