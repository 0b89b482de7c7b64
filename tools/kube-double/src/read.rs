//! GET of one object, LIST with selectors and pagination, and WATCH: newline-separated
//! `{"type","object"}` events in one chunked response, from a `resourceVersion`, ending
//! after `timeoutSeconds`.

use crate::route::Target;
use crate::selector::{self, Selector};
use crate::state::State;
use crate::status::{self, Failure};
use crate::store::{self, Event};
use bytes::Bytes;
use http_body_util::channel::Channel;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// A watch ends after this long when the client sets no `timeoutSeconds` (the server's
/// `--min-request-timeout` is 1800 s; watches there last between one and two of it).
const DEFAULT_WATCH: Duration = Duration::from_secs(1800);

/// GET of one object.
pub fn get(state: &Arc<State>, t: &Target) -> Result<(u16, Value), Failure> {
    let store = state.store();
    let obj = store
        .get(t.rt, &t.namespace, &t.name)
        .ok_or_else(|| status::not_found(t.rt, &t.name))?;
    Ok((200, obj.clone()))
}

fn selector_of(params: &HashMap<String, String>) -> Result<Selector, Failure> {
    let labels = params.get("labelSelector").map(String::as_str);
    let fields = params.get("fieldSelector").map(String::as_str);
    selector::parse(labels, fields).map_err(status::bad_request)
}

/// LIST: a `<Kind>List` with `metadata.resourceVersion`; `limit` and `continue` page
/// through it (the continue token is the offset of the next item).
pub fn list(
    state: &Arc<State>,
    t: &Target,
    params: &HashMap<String, String>,
) -> Result<(u16, Value), Failure> {
    let sel = selector_of(params)?;
    let store = state.store();
    let all: Vec<&Value> = store
        .list(t.rt, &t.namespace)
        .into_iter()
        .filter(|o| sel.matches(o))
        .collect();
    let start: usize = match params.get("continue").filter(|c| !c.is_empty()) {
        Some(c) => c
            .parse()
            .map_err(|_| status::bad_request(format!("invalid continue token {c:?}")))?,
        None => 0,
    };
    let limit = params
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0);
    let end = limit.map_or(all.len(), |l| (start + l).min(all.len()));
    let items: Vec<Value> = all
        .get(start..end)
        .unwrap_or_default()
        .iter()
        .map(|o| {
            let mut item = (*o).clone();
            if let Some(m) = item.as_object_mut() {
                m.remove("apiVersion");
                m.remove("kind");
            }
            item
        })
        .collect();
    let mut meta = json!({"resourceVersion": store.revision().to_string()});
    if end < all.len() {
        meta["continue"] = json!(end.to_string());
        meta["remainingItemCount"] = json!(all.len() - end);
    }
    let kind = format!("{}List", t.rt.kind);
    Ok((
        200,
        json!({"kind": kind, "apiVersion": t.rt.api_version(), "metadata": meta, "items": items}),
    ))
}

fn line(kind: &str, object: &Value) -> Bytes {
    let mut s = serde_json::to_string(&json!({"type": kind, "object": object}))
        .expect("JSON values serialise");
    s.push('\n');
    Bytes::from(s)
}

/// WATCH: starts streaming events for the target's type and namespace that match the
/// selectors. Without a `resourceVersion` (or with `0`) the existing objects come first as
/// `ADDED` events; with one, the changes after it (410 Gone when too old).
pub fn watch(
    state: &Arc<State>,
    t: &Target,
    params: &HashMap<String, String>,
) -> Result<Channel<Bytes>, Failure> {
    let sel = selector_of(params)?;
    let rv_param = params
        .get("resourceVersion")
        .filter(|v| !v.is_empty() && *v != "0");
    let timeout = params
        .get("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(DEFAULT_WATCH, Duration::from_secs);
    let (rt, ns) = (t.rt, t.namespace.clone());
    // What a watcher of this selection sees of an event, as the server's watch cache
    // decides it: an object entering the selection is ADDED, one leaving it DELETED.
    let seen = move |e: &Event| -> Option<&'static str> {
        let inside = |o: &Value| {
            e.rt == rt && (ns.is_empty() || store::namespace_of(o) == ns) && sel.matches(o)
        };
        let before = e.previous.as_ref().is_some_and(inside);
        match (e.kind, before, inside(&e.object)) {
            ("MODIFIED", true, true) => Some("MODIFIED"),
            ("MODIFIED", false, true) => Some("ADDED"),
            ("MODIFIED", true, false) => Some("DELETED"),
            (kind, _, true) if kind != "MODIFIED" => Some(kind),
            _ => None,
        }
    };
    let (first, mut rx) = {
        let store = state.store();
        match rv_param {
            Some(v) => {
                let rv: u64 = v
                    .parse()
                    .map_err(|_| status::bad_request(format!("invalid resourceVersion {v:?}")))?;
                let (backlog, rx) = store
                    .watch_from(rv)
                    .map_err(|oldest| status::gone(rv, oldest))?;
                let lines: Vec<Bytes> = backlog
                    .iter()
                    .filter_map(|e| seen(e).map(|kind| line(kind, &e.object)))
                    .collect();
                (lines, rx)
            }
            None => {
                let (_, rx) = store
                    .watch_from(store.revision())
                    .map_err(|o| status::gone(o, o))?;
                let existing = store.list(t.rt, &t.namespace);
                let lines = existing
                    .into_iter()
                    .map(|o| Event {
                        rt,
                        kind: "ADDED",
                        object: o.clone(),
                        previous: None,
                        rv: 0,
                    })
                    .filter_map(|e| seen(&e).map(|kind| line(kind, &e.object)))
                    .collect();
                (lines, rx)
            }
        }
    };
    let (mut tx, body) = Channel::new(16);
    tokio::spawn(async move {
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        for l in first {
            if tx.send_data(l).await.is_err() {
                return;
            }
        }
        loop {
            let event = tokio::select! {
                _ = &mut deadline => return,
                e = rx.recv() => e,
            };
            let out = match event {
                Ok(e) => match seen(&e) {
                    Some(kind) => line(kind, &e.object),
                    None => continue,
                },
                Err(RecvError::Lagged(_)) => {
                    // Too far behind to replay: the client must list again.
                    let _ = tx.send_data(line("ERROR", &status::gone(0, 0).body)).await;
                    return;
                }
                Err(RecvError::Closed) => return,
            };
            if tx.send_data(out).await.is_err() {
                return;
            }
        }
    });
    Ok(body)
}
