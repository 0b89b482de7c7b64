//! `strata`: the command-line interface of Strata, an infrastructure-as-code provisioner
//! and simulator for on-premises platforms. Each command lives in its own file under
//! `commands/`; everything printed goes through the [`printer::Printer`].

mod args;
mod backend;
mod cli;
mod cli_state;
mod commands;
mod interrupt;
mod printer;
mod reading;
mod registry;
mod session;
mod sim_settings;
mod table;
mod vars;

use std::process::ExitCode;

use clap::Parser;

/// Evaluation allocates many small values; mimalloc handles that far better than the
/// system allocator (a third of the time of a 100,000-instance validate went to malloc).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse_from(args::normalize(std::env::args_os()));
    let mut printer = printer::Printer::new();
    printer::install_panic_hook(printer.secrets());
    match commands::run(cli.command, &mut printer) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            printer.failure(&format!("{e:#}"));
            ExitCode::from(1)
        }
    }
}
