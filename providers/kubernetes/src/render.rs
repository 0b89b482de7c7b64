//! The manifests of a whole blueprint, in a stable order, without duplicates or
//! collisions, and their YAML: one file per object for a GitOps folder, or one stream.

use std::collections::BTreeMap;

use blueprint::Instance;

use crate::ctx::Ctx;
use crate::error::MapError;
use crate::manifest::Manifest;
use crate::yaml;

/// The order objects are applied in within a cluster (Helm's install order, by kind):
/// namespaces and their policies before what runs in them.
const KIND_ORDER: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "Service",
    "Deployment",
    "StatefulSet",
    "PodDisruptionBudget",
    "Job",
    "CronJob",
    "Gateway",
    "HTTPRoute",
];

fn rank(kind: &str) -> usize {
    KIND_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(KIND_ORDER.len())
}

/// Every object of the blueprint's services, network policies, jobs and environments on
/// clusters that `select` picks, sorted by cluster, kind (in [`KIND_ORDER`]), namespace
/// and name. An object several resources make alike (a zone's namespace) appears once;
/// two different objects with one identity are a [`MapError::Collision`]. Errors are all
/// returned, not just the first.
pub fn render(
    ctx: &Ctx,
    select: &dyn Fn(&Instance) -> bool,
) -> Result<Vec<Manifest>, Vec<MapError>> {
    let mut errors = Vec::new();
    let mut all = Vec::new();
    for instance in ctx.config.instances.iter().filter(|i| select(i)) {
        match crate::manifests(instance, ctx) {
            Ok(objects) => all.extend(objects),
            Err(e) => errors.push(e),
        }
    }
    let mut unique: BTreeMap<_, Manifest> = BTreeMap::new();
    for manifest in all {
        let (cluster, group, kind, namespace, name) = manifest.identity();
        let key = (cluster, rank(&kind), group, kind, namespace, name);
        match unique.get(&key) {
            None => {
                unique.insert(key, manifest);
            }
            Some(first) if *first == manifest => {}
            Some(first) => {
                let (cluster, _, _, kind, namespace, name) = &key;
                let namespace = match namespace.as_str() {
                    "" => String::new(),
                    ns => format!(" namespace {ns}"),
                };
                let collision = MapError::Collision {
                    first: owner_or_shared(first),
                    second: owner_or_shared(&manifest),
                    object: format!("{kind} {name} in cluster {cluster}{namespace}"),
                };
                // One error per pair of resources, at their first object in order.
                let reported = errors.iter().any(|e| {
                    matches!(e, MapError::Collision { first: f, second: s, .. }
                        if (f, s) == (&owner_or_shared(first), &owner_or_shared(&manifest)))
                });
                if !reported {
                    errors.push(collision);
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(unique.into_values().collect())
    } else {
        Err(errors)
    }
}

fn owner_or_shared(manifest: &Manifest) -> String {
    match manifest.owner() {
        "" => "a shared object".to_string(),
        owner => owner.to_string(),
    }
}

/// The files of a rendered folder: each object at [`Manifest::path`], one YAML document.
pub fn files(manifests: &[Manifest]) -> Vec<(String, String)> {
    manifests
        .iter()
        .map(|m| (m.path(), yaml::document(&m.object)))
        .collect()
}

/// One multi-document YAML stream, each document opening with a `# Source: PATH`
/// comment naming its file in a rendered folder (as `helm template` does).
pub fn stream(manifests: &[Manifest]) -> String {
    manifests
        .iter()
        .map(|m| {
            let doc = yaml::document(&m.object);
            let body = doc.strip_prefix("---\n").unwrap_or(&doc);
            format!("---\n# Source: {}\n{body}", m.path())
        })
        .collect()
}
