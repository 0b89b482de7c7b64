//! The commands, one file each; `run` dispatches and returns the exit code.

mod apply;
mod capacity;
mod console;
mod fmt;
mod graph;
mod import;
mod output;
mod plan;
mod providers;
mod report;
mod sim;
mod simulate;
mod state;
mod validate;

use crate::cli::Command;
use crate::printer::Printer;

pub fn run(command: Command, printer: &mut Printer) -> anyhow::Result<u8> {
    match command {
        Command::Validate(args) => validate::run(&args, printer),
        Command::Fmt(args) => fmt::run(&args, printer),
        Command::Graph(args) => graph::run(&args, printer),
        Command::Providers(args) => providers::run(&args, printer),
        Command::Plan(args) => runtime()?.block_on(plan::run(&args, printer)),
        Command::Apply(args) => runtime()?.block_on(apply::run(&args, false, printer)),
        Command::Destroy(args) => runtime()?.block_on(apply::run(&args, true, printer)),
        Command::State(command) => state::run(&command, printer),
        Command::Output(args) => output::run(&args, printer),
        Command::Import(args) => runtime()?.block_on(import::run(&args, printer)),
        Command::Sim(command) => runtime()?.block_on(sim::run(&command, printer)),
        Command::Capacity(args) => capacity::run(&args, printer),
        Command::Simulate(args) => simulate::run(&args, printer),
        Command::Report(args) => report::run(&args, printer),
        Command::Console(args) => console::run(&args, printer),
    }
}

/// The async runtime for commands that call providers.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Loads and checks a blueprint with its variables: what every command starts with.
pub fn load(
    dir: &std::path::Path,
    vars: &crate::cli::VarArgs,
) -> (
    blueprint::Config,
    blueprint::Diagnostics,
    blueprint::SourceMap,
) {
    let mut sources = blueprint::SourceMap::default();
    let mut diags = blueprint::Diagnostics::default();
    let inputs = crate::vars::inputs(vars, &mut sources, &mut diags);
    let (config, more) = blueprint::load(dir, &inputs, &mut sources);
    diags.extend(more);
    diags.normalize(&sources);
    (config, diags, sources)
}
