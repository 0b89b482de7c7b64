//! Diagnostics: every problem found in a blueprint, with where it is and how to fix it.
//!
//! A [`Diagnostic`] has a severity, a one-line summary, a detail that says what is wrong and
//! how to fix it, and the span it is about. [`Diagnostics::render`] turns them into text with
//! `file:line:col` and the source line underlined; the binary's Printer prints that text,
//! rendered with [`Diagnostics::render_with`] so that sensitive values in the source lines
//! are masked (see [`crate::redact`]).

use std::fmt::Write;

use crate::redact::Redactor;
use crate::source::{SourceMap, Span};

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The blueprint cannot be used until this is fixed.
    Error,
    /// Likely a design mistake, but the blueprint can be used.
    Warning,
}

/// A secondary location that explains a diagnostic (a step of a cycle, an earlier definition).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Note {
    /// What this location shows.
    pub message: String,
    /// Where, when known.
    pub span: Option<Span>,
}

/// One problem.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One line: what is wrong.
    pub summary: String,
    /// Why, and how to fix it.
    pub detail: String,
    /// Where, when the problem has a place in a file.
    pub span: Option<Span>,
    /// Other places that explain it.
    pub notes: Vec<Note>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(
        span: impl Into<Option<Span>>,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            span: span.into(),
            notes: Vec::new(),
        }
    }

    /// A warning at `span`.
    pub fn warning(
        span: impl Into<Option<Span>>,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, summary, detail)
        }
    }

    /// Adds a note pointing at another place.
    pub fn with_note(mut self, message: impl Into<String>, span: impl Into<Option<Span>>) -> Self {
        self.notes.push(Note {
            message: message.into(),
            span: span.into(),
        });
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The problems found in one run, all of them.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds all of another set.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when at least one is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors and of warnings.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self.items.iter().filter(|d| d.is_error()).count();
        (errors, self.items.len() - errors)
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorts by file and position and drops exact repeats (an error in a block with
    /// `count = 100` is reported once, not a hundred times).
    pub fn normalize(&mut self, sources: &SourceMap) {
        let key = |d: &Diagnostic| {
            d.span
                .map(|s| (sources.file(s.file).path.clone(), s.start, s.end))
        };
        self.items.sort_by(|a, b| {
            key(a)
                .cmp(&key(b))
                .then_with(|| a.severity.cmp(&b.severity))
                .then_with(|| a.summary.cmp(&b.summary))
        });
        self.items.dedup();
    }

    /// Renders every diagnostic as text, with the source line and the span underlined.
    pub fn render(&self, sources: &SourceMap) -> String {
        self.render_with(sources, &Redactor::default())
    }

    /// Renders every diagnostic as [`render`](Self::render) does, with the sensitive
    /// values `redactor` knows masked in the source lines (the span still underlined).
    pub fn render_with(&self, sources: &SourceMap, redactor: &Redactor) -> String {
        let mut out = String::new();
        for d in &self.items {
            render_one(&mut out, d, sources, redactor);
            out.push('\n');
        }
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

fn render_one(out: &mut String, d: &Diagnostic, sources: &SourceMap, redactor: &Redactor) {
    let label = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = writeln!(out, "{label}: {}", d.summary);
    if let Some(span) = d.span {
        render_snippet(out, span, sources, redactor);
    }
    for line in d.detail.lines() {
        let _ = writeln!(out, "   = {line}");
    }
    for note in &d.notes {
        let _ = writeln!(out, "   = note: {}", note.message);
        if let Some(span) = note.span {
            render_snippet(out, span, sources, redactor);
        }
    }
}

/// `--> file:line:col`, then the source line with the span underlined by carets, and the
/// sensitive values on the line masked.
fn render_snippet(out: &mut String, span: Span, sources: &SourceMap, redactor: &Redactor) {
    let file = sources.file(span.file);
    let start = file.location(span.start);
    let end = file.location(span.end);
    let line_start = file.line_start(start.line);
    let raw = file.line_text(start.line);
    let ranges = redactor.line_ranges(span.file, line_start, raw);
    let (text, map) = Redactor::mask_ranges(raw, &ranges);
    let offset = |byte: u32| (byte.saturating_sub(line_start) as usize).min(raw.len());
    let columns = |byte: usize| text.get(..byte).map_or(0, |s| s.chars().count());
    let from = columns(map(offset(span.start), false));
    let width = if end.line == start.line {
        columns(map(offset(span.end), true)).saturating_sub(from)
    } else {
        text.chars().count().saturating_sub(from)
    }
    .max(1);
    let gutter = start.line.to_string().len().max(2);
    let pad = " ".repeat(gutter);
    let _ = writeln!(out, "{pad}--> {}", sources.describe(span));
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{:>gutter$} | {text}", start.line);
    let indent: String = text
        .chars()
        .take(from)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let _ = writeln!(out, "{pad} | {indent}{}", "^".repeat(width));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_snippet_and_detail() {
        let mut sources = SourceMap::default();
        let f = sources.add("main.hcl", "vm \"a\" {\n  cpus = 4\n}\n".to_string());
        let mut ds = Diagnostics::default();
        ds.push(Diagnostic::error(
            Span::new(f, 11..15),
            "Unknown attribute \"cpus\"",
            "A vm block has no attribute \"cpus\". Did you mean \"cpu\"?",
        ));
        assert_eq!(
            ds.render(&sources),
            "error: Unknown attribute \"cpus\"\n  --> main.hcl:2:3\n   |\n 2 |   cpus = 4\n   |   ^^^^\n   = A vm block has no attribute \"cpus\". Did you mean \"cpu\"?\n\n"
        );
    }

    #[test]
    fn sensitive_values_are_masked_in_snippets_and_still_underlined() {
        let mut sources = SourceMap::default();
        let f = sources.add("in.tfvars", "token = \"hunter2\" # the token\n".to_string());
        let mut ds = Diagnostics::default();
        ds.push(Diagnostic::error(
            Span::new(f, 8..17),
            "Invalid value",
            "Too short.",
        ));
        let mut redactor = Redactor::default();
        redactor.add_span(Span::new(f, 8..17));
        assert_eq!(
            ds.render_with(&sources, &redactor),
            "error: Invalid value\n  --> in.tfvars:1:9\n   |\n 1 | token = (sensitive value) # the token\n   |         ^^^^^^^^^^^^^^^^^\n   = Too short.\n\n"
        );
        assert!(
            ds.render(&sources).contains("\"hunter2\""),
            "unmasked without a redactor"
        );
    }

    #[test]
    fn normalize_sorts_and_drops_repeats() {
        let mut sources = SourceMap::default();
        let f = sources.add("a.hcl", "x = 1\ny = 2\n".to_string());
        let mut ds = Diagnostics::default();
        for _ in 0..3 {
            ds.push(Diagnostic::error(Span::new(f, 6..7), "b", ""));
        }
        ds.push(Diagnostic::warning(Span::new(f, 0..1), "a", ""));
        ds.normalize(&sources);
        let summaries: Vec<_> = ds.iter().map(|d| d.summary.as_str()).collect();
        assert_eq!(summaries, ["a", "b"]);
    }
}
