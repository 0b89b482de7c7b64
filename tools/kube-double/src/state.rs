//! The double's shared state: the store, the test knobs, the bearer token.

use crate::store::Store;
use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Behaviour a test can change while the double runs.
#[derive(Debug, Clone)]
pub struct Knobs {
    /// How long each replica of a Deployment or StatefulSet rollout takes to become ready
    /// (200 ms; a rollout of N replicas finishes after N of these).
    pub rollout_delay: Duration,
    /// How long a Job takes to complete (200 ms).
    pub job_delay: Duration,
    /// How long the garbage collector takes to delete dependents (100 ms).
    pub gc_delay: Duration,
    /// How long a deleted namespace stays `Terminating` (200 ms).
    pub namespace_delay: Duration,
    held: HashSet<(String, String, String)>,
    forbidden: HashSet<String>,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            rollout_delay: Duration::from_millis(200),
            job_delay: Duration::from_millis(200),
            gc_delay: Duration::from_millis(100),
            namespace_delay: Duration::from_millis(200),
            held: HashSet::new(),
            forbidden: HashSet::new(),
        }
    }
}

impl Knobs {
    /// Holds an object (by plural resource, namespace, name): a held Deployment or
    /// StatefulSet never becomes available, a held Job never completes.
    pub fn hold(&mut self, plural: &str, namespace: &str, name: &str) {
        self.held
            .insert((plural.into(), namespace.into(), name.into()));
    }

    /// Whether an object is held.
    pub fn is_held(&self, plural: &str, namespace: &str, name: &str) -> bool {
        self.held
            .contains(&(plural.into(), namespace.into(), name.into()))
    }

    /// Makes every request in a namespace (and on the namespace object) fail with 403.
    pub fn forbid_namespace(&mut self, namespace: &str) {
        self.forbidden.insert(namespace.into());
    }

    /// Whether a namespace is forbidden.
    pub fn is_forbidden(&self, namespace: &str) -> bool {
        self.forbidden.contains(namespace)
    }
}

/// One request to a resource (not discovery), as the request log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Its RBAC verb: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete` or
    /// `deletecollection`.
    pub verb: &'static str,
    /// Its path without the query (`/apis/apps/v1/deployments`).
    pub path: String,
}

/// Everything the server's tasks share (no `Debug`: it holds the bearer token).
pub struct State {
    store: Mutex<Store>,
    knobs: Mutex<Knobs>,
    requests: Mutex<Vec<Request>>,
    /// The bearer token clients must send.
    pub token: String,
    /// The user name the token authenticates (shown in Forbidden messages).
    pub user: String,
}

impl State {
    /// A fresh state with an empty store.
    pub fn new(token: String, user: String) -> Self {
        State {
            store: Mutex::default(),
            knobs: Mutex::default(),
            requests: Mutex::default(),
            token,
            user,
        }
    }

    /// The store, locked.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The request log, locked: every request to a resource, in the order received.
    pub fn requests(&self) -> MutexGuard<'_, Vec<Request>> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The knobs, locked.
    pub fn knobs(&self) -> MutexGuard<'_, Knobs> {
        self.knobs.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
