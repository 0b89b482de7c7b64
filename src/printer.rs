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

    /// A plain line on stderr: what the program is doing about an event (an interrupt).
    pub fn notice(&mut self, text: &str) {
        let _ = writeln!(self.err, "{text}");
    }

    /// A prompt on the terminal, left on the line for what is typed after it.
    pub fn prompt(&mut self, text: &str) {
        let _ = write!(self.out, "{text}");
        let _ = self.out.flush();
    }

    /// Asks a question on the terminal and returns the answer line, or `None` when an
    /// interrupt arrives first (the line is read on a thread of its own, which the process
    /// leaves behind when it exits).
    pub fn ask(&mut self, question: &str) -> Option<String> {
        let _ = write!(self.out, "{question}");
        let _ = self.out.flush();
        let (sender, answer) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
            let _ = sender.send(line);
        });
        loop {
            if crate::interrupt::requested() {
                let _ = writeln!(self.out);
                return None;
            }
            match answer.recv_timeout(std::time::Duration::from_millis(50)) {
                Ok(line) => return Some(line.trim().to_string()),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Some(String::new());
                }
            }
        }
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

/// The progress of a count of work items (a simulation's replications) on stderr: a bar
/// on a terminal, otherwise a plain line every [`Counter::LINE_EVERY`].
pub struct Counter {
    bar: Option<indicatif::ProgressBar>,
    /// When the last plain line was written.
    last_line: std::cell::Cell<std::time::Instant>,
}

impl Counter {
    /// How often a plain line is written when stderr is not a terminal.
    pub const LINE_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

    /// Progress over `total` items.
    pub fn new(total: u64) -> Self {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Counter {
            bar,
            last_line: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    /// `done` items so far, and `text` saying where the work stands: the bar's message,
    /// or a line when the last one is old enough.
    pub fn show(&self, done: u64, text: &str) {
        match &self.bar {
            Some(bar) => {
                bar.set_position(done);
                bar.set_message(text.to_string());
            }
            None if self.last_line.get().elapsed() >= Self::LINE_EVERY => {
                self.last_line.set(std::time::Instant::now());
                eprintln!("{text}");
            }
            None => {}
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
