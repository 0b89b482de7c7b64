//! `strata apply` and `strata destroy`: carry out a plan, in dependency order.

use std::sync::Arc;

use planner::apply::{self, Outcome};
use planner::plan::{self, Plan};

use crate::cli::ApplyArgs;
use crate::printer::{Printer, Progress};
use crate::session::{BlueprintEvaluator, Session, known, load_blueprint, now};

pub async fn run(args: &ApplyArgs, destroy: bool, printer: &mut Printer) -> anyhow::Result<u8> {
    if args.flags.dir.is_file() {
        return apply_saved(args, printer).await;
    }
    let operation = if destroy { "destroy" } else { "apply" };
    let Some(planned) = super::plan::make(&args.flags, destroy, operation, printer).await? else {
        return Ok(1);
    };
    let mut session = planned.session;
    printer.text(&plan::render::render(&planned.plan));
    let configuration = plan::json::configuration(&planned.config);
    let document = plan::json::to_json(&planned.plan, &configuration);
    if !policies_allow(&planned.config, &args.flags.dir, args, &document, printer)? {
        // What was found changed outside Strata is still recorded.
        session.state = planned.refreshed;
        session.save().await?;
        return Ok(1);
    }
    // What was found changed outside Strata is recorded, whatever happens next.
    session.state = planned.refreshed;
    if planned.plan.is_empty() {
        apply::settle(&planned.plan, &mut session.state);
        session.save().await?;
        return Ok(0);
    }
    if !args.auto_approve {
        let what = if destroy {
            "destroy everything above"
        } else {
            "perform these actions"
        };
        let answer = printer.ask(&format!(
            "\nDo you want to {what}? Only 'yes' will be accepted: "
        ));
        if answer.as_deref() != Some("yes") {
            session.save().await?;
            printer.line(if answer.is_some() {
                "Apply cancelled."
            } else {
                "Apply cancelled: interrupted while waiting for an answer; nothing was changed."
            });
            return Ok(1);
        }
    }
    carry_out(&mut session, &planned.plan, &args.flags, printer).await
}

/// Applies a saved plan, refusing it when the state has moved on since it was made, or
/// when a sensitive value it holds as a digest is no longer the blueprint's.
async fn apply_saved(args: &ApplyArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let mut saved = super::plan::load(&args.flags.dir)?;
    let mut session = Session::open(&saved.blueprint, &args.flags.state, "apply", printer).await?;
    let (config, diags, sources) = load_blueprint(
        &saved.blueprint,
        &args.flags.vars,
        known(&session.state),
        printer,
    );
    printer.diagnostics(&diags, &sources);
    if diags.has_errors() {
        return Ok(1);
    }
    session.connect(Some(&config), printer).await?;
    // Configured during the apply as the plan says, even where the state now gives the
    // values of an object the plan replaces.
    for deferred in &saved.plan.deferred {
        session.providers.defer(deferred.clone());
    }
    if saved.plan.lineage != session.state.lineage || saved.plan.serial != session.state.serial {
        printer.failure(&format!(
            "the saved plan is stale: it was made against state serial {} (lineage {}), and the state is now at serial {} (lineage {}). Run `strata plan -out` again.",
            saved.plan.serial, saved.plan.lineage, session.state.serial, session.state.lineage
        ));
        return Ok(1);
    }
    let document = plan::json::to_json(&saved.plan, &saved.configuration);
    if !policies_allow(&config, &saved.blueprint, args, &document, printer)? {
        return Ok(1);
    }
    if let Err(e) = plan::saved::reveal(&mut saved.plan, &session.protector, &config) {
        printer.failure(&e.to_string());
        return Ok(1);
    }
    carry_out(&mut session, &saved.plan, &args.flags, printer).await
}

/// The blueprint's files as this apply applied them (its own and its modules', not the
/// variable files), kept in the state for `strata plan -impact`.
fn applied_configuration(
    dir: &std::path::Path,
    flags: &crate::cli::PlanFlags,
    sources: &blueprint::SourceMap,
    session: &Session,
) -> planner::state::Applied {
    let canonical = |p: &std::path::Path| p.canonicalize().ok();
    let var_files: Vec<_> = flags
        .vars
        .var_files
        .iter()
        .filter_map(|p| canonical(p))
        .collect();
    let files: Vec<(std::path::PathBuf, String)> = sources
        .files()
        .filter_map(|(_, f)| {
            let path = canonical(&f.path)?;
            let blueprint_file =
                path.extension().is_some_and(|e| e == "hcl") && !var_files.contains(&path);
            blueprint_file.then(|| (path, f.text.clone()))
        })
        .collect();
    let dir = canonical(dir).unwrap_or_else(|| dir.to_path_buf());
    planner::state::Applied::capture(&dir, &files, &session.protector)
}

/// Checks the plan against the policies; false (with the denials printed) when they deny
/// it, and the apply must not go on.
fn policies_allow(
    config: &blueprint::Config,
    dir: &std::path::Path,
    args: &ApplyArgs,
    document: &serde_json::Value,
    printer: &mut Printer,
) -> anyhow::Result<bool> {
    let Some(results) = super::policy::check(config, dir, &args.policy, document)? else {
        return Ok(true);
    };
    if super::policy::report(&results, false, printer) {
        return Ok(true);
    }
    printer.failure(&format!(
        "the plan was not applied: {} policy denial(s); nothing was changed",
        results.denials.len()
    ));
    Ok(false)
}

async fn carry_out(
    session: &mut Session,
    plan: &Plan,
    flags: &crate::cli::PlanFlags,
    printer: &mut Printer,
) -> anyhow::Result<u8> {
    let journal: Arc<dyn apply::Recorder> = Arc::new(
        session
            .backend
            .journal(&session.workspace, &session.lock, session.protector.clone())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    let ops = apply::operations(plan);
    let progress = Progress::new(ops.len(), printer);
    let empty = planner::State {
        objects: Vec::new(),
        ..session.state.clone()
    };
    let state = std::mem::replace(&mut session.state, empty);
    let evaluator = BlueprintEvaluator {
        dir: session.dir.clone(),
        vars: flags.vars.clone(),
    };
    let connector = crate::registry::LateConnector {
        lineage: session.state.lineage.clone(),
        secrets: printer.secrets(),
    };
    let (state, outcome) = apply::apply(
        plan,
        state,
        &session.providers,
        journal,
        &progress,
        &apply::Late {
            evaluator: &evaluator,
            connector: &connector,
        },
        &apply::Walk {
            parallelism: flags.parallelism,
            now: now(),
            stop: crate::interrupt::flag(),
            still_every: crate::session::progress_interval()?,
        },
    )
    .await;
    progress.finish();
    session.state = state;
    // Outputs are saved with or without object changes: evaluated with what now exists.
    let (config, _, sources) =
        load_blueprint(&session.dir, &flags.vars, known(&session.state), printer);
    session.state.outputs =
        plan::outputs::after_apply(&config, &session.state.outputs, plan.destroy);
    if outcome.succeeded() && !crate::interrupt::requested() {
        let applied =
            (!plan.destroy).then(|| applied_configuration(&session.dir, flags, &sources, session));
        session.state.applied = applied;
    }
    session.save().await?;
    let code = report(plan, &outcome, printer);
    if code == 0 && !plan.destroy && !session.state.outputs.is_empty() {
        printer.line("\nOutputs:\n");
        printer.text(&super::output::listing(&session.state.outputs));
    }
    Ok(code)
}

fn report(plan: &Plan, outcome: &Outcome, printer: &mut Printer) -> u8 {
    let (add, change, destroy) = plan.counts();
    if outcome.succeeded() && !crate::interrupt::requested() {
        let what = if plan.destroy {
            format!("Destroy complete! Resources: {destroy} destroyed.")
        } else {
            format!(
                "Apply complete! Resources: {add} added, {change} changed, {destroy} destroyed."
            )
        };
        printer.line(&format!("\n{what}"));
        return 0;
    }
    for (op, diags) in &outcome.failed {
        for d in diags {
            printer.failure(&format!(
                "{}: {}{}",
                op.address,
                d.summary,
                if d.detail.is_empty() {
                    String::new()
                } else {
                    format!("\n  {}", d.detail)
                }
            ));
        }
    }
    for op in &outcome.not_started {
        printer.line(&format!("{}: not started (interrupted)", op.address));
    }
    let what = if plan.destroy { "Destroy" } else { "Apply" };
    let mut counts = vec![format!("{} operation(s) done", outcome.done)];
    for (n, what) in [
        (outcome.failed.len(), "failed"),
        (
            outcome.skipped.len(),
            "skipped because something they need failed",
        ),
        (outcome.not_started.len(), "not started"),
    ] {
        if n > 0 {
            counts.push(format!("{n} {what}"));
        }
    }
    let counts = counts.join(", ");
    if crate::interrupt::requested() {
        printer.line(&format!(
            "\n{what} interrupted: {counts}. The state records everything that was done; run {} again to finish.",
            what.to_lowercase()
        ));
    } else {
        printer.line(&format!(
            "\n{what} failed: {counts}. The state records everything that was done; fix the cause and run {} again.",
            what.to_lowercase()
        ));
    }
    1
}
