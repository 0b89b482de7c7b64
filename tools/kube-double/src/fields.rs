//! Field paths and field sets: the leaves of an object, their `FieldsV1` encoding in
//! `managedFields`, and reading, writing and removing a value at a path.
//!
//! A path is the list of map keys from the object's root. Lists are atomic (one field
//! each), a simplification of structured-merge-diff's associative lists: see
//! docs/providers/kubernetes-double.md.

use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// A path of map keys from the object's root.
pub type Path = Vec<String>;

/// A set of field paths (the fields one manager owns).
pub type FieldSet = BTreeSet<Path>;

/// Metadata fields the server owns: never part of a manager's field set.
const SERVER_METADATA: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
];

/// The leaf fields of an object that managers can own: every scalar, list or empty map,
/// except `apiVersion`, `kind`, `status` and the server's metadata.
pub fn leaves(obj: &Value) -> FieldSet {
    let mut out = FieldSet::new();
    if let Value::Object(map) = obj {
        for (k, v) in map {
            match k.as_str() {
                "apiVersion" | "kind" | "status" => {}
                "metadata" => {
                    if let Value::Object(meta) = v {
                        for (mk, mv) in meta {
                            if !SERVER_METADATA.contains(&mk.as_str()) {
                                collect(mv, vec!["metadata".into(), mk.clone()], &mut out);
                            }
                        }
                    }
                }
                _ => collect(v, vec![k.clone()], &mut out),
            }
        }
    }
    out
}

fn collect(v: &Value, path: Path, out: &mut FieldSet) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, child) in map {
                let mut p = path.clone();
                p.push(k.clone());
                collect(child, p, out);
            }
        }
        _ => {
            out.insert(path);
        }
    }
}

/// The `fieldsV1` form of a set: `{"f:spec":{"f:replicas":{}}}`.
pub fn encode(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in set {
        let mut node = &mut root;
        for key in path {
            let entry = node
                .entry(format!("f:{key}"))
                .or_insert_with(|| Value::Object(Map::new()));
            node = entry.as_object_mut().expect("fieldsV1 nodes are objects");
        }
    }
    Value::Object(root)
}

/// The set a `fieldsV1` value describes (keys other than `f:` ones are ignored).
pub fn decode(v: &Value) -> FieldSet {
    let mut out = FieldSet::new();
    walk(v, Vec::new(), &mut out);
    out
}

fn walk(v: &Value, path: Path, out: &mut FieldSet) {
    let children: Vec<(&String, &Value)> = v
        .as_object()
        .map(|m| m.iter().filter(|(k, _)| k.starts_with("f:")).collect())
        .unwrap_or_default();
    if children.is_empty() {
        if !path.is_empty() {
            out.insert(path);
        }
        return;
    }
    for (k, child) in children {
        let mut p = path.clone();
        p.push(k["f:".len()..].to_string());
        walk(child, p, out);
    }
}

/// `.spec.replicas`, as the server prints a field in conflict messages.
pub fn display(path: &Path) -> String {
    path.iter().map(|k| format!(".{k}")).collect()
}

/// The value at a path, if present.
pub fn get<'a>(obj: &'a Value, path: &Path) -> Option<&'a Value> {
    path.iter().try_fold(obj, |v, k| v.get(k))
}

/// Sets the value at a path, creating maps on the way (replacing non-maps).
pub fn set(obj: &mut Value, path: &Path, value: Value) {
    let mut node = obj;
    for key in &path[..path.len() - 1] {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        node = node
            .as_object_mut()
            .expect("just made an object")
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    node.as_object_mut()
        .expect("just made an object")
        .insert(path[path.len() - 1].clone(), value);
}

/// Removes the value at a path, then the maps it leaves empty.
pub fn remove(obj: &mut Value, path: &Path) {
    if path.is_empty() {
        return;
    }
    let parent_path = &path[..path.len() - 1];
    let Some(parent) = parent_path.iter().try_fold(&mut *obj, |v, k| v.get_mut(k)) else {
        return;
    };
    if let Some(map) = parent.as_object_mut() {
        map.remove(&path[path.len() - 1]);
        if map.is_empty() && !parent_path.is_empty() {
            remove(obj, &parent_path.to_vec());
        }
    }
}

/// Whether two paths overlap: equal, or one inside the other.
pub fn overlaps(a: &Path, b: &Path) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn key() -> impl Strategy<Value = String> {
        // Any text, including dots, colons, quotes and the `f:` prefix itself.
        prop_oneof![
            Just("f:x".to_string()),
            Just(".".to_string()),
            any::<String>()
        ]
    }

    fn object() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<String>().prop_map(Value::from),
            Just(json!([1, 2]))
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            proptest::collection::btree_map(key(), inner, 1..4)
                .prop_map(|m| Value::Object(m.into_iter().collect()))
        })
    }

    proptest! {
        #[test]
        fn fields_v1_round_trips_every_leaf_set(spec in object()) {
            let obj = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "n"}, "data": spec});
            let set = leaves(&obj);
            prop_assert_eq!(decode(&encode(&set)), set.clone());
            // Rebuilding the object from its leaves gives back what managers own.
            let mut rebuilt = json!({});
            for p in &set {
                super::set(&mut rebuilt, p, get(&obj, p).cloned().unwrap());
            }
            prop_assert_eq!(rebuilt.get("data"), obj.get("data"));
        }

        #[test]
        fn removing_every_leaf_leaves_no_empty_maps(spec in object()) {
            let mut obj = json!({"data": spec});
            for p in leaves(&obj.clone()) {
                remove(&mut obj, &p);
            }
            prop_assert_eq!(obj, json!({}));
        }
    }

    #[test]
    fn server_metadata_and_status_are_nobodys_fields() {
        let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "a", "uid": "u", "resourceVersion": "3", "labels": {"app": "a"}},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "c"}]}}},
            "status": {"replicas": 2}});
        let shown: Vec<String> = leaves(&obj).iter().map(display).collect();
        assert_eq!(
            shown,
            [
                ".metadata.labels.app",
                ".spec.replicas",
                ".spec.template.spec.containers"
            ]
        );
        assert_eq!(
            encode(&leaves(&obj)),
            json!({"f:metadata": {"f:labels": {"f:app": {}}},
                   "f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {}}}}})
        );
    }
}
