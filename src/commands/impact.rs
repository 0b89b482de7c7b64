//! `strata plan -impact`: the blueprint before the change (the configuration of the last
//! apply, kept in the state, or a git revision with `-base REF`) and after it, each
//! assessed as `strata report` assesses a blueprint (capacity, N+1, a fast availability
//! run), then compared (`report::impact`; docs/impact.md).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use blueprint::Config;
use planner::plan::Plan;
use report::impact::{Impact, Side};

use super::plan::Planned;
use super::report::{Run, assess as assess_blueprint};
use crate::cli::{ImpactArgs, PlanFlags};
use crate::printer::Printer;

/// Replications of the availability run when not told: a fast run whose 95% interval
/// still tells a lost quorum from noise.
const FAST_REPLICATIONS: u64 = 200;

/// The impact of `planned`, or `None` once the reason has been printed.
pub fn assess(
    flags: &PlanFlags,
    args: &ImpactArgs,
    planned: &Planned,
    printer: &mut Printer,
) -> anyhow::Result<Option<Impact>> {
    let after = &planned.config;
    let scenario = match &args.scenario {
        Some(name) => Some(name.clone()),
        None => first_scenario(after),
    };
    let Some(scenario) = scenario else {
        printer.failure(
            "-impact simulates the blueprint under a scenario, and it declares none; add a scenario block (docs/simulation.md)",
        );
        return Ok(None);
    };
    let replications = args.replications.unwrap_or_else(|| {
        after
            .of_kind("scenario")
            .find(|s| s.address.name == scenario)
            .and_then(|s| s.fields.int("replications"))
            .map_or(FAST_REPLICATIONS, |n| {
                (n.max(1) as u64).min(FAST_REPLICATIONS)
            })
    });
    let run = Run {
        scenario: Some(scenario),
        replications: Some(replications),
        seed: None,
        k: 1,
        force: false,
    };
    let name = blueprint_name(&flags.dir);
    let base_dir = tempfile::tempdir()?;
    let (label, base) = match &args.base {
        Some(reference) => (
            format!("git revision {reference}"),
            Some(from_git(&flags.dir, reference, base_dir.path())?),
        ),
        None => match &planned.session.state.applied {
            Some(applied) => (
                "the last apply".to_string(),
                Some(
                    applied
                        .materialise(base_dir.path(), &planned.session.protector)
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                ),
            ),
            None => {
                printer.warning(
                    "-impact: the state holds no configuration of a last apply to compare with (nothing applied yet, or applied by an earlier Strata); showing the blueprint as it will be. Compare with a git revision with -base REF.",
                );
                ("nothing applied yet".to_string(), None)
            }
        },
    };
    let before = match base {
        Some(dir) => {
            let (config, diags, sources) = super::load(&dir, &flags.vars, printer);
            if diags.has_errors() {
                printer.diagnostics(&diags, &sources);
                printer.failure(&format!(
                    "-impact: the blueprint before the change ({label}) has errors; it cannot be compared"
                ));
                return Ok(None);
            }
            let Some(assessed) = assess_side(&name, &config, &run, printer)? else {
                return Ok(None);
            };
            Some(assessed)
        }
        None => None,
    };
    let Some(now) = assess_side(&name, after, &run, printer)? else {
        return Ok(None);
    };
    let touched = touched_services(&planned.plan, after);
    let before_side = before
        .as_ref()
        .map(|(report, capacity)| Side { report, capacity });
    let after_side = Side {
        report: &now.0,
        capacity: &now.1,
    };
    Ok(Some(Impact::new(
        before_side.as_ref(),
        &after_side,
        &touched,
        &label,
    )))
}

/// One side assessed; `Err` when it cannot be simulated.
fn assess_side(
    name: &str,
    config: &Config,
    run: &Run,
    printer: &mut Printer,
) -> anyhow::Result<Option<(report::Report, sim::capacity::Capacity)>> {
    assess_blueprint(name, config, None, run, printer).context("-impact")
}

/// The blueprint's only scenario, or the first by name.
fn first_scenario(config: &Config) -> Option<String> {
    config
        .of_kind("scenario")
        .map(|s| s.address.name.clone())
        .min()
}

/// The blueprint's name: its folder's name.
fn blueprint_name(dir: &Path) -> String {
    let full = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    full.file_name().map_or_else(
        || "blueprint".to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The services the change touches: those it changes, and those that depend, directly or
/// through what they run on or require, on something it changes. Addresses, in the
/// blueprint's order; services the change destroys come last.
fn touched_services(plan: &Plan, config: &Config) -> Vec<String> {
    let changed: std::collections::HashSet<&blueprint::Address> =
        plan.actions().map(|c| &c.address).collect();
    // Instances come after what they depend on, so one pass carries "touched" forward.
    let mut touched = vec![false; config.instances.len()];
    for (i, inst) in config.instances.iter().enumerate() {
        touched[i] = changed.contains(&inst.address) || inst.deps.iter().any(|&d| touched[d]);
    }
    let mut out: Vec<String> = config
        .instances
        .iter()
        .zip(&touched)
        .filter(|(inst, t)| **t && inst.kind == "service")
        .map(|(inst, _)| inst.address.to_string())
        .collect();
    for change in plan
        .actions()
        .filter(|c| c.kind == "service" && c.after.is_none())
    {
        let address = change.address.to_string();
        if !out.contains(&address) {
            out.push(address);
        }
    }
    out
}

/// Lays out the blueprint folder `dir` as git revision `reference` has it under `into`
/// (`git archive`, no working tree touched) and returns the folder there.
fn from_git(dir: &Path, reference: &str, into: &Path) -> anyhow::Result<PathBuf> {
    let git = |args: &[&str]| -> anyhow::Result<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .context("-base needs git, and git could not be run")?;
        if !out.status.success() {
            bail!(
                "-base {reference}: git {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?);
    let here = dir.canonicalize()?;
    let inside = here
        .strip_prefix(&top)
        .unwrap_or(Path::new(""))
        .to_path_buf();
    git(&["rev-parse", "--verify", &format!("{reference}^{{commit}}")])?;
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(&top)
        .args(["archive", "--format=tar", reference])
        .stdout(Stdio::piped())
        .spawn()
        .context("-base: git archive could not be run")?;
    let stdout = archive
        .stdout
        .take()
        .context("-base: no output from git archive")?;
    let untar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(into)
        .stdin(stdout)
        .status()
        .context("-base needs tar to unpack the revision")?;
    let archived = archive.wait()?;
    if !archived.success() || !untar.success() {
        bail!("-base {reference}: the revision could not be unpacked");
    }
    let folder = into.join(&inside);
    if !folder.is_dir() {
        bail!(
            "-base {reference}: the blueprint folder {} does not exist in that revision",
            inside.display()
        );
    }
    Ok(folder)
}
