//! Refresh: read every object from its provider and record what changed outside Strata.

use std::collections::BTreeMap;
use std::sync::Arc;

use blueprint::Diagnostic;
use tokio::sync::Semaphore;

use super::Drift;
use super::attrs::changed;
use crate::provider::{Attrs, Providers, ReadRequest};
use crate::state::{Object, State};

/// Reads every object of `state` from its provider, at most `parallelism` reads at once.
/// Returns the refreshed state (objects found gone are dropped, the others carry what the
/// provider reports), the drift found (only attributes the blueprint describes count), and
/// problems (a provider this run does not have, a failed read).
pub async fn refresh(
    state: &State,
    providers: &Providers,
    parallelism: usize,
) -> (State, Vec<Drift>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let limit = Arc::new(Semaphore::new(parallelism.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, object) in state.objects.iter().enumerate() {
        let Some(provider) = providers.get(&object.provider).cloned() else {
            diags.push(Diagnostic::error(
                None,
                format!("No provider \"{}\" for {}", object.provider, object.address),
                "The state says this object is managed by a provider this run does not have configured.",
            ));
            continue;
        };
        let request = ReadRequest {
            address: object.address.clone(),
            kind: object.kind.clone(),
            id: object.id.clone(),
        };
        let limit = limit.clone();
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            (i, provider.read(request).await)
        });
    }
    let mut read: BTreeMap<usize, Option<Attrs>> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok((i, response)) = done {
            diags.extend(response.diagnostics);
            read.insert(i, response.attrs);
        }
    }
    let mut refreshed = state.clone();
    let mut drift = Vec::new();
    let mut keep = Vec::with_capacity(state.objects.len());
    for (i, object) in state.objects.iter().enumerate() {
        match read.remove(&i) {
            Some(None) => drift.push(drifted(object, None)),
            Some(Some(attrs)) => {
                if !changed(&object.kind, &attrs, &object.attributes, &[], &[]).is_empty() {
                    drift.push(drifted(object, Some(attrs.clone())));
                }
                keep.push(Object {
                    attributes: attrs,
                    ..object.clone()
                });
            }
            None => keep.push(object.clone()),
        }
    }
    refreshed.objects = keep;
    (refreshed, drift, diags)
}

fn drifted(object: &Object, after: Option<Attrs>) -> Drift {
    Drift {
        sensitive: object.sensitive.clone(),
        address: object.address.clone(),
        kind: object.kind.clone(),
        before: object.attributes.clone(),
        after,
    }
}
