//! Making a plan: diff the evaluated blueprint against what exists.

use std::collections::{BTreeSet, HashMap, HashSet};

use blueprint::{Address, Config, Diagnostic, Instance, InstanceKey};

use super::attrs::{after_update, changed, desired, fingerprint, implied, provider_of, unknown};
use super::{Action, Change, Drift, Plan, Reason, cascade, late, moved, protect};
use crate::provider::{PlanRequest, Providers, blueprint_schema, plan_by_schema};
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

/// Makes a plan: refreshes (unless told not to), then diffs the blueprint against what
/// exists. Returns the plan, the refreshed state, and problems found (a `prevent_destroy`
/// in the way, a missing provider). A caller that evaluates the blueprint itself against
/// the refreshed state calls [`super::refresh`] and [`diff`] instead.
pub async fn make(
    config: &Config,
    state: &State,
    providers: &Providers,
    options: &PlanOptions,
) -> (Plan, State, Vec<Diagnostic>) {
    let (refreshed, drift, mut diags) = if options.refresh {
        super::refresh(state, providers, options.parallelism).await
    } else {
        (state.clone(), Vec::new(), Vec::new())
    };
    let (plan, refreshed, more) = diff(config, refreshed, drift, providers, options).await;
    diags.extend(more);
    (plan, refreshed, diags)
}

/// Diffs the blueprint against the `refreshed` state (with the `drift` its refresh found).
/// Returns the plan, the state with each object's sensitive attributes as the blueprint
/// now marks them, and problems found.
pub async fn diff(
    config: &Config,
    refreshed: State,
    drift: Vec<Drift>,
    providers: &Providers,
    options: &PlanOptions,
) -> (Plan, State, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let provider_deps = late::provider_dependencies(config);
    diags.extend(late::cycles(config, &provider_deps));
    // What is sensitive follows the blueprint as it is now; a digest (no state key) that
    // stands for the blueprint's value is that value, so an unchanged secret is no change.
    let mut refreshed = refreshed;
    let instances: HashMap<&Address, &Instance> =
        config.instances.iter().map(|i| (&i.address, i)).collect();
    for object in &mut refreshed.objects {
        if let Some(inst) = instances.get(&object.address) {
            object.sensitive = inst.sensitive.clone();
            if !object.sensitive.is_empty() {
                crate::state::restore(&mut object.attributes, &inst.sensitive, &desired(inst));
            }
        }
    }
    let (moved_state, previous) = moved::apply(config, &refreshed, &mut diags);
    let previous_of = |object: &Object| {
        previous
            .get(&(object.address.clone(), object.id.clone()))
            .cloned()
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
    let retired: HashMap<&Address, &str> = moved_state
        .retired
        .iter()
        .map(|r| (&r.address, r.fingerprint.as_str()))
        .collect();
    let mut changes = Vec::new();
    let mut wanted = BTreeSet::new();
    let mut replaced = HashSet::new();
    for inst in config.instances.iter().filter(|i| i.managed) {
        wanted.insert(&inst.address);
        let want = desired(inst);
        let unknown = unknown(&inst.fields);
        let provider = provider_of(inst);
        // What it reads, and what its provider's configuration reads.
        let mut dependencies: Vec<Address> = inst
            .deps
            .iter()
            .map(|d| &config.instances[*d])
            .filter(|d| d.managed)
            .map(|d| d.address.clone())
            .chain(provider_deps.get(&provider).into_iter().flatten().cloned())
            .filter(|a| *a != inst.address)
            .collect();
        dependencies.sort();
        dependencies.dedup();
        let mut change = Change {
            address: inst.address.clone(),
            kind: inst.kind.to_string(),
            provider,
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
            unknown: unknown.clone(),
            implied: implied(&inst.fields),
            notes: Vec::new(),
            previous_address: None,
            prior_dependencies: Vec::new(),
            prevent_destroy: inst.lifecycle.prevent_destroy,
            prior_prevent_destroy: false,
        };
        if options.destroy {
            if let Some(object) = existing.get(&inst.address) {
                change.action = Action::Delete;
                change.previous_address = previous_of(object);
                change.id = Some(object.id.clone());
                change.before = Some(object.attributes.clone());
                change.after = None;
                change.dependencies = object.dependencies.clone();
                changes.push(change);
            }
            continue;
        }
        let Some(object) = existing.get(&inst.address) else {
            if retired.get(&change.address) == Some(&fingerprint(&want, &inst.sensitive).as_str()) {
                continue;
            }
            change.action = Action::Create;
            changes.push(change);
            continue;
        };
        change.id = Some(object.id.clone());
        change.previous_address = previous_of(object);
        change.prior_dependencies = object.dependencies.clone();
        change.before = Some(object.attributes.clone());
        change.after = Some(after_update(
            inst.kind,
            &object.attributes,
            &want,
            &inst.lifecycle.ignore_changes,
            &unknown,
        ));
        let diff = changed(
            inst.kind,
            &want,
            &object.attributes,
            &inst.lifecycle.ignore_changes,
            &unknown,
        );
        if let Some(reason) = expired(inst, object, options.now) {
            change.action = Action::Delete;
            change.after = None;
            change.reason = Some(reason);
            change.retire = Some(fingerprint(&want, &inst.sensitive));
        } else if options.replace.contains(&inst.address) {
            change.action = Action::Replace;
            change.reason = Some(Reason::ReplaceByRequest);
        } else if !diff.is_empty() {
            let request = PlanRequest {
                address: inst.address.clone(),
                kind: inst.kind.to_string(),
                prior: Some(object.attributes.clone()),
                desired: want.clone(),
            };
            let response = match providers.get(&change.provider) {
                Some(provider) => provider.plan(request).await,
                // Configured during the apply: the blueprint's schema says what replaces.
                None if providers.deferred(&change.provider).is_some() => {
                    plan_by_schema(&blueprint_schema(inst.kind), &request)
                }
                None => {
                    diags.push(Diagnostic::error(
                        inst.span,
                        format!("No provider \"{}\"", change.provider),
                        "This run has no such provider configured.",
                    ));
                    continue;
                }
            };
            diags.extend(response.diagnostics);
            // A job runs once per definition: a changed job runs again as a new one.
            change.action = if response.requires_replace.is_empty() && inst.kind != "job" {
                Action::Update
            } else {
                Action::Replace
            };
            change.replace_because = response.requires_replace;
            if change.action == Action::Update {
                change.notes = response.notes;
            }
            if change.action == Action::Update && !response.recompute.is_empty() {
                if let Some(after) = change.after.as_mut() {
                    after.retain(|k, _| !response.recompute.contains(k));
                }
                change.unknown.extend(response.recompute);
                change.unknown.sort();
                change.unknown.dedup();
            }
        }
        if matches!(change.action, Action::NoOp | Action::Update)
            && let (Some(schema), Some(after)) = (
                late::schema(providers, &change.provider, inst.kind),
                &change.after,
            )
            && let force_new = schema.force_new
            && let Some(attrs) = cascade::forced_by(after, &force_new, &replaced).or_else(|| {
                // An object that sat on a replaced one (a VM whose old pool is replaced) is
                // replaced too, even where the provider could move it in place: the old
                // pool cannot go while the VM is on it.
                change
                    .before
                    .as_ref()
                    .and_then(|before| cascade::forced_by(before, &force_new, &replaced))
            })
        {
            change.action = Action::Replace;
            change.replace_because = attrs;
            change.reason = Some(Reason::ReplaceBecauseDependencyReplaced);
        }
        if matches!(change.action, Action::Replace) {
            replaced.insert(change.address.to_string());
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
        let previous_address = previous_of(object);
        changes.push(Change {
            address: object.address.clone(),
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
                Some(Reason::DeleteBecauseDeposed)
            } else if removal.is_some_and(|r| !r.destroy) {
                None
            } else if previous_address.is_some() && !options.destroy {
                Some(Reason::DeleteBecauseNoMoveTarget)
            } else {
                (!options.destroy).then(|| why_gone(config, &object.address))
            },
            dependencies: object.dependencies.clone(),
            create_before_destroy: false,
            retire: None,
            sensitive: object.sensitive.clone(),
            unknown: Vec::new(),
            implied: Vec::new(),
            notes: Vec::new(),
            previous_address,
            prior_dependencies: Vec::new(),
            prevent_destroy: object.prevent_destroy,
            prior_prevent_destroy: object.prevent_destroy,
        });
    }
    crate::apply::force_create_before_destroy(&mut changes);
    if !options.targets.is_empty() {
        restrict(&mut changes, &options.targets);
    }
    if options.refresh {
        diags.extend(late::unreadable(
            &changes,
            providers,
            !options.targets.is_empty(),
        ));
    }
    // What the state recorded, for tools that read the plan (the JSON plan's
    // `prior_prevent_destroy`).
    let recorded: HashSet<(&Address, &str)> = moved_state
        .objects
        .iter()
        .filter(|o| o.prevent_destroy)
        .map(|o| (&o.address, o.id.as_str()))
        .collect();
    for change in &mut changes {
        if let Some(id) = &change.id {
            change.prior_prevent_destroy |= recorded.contains(&(&change.address, id.as_str()));
        }
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
        lineage: refreshed.lineage.clone(),
        serial: refreshed.serial,
        destroy: options.destroy,
        deferred: late::deferred(&changes, providers),
        changes,
        drift,
        output_changes: super::outputs::changes(config, &refreshed, options.destroy),
    };
    diags.extend(crate::apply::ordering_problem(&plan));
    (plan, refreshed, diags)
}

/// An environment past its time to live is destroyed.
fn expired(inst: &Instance, object: &Object, now: u64) -> Option<Reason> {
    if inst.kind != "environment" {
        return None;
    }
    let ttl = inst.fields.duration("ttl")? / 1000;
    (object.created_at.saturating_add(ttl) <= now).then_some(Reason::DeleteBecauseTtlExpired)
}

/// Why an object the blueprint no longer has is destroyed: its module call is gone, its
/// block is gone, or its block no longer has its key.
fn why_gone(config: &Config, address: &Address) -> Reason {
    let same_module = |a: &Address| {
        a.module.len() >= address.module.len()
            && a.module[..address.module.len()] == address.module[..]
    };
    if !address.module.is_empty() && !config.instances.iter().any(|i| same_module(&i.address)) {
        return Reason::DeleteBecauseNoModule;
    }
    let siblings: Vec<&Address> = config
        .instances
        .iter()
        .map(|i| &i.address)
        .filter(|a| a.module == address.module && a.kind == address.kind && a.name == address.name)
        .collect();
    match (&address.key, siblings.first().map(|a| &a.key)) {
        (_, None) => Reason::DeleteBecauseNoResourceConfig,
        (Some(InstanceKey::Index(_)), Some(Some(InstanceKey::Index(_)))) => {
            Reason::DeleteBecauseCountIndex
        }
        (Some(InstanceKey::Key(_)), Some(Some(InstanceKey::Key(_)))) => {
            Reason::DeleteBecauseEachKey
        }
        _ => Reason::DeleteBecauseWrongRepetition,
    }
}

/// Keeps only the targets, what they depend on (creates and updates), and what depends on
/// them (deletes); everything else becomes NoOp.
fn restrict(changes: &mut [Change], targets: &[Address]) {
    let by_address: HashMap<Address, usize> = changes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.address.clone(), i))
        .collect();
    let is_target = |c: &Change| targets.iter().any(|t| t.includes(&c.address));
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
