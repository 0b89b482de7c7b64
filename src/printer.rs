//! The Printer: the only code that writes to the terminal.

use std::io::Write;

use blueprint::{Diagnostics, SourceMap};

/// Writes results to stdout and problems to stderr.
pub struct Printer {
    out: std::io::Stdout,
    err: std::io::Stderr,
}

impl Printer {
    pub fn new() -> Self {
        Printer {
            out: std::io::stdout(),
            err: std::io::stderr(),
        }
    }

    /// A line of results.
    pub fn line(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}");
    }

    /// Text of results, as is.
    pub fn text(&mut self, text: &str) {
        let _ = write!(self.out, "{text}");
    }

    /// A JSON document.
    pub fn json(&mut self, value: &serde_json::Value) {
        let text = serde_json::to_string_pretty(value).unwrap_or_default();
        self.line(&text);
    }

    /// Diagnostics, rendered with their source lines, to stderr.
    pub fn diagnostics(&mut self, diags: &Diagnostics, sources: &SourceMap) {
        let _ = write!(self.err, "{}", diags.render(sources));
    }

    /// A failure that is not about the blueprint (a file that cannot be written).
    pub fn failure(&mut self, text: &str) {
        let _ = writeln!(self.err, "error: {text}");
    }
}

impl Printer {
    /// A warning that is not about a place in the blueprint.
    pub fn warning(&mut self, text: &str) {
        let _ = writeln!(self.err, "warning: {text}");
    }

    /// A prompt on the terminal, left on the line for what is typed after it.
    pub fn prompt(&mut self, text: &str) {
        let _ = write!(self.out, "{text}");
        let _ = self.out.flush();
    }

    /// Asks a question on the terminal and returns the answer line.
    pub fn ask(&mut self, question: &str) -> String {
        let _ = write!(self.out, "{question}");
        let _ = self.out.flush();
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        answer.trim().to_string()
    }
}

/// The progress of an apply: a bar on a terminal, one line per event otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// Progress over `total` operations.
    pub fn new(total: usize) -> Self {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar }
    }

    fn line(&self, text: String) {
        match &self.bar {
            Some(bar) => bar.set_message(text),
            None => println!("{text}"),
        }
    }

    /// Ends the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The progress of a count of work items (a simulation's replications): a bar on a
/// terminal, nothing otherwise.
pub struct Counter {
    bar: Option<indicatif::ProgressBar>,
}

impl Counter {
    /// Progress over `total` items, labelled `label`.
    pub fn new(total: u64, label: &str) -> Self {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} {msg} (eta {eta})",
            ) {
                bar.set_style(style);
            }
            bar.set_message(label.to_string());
            bar
        });
        Counter { bar }
    }

    /// Whether a bar is shown (and worth updating).
    pub fn is_shown(&self) -> bool {
        self.bar.is_some()
    }

    /// Sets the items done.
    pub fn set(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }

    /// Ends the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn verb(kind: planner::apply::OpKind) -> (&'static str, &'static str) {
    match kind {
        planner::apply::OpKind::Create => ("Creating...", "Creation complete"),
        planner::apply::OpKind::Update => ("Modifying...", "Modifications complete"),
        planner::apply::OpKind::Delete => ("Destroying...", "Destruction complete"),
        planner::apply::OpKind::Move => ("Moving...", "Move complete"),
        planner::apply::OpKind::Forget => ("Forgetting...", "No longer managed"),
    }
}

impl planner::apply::Observer for Progress {
    fn started(&self, op: &planner::apply::Op) {
        self.line(format!("{}: {}", op.address, verb(op.kind).0));
    }

    fn finished(&self, op: &planner::apply::Op, error: Option<&str>) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        match error {
            None => self.line(format!("{}: {}", op.address, verb(op.kind).1)),
            Some(e) => self.line(format!("{}: failed: {e}", op.address)),
        }
    }

    fn skipped(&self, op: &planner::apply::Op, because: &str) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        self.line(format!("{}: skipped, because {because} failed", op.address));
    }
}
