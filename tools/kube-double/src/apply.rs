//! Server-side apply (`PATCH` with `application/apply-patch+yaml`): create when absent,
//! merge the applied configuration, field ownership with conflicts and `force`, and the
//! removal of fields the manager applied before and omits now.
//!
//! Ownership follows structured-merge-diff's rules on a simplified field model (lists are
//! atomic): see docs/providers/kubernetes-double.md.

use crate::commit::{self, WriteOptions, commit};
use crate::fields::{self, FieldSet};
use crate::managed;
use crate::route::Target;
use crate::state::State;
use crate::status::{self, Failure};
use crate::writes::{check_name, check_version, place};
use serde_json::{Value, json};
use std::sync::Arc;

/// Parses the applied configuration (YAML, of which JSON is a subset).
fn parse_config(body: &[u8]) -> Result<Value, Failure> {
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => serde_saphyr::from_slice(body)
            .map_err(|e| status::bad_request(format!("error decoding YAML: {e}")))?,
    };
    if !v.is_object() {
        return Err(status::bad_request(
            "the applied configuration must be an object".into(),
        ));
    }
    Ok(v)
}

/// The applied configuration's checks: its `apiVersion`, `kind` and name must be the
/// request's.
fn check_identity(t: &Target, cfg: &Value) -> Result<(), Failure> {
    let api_version = cfg
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = cfg.get("kind").and_then(Value::as_str).unwrap_or_default();
    if api_version != t.rt.api_version() || kind != t.rt.kind {
        let msg = format!(
            "the apiVersion and kind of the applied object ({api_version}, {kind}) do not match the request ({}, {})",
            t.rt.api_version(),
            t.rt.kind
        );
        return Err(status::bad_request(msg));
    }
    check_name(t, cfg)
}

/// Applies `body` as `opts.manager`: 201 with the object when created, 200 when updated,
/// 409 with the conflicting fields and their managers unless `opts.force`.
pub fn apply(
    state: &Arc<State>,
    t: &Target,
    body: &[u8],
    opts: &WriteOptions,
) -> Result<(u16, Value), Failure> {
    let mut cfg = parse_config(body)?;
    check_identity(t, &cfg)?;
    place(&mut cfg, t)?;
    if let Some(m) = cfg.as_object_mut() {
        m.remove("status");
    }
    let mut store = state.store();
    let live = store.get(t.rt, &t.namespace, &t.name).cloned();
    match &live {
        Some(l) => check_version(t, &cfg, l)?,
        None => commit::check_namespace(&store, t.rt, &t.namespace, &t.name)?,
    }
    let api_version = t.rt.api_version();
    let applied = fields::leaves(&cfg);
    let base_obj = live.clone().unwrap_or_else(|| json!({"metadata": {}}));
    let mut entries = managed::entries(&base_obj);
    let mine = |e: &managed::Entry| e.manager == opts.manager && e.operation == "Apply";

    let mut conflicts: Vec<(String, String)> = Vec::new();
    for e in entries.iter().filter(|e| !mine(e)) {
        for q in &e.fields {
            let clash = applied.iter().any(|p| {
                fields::overlaps(p, q) && fields::get(&base_obj, p) != fields::get(&cfg, p)
            });
            if clash && !conflicts.contains(&(e.manager.clone(), fields::display(q))) {
                conflicts.push((e.manager.clone(), fields::display(q)));
            }
        }
    }
    if !conflicts.is_empty() && !opts.force {
        return Err(status::apply_conflict(&api_version, &conflicts));
    }
    // Forced: the other managers lose the fields whose values this apply changes.
    for e in entries.iter_mut().filter(|e| !mine(e)) {
        e.fields.retain(|q| {
            !applied.iter().any(|p| {
                fields::overlaps(p, q) && fields::get(&base_obj, p) != fields::get(&cfg, p)
            })
        });
    }

    let previous: FieldSet = entries
        .iter()
        .find(|e| mine(e))
        .map(|e| e.fields.clone())
        .unwrap_or_default();
    let mut obj = base_obj.clone();
    for p in previous.difference(&applied) {
        let shared = entries
            .iter()
            .any(|e| !mine(e) && e.fields.iter().any(|q| fields::overlaps(p, q)));
        if !shared {
            fields::remove(&mut obj, p);
        }
    }
    for p in &applied {
        let value = fields::get(&cfg, p).cloned().unwrap_or(Value::Null);
        fields::set(&mut obj, p, value);
    }
    obj["metadata"]["name"] = json!(t.name);
    if t.rt.namespaced {
        obj["metadata"]["namespace"] = json!(t.namespace);
    }
    managed::entry_mut(&mut entries, &opts.manager, "Apply", &api_version).fields = applied;
    managed::store(&mut obj, &entries);
    let code = if live.is_some() { 200 } else { 201 };
    Ok((
        code,
        commit(state, &mut store, t.rt, live.as_ref(), obj, opts)?,
    ))
}
