//! The resource kinds of the domain and their schemas (see docs/language.md).

mod infrastructure;
mod platform;
mod scenario;

use super::AttrType::*;
use super::{BlockSchema, KindSchema, attr};
use infrastructure::{host_pool, network_policy, network_zone, rack, site, storage, vm};
use platform::{environment, job, kubernetes_cluster, service};
use scenario::{policy, scenario};

const WORKLOAD_TARGETS: &[&str] = &["network_zone", "service", "vm", "kubernetes_cluster"];
/// The failure classes of a scenario, each with the attributes that scope one of its
/// blocks to some units, most specific first (docs/simulation.md, "Failures by scope").
pub const FAILURE_SCOPES: &[(&str, &[(&str, &str)])] = &[
    ("site", &[("site", "site")]),
    ("rack", &[("rack", "rack"), ("site", "site")]),
    (
        "host",
        &[("pool", "host_pool"), ("rack", "rack"), ("site", "site")],
    ),
    (
        "vm",
        &[
            ("vm", "vm"),
            ("cluster", "kubernetes_cluster"),
            ("pool", "host_pool"),
        ],
    ),
    ("node", &[("cluster", "kubernetes_cluster")]),
    (
        "replica",
        &[("service", "service"), ("cluster", "kubernetes_cluster")],
    ),
    ("storage", &[("storage", "storage")]),
];

/// A VM's HA restart priorities, from the first restarted.
pub const RESTART_PRIORITIES: &[&str] = &["highest", "high", "medium", "low", "lowest", "disabled"];
const FAIL_TARGETS: &[&str] = &[
    "site",
    "rack",
    "host_pool",
    "vm",
    "kubernetes_cluster",
    "service",
    "storage",
];

fn body() -> BlockSchema {
    BlockSchema::default()
}

fn description() -> super::AttrSchema {
    attr("description", String, "What this is for, in a sentence.")
}

fn kind(kind: &'static str, doc: &'static str, body: BlockSchema) -> KindSchema {
    KindSchema {
        kind,
        doc,
        managed: true,
        body,
    }
}

/// Every kind, in documentation order.
pub(super) fn all() -> Vec<KindSchema> {
    vec![
        site(),
        rack(),
        host_pool(),
        network_zone(),
        network_policy(),
        storage(),
        vm(),
        kubernetes_cluster(),
        service(),
        job(),
        environment(),
        scenario(),
        policy(),
    ]
}

impl super::AttrSchema {
    pub(super) fn default_list(mut self) -> Self {
        self.default = Some(crate::value::Value::list(Vec::new()));
        self
    }
}
