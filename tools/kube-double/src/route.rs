//! Request paths and query strings: which resource, namespace and object a request names.

use crate::catalog::{self, ResourceType};
use std::collections::HashMap;

/// What a path under `/api/v1` or `/apis/{group}/{version}` names.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// A discovery document (`/api`, `/apis`, `/api/v1`, `/apis/g/v`, `/version`).
    Discovery(Discovery),
    /// A collection or one object of a served resource type.
    Resource(Target),
    /// Anything else: 404.
    Unknown,
}

/// The discovery documents.
#[derive(Debug, Clone, PartialEq)]
pub enum Discovery {
    /// `/version`
    Version,
    /// `/api`
    CoreVersions,
    /// `/apis`
    Groups,
    /// `/api/v1` or `/apis/{group}/{version}`
    Resources {
        /// The group, empty for core.
        group: String,
        /// The version.
        version: String,
    },
    /// `/apis/{group}`
    Group(String),
}

/// A resource collection (`name` empty) or an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The resource type.
    pub rt: &'static ResourceType,
    /// The namespace, empty for cluster-scoped types and for lists across namespaces.
    pub namespace: String,
    /// The object's name, empty for the collection.
    pub name: String,
}

/// Parses a request path.
pub fn parse(path: &str) -> Route {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["version"] => Route::Discovery(Discovery::Version),
        ["api"] => Route::Discovery(Discovery::CoreVersions),
        ["apis"] => Route::Discovery(Discovery::Groups),
        ["api", "v1"] => resources("", "v1"),
        ["apis", g] if catalog::groups().contains(g) => {
            Route::Discovery(Discovery::Group(g.to_string()))
        }
        ["apis", g, v] => resources(g, v),
        ["api", "v1", rest @ ..] => target("", "v1", rest),
        ["apis", g, v, rest @ ..] => target(g, v, rest),
        _ => Route::Unknown,
    }
}

fn resources(group: &str, version: &str) -> Route {
    if catalog::in_group_version(group, version).next().is_none() {
        return Route::Unknown;
    }
    Route::Discovery(Discovery::Resources {
        group: group.into(),
        version: version.into(),
    })
}

fn target(group: &str, version: &str, rest: &[&str]) -> Route {
    let (namespace, plural, name) = match rest {
        ["namespaces", ns, plural] => (*ns, *plural, ""),
        ["namespaces", ns, plural, name] => (*ns, *plural, *name),
        [plural] => ("", *plural, ""),
        [plural, name] => ("", *plural, *name),
        _ => return Route::Unknown,
    };
    let Some(rt) = catalog::find(group, version, plural) else {
        return Route::Unknown;
    };
    // An object of a namespaced type is only reachable inside its namespace.
    if rt.namespaced == namespace.is_empty() && !(rt.namespaced && name.is_empty()) {
        return Route::Unknown;
    }
    Route::Resource(Target {
        rt,
        namespace: namespace.into(),
        name: name.into(),
    })
}

/// Decodes a query string into its parameters (`application/x-www-form-urlencoded`).
pub fn query(q: Option<&str>) -> HashMap<String, String> {
    form_urlencoded::parse(q.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}
