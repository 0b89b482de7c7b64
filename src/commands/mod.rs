//! The commands, one file each; `run` dispatches and returns the exit code.

mod fmt;
mod graph;
mod validate;

use crate::cli::Command;
use crate::printer::Printer;

pub fn run(command: Command, printer: &mut Printer) -> anyhow::Result<u8> {
    match command {
        Command::Validate(args) => validate::run(&args, printer),
        Command::Fmt(args) => fmt::run(&args, printer),
        Command::Graph(args) => graph::run(&args, printer),
    }
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
