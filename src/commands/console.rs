//! `strata console`: evaluate expressions against a blueprint, as `terraform console`.
//!
//! The blueprint is evaluated with its variables and the attributes of the objects in
//! the state; each expression typed is then evaluated in the root module and its value
//! printed as Terraform prints it. On a terminal, `> ` prompts for an expression (`: `
//! for its next line while brackets are open), errors are shown and the console goes
//! on; `exit` or end of input leaves. From a pipe, as Terraform does for scripts, every
//! line is evaluated, only the last value is printed, and the first error stops the
//! console with exit code 1.
//!
//! The state is read without taking its lock (Terraform's console holds the lock while it
//! runs): the console never writes, and an open console does not block `apply`.

mod show;

use std::io::{BufRead, IsTerminal};

use blueprint::{Diagnostics, SourceMap};

use crate::cli::{ConsoleArgs, StateArgs};
use crate::printer::Printer;
use crate::reading::read_state;
use crate::session::known;

/// What `help` prints.
const HELP: &str = "\
The Strata console evaluates expressions against the blueprint: its variables
(var.NAME), locals (local.NAME), resources (KIND.NAME, with the attributes of the
objects in the state), module outputs (module.NAME.OUTPUT) and functions.

Type an expression and press enter to see its value. An expression whose brackets
are still open continues on the next line; an empty line evaluates what was typed
so far.

To leave the console, type \"exit\" and press enter, or press Control-D.";

pub fn run(args: &ConsoleArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let state_args = StateArgs {
        state_dir: args.state_dir.clone(),
        ..StateArgs::default()
    };
    let state = super::runtime()?.block_on(read_state(&args.dir, &state_args, printer))?;
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let mut inputs = crate::vars::inputs(&args.vars, &mut sources, &mut diags);
    inputs.known = known(&state);
    inputs.workspace = crate::backend::workspace(&args.dir)?;
    let (config, more, scope) = blueprint::load_scope(&args.dir, &inputs, &mut sources);
    printer.protect(&config.redactor);
    diags.extend(more);
    diags.normalize(&sources);
    printer.diagnostics(&diags, &sources);
    if diags.has_errors() {
        return Ok(1);
    }
    let mut console = Console {
        scope,
        sources,
        printer,
        interactive: std::io::stdin().is_terminal(),
    };
    console.run()
}

struct Console<'p> {
    scope: blueprint::eval::Scope,
    sources: SourceMap,
    printer: &'p mut Printer,
    /// Standard input is a terminal: prompt, and go on after errors.
    interactive: bool,
}

impl Console<'_> {
    fn run(&mut self) -> anyhow::Result<u8> {
        let stdin = std::io::stdin();
        let mut lines = stdin.lock().lines();
        let mut last = None;
        while let Some(entry) = self.read_entry(&mut lines)? {
            let shown = match entry.trim() {
                "" => continue,
                "exit" => return Ok(0),
                "help" => HELP.to_owned(),
                _ => match self.evaluate(&entry) {
                    Some(shown) => shown,
                    None if self.interactive => continue,
                    None => return Ok(1),
                },
            };
            if self.interactive {
                self.printer.line(&shown);
            } else {
                last = Some(shown);
            }
        }
        if self.interactive {
            // Leave the line of the prompt that end of input answered.
            self.printer.line("");
        }
        if let Some(shown) = last {
            self.printer.line(&shown);
        }
        Ok(0)
    }

    /// Reads one entry: a line, and the lines after it while its brackets, heredoc or
    /// template sequence are open and the last line is not blank. `None` at the end.
    fn read_entry(
        &mut self,
        lines: &mut impl Iterator<Item = std::io::Result<String>>,
    ) -> anyhow::Result<Option<String>> {
        let mut entry = String::new();
        loop {
            if self.interactive {
                self.printer
                    .prompt(if entry.is_empty() { "> " } else { ": " });
            }
            let Some(line) = lines.next().transpose()? else {
                return Ok((!entry.is_empty()).then_some(entry));
            };
            entry.push_str(&line);
            entry.push('\n');
            if line.trim().is_empty() || !blueprint::format::is_unfinished(&entry) {
                return Ok(Some(entry));
            }
        }
    }

    /// Evaluates an entry; the value as it prints, or `None` after printing why not.
    fn evaluate(&mut self, text: &str) -> Option<String> {
        let mut diags = Diagnostics::default();
        let name = "<console-input>";
        let evaluated = blueprint::parse::parse_expression(
            &mut self.sources,
            name,
            text.to_owned(),
            &mut diags,
        )
        .and_then(|expr| self.scope.eval(&expr).map_err(|e| diags.extend(e)).ok());
        let Some(evaluated) = evaluated else {
            diags.normalize(&self.sources);
            self.printer.diagnostics(&diags, &self.sources);
            return None;
        };
        Some(if evaluated.sensitive {
            show::SENSITIVE.to_owned()
        } else {
            show::show(&evaluated.value, 0)
        })
    }
}
