//! `strata graph`: the dependency graph of a blueprint, as DOT or JSON.

use planner::GraphBuilder;

use crate::cli::{GraphArgs, GraphFormat};
use crate::printer::Printer;

pub fn run(args: &GraphArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let (config, diags, sources) = super::load(&args.dir, &args.vars, printer);
    printer.diagnostics(&diags, &sources);
    if diags.has_errors() {
        return Ok(1);
    }
    let graph = GraphBuilder::build(&config);
    match args.format {
        GraphFormat::Dot => printer.text(&graph.to_dot()),
        GraphFormat::Json => printer.json(&graph.to_json()),
    }
    Ok(0)
}
