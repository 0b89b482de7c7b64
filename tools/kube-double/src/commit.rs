//! The one path every write takes into the store: server metadata, status kept from the
//! stored object, `generation`, the namespace checks, validation, dry runs, finalizers.

use crate::catalog::{self, ResourceType};
use crate::controllers;
use crate::state::State;
use crate::status::{self, Failure};
use crate::store::{self, Store};
use crate::validate;
use serde_json::{Value, json};
use std::sync::Arc;

/// What the client asked of a write, from the query string and headers.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// `dryRun=All`: compute and validate, store nothing.
    pub dry_run: bool,
    /// The field manager (`fieldManager`, else the user agent's product name).
    pub manager: String,
    /// `force=true` on an apply.
    pub force: bool,
}

fn without_meta_and_status(obj: &Value) -> Value {
    let mut v = obj.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("metadata");
        m.remove("status");
    }
    v
}

/// The object without what a no-op write would still change: `resourceVersion` and the
/// times of the managed fields entries.
fn comparable(obj: &Value) -> Value {
    let mut v = obj.clone();
    if let Some(m) = v["metadata"].as_object_mut() {
        m.remove("resourceVersion");
    }
    if let Some(entries) = v["metadata"]["managedFields"].as_array_mut() {
        for e in entries.iter_mut().filter_map(Value::as_object_mut) {
            e.remove("time");
        }
    }
    v
}

fn unchanged(old: &Value, new: &Value) -> bool {
    comparable(old) == comparable(new)
}

/// Checks that a namespaced object's namespace exists and is not terminating.
pub fn check_namespace(
    store: &Store,
    rt: &ResourceType,
    ns: &str,
    name: &str,
) -> Result<(), Failure> {
    if !rt.namespaced {
        return Ok(());
    }
    let ns_rt = catalog::find("", "v1", "namespaces").expect("namespaces are served");
    match store.get(ns_rt, "", ns) {
        None => Err(status::not_found(ns_rt, ns)),
        Some(n) if n.pointer("/metadata/deletionTimestamp").is_some() => {
            let mut f = status::forbidden(rt, name, "", "create", ns);
            f.body["message"] = json!(format!(
                "{} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                rt.qualified()
            ));
            Err(f)
        }
        Some(_) => Ok(()),
    }
}

/// Stores `new` as the next state of the object (`old` is the stored one, if any) and
/// returns what was stored (or would be, on a dry run).
pub fn commit(
    state: &Arc<State>,
    store: &mut Store,
    rt: &'static ResourceType,
    old: Option<&Value>,
    mut new: Value,
    opts: &WriteOptions,
) -> Result<Value, Failure> {
    new["apiVersion"] = json!(rt.api_version());
    new["kind"] = json!(rt.kind);
    validate::check(rt, &new, old)?;
    let meta = &mut new["metadata"];
    match old {
        None => {
            meta["uid"] = json!(uuid::Uuid::new_v4().to_string());
            meta["creationTimestamp"] = json!(store::now());
            meta["generation"] = json!(1);
            if let Some(m) = new.as_object_mut() {
                m.remove("status");
            }
            if rt.plural == "namespaces" {
                new["spec"] = json!({"finalizers": ["kubernetes"]});
                new["status"] = json!({"phase": "Active"});
            }
        }
        Some(old) => {
            for k in ["uid", "creationTimestamp", "deletionTimestamp"] {
                match old["metadata"].get(k) {
                    Some(v) => meta[k] = v.clone(),
                    None => drop(meta.as_object_mut().and_then(|m| m.remove(k))),
                }
            }
            let generation = old
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let changed = without_meta_and_status(old) != without_meta_and_status(&new);
            new["metadata"]["generation"] = json!(generation + i64::from(changed));
            match old.get("status") {
                Some(s) => new["status"] = s.clone(),
                None => drop(new.as_object_mut().and_then(|m| m.remove("status"))),
            }
        }
    }
    if opts.dry_run {
        return Ok(new);
    }
    if let Some(old) = old.filter(|o| unchanged(o, &new)) {
        return Ok(old.clone()); // A no-op write stores nothing and keeps the resourceVersion.
    }
    let deleting = new.pointer("/metadata/deletionTimestamp").is_some();
    let finalizers = new
        .pointer("/metadata/finalizers")
        .and_then(Value::as_array);
    if deleting && finalizers.is_none_or(Vec::is_empty) && rt.plural != "namespaces" {
        let (ns, name) = (
            store::namespace_of(&new).to_string(),
            store::name_of(&new).to_string(),
        );
        return Ok(store.remove(rt, &ns, &name).unwrap_or(new));
    }
    let stored = store.put(rt, new);
    controllers::schedule(state, rt, &stored);
    Ok(stored)
}
