//! Create (POST), replace (PUT) and merge or JSON patches (PATCH): the writes that are
//! not server-side apply. Each is an "update" for field ownership: the writer's manager
//! takes the fields it changed.

use crate::commit::{self, WriteOptions, commit};
use crate::managed;
use crate::route::Target;
use crate::state::State;
use crate::status::{self, Failure};
use serde_json::{Value, json};
use std::sync::Arc;

/// Parses a JSON request body into an object.
pub fn parse_object(body: &[u8]) -> Result<Value, Failure> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| status::bad_request(format!("error decoding request body: {e}")))?;
    if !v.is_object() {
        return Err(status::bad_request(
            "the request body must be a JSON object".into(),
        ));
    }
    Ok(v)
}

/// Puts the request's namespace into the object, refusing a different one.
pub fn place(obj: &mut Value, t: &Target) -> Result<(), Failure> {
    if !t.rt.namespaced {
        return Ok(());
    }
    match obj.pointer("/metadata/namespace").and_then(Value::as_str) {
        Some(ns) if !ns.is_empty() && ns != t.namespace => Err(status::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request"
                .into(),
        )),
        _ => {
            obj["metadata"]["namespace"] = json!(t.namespace);
            Ok(())
        }
    }
}

/// Checks that the object's name is the one on the URL.
pub fn check_name(t: &Target, obj: &Value) -> Result<(), Failure> {
    let name = crate::store::name_of(obj);
    if name == t.name {
        return Ok(());
    }
    let msg = format!(
        "the name of the object ({name}) does not match the name on the URL ({})",
        t.name
    );
    Err(status::bad_request(msg))
}

/// Checks an object's `metadata.resourceVersion` precondition against the stored object.
pub fn check_version(t: &Target, obj: &Value, stored: &Value) -> Result<(), Failure> {
    let wanted = obj
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str);
    let have = stored
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str);
    match wanted {
        Some(w) if !w.is_empty() && Some(w) != have => {
            Err(status::conflict(t.rt, &t.name, status::MODIFIED))
        }
        _ => Ok(()),
    }
}

/// The request body as an object in the request's namespace.
fn incoming(t: &Target, body: &[u8]) -> Result<Value, Failure> {
    let mut obj = parse_object(body)?;
    place(&mut obj, t)?;
    Ok(obj)
}

/// POST to a collection: 201 with the new object, 409 AlreadyExists when taken.
pub fn create(
    state: &Arc<State>,
    t: &Target,
    body: &[u8],
    opts: &WriteOptions,
) -> Result<(u16, Value), Failure> {
    let mut obj = incoming(t, body)?;
    let name = crate::store::name_of(&obj).to_string();
    let mut store = state.store();
    commit::check_namespace(&store, t.rt, &t.namespace, &name)?;
    if store.get(t.rt, &t.namespace, &name).is_some() {
        return Err(status::already_exists(t.rt, &name));
    }
    if let Some(m) = obj["metadata"].as_object_mut() {
        m.remove("resourceVersion");
    }
    managed::record_update(&mut obj, &Value::Null, &opts.manager, &t.rt.api_version());
    Ok((201, commit(state, &mut store, t.rt, None, obj, opts)?))
}

/// PUT to an object: replaces it whole; 409 Conflict on a stale `resourceVersion`.
pub fn replace(
    state: &Arc<State>,
    t: &Target,
    body: &[u8],
    opts: &WriteOptions,
) -> Result<(u16, Value), Failure> {
    let mut obj = incoming(t, body)?;
    check_name(t, &obj)?;
    let mut store = state.store();
    let old = store
        .get(t.rt, &t.namespace, &t.name)
        .cloned()
        .ok_or_else(|| status::not_found(t.rt, &t.name))?;
    check_version(t, &obj, &old)?;
    // A replace that leaves managedFields out keeps the recorded ownership.
    if obj.pointer("/metadata/managedFields").is_none() {
        obj["metadata"]["managedFields"] = old["metadata"]["managedFields"].clone();
    }
    managed::record_update(&mut obj, &old, &opts.manager, &t.rt.api_version());
    Ok((200, commit(state, &mut store, t.rt, Some(&old), obj, opts)?))
}

/// PATCH with a merge patch (RFC 7386; strategic merge patches are treated the same) or
/// a JSON patch (RFC 6902).
pub fn patch(
    state: &Arc<State>,
    t: &Target,
    body: &[u8],
    json_patch: bool,
    opts: &WriteOptions,
) -> Result<(u16, Value), Failure> {
    let patch: Value = serde_json::from_slice(body)
        .map_err(|e| status::bad_request(format!("error decoding patch: {e}")))?;
    let mut store = state.store();
    let old = store
        .get(t.rt, &t.namespace, &t.name)
        .cloned()
        .ok_or_else(|| status::not_found(t.rt, &t.name))?;
    let mut obj = old.clone();
    if json_patch {
        let ops: json_patch::Patch = serde_json::from_value(patch)
            .map_err(|e| status::bad_request(format!("error decoding JSON patch: {e}")))?;
        json_patch::patch(&mut obj, &ops).map_err(|e| status::bad_request(e.to_string()))?;
    } else {
        check_version(t, &patch, &old)?;
        json_patch::merge(&mut obj, &patch);
    }
    place(&mut obj, t)?;
    obj["metadata"]["name"] = json!(t.name);
    managed::record_update(&mut obj, &old, &opts.manager, &t.rt.api_version());
    Ok((200, commit(state, &mut store, t.rt, Some(&old), obj, opts)?))
}
