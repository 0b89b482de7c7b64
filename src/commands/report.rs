//! `strata report`: the failure simulation and the capacity analysis of a blueprint under
//! one scenario, combined into one report (HTML, Markdown or JSON; docs/report.md), or two
//! blueprints compared side by side with `--compare`.

use std::collections::HashMap;
use std::path::Path;

use ::report::{Comparison, Document, Format, Report};
use ::sim::capacity::{self, Options};
use ::sim::failover::Scenario;
use ::sim::{Failover, RunConfig, Topology};

use crate::cli::{ReportArgs, ReportFormat};
use crate::printer::Printer;

pub fn run(args: &ReportArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let Some(base) = build(&args.dir, args, args.scenario.as_deref(), printer) else {
        return Ok(1);
    };
    let document = match &args.compare {
        None => Document::Single(Box::new(base)),
        Some(other_dir) => {
            // The same scenario name in both, even when the first was implied.
            let name = base.scenario.clone();
            let Some(other) = build(other_dir, args, Some(&name), printer) else {
                return Ok(1);
            };
            Document::Compare(Box::new(Comparison::new(base, other)))
        }
    };
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

/// The report of one blueprint, or `None` once the reason has been printed.
fn build(
    dir: &Path,
    args: &ReportArgs,
    scenario_name: Option<&str>,
    printer: &mut Printer,
) -> Option<Report> {
    let (config, diags, sources) = super::load(dir, &args.vars, printer);
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
    match assess(&name_of(dir), &config, &run, printer) {
        Ok(Some((report, _))) => Some(report),
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

/// The report and the capacity analysis of the evaluated blueprint `name`. `Err` says
/// why it cannot be simulated; `Ok(None)` when the run was refused or interrupted (the
/// reason already printed).
pub fn assess(
    name: &str,
    config: &blueprint::Config,
    run: &Run,
    printer: &mut Printer,
) -> anyhow::Result<Option<(Report, capacity::Capacity)>> {
    let topology =
        Topology::from_config(config).map_err(|e| anyhow::anyhow!("cannot simulate: {e}"))?;
    let mut scenario = Scenario::from_config(config, &topology, run.scenario.as_deref())?;
    if let Some(n) = run.replications {
        scenario.replications = n;
    }
    if let Some(seed) = run.seed {
        scenario.seed = seed;
    }
    let options = Options {
        k: run.k,
        scenario: None,
    };
    let capacity = capacity::analyse(config, &options)?;
    let run_config = RunConfig::new(
        scenario.name.clone(),
        scenario.seed,
        scenario.replications,
        scenario.horizon,
    );
    let label = format!("{name} scenario {}", run_config.scenario);
    let simulation = Failover::new(topology, scenario);
    let Some(outcome) = super::sim_run::run(&run_config, &simulation, &label, run.force, printer)
    else {
        return Ok(None);
    };
    let report = Report::new(name, &outcome, &capacity, &targets(config));
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
