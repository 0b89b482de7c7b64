//! `strata simulate`: the failure simulation of a blueprint under one of its scenarios,
//! as tables or as JSON (docs/simulation.md); `strata simulate merge` combines the JSON of
//! shards into the outcome of the whole run.

use std::collections::HashMap;
use std::time::Instant;

use ::sim::failover::{AFTER_MIGRATION, Failover, RowKind, Scenario, row_kind};
use ::sim::topology::Migration;
use ::sim::{Outcome, RunConfig, ServiceOutcome, Shard, SimTime, Topology};
use blueprint::units::{format_duration, parse_duration};

use crate::cli::{SimulateArgs, SimulateCommand, SimulateMergeArgs};
use crate::printer::Printer;
use crate::table::table;

pub fn run(args: &SimulateArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    if let Some(SimulateCommand::Merge(merge_args)) = &args.command {
        return merge(merge_args, printer);
    }
    let Some((config, sources)) = super::load_valid(&args.dir, &args.vars, "simulating", printer)
    else {
        return Ok(1);
    };
    let state =
        super::runtime()?.block_on(crate::reading::read_state(&args.dir, &args.state, printer))?;
    let measured = super::measured::read(&state);
    let disagree = ::sim::measured::disagreements(&config, &measured);
    printer.diagnostics(&disagree.into_iter().collect(), &sources);
    let config = ::sim::measured::apply(&config, &measured);
    let topology = match Topology::from_config(&config) {
        Ok(t) => t,
        Err(e) => {
            printer.failure(&format!("cannot simulate: {e}"));
            return Ok(1);
        }
    };
    let mut scenario = match Scenario::from_config(&config, &topology, args.scenario.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            printer.failure(&e.to_string());
            return Ok(1);
        }
    };
    printer.diagnostics(&scenario.warnings.iter().cloned().collect(), &sources);
    if let Some(n) = args.replications {
        scenario.replications = n;
    }
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    if let Some(text) = &args.horizon {
        match parse_duration(text) {
            Ok(ms) if ms > 0 => scenario.horizon = SimTime::from_millis(ms),
            Ok(_) => {
                printer.failure("--horizon must be longer than zero");
                return Ok(1);
            }
            Err(e) => {
                printer.failure(&format!("--horizon {text}: {e}"));
                return Ok(1);
            }
        }
    }
    if args.render_job {
        return render_job(args, &scenario, printer);
    }
    let shard = match args.replication {
        // Shard N of R runs replication N only: its random stream is (seed, N), as in the
        // whole run.
        Some(n) => match Shard::new(n, scenario.replications) {
            Ok(shard) => shard,
            Err(_) => {
                printer.failure(&format!(
                    "--replication {n}: the run has {} replications, numbered 0 to {}; rerun one of those (with the same --replications and --seed as the run it comes from)",
                    scenario.replications,
                    scenario.replications.saturating_sub(1)
                ));
                return Ok(1);
            }
        },
        None => args.shard.unwrap_or(Shard::WHOLE),
    };
    let run_config = RunConfig {
        threads: args.threads,
        shard,
        ..RunConfig::new(
            scenario.name.clone(),
            scenario.seed,
            scenario.replications,
            scenario.horizon,
        )
    };
    let targets = targets(&config);
    let migrations = topology.migrations();
    let simulation = Failover::new(topology, scenario);
    let started = Instant::now();
    let label = format!("scenario {}", run_config.scenario);
    let Some(outcome) = super::sim_run::run(&run_config, &simulation, &label, args.force, printer)
    else {
        return Ok(1);
    };
    let elapsed = started.elapsed();
    if args.json {
        printer.line(&outcome.to_json());
    } else {
        printer.text(&render(&outcome, &targets, &migrations));
        super::measured::note(&measured, printer);
        let years = outcome.replications as f64 * outcome.horizon.as_years_f64();
        let secs = elapsed.as_secs_f64().max(1e-9);
        printer.line(&format!(
            "Simulated {} years in {:.2} s ({} simulated years/s).",
            grouped(years.round() as u64),
            secs,
            grouped((years / secs).round() as u64)
        ));
    }
    Ok(0)
}

/// Prints the Indexed Job that runs this simulation as `--shards` pods, with the
/// scenario's replications, seed and horizon fixed so that the shards make one run.
fn render_job(
    args: &SimulateArgs,
    scenario: &Scenario,
    printer: &mut Printer,
) -> anyhow::Result<u8> {
    let (Some(shards), Some(image)) = (args.shards, &args.image) else {
        printer.failure("--render-job needs --shards N and --image IMAGE");
        return Ok(1);
    };
    let job = kubernetes::SimulateJob {
        scenario: scenario.name.clone(),
        shards,
        image: image.clone(),
        workdir: args.workdir.clone(),
        args: vec![
            "--replications".into(),
            scenario.replications.to_string(),
            "--seed".into(),
            scenario.seed.to_string(),
            "--horizon".into(),
            format_duration(scenario.horizon.as_millis()),
        ],
        cpu: if args.threads == 0 {
            JOB_CPU
        } else {
            args.threads as u32
        },
        memory: JOB_MEMORY,
    };
    let manifest = kubernetes::simulate_job(&job);
    printer.text(&kubernetes::yaml::document(&manifest.object));
    Ok(0)
}

/// Cores of each simulation pod when `--threads` is not given.
const JOB_CPU: u32 = 2;
/// Memory of each simulation pod: 2 GiB.
const JOB_MEMORY: u64 = 2 << 30;

fn merge(args: &SimulateMergeArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let mut shards = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                printer.failure(&format!("cannot read {}: {e}", file.display()));
                return Ok(1);
            }
        };
        match Outcome::from_json(json_part(&text)) {
            Ok(o) => shards.push(o),
            Err(e) => {
                printer.failure(&format!(
                    "{} is not the JSON of `strata simulate --json`: {e}",
                    file.display()
                ));
                return Ok(1);
            }
        }
    }
    match Outcome::merge(&shards) {
        Ok(outcome) if args.json => printer.line(&outcome.to_json()),
        Ok(outcome) => printer.text(&render(&outcome, &HashMap::new(), &[])),
        Err(e) => {
            printer.failure(&format!("cannot merge: {e}"));
            return Ok(1);
        }
    }
    Ok(0)
}

/// The JSON of a shard's output: all of it, or, in a pod's log (where kubectl shows
/// stderr's progress lines with stdout), from the line that opens the JSON object.
fn json_part(text: &str) -> &str {
    if text.trim_start().starts_with('{') {
        return text;
    }
    text.find("\n{\n").map_or(text, |i| &text[i + 1..])
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

/// A horizon in whole years or days when it is one, else in the blueprint's units.
pub(super) fn horizon(h: SimTime) -> String {
    let ms = h.as_millis();
    let day = SimTime::from_days(1).as_millis();
    let year = SimTime::from_years(1).as_millis();
    if ms.is_multiple_of(year) {
        format!("{}y", ms / year)
    } else if ms.is_multiple_of(day) {
        format!("{}d", ms / day)
    } else {
        format_duration(ms)
    }
}

/// 1234567 as `1,234,567`.
pub(super) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `x` with `places` decimals.
fn fixed(x: f64, places: usize) -> String {
    let text = format!("{x:.places$}");
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        format!("{:.places$}", 0.0)
    } else {
        text
    }
}

/// A fraction as a percentage with enough decimals to show the nines.
fn percent(x: f64) -> String {
    format!("{}%", fixed(x * 100.0, 4))
}

fn optional(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| fixed(v, 1))
}

fn availability_row(s: &ServiceOutcome, target: Option<f64>) -> Vec<String> {
    let a = &s.availability;
    let mut row = vec![
        s.address.clone(),
        percent(a.mean),
        format!("{} – {}", percent(a.ci95[0]), percent(a.ci95[1])),
        fixed(s.downtime_minutes_per_year.mean, 1),
        fixed(s.outages_per_year.mean, 2),
        optional(s.outage_minutes.mean),
        optional(s.outage_minutes.p95),
        fixed(s.degraded_minutes_per_year.mean, 1),
        s.worst_replication.map_or_else(
            || "-".into(),
            |w| format!("#{} {}", w.replication, percent(w.availability)),
        ),
    ];
    if let Some(t) = target {
        let verdict = if a.mean >= t { "met" } else { "MISSED" };
        let target = fixed(t * 100.0, 4);
        let target = target.trim_end_matches('0').trim_end_matches('.');
        row.push(format!("{target}% {verdict}"));
    } else {
        row.push(String::new());
    }
    row
}

const AVAILABILITY_HEADERS: [&str; 10] = [
    "",
    "AVAILABILITY",
    "95% INTERVAL",
    "DOWN MIN/YR",
    "OUTAGES/YR",
    "MEAN MIN",
    "P95 MIN",
    "DEGRADED MIN/YR",
    "WORST REPLICATION",
    "TARGET",
];

/// The outcome as tables: services, the migration pairs, clusters, storage, data at risk.
fn render(outcome: &Outcome, targets: &HashMap<String, f64>, migrations: &[Migration]) -> String {
    let mut out = format!(
        "Scenario {}: {} replications of {}, seed {}{}; {} events.\n\n",
        outcome.scenario,
        grouped(outcome.replications),
        horizon(outcome.horizon),
        outcome.seed,
        outcome.shard.map_or_else(String::new, |s| format!(
            ", shard {} of {} replications",
            s.shard,
            grouped(s.replications_total)
        )),
        grouped(outcome.events),
    );
    let sections = [
        (
            RowKind::Service,
            "Services (up while quorum replicas run and everything they need is up)",
        ),
        (
            RowKind::Cluster,
            "Clusters (control plane: up while etcd has a majority)",
        ),
        (RowKind::Storage, "Storage (up while it serves I/O)"),
    ];
    for (kind, title) in sections {
        let mut rows: Vec<Vec<String>> = outcome
            .services
            .iter()
            .filter(|s| row_kind(&s.address) == kind)
            .map(|s| availability_row(s, targets.get(&s.address).copied()))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let mut headers = AVAILABILITY_HEADERS.to_vec();
        headers[0] = match kind {
            RowKind::Service => "SERVICE",
            RowKind::Cluster => "CLUSTER",
            _ => "STORAGE",
        };
        if rows.iter().all(|r| r[9].is_empty()) {
            headers.truncate(9);
            rows.iter_mut().for_each(|r| r.truncate(9));
        }
        out.push_str(&format!("{title}\n{}\n", table(&headers, &rows)));
        if kind == RowKind::Service {
            out.push_str(&migration_table(outcome, migrations));
        }
    }
    let at_risk: Vec<Vec<String>> = outcome
        .services
        .iter()
        .filter(|s| row_kind(&s.address) == RowKind::DataAtRisk)
        .map(|s| {
            vec![
                s.address
                    .trim_end_matches(::sim::failover::DATA_AT_RISK)
                    .to_string(),
                fixed(s.outages_per_year.mean, 2),
                fixed(s.downtime_minutes_per_year.mean, 1),
                optional(s.outage_minutes.mean),
                optional(s.outage_minutes.max),
            ]
        })
        .collect();
    if !at_risk.is_empty() {
        out.push_str(&format!(
            "Data at risk (a placement group at risk on its last copy, or unavailable with none reachable; not lost: the copies return with their hosts)\n{}\n",
            table(
                &["STORAGE", "EVENTS/YR", "MIN/YR", "MEAN MIN", "LONGEST MIN"],
                &at_risk
            )
        ));
    }
    out
}

/// Each application today on VMs beside what it becomes after migration; empty without
/// `migrates_to`.
fn migration_table(outcome: &Outcome, migrations: &[Migration]) -> String {
    if migrations.is_empty() {
        return String::new();
    }
    let of = |address: &str| outcome.services.iter().find(|s| s.address == address);
    let mut rows = Vec::new();
    for m in migrations {
        let together = format!("{}{AFTER_MIGRATION}", m.today.address);
        let mut lines: Vec<(String, &str, &str, &str)> = vec![(
            m.today.address.clone(),
            "today",
            &m.today.runs_on,
            &m.today.address,
        )];
        for side in &m.after {
            let name = format!("→ {}", side.address);
            lines.push((name, "after migration", &side.runs_on, &side.address));
        }
        if m.after.len() > 1 {
            let name = "→ all of them together".to_string();
            lines.push((name, "after migration", "", &together));
        }
        for (name, phase, runs_on, address) in lines {
            let Some(s) = of(address) else { continue };
            rows.push(vec![
                name,
                phase.to_string(),
                runs_on.to_string(),
                percent(s.availability.mean),
                fixed(s.downtime_minutes_per_year.mean, 1),
                fixed(s.outages_per_year.mean, 2),
                optional(s.outage_minutes.mean),
            ]);
        }
    }
    format!(
        "Migration (the same application today and after migration)\n{}\n",
        table(
            &[
                "APPLICATION",
                "PHASE",
                "RUNS ON",
                "AVAILABILITY",
                "DOWN MIN/YR",
                "OUTAGES/YR",
                "MEAN MIN",
            ],
            &rows
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(12), "12");
        assert_eq!(percent(0.999_310_2), "99.9310%");
        assert_eq!(fixed(-0.00001, 1), "0.0");
    }
}
