//! The commands, one file each; `run` dispatches and returns the exit code.

mod apply;
mod capacity;
mod console;
mod fmt;
mod graph;
mod impact;
mod import;
mod init;
mod markdown;
mod measured;
mod output;
mod plan;
mod policy;
mod provenance;
mod providers;
mod render;
mod report;
mod schedules;
mod show;
mod sim;
mod sim_run;
mod sim_show;
mod simulate;
mod state;
mod state_versions;
mod validate;
mod workspace;

use crate::cli::Command;
use crate::interrupt::{self, Stopping};
use crate::printer::Printer;

pub fn run(command: Command, printer: &mut Printer) -> anyhow::Result<u8> {
    match command {
        Command::Validate(args) => validate::run(&args, printer),
        Command::Fmt(args) => fmt::run(&args, printer),
        Command::Graph(args) => graph::run(&args, printer),
        Command::Providers(args) => providers::run(&args, printer),
        Command::Plan(args) => {
            interrupt::install(Stopping::Plan)?;
            runtime()?.block_on(plan::run(&args, printer))
        }
        Command::Apply(args) => {
            interrupt::install(Stopping::Apply)?;
            runtime()?.block_on(apply::run(&args, false, printer))
        }
        Command::Destroy(args) => {
            if args.dir.is_file() {
                printer.failure(&format!(
                    "strata destroy takes a blueprint folder, and {} is a file; to carry out a saved plan (`strata plan -destroy -out FILE`), run `strata apply {}`",
                    args.dir.display(),
                    args.dir.display()
                ));
                return Ok(1);
            }
            interrupt::install(Stopping::Apply)?;
            runtime()?.block_on(apply::run(&args.into_apply(), true, printer))
        }
        Command::Init(args) => runtime()?.block_on(init::run(&args, printer)),
        Command::State(command) => runtime()?.block_on(state::run(&command, printer)),
        Command::Workspace(command) => runtime()?.block_on(workspace::run(&command, printer)),
        Command::Output(args) => output::run(&args, printer),
        Command::Show(args) => runtime()?.block_on(show::run(&args, printer)),
        Command::Import(args) => runtime()?.block_on(import::run(&args, printer)),
        Command::Sim(command) => runtime()?.block_on(sim::run(&command, printer)),
        Command::Capacity(args) => capacity::run(&args, printer),
        Command::Simulate(args) => {
            interrupt::install(Stopping::Simulation)?;
            simulate::run(&args, printer)
        }
        Command::Report(args) => {
            interrupt::install(Stopping::Simulation)?;
            report::run(&args, printer)
        }
        Command::Render(args) => render::run(&args, printer),
        Command::Console(args) => console::run(&args, printer),
    }
}

/// The async runtime for commands that call providers.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Loads and checks a blueprint with its variables: what every command that does not
/// open the state starts with. Its sensitive values are masked in all `printer` prints.
pub fn load(
    dir: &std::path::Path,
    vars: &crate::cli::VarArgs,
    printer: &mut Printer,
) -> (
    blueprint::Config,
    blueprint::Diagnostics,
    blueprint::SourceMap,
) {
    crate::session::load_blueprint(dir, vars, Default::default(), printer)
}

/// [`load`] for a command that needs a blueprint without errors: prints its diagnostics
/// and, when it has errors, says so ("fix them before `doing`") and gives `None`.
pub fn load_valid(
    dir: &std::path::Path,
    vars: &crate::cli::VarArgs,
    doing: &str,
    printer: &mut Printer,
) -> Option<(blueprint::Config, blueprint::SourceMap)> {
    let (config, diags, sources) = load(dir, vars, printer);
    printer.diagnostics(&diags, &sources);
    if diags.has_errors() {
        let (errors, _) = diags.counts();
        printer.failure(&format!(
            "the blueprint has {errors} error(s); fix them before {doing}"
        ));
        return None;
    }
    Some((config, sources))
}
