//! The Printer: the only code that writes to the terminal.
//!
//! Everything it writes (results, JSON, diagnostics with their source lines, failures,
//! progress lines, and the message of a panic) first goes through the run's
//! [`Redactor`], which masks the sensitive values it knows (see `blueprint::redact`).

use std::borrow::Cow;
use std::io::Write;
use std::sync::{Arc, PoisonError, RwLock};

use blueprint::{Diagnostics, Redactor, SourceMap};

/// The sensitive values of the run, shared by the Printer, the progress display and the
/// panic hook.
pub type Secrets = Arc<RwLock<Redactor>>;

/// `text` with the sensitive values of `secrets` masked.
fn scrub<'a>(secrets: &Secrets, text: &'a str) -> Cow<'a, str> {
    match secrets
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .scrub(text)
    {
        Cow::Borrowed(_) => Cow::Borrowed(text),
        Cow::Owned(clean) => Cow::Owned(clean),
    }
}

/// Writes results to stdout and problems to stderr.
pub struct Printer {
    out: std::io::Stdout,
    err: std::io::Stderr,
    secrets: Secrets,
}

impl Printer {
    pub fn new() -> Self {
        Printer {
            out: std::io::stdout(),
            err: std::io::stderr(),
            secrets: Secrets::default(),
        }
    }

    /// The sensitive values masked in everything printed, to share.
    pub fn secrets(&self) -> Secrets {
        self.secrets.clone()
    }

    /// Masks the sensitive values `redactor` knows from now on.
    pub fn protect(&mut self, redactor: &Redactor) {
        self.secrets
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(redactor);
    }

    /// Masks the sensitive values a state holds in clear (opened with the state key;
    /// digests reveal nothing and are left alone).
    pub fn protect_state(&mut self, state: &planner::State) {
        let mut redactor = Redactor::default();
        let sensitive_outputs = state
            .outputs
            .values()
            .filter(|entry| entry["sensitive"] == serde_json::Value::Bool(true))
            .map(|entry| &entry["value"]);
        let sensitive_attributes = state.objects.iter().flat_map(|object| {
            object
                .sensitive
                .iter()
                .filter_map(|name| object.attributes.get(name))
        });
        for value in sensitive_attributes.chain(sensitive_outputs) {
            if !planner::state::is_protected(value) {
                redactor.add_json(value);
            }
        }
        self.protect(&redactor);
    }

    /// `text` with the sensitive values masked (for a file a command writes).
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        scrub(&self.secrets, text)
    }

    /// A line of results.
    pub fn line(&mut self, text: &str) {
        let text = scrub(&self.secrets, text);
        let _ = writeln!(self.out, "{text}");
    }

    /// Text of results, as is.
    pub fn text(&mut self, text: &str) {
        let text = scrub(&self.secrets, text);
        let _ = write!(self.out, "{text}");
    }

    /// A JSON document.
    pub fn json(&mut self, value: &serde_json::Value) {
        let mut value = value.clone();
        self.secrets
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .scrub_json(&mut value);
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        let _ = writeln!(self.out, "{text}");
    }

    /// Diagnostics, rendered with their source lines, to stderr.
    pub fn diagnostics(&mut self, diags: &Diagnostics, sources: &SourceMap) {
        let text = {
            let secrets = self.secrets.read().unwrap_or_else(PoisonError::into_inner);
            let text = diags.render_with(sources, &secrets);
            secrets.scrub(&text).into_owned()
        };
        let _ = write!(self.err, "{text}");
    }

    /// A failure that is not about the blueprint (a file that cannot be written).
    pub fn failure(&mut self, text: &str) {
        let text = scrub(&self.secrets, text);
        let _ = writeln!(self.err, "error: {text}");
    }
}

impl Printer {
    /// A warning that is not about a place in the blueprint.
    pub fn warning(&mut self, text: &str) {
        let text = scrub(&self.secrets, text);
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
        let question = scrub(&self.secrets, question);
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
    secrets: Secrets,
}

impl Progress {
    /// Progress over `total` operations, with the sensitive values of `printer` masked.
    pub fn new(total: usize, printer: &Printer) -> Self {
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
        Progress {
            bar,
            secrets: printer.secrets(),
        }
    }

    fn line(&self, text: String) {
        let text = scrub(&self.secrets, &text).into_owned();
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

/// What an operation's lines say: when it starts, when it is done, while it runs.
fn verb(kind: planner::apply::OpKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        planner::apply::OpKind::Create => ("Creating...", "Creation complete", "creating"),
        planner::apply::OpKind::Update => ("Modifying...", "Modifications complete", "modifying"),
        planner::apply::OpKind::Delete => ("Destroying...", "Destruction complete", "destroying"),
        planner::apply::OpKind::Move => ("Moving...", "Move complete", "moving"),
        planner::apply::OpKind::Forget => ("Forgetting...", "No longer managed", "forgetting"),
    }
}

/// A duration as Terraform's progress lines write it (Go's, whole seconds): `10s`,
/// `1m0s`, `1h0m10s`.
fn elapsed(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, min, sec) => format!("{min}m{sec}s"),
        (h, min, sec) => format!("{h}h{min}m{sec}s"),
    }
}

/// The line of an operation still running: `service.web: Still creating... [10s
/// elapsed] (Deployment app/web: 1/3 replicas available)`.
fn still_line(
    op: &planner::apply::Op,
    after: std::time::Duration,
    progress: Option<&str>,
) -> String {
    let progress = progress.map(|p| format!(" ({p})")).unwrap_or_default();
    format!(
        "{}: Still {}... [{} elapsed]{progress}",
        op.address,
        verb(op.kind).2,
        elapsed(after)
    )
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

    fn still(&self, op: &planner::apply::Op, after: std::time::Duration, progress: Option<&str>) {
        self.line(still_line(op, after, progress));
    }
}

/// Prints the message of a panic through the redactor, instead of Rust's default hook
/// (which would print it as is): a panic about a value must not show a secret.
pub fn install_panic_hook(secrets: Secrets) {
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_string());
        let location = info.location().map(ToString::to_string);
        let text = match secrets.try_read() {
            Ok(redactor) => panic_text(&message, location.as_deref(), &redactor),
            Err(std::sync::TryLockError::Poisoned(p)) => {
                panic_text(&message, location.as_deref(), &p.into_inner())
            }
            // Held for writing by the panicking thread: the message cannot be checked.
            Err(std::sync::TryLockError::WouldBlock) => panic_text(
                "(the message is not shown: it could not be checked for sensitive values)",
                location.as_deref(),
                &Redactor::default(),
            ),
        };
        let _ = write!(std::io::stderr(), "{text}");
    }));
}

/// What the panic hook prints: the message with sensitive values masked, where it
/// happened, and the backtrace when `RUST_BACKTRACE` asks for it.
fn panic_text(message: &str, location: Option<&str>, redactor: &Redactor) -> String {
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("<unnamed>");
    let at = location.map(|l| format!(" at {l}")).unwrap_or_default();
    let backtrace = std::backtrace::Backtrace::capture();
    let trace = match backtrace.status() {
        std::backtrace::BacktraceStatus::Captured => format!("{backtrace}\n"),
        _ => "note: run with `RUST_BACKTRACE=1` to display a backtrace\n".to_string(),
    };
    let text = format!(
        "internal error: thread '{name}' panicked{at}:\n{message}\nThis is a bug in Strata; please report it.\n{trace}"
    );
    redactor.scrub(&text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_message_is_printed_with_secrets_masked() {
        let mut redactor = Redactor::default();
        redactor.add_text("hunter2-hunter2");
        let text = panic_text(
            "index out of range for \"hunter2-hunter2\"",
            Some("src/x.rs:1:2"),
            &redactor,
        );
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("panicked at src/x.rs:1:2"), "{text}");
        assert!(text.contains("(sensitive value)"), "{text}");
    }

    #[test]
    fn an_operation_still_running_is_shown_as_terraform_shows_it() {
        use std::time::Duration;
        assert_eq!(elapsed(Duration::from_secs(10)), "10s");
        assert_eq!(elapsed(Duration::from_millis(60_900)), "1m0s");
        assert_eq!(elapsed(Duration::from_secs(3_610)), "1h0m10s");
        let op = planner::apply::Op {
            change: 0,
            kind: planner::apply::OpKind::Create,
            address: "service.web".parse().unwrap(),
            after: Vec::new(),
        };
        let waiting = "Deployment app/web: 1/3 replicas available";
        assert_eq!(
            still_line(&op, Duration::from_secs(20), Some(waiting)),
            "service.web: Still creating... [20s elapsed] (Deployment app/web: 1/3 replicas available)"
        );
        let op = planner::apply::Op {
            kind: planner::apply::OpKind::Delete,
            ..op
        };
        assert_eq!(
            still_line(&op, Duration::from_secs(10), None),
            "service.web: Still destroying... [10s elapsed]"
        );
    }

    #[test]
    fn everything_the_printer_masks_goes_through_one_redactor() {
        let mut printer = Printer::new();
        let mut redactor = Redactor::default();
        redactor.add_text("s3cr3t-token");
        printer.protect(&redactor);
        assert_eq!(printer.scrub("a s3cr3t-token b"), "a (sensitive value) b");
        let shared = printer.secrets();
        assert_eq!(scrub(&shared, "s3cr3t-token"), "(sensitive value)");
    }
}
