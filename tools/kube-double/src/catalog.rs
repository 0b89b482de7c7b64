//! The resource types the double serves: the ones the kubernetes provider writes, with the
//! group, version, kind, scope and short names the real API server's discovery reports.

/// One served resource type (a group/version/resource triple).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    /// API group; empty for the core group.
    pub group: &'static str,
    /// API version within the group, e.g. `v1`.
    pub version: &'static str,
    /// Plural resource name used in paths, e.g. `deployments`.
    pub plural: &'static str,
    /// Singular resource name, e.g. `deployment`.
    pub singular: &'static str,
    /// Object kind, e.g. `Deployment`.
    pub kind: &'static str,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// Short names as `kubectl` knows them.
    pub short_names: &'static [&'static str],
    /// Discovery categories (`all` for the workload kinds).
    pub categories: &'static [&'static str],
}

impl ResourceType {
    /// `group/version`, or just `version` for the core group (an object's `apiVersion`).
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `plural.group` (just `plural` for core), as the API server names the resource in
    /// its messages: `deployments.apps "web" not found`.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Verbs in discovery: every served type supports them all except that cluster-scoped
    /// namespaces have no `deletecollection` (as on a real server).
    pub fn verbs(&self) -> &'static [&'static str] {
        if self.plural == "namespaces" {
            &[
                "create", "delete", "get", "list", "patch", "update", "watch",
            ]
        } else {
            &[
                "create",
                "delete",
                "deletecollection",
                "get",
                "list",
                "patch",
                "update",
                "watch",
            ]
        }
    }
}

const fn rt(
    (group, version): (&'static str, &'static str),
    plural: &'static str,
    singular: &'static str,
    kind: &'static str,
    namespaced: bool,
    short_names: &'static [&'static str],
    categories: &'static [&'static str],
) -> ResourceType {
    ResourceType {
        group,
        version,
        plural,
        singular,
        kind,
        namespaced,
        short_names,
        categories,
    }
}

const ALL: &[&str] = &["all"];

/// Every served resource type, in discovery order.
#[rustfmt::skip]
pub const RESOURCES: &[ResourceType] = &[
    rt(("", "v1"), "configmaps", "configmap", "ConfigMap", true, &["cm"], &[]),
    rt(("", "v1"), "limitranges", "limitrange", "LimitRange", true, &["limits"], &[]),
    rt(("", "v1"), "namespaces", "namespace", "Namespace", false, &["ns"], &[]),
    rt(("", "v1"), "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, &["pvc"], &[]),
    rt(("", "v1"), "resourcequotas", "resourcequota", "ResourceQuota", true, &["quota"], &[]),
    rt(("", "v1"), "services", "service", "Service", true, &["svc"], ALL),
    rt(("apps", "v1"), "deployments", "deployment", "Deployment", true, &["deploy"], ALL),
    rt(("apps", "v1"), "statefulsets", "statefulset", "StatefulSet", true, &["sts"], ALL),
    rt(("batch", "v1"), "cronjobs", "cronjob", "CronJob", true, &["cj"], ALL),
    rt(("batch", "v1"), "jobs", "job", "Job", true, &[], ALL),
    rt(("policy", "v1"), "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true, &["pdb"], &[]),
    rt(("networking.k8s.io", "v1"), "ingresses", "ingress", "Ingress", true, &["ing"], &[]),
    rt(("networking.k8s.io", "v1"), "networkpolicies", "networkpolicy", "NetworkPolicy", true, &["netpol"], &[]),
    rt(("gateway.networking.k8s.io", "v1"), "gateways", "gateway", "Gateway", true, &["gtw"], &[]),
    rt(("gateway.networking.k8s.io", "v1"), "httproutes", "httproute", "HTTPRoute", true, &[], &[]),
];

/// The served type for a group, version and plural resource name.
pub fn find(group: &str, version: &str, plural: &str) -> Option<&'static ResourceType> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// The non-core groups in discovery order, each once.
pub fn groups() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for r in RESOURCES.iter().filter(|r| !r.group.is_empty()) {
        if !out.contains(&r.group) {
            out.push(r.group);
        }
    }
    out
}

/// The served types of one group and version.
pub fn in_group_version(group: &str, version: &str) -> impl Iterator<Item = &'static ResourceType> {
    let (group, version) = (group.to_string(), version.to_string());
    RESOURCES
        .iter()
        .filter(move |r| r.group == group && r.version == version)
}
