//! The catalog of platform services and the defaults each carries.

/// What a service `kind` means by default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CatalogEntry {
    /// The `kind` value.
    pub kind: &'static str,
    /// What it is, for people.
    pub doc: &'static str,
    /// Replicas when unset.
    pub replicas: i64,
    /// Replicas needed to be up, when unset; `None` means one.
    pub quorum: Option<i64>,
    /// Keeps data on its replicas: not rescheduled away from an unreachable node.
    pub stateful: bool,
    /// CPU request per replica, in cores.
    pub cpu: f64,
    /// Memory request per replica.
    pub memory: &'static str,
    /// Volume per replica, for stateful services.
    pub volume: Option<&'static str>,
    /// The port it serves on.
    pub port: u16,
}

/// kind, doc, replicas, quorum, stateful, cpu, memory, volume, port.
type Row = (
    &'static str,
    &'static str,
    i64,
    Option<i64>,
    bool,
    f64,
    &'static str,
    Option<&'static str>,
    u16,
);

const CATALOG: &[Row] = &[
    (
        "api_gateway",
        "North-south API gateway (e.g. Kong).",
        2,
        None,
        false,
        1.0,
        "2GiB",
        None,
        443,
    ),
    (
        "service_mesh",
        "East-west service mesh control plane (e.g. Istio).",
        2,
        None,
        false,
        0.5,
        "2GiB",
        None,
        15012,
    ),
    (
        "prometheus",
        "Metrics and alert rules, with exporters.",
        2,
        None,
        true,
        2.0,
        "8GiB",
        Some("100GiB"),
        9090,
    ),
    (
        "alertmanager",
        "Alert routing; a gossip cluster.",
        3,
        Some(2),
        true,
        0.2,
        "256MiB",
        Some("1GiB"),
        9093,
    ),
    (
        "grafana",
        "Dashboards.",
        2,
        None,
        false,
        0.5,
        "1GiB",
        None,
        3000,
    ),
    (
        "kafka",
        "Event streaming; min in-sync replicas as quorum.",
        3,
        Some(2),
        true,
        2.0,
        "8GiB",
        Some("500GiB"),
        9092,
    ),
    (
        "rabbitmq",
        "Message queues; quorum queues need a majority.",
        3,
        Some(2),
        true,
        1.0,
        "4GiB",
        Some("50GiB"),
        5672,
    ),
    (
        "workflow_engine",
        "Workflows with retries and compensation across services.",
        2,
        None,
        false,
        1.0,
        "2GiB",
        None,
        7233,
    ),
    (
        "gitlab",
        "Source control and CI/CD.",
        1,
        None,
        true,
        4.0,
        "16GiB",
        Some("200GiB"),
        443,
    ),
    (
        "artifact_repository",
        "Artifact and image repository (Artifactory, Nexus).",
        1,
        None,
        true,
        2.0,
        "8GiB",
        Some("1TiB"),
        8081,
    ),
    (
        "database",
        "A replicated database; a majority must run.",
        3,
        Some(2),
        true,
        2.0,
        "8GiB",
        Some("200GiB"),
        5432,
    ),
    (
        "application",
        "An application service of the enterprise.",
        2,
        None,
        false,
        0.5,
        "1GiB",
        None,
        8080,
    ),
];

/// Every `kind` a service may have.
pub const SERVICE_KINDS: &[&str] = &[
    "api_gateway",
    "service_mesh",
    "prometheus",
    "alertmanager",
    "grafana",
    "kafka",
    "rabbitmq",
    "workflow_engine",
    "gitlab",
    "artifact_repository",
    "database",
    "application",
];

/// The catalog entry of a service kind.
pub fn catalog_entry(kind: &str) -> Option<CatalogEntry> {
    CATALOG.iter().find(|row| row.0 == kind).map(
        |&(kind, doc, replicas, quorum, stateful, cpu, memory, volume, port)| CatalogEntry {
            kind,
            doc,
            replicas,
            quorum,
            stateful,
            cpu,
            memory,
            volume,
            port,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_an_entry_and_sane_quorum() {
        assert_eq!(SERVICE_KINDS.len(), CATALOG.len());
        for kind in SERVICE_KINDS {
            let e = catalog_entry(kind).unwrap();
            assert!(e.quorum.unwrap_or(1) <= e.replicas, "{kind}");
            assert_eq!(e.stateful, e.volume.is_some(), "{kind}");
        }
        assert_eq!(
            catalog_entry("kafka").map(|e| (e.replicas, e.quorum)),
            Some((3, Some(2)))
        );
    }
}
