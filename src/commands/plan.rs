//! `strata plan`: what an apply would change, and what changed outside Strata.

use std::path::{Path, PathBuf};

use std::collections::BTreeSet;

use anyhow::Context;
use blueprint::{Address, Diagnostics};
use planner::plan::{self, Action, Plan, PlanOptions};
use serde::{Deserialize, Serialize};

use crate::cli::{JsonFormat, PlanArgs, PlanFlags, PlanFormat};
use crate::printer::Printer;
use crate::session::{Hidden, Session, known, known_except, load_blueprint, now};

/// A saved plan (`-out FILE`): the plan, its sensitive values protected as the state's
/// are (see `planner::plan::saved`), and the blueprint it was made from.
#[derive(Serialize, Deserialize)]
pub struct SavedPlan {
    /// The blueprint folder.
    pub blueprint: PathBuf,
    /// The plan.
    pub plan: Plan,
    /// The blueprint as the JSON plan's `configuration` describes it (it holds no
    /// sensitive value), for `strata show -json PLANFILE`; null in plans saved before.
    #[serde(default)]
    pub configuration: serde_json::Value,
}

/// A blueprint evaluated against an open session, and the plan made from them.
pub struct Planned {
    pub session: Session,
    pub plan: Plan,
    pub refreshed: planner::State,
    /// The blueprint the plan was made from, evaluated.
    pub config: blueprint::Config,
}

fn addresses(list: &[String], flag: &str) -> anyhow::Result<Vec<Address>> {
    list.iter()
        .map(|a| {
            a.parse::<Address>()
                .map_err(|e| anyhow::anyhow!("{flag}: {e}"))
        })
        .collect()
}

/// Adds to `hidden` what `plan` gives new values: every attribute of a replaced object,
/// the recomputed ones of an update. True when something was added.
fn hide_renewed(plan: &Plan, hidden: &mut Hidden) -> bool {
    let mut grew = false;
    for change in plan.actions() {
        // The state, which the blueprint is evaluated against, has a moved object at its
        // old address.
        let at = change.previous_address.as_ref().unwrap_or(&change.address);
        let entry = hidden.entry(at.clone());
        match change.action {
            Action::Replace => {
                let slot = entry.or_insert_with(|| Some(BTreeSet::new()));
                grew |= slot.is_some();
                *slot = None;
            }
            Action::Update if !change.unknown.is_empty() => {
                if let Some(names) = entry.or_insert_with(|| Some(BTreeSet::new())) {
                    for name in &change.unknown {
                        grew |= names.insert(name.clone());
                    }
                }
            }
            _ => {}
        }
    }
    grew
}

/// Opens the state, evaluates the blueprint and makes a plan. `Ok(None)` when the
/// blueprint or the plan has errors (already printed).
///
/// The blueprint is evaluated against the refreshed state. When the plan replaces objects,
/// their computed attributes (an `id`, an `address` the provider gave out) will change, so
/// the blueprint is evaluated again with them unknown, until no new replacement appears:
/// a dependent then shows "(known after apply)" instead of the old object's values.
pub async fn make(
    flags: &PlanFlags,
    destroy: bool,
    operation: &str,
    printer: &mut Printer,
) -> anyhow::Result<Option<Planned>> {
    let mut session = Session::open(&flags.dir, &flags.state, operation, printer).await?;
    let (config, diags, sources) =
        load_blueprint(&flags.dir, &flags.vars, known(&session.state), printer);
    if diags.has_errors() {
        printer.diagnostics(&diags, &sources);
        return Ok(None);
    }
    session.connect(Some(&config), printer).await?;
    let options = PlanOptions {
        refresh: flags.refresh,
        destroy,
        targets: addresses(&flags.targets, "-target")?,
        replace: addresses(&flags.replace, "-replace")?,
        now: now(),
        parallelism: flags.parallelism.max(1) * 4,
    };
    let (refreshed, drift, mut problems) = if options.refresh {
        plan::refresh(&session.state, &session.providers, options.parallelism).await
    } else {
        (session.state.clone(), Vec::new(), Vec::new())
    };
    if crate::interrupt::requested() {
        let saved = if operation == "plan" { " or saved" } else { "" };
        printer.failure(&format!(
            "{operation} interrupted: nothing was changed, and no plan was made{saved}"
        ));
        return Ok(None);
    }
    let mut hidden = Hidden::new();
    // The first evaluation stands when the refresh found every object as the state had it.
    let mut first =
        (refreshed.objects == session.state.objects).then_some((config, diags, sources));
    let (plan, refreshed, sources, config) = loop {
        let (config, diags, sources) = first.take().unwrap_or_else(|| {
            load_blueprint(
                &flags.dir,
                &flags.vars,
                known_except(&refreshed, &hidden),
                printer,
            )
        });
        if diags.has_errors() {
            printer.diagnostics(&diags, &sources);
            return Ok(None);
        }
        session.defer_unknown(&config)?;
        let (plan, state, more) = plan::diff(
            &config,
            refreshed.clone(),
            drift.clone(),
            &session.providers,
            &options,
        )
        .await;
        if !hide_renewed(&plan, &mut hidden) {
            printer.diagnostics(&diags, &sources);
            problems.extend(more);
            break (plan, state, sources, config);
        }
    };
    let mut problems: Diagnostics = problems.into_iter().collect();
    problems.normalize(&sources);
    printer.diagnostics(&problems, &sources);
    if problems.has_errors() {
        return Ok(None);
    }
    Ok(Some(Planned {
        session,
        plan,
        refreshed,
        config,
    }))
}

pub async fn run(args: &PlanArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let Some(planned) = make(&args.flags, args.destroy, "plan", printer).await? else {
        return Ok(1);
    };
    let configuration = plan::json::configuration(&planned.config);
    let document = plan::json::to_json(&planned.plan, &configuration);
    let policies = super::policy::check(&planned.config, &args.flags.dir, &args.policy, &document)?;
    let impact = if args.impact.impact {
        match super::impact::assess(&args.flags, &args.impact, &planned, printer)? {
            Some(impact) => Some(impact),
            None => return Ok(1),
        }
    } else {
        None
    };
    if args.json {
        match args.json_format {
            JsonFormat::Terraform => printer.json(&document),
            JsonFormat::Strata => printer.json(&plan::json::strata::to_json(&planned.plan)),
        }
        if let Some(results) = &policies {
            super::policy::report(results, true, printer);
        }
    } else if args.format == PlanFormat::Markdown {
        let text = super::markdown::plan(
            &planned.plan,
            policies.as_ref(),
            impact.as_ref(),
            super::markdown::GITLAB_NOTE_LIMIT,
        );
        printer.text(&text);
    } else {
        printer.text(&plan::render::render(&planned.plan));
        if let Some(text) = super::schedules::text(&planned.config, now()) {
            printer.text(&text);
        }
        if let Some(results) = &policies {
            super::policy::report(results, false, printer);
        }
        if let Some(impact) = &impact {
            printer.text(&format!("\n{}", impact.text()));
        }
    }
    let denied = policies.as_ref().is_some_and(|r| !r.passed());
    if let Some(out) = &args.out {
        if crate::interrupt::requested() || denied {
            let why = if denied {
                "policies deny it"
            } else {
                "interrupted"
            };
            printer.failure(&format!(
                "plan {why}: the plan was not saved to {}",
                out.display()
            ));
            return Ok(1);
        }
        let protected = plan::saved::protect(&planned.plan, &planned.session.protector);
        save(out, &args.flags.dir, &protected, configuration)?;
        if !args.json && args.format == PlanFormat::Text {
            printer.line(&format!(
                "\nSaved the plan to {}. Apply exactly this plan with: strata apply {}",
                out.display(),
                out.display()
            ));
        }
    }
    if denied {
        return Ok(1);
    }
    Ok(if args.detailed_exitcode && !planned.plan.is_empty() {
        2
    } else {
        0
    })
}

fn save(
    path: &Path,
    blueprint: &Path,
    plan: &Plan,
    configuration: serde_json::Value,
) -> anyhow::Result<()> {
    let saved = SavedPlan {
        blueprint: std::path::absolute(blueprint).unwrap_or_else(|_| blueprint.to_path_buf()),
        plan: plan.clone(),
        configuration,
    };
    let text = serde_json::to_string_pretty(&saved)?;
    std::fs::write(path, text)
        .with_context(|| format!("cannot write the plan to {}", path.display()))
}

/// Reads a saved plan.
pub fn load(path: &Path) -> anyhow::Result<SavedPlan> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the plan file {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a plan saved by `strata plan -out`",
            path.display()
        )
    })
}
