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
