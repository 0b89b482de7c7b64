//! DELETE with `propagationPolicy` (Foreground, Background, Orphan), preconditions and
//! finalizers, the garbage collection of dependents (objects whose `ownerReferences`
//! name the deleted one), and namespace termination.

use crate::catalog::{self, ResourceType};
use crate::route::Target;
use crate::selector;
use crate::state::State;
use crate::status::{self, Failure};
use crate::store::{self, Store};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// The deletion options, from the `DeleteOptions` body or the query string.
struct DeleteOptions {
    policy: String,
    uid: Option<String>,
    resource_version: Option<String>,
    dry_run: bool,
}

fn options(params: &HashMap<String, String>, body: &[u8]) -> Result<DeleteOptions, Failure> {
    let b: Value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(body)
            .map_err(|e| status::bad_request(format!("error decoding DeleteOptions: {e}")))?
    };
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let policy = text(b.get("propagationPolicy"))
        .or_else(|| params.get("propagationPolicy").cloned())
        .unwrap_or_else(|| "Background".into());
    if !matches!(policy.as_str(), "Foreground" | "Background" | "Orphan") {
        return Err(status::bad_request(format!(
            "invalid propagationPolicy {policy:?}"
        )));
    }
    let dry_run = b
        .get("dryRun")
        .is_some_and(|d| d.as_array().is_some_and(|a| !a.is_empty()))
        || params.get("dryRun").is_some_and(|d| d == "All");
    Ok(DeleteOptions {
        policy,
        uid: text(b.pointer("/preconditions/uid")),
        resource_version: text(b.pointer("/preconditions/resourceVersion")),
        dry_run,
    })
}

/// DELETE of one object: 200 with the object while its deletion waits (Foreground,
/// finalizers, namespaces), 200 with a `Success` Status once gone.
pub fn delete(
    state: &Arc<State>,
    t: &Target,
    params: &HashMap<String, String>,
    body: &[u8],
) -> Result<(u16, Value), Failure> {
    let opts = options(params, body)?;
    let mut store = state.store();
    let obj = store
        .get(t.rt, &t.namespace, &t.name)
        .cloned()
        .ok_or_else(|| status::not_found(t.rt, &t.name))?;
    let uid = store::uid_of(&obj).to_string();
    if let Some(want) = opts.uid.as_deref().filter(|w| *w != uid) {
        let why =
            format!("Precondition failed: UID in precondition: {want}, UID in object meta: {uid}");
        return Err(status::conflict(t.rt, &t.name, &why));
    }
    let rv = obj
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Some(want) = opts.resource_version.as_deref().filter(|w| *w != rv) {
        let why = format!(
            "Precondition failed: ResourceVersion in precondition: {want}, ResourceVersion in object meta: {rv}"
        );
        return Err(status::conflict(t.rt, &t.name, &why));
    }
    if opts.dry_run || obj.pointer("/metadata/deletionTimestamp").is_some() {
        return Ok((200, obj));
    }
    let mut marked = obj.clone();
    marked["metadata"]["deletionTimestamp"] = json!(store::now());
    marked["metadata"]["deletionGracePeriodSeconds"] = json!(0);
    let finalizers = marked["metadata"]["finalizers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if t.rt.plural == "namespaces" {
        marked["status"]["phase"] = json!("Terminating");
        let stored = store.put(t.rt, marked);
        drop(store);
        tokio::spawn(terminate_namespace(Arc::clone(state), t.name.clone()));
        return Ok((200, stored));
    }
    if opts.policy == "Foreground" {
        let mut f = finalizers;
        f.push(json!("foregroundDeletion"));
        marked["metadata"]["finalizers"] = Value::Array(f);
        let stored = store.put(t.rt, marked);
        drop(store);
        tokio::spawn(foreground(Arc::clone(state), t.clone(), uid));
        return Ok((200, stored));
    }
    if opts.policy == "Orphan" {
        orphan(&mut store, &uid);
    }
    if !finalizers.is_empty() {
        return Ok((200, store.put(t.rt, marked)));
    }
    store.remove(t.rt, &t.namespace, &t.name);
    if opts.policy == "Background" {
        drop(store);
        tokio::spawn(collect_later(Arc::clone(state), uid.clone()));
    }
    Ok((200, status::deleted(t.rt, &t.name, &uid)))
}

/// DELETE of a collection (with selectors): deletes each match in the background and
/// returns the list of what was deleted.
pub fn delete_collection(
    state: &Arc<State>,
    t: &Target,
    params: &HashMap<String, String>,
) -> Result<(u16, Value), Failure> {
    let labels = params.get("labelSelector").map(String::as_str);
    let fields = params.get("fieldSelector").map(String::as_str);
    let sel = selector::parse(labels, fields).map_err(status::bad_request)?;
    let mut store = state.store();
    let doomed: Vec<Value> = store
        .list(t.rt, &t.namespace)
        .into_iter()
        .filter(|o| sel.matches(o))
        .cloned()
        .collect();
    let mut items = Vec::new();
    for o in doomed {
        let (ns, name) = (
            store::namespace_of(&o).to_string(),
            store::name_of(&o).to_string(),
        );
        remove_tree(&mut store, t.rt, &ns, &name);
        items.push(o);
    }
    let meta = json!({"resourceVersion": store.revision().to_string()});
    Ok((
        200,
        json!({"kind": format!("{}List", t.rt.kind), "apiVersion": t.rt.api_version(), "metadata": meta, "items": items}),
    ))
}

/// Removes the owner references to `uid` from its dependents.
fn orphan(store: &mut Store, uid: &str) {
    for (rt, mut dep) in store.dependents(uid) {
        if let Some(refs) = dep["metadata"]["ownerReferences"].as_array_mut() {
            refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(uid));
        }
        store.put(rt, dep);
    }
}

/// Removes an object and, depth first, everything that it owns.
fn remove_tree(store: &mut Store, rt: &'static ResourceType, ns: &str, name: &str) {
    let Some(obj) = store.remove(rt, ns, name) else {
        return;
    };
    remove_dependents(store, store::uid_of(&obj));
}

fn remove_dependents(store: &mut Store, uid: &str) {
    for (rt, dep) in store.dependents(uid) {
        remove_tree(store, rt, store::namespace_of(&dep), store::name_of(&dep));
    }
}

/// Background propagation: the garbage collector deletes the dependents shortly after.
async fn collect_later(state: Arc<State>, uid: String) {
    let delay = state.knobs().gc_delay;
    tokio::time::sleep(delay).await;
    remove_dependents(&mut state.store(), &uid);
}

/// Foreground propagation: dependents go first, then the `foregroundDeletion`
/// finalizer, then the object when no other finalizer holds it.
async fn foreground(state: Arc<State>, t: Target, uid: String) {
    let delay = state.knobs().gc_delay;
    tokio::time::sleep(delay).await;
    let mut store = state.store();
    remove_dependents(&mut store, &uid);
    let Some(mut obj) = store.get(t.rt, &t.namespace, &t.name).cloned() else {
        return;
    };
    if store::uid_of(&obj) != uid {
        return;
    }
    let list = obj["metadata"]["finalizers"].as_array_mut();
    let left = list.map_or(0, |f| {
        f.retain(|x| x != "foregroundDeletion");
        f.len()
    });
    if left == 0 {
        store.remove(t.rt, &t.namespace, &t.name);
    } else {
        store.put(t.rt, obj);
    }
}

/// Namespace termination: after the delay, everything in it goes, then the namespace.
async fn terminate_namespace(state: Arc<State>, name: String) {
    let delay = state.knobs().namespace_delay;
    tokio::time::sleep(delay).await;
    let mut store = state.store();
    for (rt, obj) in store.in_namespace(&name) {
        remove_tree(&mut store, rt, &name, store::name_of(&obj));
    }
    let ns_rt = catalog::find("", "v1", "namespaces").expect("namespaces are served");
    store.remove(ns_rt, "", &name);
}
