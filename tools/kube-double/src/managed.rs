//! `metadata.managedFields`: which manager owns which fields, and how an update (a create,
//! replace or patch that is not an apply) moves ownership of the fields it changes.

use crate::fields::{self, FieldSet};
use serde_json::{Value, json};

/// One `managedFields` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The field manager, e.g. `strata` or `kubectl-scale`.
    pub manager: String,
    /// `Apply` or `Update`.
    pub operation: String,
    /// The `apiVersion` the fields were written with.
    pub api_version: String,
    /// When the entry last changed (RFC 3339, seconds).
    pub time: String,
    /// The subresource written through (kept as read; the double's writes have none).
    pub subresource: Option<String>,
    /// The owned fields.
    pub fields: FieldSet,
}

/// The entries recorded on an object.
pub fn entries(obj: &Value) -> Vec<Entry> {
    let list = obj
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array);
    list.into_iter()
        .flatten()
        .map(|e| Entry {
            manager: str_of(e, "manager"),
            operation: str_of(e, "operation"),
            api_version: str_of(e, "apiVersion"),
            time: str_of(e, "time"),
            subresource: e
                .get("subresource")
                .and_then(Value::as_str)
                .map(str::to_string),
            fields: fields::decode(e.get("fieldsV1").unwrap_or(&Value::Null)),
        })
        .collect()
}

fn str_of(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Writes entries back, dropping the ones that own nothing (as the server does).
pub fn store(obj: &mut Value, entries: &[Entry]) {
    let list: Vec<Value> = entries
        .iter()
        .filter(|e| !e.fields.is_empty())
        .map(|e| {
            let mut v = json!({
                "manager": e.manager, "operation": e.operation, "apiVersion": e.api_version,
                "time": e.time, "fieldsType": "FieldsV1", "fieldsV1": fields::encode(&e.fields),
            });
            if let Some(s) = &e.subresource {
                v["subresource"] = json!(s);
            }
            v
        })
        .collect();
    obj["metadata"]["managedFields"] = Value::Array(list);
}

/// The entry of a manager and operation, created empty when missing.
pub fn entry_mut<'a>(
    entries: &'a mut Vec<Entry>,
    manager: &str,
    operation: &str,
    api_version: &str,
) -> &'a mut Entry {
    let pos = entries
        .iter()
        .position(|e| e.manager == manager && e.operation == operation && e.subresource.is_none());
    let i = pos.unwrap_or_else(|| {
        entries.push(Entry {
            manager: manager.to_string(),
            operation: operation.to_string(),
            api_version: api_version.to_string(),
            time: String::new(),
            subresource: None,
            fields: FieldSet::new(),
        });
        entries.len() - 1
    });
    let e = &mut entries[i];
    e.time = crate::store::now();
    e.api_version = api_version.to_string();
    e
}

/// Records an update by `manager` from `old` to `new` (both full objects; `old` is
/// `Value::Null` on create): the manager takes every changed or added field away from
/// the others (updates never conflict), and removed fields leave every set.
pub fn record_update(new: &mut Value, old: &Value, manager: &str, api_version: &str) {
    let mut list = entries(old);
    let before = fields::leaves(old);
    let after = fields::leaves(new);
    let changed: FieldSet = after
        .iter()
        .filter(|p| fields::get(old, p) != fields::get(new, p))
        .cloned()
        .collect();
    let removed: FieldSet = before.difference(&after).cloned().collect();
    for e in list.iter_mut() {
        e.fields
            .retain(|p| !removed.contains(p) && !changed.iter().any(|c| fields::overlaps(c, p)));
    }
    if !changed.is_empty() {
        let e = entry_mut(&mut list, manager, "Update", api_version);
        e.fields.extend(changed);
    }
    store(new, &list);
}
