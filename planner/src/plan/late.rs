//! Providers configured late: the plan's rules for a provider configuration whose settings
//! read resources (Terraform's provider dependencies), and for one deferred until the
//! apply has written them ([`Deferred`]).
//!
//! - A resource depends on what its provider's configuration reads, as on what its own
//!   attributes read: its create or update comes after theirs, its delete before theirs.
//! - A configuration that reads a resource it manages can never be configured: an error
//!   naming both.
//! - A deferred provider reads nothing at plan time. Its new objects plan as creates
//!   without a provider call; objects it already has cannot be refreshed, which is an
//!   error saying what to apply first, unless the plan does not refresh (`-refresh=false`,
//!   as Terraform then plans them from the state).

use std::collections::{BTreeMap, HashMap};

use blueprint::providers::{Deferred, key};
use blueprint::{Address, Config, Diagnostic};

use super::Change;
use super::attrs::provider_of;
use crate::provider::{KindSchema, Providers, blueprint_schema};

/// What each provider configuration's settings read, by configuration name
/// (`kubernetes.prod`): managed resource instances, sorted, without repeats.
pub fn provider_dependencies(config: &Config) -> HashMap<String, Vec<Address>> {
    let managed = |a: &Address| config.instance(a).is_some_and(|i| i.managed);
    config
        .providers
        .iter()
        .map(|p| {
            let mut read: Vec<Address> = p
                .references
                .values()
                .flatten()
                .filter(|a| managed(a))
                .cloned()
                .collect();
            read.sort();
            read.dedup();
            (key(&p.name, p.alias.as_deref()), read)
        })
        .collect()
}

/// An error for each configuration that reads a resource it manages itself: the provider
/// would have to be configured before that resource exists and after it.
pub fn cycles(config: &Config, dependencies: &HashMap<String, Vec<Address>>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for p in &config.providers {
        let name = key(&p.name, p.alias.as_deref());
        let own: Vec<String> = dependencies
            .get(&name)
            .into_iter()
            .flatten()
            .filter_map(|a| config.instance(a))
            .filter(|i| provider_of(i) == name)
            .map(|i| i.address.to_string())
            .collect();
        if own.is_empty() {
            continue;
        }
        diags.push(Diagnostic::error(
            p.span,
            format!(
                "Provider {name} is configured from {}, which it manages",
                own.join(", ")
            ),
            format!(
                "A provider is configured before it creates anything, so its settings cannot read what it manages: provider {name} would wait for {own} and {own} for provider {name}. Give {own} another provider, or write these settings without reading it.",
                own = own.join(", "),
            ),
        ));
    }
    diags
}

/// Which attributes of `kind` force a replacement, as provider `name` says, or as the
/// blueprint's schema says for a deferred provider (it cannot be asked yet); `None`
/// without either.
pub fn schema(providers: &Providers, name: &str, kind: &str) -> Option<KindSchema> {
    match providers.get(name) {
        Some(provider) => Some(provider.schema(kind)),
        None => providers.deferred(name).map(|_| blueprint_schema(kind)),
    }
}

/// The deferred configurations `changes` use, by name.
pub fn deferred(changes: &[Change], providers: &Providers) -> Vec<Deferred> {
    let mut used: BTreeMap<&str, Deferred> = BTreeMap::new();
    for change in changes.iter().filter(|c| c.acts()) {
        if let Some(d) = providers.deferred(&change.provider) {
            used.entry(&change.provider).or_insert_with(|| d.clone());
        }
    }
    used.into_values().collect()
}

/// An error per deferred configuration that has objects in the state which this plan
/// reads (every one, unless `-target` leaves them out): a provider not yet configured
/// cannot read them. Nothing when the plan does not refresh.
pub fn unreadable(changes: &[Change], providers: &Providers, targeted: bool) -> Vec<Diagnostic> {
    let mut existing: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for change in changes {
        if change.id.is_some()
            && (!targeted || change.acts())
            && providers.deferred(&change.provider).is_some()
        {
            existing
                .entry(&change.provider)
                .or_default()
                .push(change.address.to_string());
        }
    }
    existing
        .into_iter()
        .filter_map(|(name, objects)| {
            let d = providers.deferred(name)?;
            let waits: Vec<String> = d.waits_for.iter().map(ToString::to_string).collect();
            let targets: Vec<String> = waits.iter().map(|w| format!("-target={w}")).collect();
            Some(Diagnostic::error(
                None,
                format!(
                    "Provider {name} cannot read {}: its configuration is known only after apply",
                    objects.join(", ")
                ),
                format!(
                    "Its setting(s) {} read {}, which this plan creates or replaces, so the provider can only be configured during the apply, and the objects it already has cannot be read now. Apply what it reads first: `strata apply {}`, then plan again. Or plan with -refresh=false to plan these objects from the state without reading them.",
                    d.settings
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    waits.join(", "),
                    targets.join(" "),
                ),
            ))
        })
        .collect()
}
