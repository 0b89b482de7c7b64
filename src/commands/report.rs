//! `strata report`: the failure simulation and the capacity analysis of a blueprint under
//! one scenario, combined into one report (HTML, Markdown or JSON; docs/report.md), or two
//! blueprints compared side by side with `--compare`.

use std::collections::HashMap;
use std::path::Path;

use ::report::{Comparison, Document, Format, Phase, Phases, Report};
use ::sim::capacity::{self, Options};
use ::sim::failover::Scenario;
use ::sim::{Failover, RunConfig, Topology};

use crate::cli::{ReportArgs, ReportFormat, VarArgs};
use crate::printer::Printer;

pub fn run(args: &ReportArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let Some(base) = build(
        &args.dir,
        &args.vars,
        args,
        args.scenario.as_deref(),
        printer,
    ) else {
        return Ok(1);
    };
    // The same scenario name in every phase, even when the first was implied.
    let name = base.scenario.clone();
    let mut phases = vec![Phase {
        name: base.blueprint.clone(),
        report: base,
    }];
    for dir in &args.compare {
        let Some(report) = build(dir, &args.vars, args, Some(&name), printer) else {
            return Ok(1);
        };
        phases.push(Phase {
            name: report.blueprint.clone(),
            report,
        });
    }
    for file in &args.phase_var_file {
        let mut vars = args.vars.clone();
        vars.var_files.push(file.clone());
        let Some(report) = build(&args.dir, &vars, args, Some(&name), printer) else {
            return Ok(1);
        };
        phases.push(Phase {
            name: file.file_stem().map_or_else(
                || file.display().to_string(),
                |s| s.to_string_lossy().into_owned(),
            ),
            report,
        });
    }
    let document = document(phases, args.phase_var_file.is_empty());
    let format = match args.format {
        ReportFormat::Html => Format::Html,
        ReportFormat::Md => Format::Markdown,
        ReportFormat::Json => Format::Json,
    };
    let text = match document.render(format) {
        Ok(t) => t,
        Err(e) => {
            printer.failure(&e.to_string());
            return Ok(1);
        }
    };
    match &args.output {
        None => printer.text(&text),
        Some(file) => {
            // The file gets the same masking as the terminal.
            if let Err(e) = std::fs::write(file, printer.scrub(&text).as_bytes()) {
                printer.failure(&format!("cannot write {}: {e}", file.display()));
                return Ok(1);
            }
            printer.line(&format!("Wrote {}.", file.display()));
        }
    }
    Ok(0)
}

/// One phase: the report alone; two blueprints: side by side with their deltas; more, or
/// phases of one blueprint's variable files: the phases side by side.
fn document(mut phases: Vec<Phase>, blueprints_only: bool) -> Document {
    match phases.len() {
        1 => Document::Single(Box::new(phases.remove(0).report)),
        2 if blueprints_only => {
            let other = phases.remove(1).report;
            Document::Compare(Box::new(Comparison::new(phases.remove(0).report, other)))
        }
        _ => Document::Phases(Box::new(Phases { phases })),
    }
}

/// The report of one blueprint, or `None` once the reason has been printed.
fn build(
    dir: &Path,
    vars: &VarArgs,
    args: &ReportArgs,
    scenario_name: Option<&str>,
    printer: &mut Printer,
) -> Option<Report> {
    let (config, diags, sources) = super::load(dir, vars, printer);
    printer.diagnostics(&diags, &sources);
    if diags.has_errors() {
        let (errors, _) = diags.counts();
        printer.failure(&format!(
            "{} has {errors} error(s); fix them before reporting",
            dir.display()
        ));
        return None;
    }
    let run = Run {
        scenario: scenario_name.map(str::to_string),
        replications: args.replications,
        seed: args.seed,
        k: args.k,
        force: args.force,
    };
    match assess(&name_of(dir), &config, Some(&sources), &run, printer) {
        Ok(Some((report, _))) => {
            Some(report.with_provenance(super::provenance::of(dir, config.currency.clone())))
        }
        Ok(None) => None,
        Err(e) => {
            printer.failure(&format!("{}: {e}", dir.display()));
            None
        }
    }
}

/// How a blueprint is assessed: the scenario and the size of its run, and the failures
/// per pool the verdicts consider.
pub struct Run {
    /// The scenario (may be left out when the blueprint has only one).
    pub scenario: Option<String>,
    /// Replications (default: the scenario's).
    pub replications: Option<u64>,
    /// The seed (default: the scenario's).
    pub seed: Option<u64>,
    /// Host failures per pool: 1 or 2.
    pub k: u8,
    /// Run even when estimated to take more than 10 minutes.
    pub force: bool,
}

/// The report and the capacity analysis of the evaluated blueprint `name`; the scenario's
/// warnings are printed against `sources` when given. `Err` says
/// why it cannot be simulated; `Ok(None)` when the run was refused or interrupted (the
/// reason already printed).
pub fn assess(
    name: &str,
    config: &blueprint::Config,
    sources: Option<&blueprint::SourceMap>,
    run: &Run,
    printer: &mut Printer,
) -> anyhow::Result<Option<(Report, capacity::Capacity)>> {
    let topology =
        Topology::from_config(config).map_err(|e| anyhow::anyhow!("cannot simulate: {e}"))?;
    let mut scenario = Scenario::from_config(config, &topology, run.scenario.as_deref())?;
    if let Some(sources) = sources {
        printer.diagnostics(&scenario.warnings.iter().cloned().collect(), sources);
    }
    if let Some(n) = run.replications {
        scenario.replications = n;
    }
    if let Some(seed) = run.seed {
        scenario.seed = seed;
    }
    let options = Options {
        k: run.k,
        ..Options::default()
    };
    let capacity = capacity::analyse(config, &options)?;
    let run_config = RunConfig::new(
        scenario.name.clone(),
        scenario.seed,
        scenario.replications,
        scenario.horizon,
    );
    let label = format!("{name} scenario {}", run_config.scenario);
    let migrations = topology.migrations();
    let simulation = Failover::new(topology, scenario);
    let Some(outcome) = super::sim_run::run(&run_config, &simulation, &label, run.force, printer)
    else {
        return Ok(None);
    };
    let injected = injected(config, &run_config.scenario);
    let report = Report::new(name, &outcome, &capacity, &targets(config), &injected)
        .with_migrations(&migrations);
    Ok(Some((report, capacity)))
}

/// The blueprint's name: its folder's name.
fn name_of(dir: &Path) -> String {
    let full = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    full.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The availability target of each service that sets one.
fn targets(config: &blueprint::Config) -> HashMap<String, f64> {
    config
        .instances
        .iter()
        .filter(|i| i.kind == "service")
        .filter_map(|i| Some((i.address.to_string(), i.fields.num("target")?)))
        .collect()
}

/// The failure domains scenario `name` takes down on purpose (`inject { fail = ... }`), as
/// addresses with the hours each stays down.
fn injected(config: &blueprint::Config, name: &str) -> Vec<(String, f64)> {
    let address = format!("scenario.{name}");
    config
        .instances
        .iter()
        .filter(|i| i.kind == "scenario" && i.address.to_string() == address)
        .flat_map(|i| i.fields.blocks("inject"))
        .filter_map(|b| {
            let domain = b.fields.reference("fail")?.to_string();
            let ms = b.fields.duration("for")?;
            Some((domain, ms as f64 / 3_600_000.0))
        })
        .collect()
}
