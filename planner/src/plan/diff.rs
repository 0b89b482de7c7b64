//! Making a plan: refresh, detect drift, diff the blueprint against what exists.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use blueprint::{Address, Config, Diagnostic, Instance};
use tokio::sync::Semaphore;

use super::{Action, Change, Drift, Plan, cascade, moved, protect};
use crate::provider::{Attrs, PlanRequest, Providers, ReadRequest};
use crate::state::{Object, State};

/// How to plan.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    /// Read every object from its provider first (`-refresh=false` turns it off).
    pub refresh: bool,
    /// Plan the removal of everything (`strata destroy`).
    pub destroy: bool,
    /// Limit the plan to these instances and what they need (`-target`).
    pub targets: Vec<Address>,
    /// Replace these even if unchanged (`-replace`).
    pub replace: Vec<Address>,
    /// Now, in seconds since the Unix epoch (ttl of environments).
    pub now: u64,
    /// Provider reads running at once.
    pub parallelism: usize,
}

/// The provider name an instance uses.
pub fn provider_of(inst: &Instance) -> String {
    inst.provider.clone().unwrap_or_else(|| "sim".to_string())
}

/// The attributes the blueprint asks for: known values only.
pub fn desired(inst: &Instance) -> Attrs {
    match inst.fields.to_json() {
        serde_json::Value::Object(map) => map.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        _ => Attrs::new(),
    }
}

/// A stable fingerprint of a definition.
pub fn fingerprint(attrs: &Attrs) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::Value::Object(attrs.clone())
        .to_string()
        .hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Attributes whose desired value differs from the object's: the blueprint's own
/// attributes only (what the provider adds is not the blueprint's to change).
fn changed(kind: &str, want: &Attrs, have: &Attrs, ignore: &[String]) -> Vec<String> {
    if ignore.iter().any(|i| i == "all") {
        return Vec::new();
    }
    let Some(schema) = blueprint::schema::kind(kind) else {
        return Vec::new();
    };
    let names = schema
        .body
        .attrs
        .iter()
        .filter(|a| !a.computed || want.contains_key(a.name))
        .map(|a| a.name)
        .chain(schema.body.blocks.iter().map(|b| b.name));
    names
        .filter(|n| !ignore.iter().any(|i| i == n))
        .filter(|n| want.get(*n) != have.get(*n))
        .map(str::to_string)
        .collect()
}

/// Refreshes every object; returns the refreshed state and the drift found.
async fn refresh(
    state: &State,
    providers: &Providers,
    parallelism: usize,
    diags: &mut Vec<Diagnostic>,
) -> (State, Vec<Drift>) {
    let limit = Arc::new(Semaphore::new(parallelism.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, object) in state.objects.iter().enumerate() {
        let Some(provider) = providers.get(&object.provider).cloned() else {
            diags.push(Diagnostic::error(None, format!("No provider \"{}\" for {}", object.provider, object.address), "The state says this object is managed by a provider this run does not have configured."));
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
            Some(None) => drift.push(Drift {
                sensitive: object.sensitive.clone(),
                address: object.address.to_string(),
                kind: object.kind.clone(),
                before: object.attributes.clone(),
                after: None,
            }),
            Some(Some(attrs)) => {
                if !changed(&object.kind, &attrs, &object.attributes, &[]).is_empty() {
                    drift.push(Drift {
                        sensitive: object.sensitive.clone(),
                        address: object.address.to_string(),
                        kind: object.kind.clone(),
                        before: object.attributes.clone(),
                        after: Some(attrs.clone()),
                    });
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
    (refreshed, drift)
}

/// Makes a plan: refreshes (unless told not to), then diffs the blueprint against what
/// exists. Returns the plan, the refreshed state, and problems found (a `prevent_destroy`
/// in the way, a missing provider).
pub async fn make(
    config: &Config,
    state: &State,
    providers: &Providers,
    options: &PlanOptions,
) -> (Plan, State, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (refreshed, drift) = if options.refresh {
        refresh(state, providers, options.parallelism, &mut diags).await
    } else {
        (state.clone(), Vec::new())
    };
    // What is sensitive follows the blueprint as it is now.
    let mut refreshed = refreshed;
    let sensitive: HashMap<&Address, &Vec<String>> = config
        .instances
        .iter()
        .map(|i| (&i.address, &i.sensitive))
        .collect();
    for object in &mut refreshed.objects {
        if let Some(names) = sensitive.get(&object.address) {
            object.sensitive = (*names).clone();
        }
    }
    let (moved_state, previous) = moved::apply(config, &refreshed, &mut diags);
    let previous_of = |object: &Object| {
        previous
            .get(&(object.address.clone(), object.id.clone()))
            .map(ToString::to_string)
    };
    // Where an interrupted create-before-destroy left two objects at one address, the newer
    // is the object; the older is deposed and deleted.
    let mut existing: HashMap<&Address, &Object> = HashMap::new();
    for object in &moved_state.objects {
        let slot = existing.entry(&object.address).or_insert(object);
        if object.created_at >= slot.created_at {
            *slot = object;
        }
    }
    let retired: HashMap<&str, &str> = moved_state
        .retired
        .iter()
        .map(|r| (r.address.as_str(), r.fingerprint.as_str()))
        .collect();
    let mut changes = Vec::new();
    let mut wanted = BTreeSet::new();
    let mut replaced = HashSet::new();
    for inst in config.instances.iter().filter(|i| i.managed) {
        wanted.insert(&inst.address);
        let want = desired(inst);
        let dependencies: Vec<String> = inst
            .deps
            .iter()
            .map(|d| &config.instances[*d])
            .filter(|d| d.managed)
            .map(|d| d.address.to_string())
            .collect();
        let mut change = Change {
            address: inst.address.to_string(),
            kind: inst.kind.to_string(),
            provider: provider_of(inst),
            action: Action::NoOp,
            id: None,
            before: None,
            after: Some(want.clone()),
            replace_because: Vec::new(),
            reason: None,
            dependencies,
            create_before_destroy: inst.lifecycle.create_before_destroy,
            retire: None,
            sensitive: inst.sensitive.clone(),
            previous_address: None,
            prior_dependencies: Vec::new(),
            prevent_destroy: inst.lifecycle.prevent_destroy,
        };
        if options.destroy {
            if let Some(object) = existing.get(&inst.address) {
                change.action = Action::Delete;
                change.previous_address = previous_of(object);
                change.id = Some(object.id.clone());
                change.before = Some(object.attributes.clone());
                change.after = None;
                change.dependencies = object
                    .dependencies
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                changes.push(change);
            }
            continue;
        }
        let Some(object) = existing.get(&inst.address) else {
            if retired.get(change.address.as_str()) == Some(&fingerprint(&want).as_str()) {
                continue;
            }
            change.action = Action::Create;
            changes.push(change);
            continue;
        };
        change.id = Some(object.id.clone());
        change.previous_address = previous_of(object);
        change.prior_dependencies = object
            .dependencies
            .iter()
            .map(ToString::to_string)
            .collect();
        change.before = Some(object.attributes.clone());
        let mut after = object.attributes.clone();
        after.extend(want.clone());
        change.after = Some(after);
        let diff = changed(
            inst.kind,
            &want,
            &object.attributes,
            &inst.lifecycle.ignore_changes,
        );
        if let Some(reason) = expired(inst, object, options.now) {
            change.action = Action::Delete;
            change.after = None;
            change.reason = Some(reason);
            change.retire = Some(fingerprint(&want));
        } else if options.replace.contains(&inst.address) {
            change.action = Action::Replace;
            change.reason = Some("-replace".into());
        } else if !diff.is_empty() {
            let Some(provider) = providers.get(&change.provider) else {
                diags.push(Diagnostic::error(
                    inst.span,
                    format!("No provider \"{}\"", change.provider),
                    "This run has no such provider configured.",
                ));
                continue;
            };
            let response = provider
                .plan(PlanRequest {
                    address: inst.address.clone(),
                    kind: inst.kind.to_string(),
                    prior: Some(object.attributes.clone()),
                    desired: want.clone(),
                })
                .await;
            diags.extend(response.diagnostics);
            // A job runs once per definition: a changed job runs again as a new one.
            change.action = if response.requires_replace.is_empty() && inst.kind != "job" {
                Action::Update
            } else {
                Action::Replace
            };
            change.replace_because = response.requires_replace;
        }
        if matches!(change.action, Action::NoOp | Action::Update)
            && let (Some(provider), Some(after)) = (providers.get(&change.provider), &change.after)
            && let Some((attrs, target)) =
                cascade::forced_by(after, &provider.schema(inst.kind).force_new, &replaced)
        {
            change.action = Action::Replace;
            change.replace_because = attrs;
            change.reason = Some(format!("{target} is replaced"));
        }
        if matches!(change.action, Action::Replace) {
            replaced.insert(change.address.clone());
            // A new object: what the provider computed for the old one is not carried over.
            change.after = Some(want);
        }
        changes.push(change);
    }
    for object in &moved_state.objects {
        let deposed = existing
            .get(&object.address)
            .is_some_and(|o| o.id != object.id);
        if wanted.contains(&object.address) && !deposed {
            continue;
        }
        let removal = config
            .removals
            .iter()
            .find(|r| r.from.covers(&object.address))
            .filter(|_| !deposed);
        changes.push(Change {
            address: object.address.to_string(),
            kind: object.kind.clone(),
            provider: object.provider.clone(),
            action: match removal {
                Some(r) if !r.destroy => Action::Forget,
                _ => Action::Delete,
            },
            id: Some(object.id.clone()),
            before: Some(object.attributes.clone()),
            after: None,
            replace_because: Vec::new(),
            reason: if deposed {
                Some("deposed: left behind by an interrupted create_before_destroy".to_string())
            } else if let Some(r) = removal {
                Some(format!("removed block, destroy = {}", r.destroy))
            } else {
                (!options.destroy).then(|| "no longer in the blueprint".to_string())
            },
            dependencies: object
                .dependencies
                .iter()
                .map(ToString::to_string)
                .collect(),
            create_before_destroy: false,
            retire: None,
            sensitive: object.sensitive.clone(),
            previous_address: previous_of(object),
            prior_dependencies: Vec::new(),
            prevent_destroy: object.prevent_destroy,
        });
    }
    crate::apply::force_create_before_destroy(&mut changes);
    if !options.targets.is_empty() {
        restrict(&mut changes, &options.targets);
    }
    protect::check(
        &changes,
        config,
        &existing,
        &moved_state.objects,
        &mut diags,
    );
    changes.sort_by(|a, b| a.address.cmp(&b.address));
    let plan = Plan {
        format_version: 1,
        lineage: state.lineage.clone(),
        serial: state.serial,
        destroy: options.destroy,
        changes,
        drift,
    };
    diags.extend(crate::apply::ordering_problem(&plan));
    (plan, refreshed, diags)
}

/// An environment past its time to live is destroyed.
fn expired(inst: &Instance, object: &Object, now: u64) -> Option<String> {
    if inst.kind != "environment" {
        return None;
    }
    let ttl = inst.fields.duration("ttl")? / 1000;
    (object.created_at.saturating_add(ttl) <= now).then(|| "ttl expired".to_string())
}

/// Keeps only the targets, what they depend on (creates and updates), and what depends on
/// them (deletes); everything else becomes NoOp.
fn restrict(changes: &mut [Change], targets: &[Address]) {
    let by_address: HashMap<String, usize> = changes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.address.clone(), i))
        .collect();
    let is_target = |c: &Change| {
        let address = c.address();
        targets.iter().any(|t| {
            *t == address
                || (t.key.is_none()
                    && t.module == address.module
                    && t.kind == address.kind
                    && t.name == address.name)
        })
    };
    let mut keep: BTreeSet<usize> = changes
        .iter()
        .enumerate()
        .filter(|(_, c)| is_target(c))
        .map(|(i, _)| i)
        .collect();
    let mut stack: Vec<usize> = keep.iter().copied().collect();
    while let Some(i) = stack.pop() {
        for dep in &changes[i].dependencies {
            if let Some(&j) = by_address.get(dep)
                && changes[j].action != Action::Delete
                && keep.insert(j)
            {
                stack.push(j);
            }
        }
    }
    for (i, change) in changes.iter_mut().enumerate() {
        if !keep.contains(&i) {
            change.action = Action::NoOp;
        }
    }
}
