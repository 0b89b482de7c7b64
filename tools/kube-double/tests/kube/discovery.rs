//! Discovery: the legacy per-group documents and aggregated discovery agree, and carry
//! the resources, scopes, verbs and short names the provider relies on.

use crate::common::cluster;
use kube::discovery::{Discovery, Scope, verbs};
use std::collections::BTreeSet;

const EXPECTED: &[(&str, &str, &str, bool)] = &[
    ("", "Namespace", "namespaces", false),
    ("", "Service", "services", true),
    ("", "ConfigMap", "configmaps", true),
    ("", "PersistentVolumeClaim", "persistentvolumeclaims", true),
    ("", "ResourceQuota", "resourcequotas", true),
    ("", "LimitRange", "limitranges", true),
    ("apps", "Deployment", "deployments", true),
    ("apps", "StatefulSet", "statefulsets", true),
    ("batch", "Job", "jobs", true),
    ("batch", "CronJob", "cronjobs", true),
    (
        "policy",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        true,
    ),
    (
        "networking.k8s.io",
        "NetworkPolicy",
        "networkpolicies",
        true,
    ),
    ("networking.k8s.io", "Ingress", "ingresses", true),
    ("gateway.networking.k8s.io", "HTTPRoute", "httproutes", true),
    ("gateway.networking.k8s.io", "Gateway", "gateways", true),
];

type Row = (String, String, String, String, bool, bool);

fn rows(d: &Discovery) -> BTreeSet<Row> {
    d.groups()
        .flat_map(|g| g.recommended_resources())
        .map(|(ar, caps)| {
            let writable = [verbs::PATCH, verbs::WATCH, verbs::LIST, verbs::DELETE]
                .iter()
                .all(|v| caps.supports_operation(v));
            (
                ar.group,
                ar.version,
                ar.kind,
                ar.plural,
                caps.scope == Scope::Namespaced,
                writable,
            )
        })
        .collect()
}

#[tokio::test]
async fn discovery_serves_every_resource_the_provider_uses() {
    let c = cluster().await;
    let found = rows(
        &Discovery::new(c.client.clone())
            .run()
            .await
            .expect("discovery"),
    );
    for (group, kind, plural, namespaced) in EXPECTED {
        let row = found.iter().find(|r| r.0 == *group && r.2 == *kind);
        let row = row.unwrap_or_else(|| panic!("{group}/{kind} not discovered"));
        assert_eq!(
            (row.1.as_str(), row.3.as_str(), row.4, row.5),
            ("v1", *plural, *namespaced, true),
            "{kind}"
        );
    }
}

#[tokio::test]
async fn aggregated_discovery_agrees_with_the_per_group_documents() {
    let c = cluster().await;
    let legacy = rows(
        &Discovery::new(c.client.clone())
            .run()
            .await
            .expect("discovery"),
    );
    let aggregated = rows(
        &Discovery::new(c.client.clone())
            .run_aggregated()
            .await
            .expect("aggregated discovery"),
    );
    if c.is_double() {
        assert_eq!(legacy, aggregated);
    } else {
        assert!(legacy.is_subset(&aggregated) || aggregated.is_subset(&legacy));
    }
}

#[tokio::test]
async fn resource_lists_carry_short_names_and_the_version_is_1_30_or_newer() {
    let c = cluster().await;
    let apps = c
        .client
        .list_api_group_resources("apps/v1")
        .await
        .expect("apps/v1");
    let deployments = apps
        .resources
        .iter()
        .find(|r| r.name == "deployments")
        .expect("deployments");
    assert_eq!(
        deployments.short_names.as_deref(),
        Some(&["deploy".to_string()][..])
    );
    assert_eq!(deployments.kind, "Deployment");
    let core = c.client.list_core_api_resources("v1").await.expect("v1");
    let ns = core
        .resources
        .iter()
        .find(|r| r.name == "namespaces")
        .expect("namespaces");
    assert!(!ns.namespaced);
    let version = c.client.apiserver_version().await.expect("version");
    let minor: u32 = version
        .minor
        .trim_end_matches('+')
        .parse()
        .expect("numeric minor");
    assert!(version.major == "1" && minor >= 30, "{version:?}");
}
