//! Refresh: read every object from its provider and record what changed outside Strata.

use std::collections::BTreeMap;
use std::sync::Arc;

use blueprint::Diagnostic;

use super::Drift;
use super::attrs::changed;
use crate::provider::{Attrs, Provider, Providers, ReadRequest};
use crate::state::{Object, State};

/// One provider's objects: the provider, the objects' indexes in the state, their reads.
type Group = (Arc<dyn Provider>, Vec<usize>, Vec<ReadRequest>);

/// Reads every object of `state` from its provider: each provider gets its objects in one
/// `read_many` call (at most `parallelism` reads at once where it reads one by one; a
/// provider with bulk listing reads each kind once), the providers at the same time.
/// Returns the refreshed state (objects found gone are dropped, the others carry what the
/// provider reports), the drift found (only attributes the blueprint describes count), and
/// problems (a provider this run does not have, a failed read). Objects of a provider
/// deferred until the apply ([`Providers::deferred`]) are left as the state has them.
pub async fn refresh(
    state: &State,
    providers: &Providers,
    parallelism: usize,
) -> (State, Vec<Drift>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut groups: BTreeMap<&str, Group> = BTreeMap::new();
    for (i, object) in state.objects.iter().enumerate() {
        // A provider configured during the apply cannot read yet; the plan says so
        // (`late::unreadable`) unless it does not refresh.
        if providers.deferred(&object.provider).is_some() {
            continue;
        }
        let Some(provider) = providers.get(&object.provider).cloned() else {
            diags.push(Diagnostic::error(
                None,
                format!("No provider \"{}\" for {}", object.provider, object.address),
                "The state says this object is managed by a provider this run does not have configured.",
            ));
            continue;
        };
        let group = groups
            .entry(object.provider.as_str())
            .or_insert_with(|| (provider, Vec::new(), Vec::new()));
        group.1.push(i);
        group.2.push(ReadRequest {
            address: object.address.clone(),
            kind: object.kind.clone(),
            id: object.id.clone(),
            prior: object.attributes.clone(),
        });
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (_, (provider, indexes, requests)) in groups {
        tasks.spawn(async move {
            let responses = provider.read_many(requests, parallelism).await;
            indexes.into_iter().zip(responses).collect::<Vec<_>>()
        });
    }
    let mut read: BTreeMap<usize, Option<Attrs>> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        for (i, response) in done.into_iter().flatten() {
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
                // A secret the state holds as a digest (no state key) is unchanged when the
                // provider reads back the value it stands for.
                let mut before = object.attributes.clone();
                crate::state::restore(&mut before, &object.sensitive, &attrs);
                if !changed(&object.kind, &attrs, &before, &[], &[]).is_empty() {
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
