//! The apply walk: a plan's changes carried out in dependency order.
//!
//! Each change becomes one or more operations (a move first when the object changes
//! address; a replacement is a delete and a create, in the order `create_before_destroy`
//! asks), ordered by the rules of [`order`](operations). Operations run on tokio with at
//! most `parallelism` at once, each as soon as everything it must follow is done.
//! When an operation fails, everything that must follow it is skipped and independent
//! branches go on. A provider configured during the apply ([`Connect`]) is connected when
//! its first operation becomes ready; when it cannot be, each of its operations fails
//! with why. Once [`Walk::stop`] is set (an interrupt), no new operation starts and
//! those running finish. Every provider call is recorded before it starts and after it
//! ends (see [`Recorder`]), so a run killed at any moment can be finished by the next.

mod connect;
mod journal;
mod order;
mod record;
mod resolve;
mod still;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use blueprint::Diagnostic;

use crate::plan::{Change, Plan};
use crate::provider::{
    CreateRequest, DeleteRequest, MoveRequest, Progress, Providers, UpdateRequest,
};
use crate::state::{Object, State, redirect};
use std::collections::HashMap;

pub use connect::{Connect, Late, NoConnection};
pub use order::{Op, OpKind, cycle, force_create_before_destroy, operations, ordering_problem};
pub use record::{create_key, settle};
use record::{moved, object, previous, record};
pub use resolve::{Evaluate, NoEvaluation};

/// Records every provider call before and after it (the journal).
#[async_trait]
pub trait Recorder: Send + Sync {
    /// Before the call; the call is not made unless this succeeds.
    async fn intent(&self, op: &Op, change: &Change) -> Result<(), String>;
    /// After a successful call: the object as it now is (`None` once deleted).
    async fn done(&self, op: &Op, change: &Change, object: Option<&Object>) -> Result<(), String>;
    /// After a failed call.
    async fn failed(&self, op: &Op, change: &Change, error: &str);
}

/// Follows an apply as it goes (the progress display).
pub trait Observer: Send + Sync {
    /// An operation started.
    fn started(&self, op: &Op);
    /// An operation ended; `error` when it failed.
    fn finished(&self, op: &Op, error: Option<&str>);
    /// An operation will not run because one it must follow failed.
    fn skipped(&self, op: &Op, because: &str);
    /// An operation is still running after `elapsed` (a multiple of
    /// [`Walk::still_every`]); `progress` is its provider's latest report, if any. By
    /// default nothing is shown.
    fn still(&self, op: &Op, elapsed: Duration, progress: Option<&str>) {
        let _ = (op, elapsed, progress);
    }
}

/// How the apply went.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Operations that succeeded.
    pub done: usize,
    /// Operations that failed, with why.
    pub failed: Vec<(Op, Vec<Diagnostic>)>,
    /// Operations skipped, with the address that failed first.
    pub skipped: Vec<(Op, String)>,
    /// Operations not started because the walk was stopped ([`Walk::stop`]).
    pub not_started: Vec<Op>,
}

impl Outcome {
    /// True when everything was done.
    pub fn succeeded(&self) -> bool {
        self.failed.is_empty() && self.skipped.is_empty() && self.not_started.is_empty()
    }
}

/// How the walk runs.
#[derive(Clone, Copy, Debug)]
pub struct Walk<'a> {
    /// Operations at once (at least one runs).
    pub parallelism: usize,
    /// The creation time of new objects, in seconds since the Unix epoch.
    pub now: u64,
    /// Once set, no new operation starts; those running finish and are recorded, and the
    /// rest are [`Outcome::not_started`].
    pub stop: &'a AtomicBool,
    /// How often an operation still running is reported ([`Observer::still`]); Terraform
    /// reports every 10 seconds. Zero never reports.
    pub still_every: Duration,
}

type OpResult = (usize, Result<Option<Object>, Vec<Diagnostic>>);

/// Carries out a plan against `state`, returning the new state and what happened.
/// Attributes the plan left unknown are evaluated by `late.evaluator` when their operation
/// becomes ready: one evaluation for all the operations that become ready at once. A
/// provider deferred at plan time is connected by `late.connector` when its first
/// operation becomes ready (rule 6 of [`operations`] has it wait for what it reads).
pub async fn apply(
    plan: &Plan,
    mut state: State,
    providers: &Providers,
    recorder: Arc<dyn Recorder>,
    observer: &dyn Observer,
    late: &Late<'_>,
    walk: &Walk<'_>,
) -> (State, Outcome) {
    let mut connections = connect::Connections::new(providers);
    let ops = operations(plan);
    let changes: Arc<Vec<Change>> = Arc::new(plan.actions().cloned().collect());
    let mut waiting: Vec<usize> = ops.iter().map(|o| o.after.len()).collect();
    let mut followers: Vec<Vec<usize>> = vec![Vec::new(); ops.len()];
    for (i, op) in ops.iter().enumerate() {
        for &before in &op.after {
            followers[before].push(i);
        }
    }
    let mut ready: Vec<usize> = (0..ops.len()).filter(|i| waiting[*i] == 0).rev().collect();
    let mut blocked = vec![false; ops.len()];
    let mut done = vec![false; ops.len()];
    let mut started = vec![false; ops.len()];
    let mut outcome = Outcome::default();
    let mut running = tokio::task::JoinSet::<OpResult>::new();
    let mut tasks = HashMap::new();
    let mut under_way = still::UnderWay::new(walk.still_every);
    loop {
        let mut batch = Vec::new();
        while running.len() + batch.len() < walk.parallelism.max(1)
            && !walk.stop.load(Ordering::SeqCst)
            && let Some(i) = ready.pop()
        {
            if !blocked[i] {
                batch.push(i);
            }
        }
        connections
            .connect(
                batch
                    .iter()
                    .map(|&i| changes[ops[i].change].provider.as_str()),
                late,
                &state,
            )
            .await;
        let mut resolved = resolve_batch(&batch, &ops, &changes, late.evaluator, &state);
        for i in batch {
            // Checked again: evaluating the batch may have taken a while.
            if walk.stop.load(Ordering::SeqCst) {
                continue;
            }
            started[i] = true;
            let unconfigured = connections.failure(&changes[ops[i].change].provider);
            let attrs = match unconfigured
                .cloned()
                .map(Err)
                .or_else(|| resolved.remove(&i))
            {
                Some(Err(diags)) => {
                    observer.started(&ops[i]);
                    fail(
                        i,
                        diags,
                        &ops,
                        &followers,
                        &mut blocked,
                        &mut outcome,
                        observer,
                    );
                    continue;
                }
                Some(Ok(attrs)) => Some(attrs),
                None => None,
            };
            observer.started(&ops[i]);
            let task = running.spawn(run(
                i,
                ops[i].clone(),
                changes.clone(),
                attrs,
                (connections.providers.clone(), under_way.start(i)),
                recorder.clone(),
                walk.now,
            ));
            tasks.insert(task.id(), i);
        }
        let due = under_way.next_due();
        let joined = tokio::select! {
            joined = running.join_next_with_id() => joined,
            () = sleep_until(due) => {
                under_way.report_due(&ops, observer);
                continue;
            }
        };
        let Some(joined) = joined else {
            break;
        };
        let (i, result) = match joined {
            Ok((_, r)) => r,
            Err(e) => (
                tasks[&e.id()],
                Err(vec![Diagnostic::error(
                    None,
                    "Internal error in an apply task",
                    e.to_string(),
                )]),
            ),
        };
        under_way.end(i);
        let op = &ops[i];
        match result {
            Ok(object) => {
                observer.finished(op, None);
                outcome.done += 1;
                done[i] = true;
                record(&mut state, op, &changes[op.change], object);
                for &f in &followers[i] {
                    waiting[f] -= 1;
                    if waiting[f] == 0 {
                        ready.push(f);
                    }
                }
            }
            Err(diags) => fail(
                i,
                diags,
                &ops,
                &followers,
                &mut blocked,
                &mut outcome,
                observer,
            ),
        }
    }
    let stopped = walk.stop.load(Ordering::SeqCst);
    for (i, op) in ops.iter().enumerate() {
        if started[i] || blocked[i] {
            continue;
        }
        if stopped {
            outcome.not_started.push(op.clone());
        } else {
            // Never reached: a cycle between deletes and creates.
            outcome
                .skipped
                .push((op.clone(), "an ordering cycle".into()));
        }
    }
    redirect(&mut state.objects, &moved(&ops, &done, &changes));
    settle(plan, &mut state);
    (state, outcome)
}

/// Sleeps until `due`, or forever without one.
async fn sleep_until(due: Option<tokio::time::Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

/// The final attributes of the operations in `batch` that have values known only after
/// apply, by operation index.
fn resolve_batch(
    batch: &[usize],
    ops: &[Op],
    changes: &[Change],
    evaluator: &dyn Evaluate,
    state: &State,
) -> HashMap<usize, Result<crate::provider::Attrs, Vec<Diagnostic>>> {
    let needing: Vec<usize> = batch
        .iter()
        .copied()
        .filter(|&i| {
            matches!(ops[i].kind, OpKind::Create | OpKind::Update)
                && resolve::needs_resolving(&changes[ops[i].change])
        })
        .collect();
    if needing.is_empty() {
        return HashMap::new();
    }
    let which: Vec<&Change> = needing.iter().map(|&i| &changes[ops[i].change]).collect();
    needing
        .into_iter()
        .zip(resolve::resolve(evaluator, &which, state))
        .collect()
}

/// Records a failed operation and skips everything that must follow it.
fn fail(
    i: usize,
    diags: Vec<Diagnostic>,
    ops: &[Op],
    followers: &[Vec<usize>],
    blocked: &mut [bool],
    outcome: &mut Outcome,
    observer: &dyn Observer,
) {
    let summary = diags
        .first()
        .map_or_else(|| "failed".to_string(), |d| d.summary.clone());
    observer.finished(&ops[i], Some(&summary));
    skip_followers(i, ops, followers, blocked, outcome, observer);
    outcome.failed.push((ops[i].clone(), diags));
}

fn skip_followers(
    failed: usize,
    ops: &[Op],
    followers: &[Vec<usize>],
    blocked: &mut [bool],
    outcome: &mut Outcome,
    observer: &dyn Observer,
) {
    let mut stack = followers[failed].clone();
    while let Some(f) = stack.pop() {
        if blocked[f] {
            continue;
        }
        blocked[f] = true;
        let because = ops[failed].address.to_string();
        observer.skipped(&ops[f], &because);
        outcome.skipped.push((ops[f].clone(), because));
        stack.extend(followers[f].iter().copied());
    }
}

/// One operation: intent, provider call, outcome. `resolved` holds the change's final
/// attributes when the plan left some unknown; the provider reports its progress to
/// `progress`.
async fn run(
    i: usize,
    op: Op,
    changes: Arc<Vec<Change>>,
    resolved: Option<crate::provider::Attrs>,
    (providers, progress): (Providers, Progress),
    recorder: Arc<dyn Recorder>,
    now: u64,
) -> OpResult {
    let change = &changes[op.change];
    let fail =
        |summary: String, detail: String| (i, Err(vec![Diagnostic::error(None, summary, detail)]));
    let Some(provider) = providers.get(&change.provider).cloned() else {
        return fail(
            format!("No provider \"{}\" for {}", change.provider, change.address),
            "This run has no such provider configured.".into(),
        );
    };
    if let Err(e) = recorder.intent(&op, change).await {
        return fail(
            format!("Cannot record the intent to change {}", change.address),
            format!("{e}. Nothing was changed."),
        );
    }
    let address = change.address.clone();
    let result: Result<Option<Object>, Vec<Diagnostic>> = match op.kind {
        OpKind::Create => {
            let response = provider
                .create(CreateRequest {
                    address: address.clone(),
                    key: create_key(change),
                    kind: change.kind.clone(),
                    attrs: resolved
                        .clone()
                        .unwrap_or_else(|| change.after.clone().unwrap_or_default()),
                    sensitive: change.sensitive.clone(),
                    progress: progress.clone(),
                })
                .await;
            match response.id {
                Some(id) if !response.diagnostics.iter().any(Diagnostic::is_error) => {
                    Ok(Some(object(change, address, id, response.attrs, now)))
                }
                _ => Err(response.diagnostics),
            }
        }
        OpKind::Update => {
            let id = change.id.clone().unwrap_or_default();
            let response = provider
                .update(UpdateRequest {
                    address: address.clone(),
                    kind: change.kind.clone(),
                    id: id.clone(),
                    prior: change.before.clone().unwrap_or_default(),
                    attrs: resolved
                        .clone()
                        .unwrap_or_else(|| change.after.clone().unwrap_or_default()),
                    sensitive: change.sensitive.clone(),
                    progress: progress.clone(),
                })
                .await;
            if response.diagnostics.iter().any(Diagnostic::is_error) {
                Err(response.diagnostics)
            } else {
                Ok(Some(object(change, address, id, response.attrs, now)))
            }
        }
        OpKind::Forget => Ok(None),
        OpKind::Move => {
            let Some(from) = previous(change) else {
                return fail(
                    format!("{} has no previous address to move from", change.address),
                    "The plan is damaged; make a new one.".into(),
                );
            };
            let response = provider
                .moved(MoveRequest {
                    from,
                    to: address,
                    kind: change.kind.clone(),
                    id: change.id.clone().unwrap_or_default(),
                })
                .await;
            if response.diagnostics.iter().any(Diagnostic::is_error) {
                Err(response.diagnostics)
            } else {
                Ok(None)
            }
        }
        OpKind::Delete => {
            let response = provider
                .delete(DeleteRequest {
                    address,
                    kind: change.kind.clone(),
                    id: change.id.clone().unwrap_or_default(),
                    progress,
                })
                .await;
            if response.diagnostics.iter().any(Diagnostic::is_error) {
                Err(response.diagnostics)
            } else {
                Ok(None)
            }
        }
    };
    match &result {
        Ok(object) => {
            if let Err(e) = recorder.done(&op, change, object.as_ref()).await {
                return fail(
                    format!("Cannot record the outcome for {}", change.address),
                    format!("{e}. The change was made; the next run will find and adopt it."),
                );
            }
        }
        Err(diags) => {
            let text = diags
                .iter()
                .map(|d| d.summary.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            recorder.failed(&op, change, &text).await;
        }
    }
    (i, result)
}

#[cfg(test)]
mod tests;
