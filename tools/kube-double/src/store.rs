//! The object store: every object as JSON under (group, resource, namespace, name), a
//! global `resourceVersion` counter, and the event history that watches replay.

use crate::catalog::ResourceType;
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use tokio::sync::broadcast;

/// How many events watches can replay; older `resourceVersion`s get 410 Gone.
const HISTORY: usize = 10_000;

/// A watch event: `ADDED`, `MODIFIED` or `DELETED` with the object after the change.
#[derive(Debug, Clone)]
pub struct Event {
    /// The object's type.
    pub rt: &'static ResourceType,
    /// `ADDED`, `MODIFIED` or `DELETED`.
    pub kind: &'static str,
    /// The object (for `DELETED`, its last state with the deletion's `resourceVersion`).
    pub object: Value,
    /// The object before a `MODIFIED` change (watches with selectors need it).
    pub previous: Option<Value>,
    /// The event's `resourceVersion`.
    pub rv: u64,
}

type Key = (&'static str, &'static str, String, String);

/// All objects and the change history.
#[derive(Debug)]
pub struct Store {
    objects: BTreeMap<Key, Value>,
    rv: u64,
    history: VecDeque<Event>,
    tx: broadcast::Sender<Event>,
}

/// The current time as the API server writes timestamps (RFC 3339, whole seconds, UTC).
pub fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The object's `metadata.namespace` (empty when cluster-scoped).
pub fn namespace_of(obj: &Value) -> &str {
    obj.pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The object's `metadata.name`.
pub fn name_of(obj: &Value) -> &str {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The object's `metadata.uid`.
pub fn uid_of(obj: &Value) -> &str {
    obj.pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn key(rt: &'static ResourceType, ns: &str, name: &str) -> Key {
    (rt.group, rt.plural, ns.to_string(), name.to_string())
}

impl Default for Store {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(1024);
        Store {
            objects: BTreeMap::new(),
            rv: 1,
            history: VecDeque::new(),
            tx,
        }
    }
}

impl Store {
    /// The latest `resourceVersion` handed out.
    pub fn revision(&self) -> u64 {
        self.rv
    }

    /// One object.
    pub fn get(&self, rt: &'static ResourceType, ns: &str, name: &str) -> Option<&Value> {
        self.objects.get(&key(rt, ns, name))
    }

    /// The objects of a type, in one namespace or (`ns` empty) all, ordered by
    /// namespace then name as the server lists them.
    pub fn list(&self, rt: &'static ResourceType, ns: &str) -> Vec<&Value> {
        self.objects
            .iter()
            .filter(|((g, p, n, _), _)| {
                *g == rt.group && *p == rt.plural && (ns.is_empty() || n == ns)
            })
            .map(|(_, v)| v)
            .collect()
    }

    /// Every namespaced object in a namespace, with its type.
    pub fn in_namespace(&self, ns: &str) -> Vec<(&'static ResourceType, Value)> {
        crate::catalog::RESOURCES
            .iter()
            .filter(|rt| rt.namespaced)
            .flat_map(|rt| self.list(rt, ns).into_iter().map(move |v| (rt, v.clone())))
            .collect()
    }

    /// Every object with an owner reference to `uid`, with its type.
    pub fn dependents(&self, uid: &str) -> Vec<(&'static ResourceType, Value)> {
        crate::catalog::RESOURCES
            .iter()
            .flat_map(|rt| self.list(rt, "").into_iter().map(move |v| (rt, v.clone())))
            .filter(|(_, v)| {
                let refs = v
                    .pointer("/metadata/ownerReferences")
                    .and_then(Value::as_array);
                refs.into_iter()
                    .flatten()
                    .any(|r| r.get("uid").and_then(Value::as_str) == Some(uid))
            })
            .collect()
    }

    /// Stores an object (new or changed) under a fresh `resourceVersion`, records the
    /// event and returns the stored object.
    pub fn put(&mut self, rt: &'static ResourceType, mut obj: Value) -> Value {
        self.rv += 1;
        obj["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        let k = key(rt, namespace_of(&obj), name_of(&obj));
        let previous = self.objects.insert(k, obj.clone());
        let kind = if previous.is_some() {
            "MODIFIED"
        } else {
            "ADDED"
        };
        self.record(Event {
            rt,
            kind,
            object: obj.clone(),
            previous,
            rv: self.rv,
        });
        obj
    }

    /// Removes an object, records the `DELETED` event and returns its last state.
    pub fn remove(&mut self, rt: &'static ResourceType, ns: &str, name: &str) -> Option<Value> {
        let mut obj = self.objects.remove(&key(rt, ns, name))?;
        self.rv += 1;
        obj["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        self.record(Event {
            rt,
            kind: "DELETED",
            object: obj.clone(),
            previous: None,
            rv: self.rv,
        });
        Some(obj)
    }

    fn record(&mut self, event: Event) {
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(event.clone());
        // No receiver is not an error: nobody is watching.
        let _ = self.tx.send(event);
    }

    /// The events after `rv` still in the history, and a receiver for the ones to come;
    /// `Err(oldest)` when events after `rv` have already been dropped.
    pub fn watch_from(&self, rv: u64) -> Result<(Vec<Event>, broadcast::Receiver<Event>), u64> {
        let oldest = self.history.front().map_or(self.rv, |e| e.rv);
        if rv + 1 < oldest {
            return Err(oldest);
        }
        let backlog = self.history.iter().filter(|e| e.rv > rv).cloned().collect();
        Ok((backlog, self.tx.subscribe()))
    }
}
