//! Discovery documents: `/version`, `/api`, `/apis`, `/apis/{group}`, `/api/v1` and
//! `/apis/{group}/{version}` as the real server serves them, and aggregated discovery
//! (`apidiscovery.k8s.io/v2`, stable since 1.30) for `/api` and `/apis` when the client's
//! `Accept` header asks for it.

use crate::catalog::{self, ResourceType};
use crate::route::Discovery;
use serde_json::{Value, json};

/// The version the double reports.
pub const KUBERNETES_VERSION: (&str, &str) = ("1", "33");

/// The media type of aggregated discovery documents.
pub const AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// Whether an `Accept` header asks for aggregated discovery v2.
pub fn wants_aggregated(accept: &str) -> bool {
    accept.split(',').any(|a| {
        let parts: Vec<&str> = a.split(';').map(str::trim).collect();
        parts.contains(&"g=apidiscovery.k8s.io")
            && parts.contains(&"v=v2")
            && parts.contains(&"as=APIGroupDiscoveryList")
    })
}

fn group_version(group: &str) -> Value {
    json!({"groupVersion": format!("{group}/v1"), "version": "v1"})
}

fn resource(r: &ResourceType) -> Value {
    let mut v = json!({
        "name": r.plural, "singularName": r.singular, "namespaced": r.namespaced,
        "kind": r.kind, "verbs": r.verbs(),
    });
    if !r.short_names.is_empty() {
        v["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        v["categories"] = json!(r.categories);
    }
    v
}

fn aggregated_resource(r: &ResourceType) -> Value {
    let mut v = json!({
        "resource": r.plural, "singularResource": r.singular, "verbs": r.verbs(),
        "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
        "scope": if r.namespaced { "Namespaced" } else { "Cluster" },
    });
    if !r.short_names.is_empty() {
        v["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        v["categories"] = json!(r.categories);
    }
    v
}

fn aggregated_group(group: &str) -> Value {
    let resources: Vec<Value> = catalog::in_group_version(group, "v1")
        .map(aggregated_resource)
        .collect();
    let mut g =
        json!({"versions": [{"version": "v1", "resources": resources, "freshness": "Current"}]});
    g["metadata"] = if group.is_empty() {
        json!({})
    } else {
        json!({"name": group})
    };
    g
}

fn aggregated_list(groups: &[&str]) -> Value {
    let items: Vec<Value> = groups.iter().map(|g| aggregated_group(g)).collect();
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items})
}

/// The document for a discovery path and its content type.
pub fn document(d: &Discovery, aggregated: bool) -> (&'static str, Value) {
    const JSON: &str = "application/json";
    match d {
        Discovery::Version => (
            JSON,
            json!({
                "major": KUBERNETES_VERSION.0, "minor": KUBERNETES_VERSION.1,
                "gitVersion": format!("v{}.{}.0", KUBERNETES_VERSION.0, KUBERNETES_VERSION.1),
                "gitCommit": "kube-double", "gitTreeState": "clean", "buildDate": "2025-04-23T00:00:00Z",
                "goVersion": "go1.24.2", "compiler": "gc", "platform": "linux/amd64",
            }),
        ),
        Discovery::CoreVersions if aggregated => (AGGREGATED, aggregated_list(&[""])),
        Discovery::CoreVersions => (
            JSON,
            json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}),
        ),
        Discovery::Groups if aggregated => (AGGREGATED, aggregated_list(&catalog::groups())),
        Discovery::Groups => {
            let groups: Vec<Value> = catalog::groups()
                .into_iter()
                .map(|g| json!({"name": g, "versions": [group_version(g)], "preferredVersion": group_version(g)}))
                .collect();
            (
                JSON,
                json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
            )
        }
        Discovery::Group(g) => (
            JSON,
            json!({
                "kind": "APIGroup", "apiVersion": "v1", "name": g,
                "versions": [group_version(g)], "preferredVersion": group_version(g),
            }),
        ),
        Discovery::Resources { group, version } => {
            let gv = if group.is_empty() {
                version.clone()
            } else {
                format!("{group}/{version}")
            };
            let resources: Vec<Value> = catalog::in_group_version(group, version)
                .map(resource)
                .collect();
            (
                JSON,
                json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}),
            )
        }
    }
}
