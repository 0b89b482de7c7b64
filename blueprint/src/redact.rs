//! Redaction: the one rule that keeps sensitive values out of everything Strata shows.
//!
//! Diagnostics built from sensitive values do not quote them (the evaluator, the type
//! checks and the schema checks leave them out where the message is made). As a defence in
//! depth, a [`Redactor`] knows the sensitive values of a run and masks them wherever they
//! would still appear: everything the binary's Printer writes passes through
//! [`Redactor::scrub`] (or [`Redactor::scrub_json`]), and [`Diagnostics::render_with`]
//! masks them in source snippets.
//!
//! What it masks, each replaced by [`MASK`]:
//! - the text of every sensitive variable's value, as given and as evaluated (each string,
//!   number and map key in it), and each line of a multi-line value, in three spellings:
//!   as is, escaped for JSON and escaped as messages quote strings (`"a\"b"`). Texts
//!   shorter than [`MIN_CHARS`] characters are not masked by text: masking every `1` or
//!   `dev` in the output would damage it and show the reader what the secret is;
//! - in snippets, the source text of sensitive values (a variable file's value, a
//!   declaration's default), whatever its length;
//! - in snippets of variable files, the rest of any line that sets a sensitive variable
//!   (`token = ...`, `"token": ...`), even when the file could not be parsed.
//!
//! [`Diagnostics::render_with`]: crate::Diagnostics::render_with

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::source::{FileId, Span};
use crate::value::{Value, format_number};

/// What a masked value is replaced by.
pub const MASK: &str = "(sensitive value)";

/// The fewest characters a value must have to be masked wherever its text appears (the
/// rule GitLab applies to masked CI variables). Shorter sensitive values are kept out of
/// messages where the messages are made, and masked in snippets by their place.
pub const MIN_CHARS: usize = 8;

/// The sensitive values of a run. See the module documentation.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// Spellings to mask wherever they appear, each at least [`MIN_CHARS`] long.
    forms: BTreeSet<String>,
    /// Source text that holds a sensitive value.
    spans: Vec<Span>,
    /// Sensitive root variables, whose lines in variable files are masked.
    names: BTreeSet<String>,
    /// The variable files read.
    var_files: BTreeSet<FileId>,
    /// The matcher for `forms`, built when first needed.
    matcher: OnceLock<Option<AhoCorasick>>,
}

impl Redactor {
    /// True when it masks nothing.
    pub fn is_empty(&self) -> bool {
        self.forms.is_empty() && self.spans.is_empty() && self.names.is_empty()
    }

    /// Masks every string, number and map key in a sensitive value.
    pub fn add_value(&mut self, value: &Value) {
        match value {
            Value::String(s) => self.add_text(s),
            Value::Number(n) => self.add_text(&format_number(*n)),
            Value::List(items) | Value::Set(items) => items.iter().for_each(|v| self.add_value(v)),
            Value::Map(map) => {
                for (k, v) in map.iter() {
                    self.add_text(k);
                    self.add_value(v);
                }
            }
            Value::Null | Value::Unknown | Value::Bool(_) | Value::Ref(_) => {}
        }
    }

    /// Masks every string and number in a sensitive JSON value (an attribute read back
    /// from the state).
    pub fn add_json(&mut self, value: &serde_json::Value) {
        self.add_value(&Value::from_json(value));
    }

    /// Masks a sensitive text, and each of its lines, in every spelling, when long enough.
    pub fn add_text(&mut self, text: &str) {
        let lines = text.lines().map(str::trim).filter(|l| l.len() < text.len());
        for piece in std::iter::once(text).chain(lines) {
            if piece.chars().count() < MIN_CHARS {
                continue;
            }
            let json = serde_json::to_string(piece).unwrap_or_default();
            let quoted = format!("{piece:?}");
            for form in [
                piece,
                &json[1..json.len() - 1],
                &quoted[1..quoted.len() - 1],
            ] {
                if self.forms.insert(form.to_string()) {
                    self.matcher = OnceLock::new();
                }
            }
        }
    }

    /// Masks the source text of `span` in snippets.
    pub fn add_span(&mut self, span: Span) {
        self.spans.push(span);
    }

    /// Masks the values of variable `name` on the lines of variable files.
    pub fn add_name(&mut self, name: &str) {
        self.names.insert(name.to_string());
    }

    /// Records that `file` is a variable file.
    pub fn add_var_file(&mut self, file: FileId) {
        self.var_files.insert(file);
    }

    /// Adds everything another redactor masks.
    pub fn extend(&mut self, other: &Redactor) {
        let before = self.forms.len();
        self.forms.extend(other.forms.iter().cloned());
        if self.forms.len() != before {
            self.matcher = OnceLock::new();
        }
        self.spans.extend(other.spans.iter().copied());
        self.names.extend(other.names.iter().cloned());
        self.var_files.extend(other.var_files.iter().copied());
    }

    fn matcher(&self) -> Option<&AhoCorasick> {
        self.matcher
            .get_or_init(|| {
                if self.forms.is_empty() {
                    return None;
                }
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&self.forms)
                    .ok()
            })
            .as_ref()
    }

    /// `text` with every known spelling of a sensitive value replaced by [`MASK`].
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.matcher() {
            Some(m) if m.is_match(text) => {
                Cow::Owned(m.replace_all(text, &vec![MASK; m.patterns_len()]))
            }
            _ => Cow::Borrowed(text),
        }
    }

    /// Scrubs every string and object key of a JSON document in place.
    pub fn scrub_json(&self, value: &mut serde_json::Value) {
        if self.matcher().is_none() {
            return;
        }
        match value {
            serde_json::Value::String(s) => {
                if let Cow::Owned(clean) = self.scrub(s) {
                    *s = clean;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            serde_json::Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut v) in entries {
                    self.scrub_json(&mut v);
                    map.insert(self.scrub(&key).into_owned(), v);
                }
            }
            _ => {}
        }
    }

    /// The byte ranges of a source line (starting at byte `start` of `file`) to mask in a
    /// snippet, sorted and merged.
    pub fn line_ranges(&self, file: FileId, start: u32, line: &str) -> Vec<Range<usize>> {
        let end = start as usize + line.len();
        let mut ranges: Vec<Range<usize>> = self
            .spans
            .iter()
            .filter(|s| {
                s.file == file && (s.start as usize) < end && s.end as usize > start as usize
            })
            .map(|s| {
                let from = (s.start as usize).saturating_sub(start as usize);
                let to = (s.end as usize).min(end) - start as usize;
                // An empty span (a place, not a value) masks nothing.
                from..to.max(from)
            })
            .filter(|r| !r.is_empty())
            .collect();
        if let Some(m) = self.matcher() {
            ranges.extend(m.find_iter(line).map(|found| found.range()));
        }
        if self.var_files.contains(&file)
            && let Some(value) = self.setting(line)
        {
            ranges.push(value);
        }
        ranges.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }

    /// Where the value is on a variable-file line that sets a sensitive variable
    /// (`name = value` in HCL, `"name": value` in JSON).
    fn setting(&self, line: &str) -> Option<Range<usize>> {
        self.names.iter().find_map(|name| {
            let at = line.find(name.as_str())?;
            let before = line[..at].trim_start_matches([' ', '\t', '{', ',']);
            let quoted = before == "\"" && line[at + name.len()..].starts_with('"');
            if !(before.is_empty() || quoted) {
                return None;
            }
            let after = at + name.len() + usize::from(quoted);
            let rest = &line[after..];
            let sep = rest.trim_start();
            if !(sep.starts_with('=') || sep.starts_with(':')) {
                return None;
            }
            let value_at = after + (rest.len() - sep.len()) + 1;
            let value = line[value_at..].trim();
            if value.is_empty() {
                return None;
            }
            let from = value_at + (line[value_at..].len() - line[value_at..].trim_start().len());
            Some(from..from + value.len())
        })
    }

    /// A line of text with the given byte ranges replaced by [`MASK`], and a map from byte
    /// offsets in the line to byte offsets in the masked line: an offset inside a masked
    /// range goes to the start of its mask, or to its end when `end` (the end of a span).
    pub fn mask_ranges(
        line: &str,
        ranges: &[Range<usize>],
    ) -> (String, impl Fn(usize, bool) -> usize) {
        let mut out = String::with_capacity(line.len());
        let mut at = 0;
        // (original offset, masked offset) at the start and end of each mask.
        let mut marks: Vec<(Range<usize>, usize)> = Vec::new();
        for r in ranges {
            let r = r.start.min(line.len())..r.end.min(line.len());
            if r.start < at || !line.is_char_boundary(r.start) || !line.is_char_boundary(r.end) {
                continue;
            }
            out.push_str(&line[at..r.start]);
            marks.push((r.clone(), out.len()));
            out.push_str(MASK);
            at = r.end;
        }
        out.push_str(&line[at..]);
        let map = move |offset: usize, end: bool| {
            let mut shift: isize = 0;
            for (r, masked) in &marks {
                if offset < r.start || (end && offset == r.start) {
                    break;
                }
                if offset < r.end {
                    return if end { *masked + MASK.len() } else { *masked };
                }
                shift = (*masked + MASK.len()) as isize - r.end as isize;
            }
            (offset as isize + shift).max(0) as usize
        };
        (out, map)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// A secret long enough to mask never survives scrubbing, however it is written
        /// around other text: as is, inside a JSON document, or quoted in a message.
        #[test]
        fn a_long_secret_never_survives(
            secret in "[ -~\u{a0}-\u{2fff}\n]{8,40}",
            before in "[ -~]{0,10}",
            after in "[ -~]{0,10}",
        ) {
            prop_assume!(secret.trim().chars().count() >= MIN_CHARS);
            let mut r = Redactor::default();
            r.add_text(&secret);
            let json = serde_json::json!({ "k": format!("{before}{secret}{after}") });
            let texts = [
                format!("{before}{secret}{after}"),
                json.to_string(),
                format!("{before}{secret:?}{after}"),
            ];
            for text in texts {
                let clean = r.scrub(&text);
                prop_assert!(!clean.contains(secret.as_str()), "{}", clean);
                for line in secret.lines().map(str::trim).filter(|l| l.chars().count() >= MIN_CHARS) {
                    prop_assert!(!clean.contains(line), "{}", clean);
                }
            }
            let mut doc = json.clone();
            r.scrub_json(&mut doc);
            prop_assert!(!doc.to_string().contains(&serde_json::to_string(&secret).unwrap()[1..]));
        }
    }

    fn redactor(values: &[&str]) -> Redactor {
        let mut r = Redactor::default();
        for v in values {
            r.add_text(v);
        }
        r
    }

    #[test]
    fn masks_every_spelling_of_long_values_only() {
        let r = redactor(&[
            "hunter2",
            "correct \"horse\"",
            "multi-line\nsecond line here",
        ]);
        let cases = [
            ("password hunter2", "password hunter2"),
            ("a correct \"horse\" b", "a (sensitive value) b"),
            (
                "json: \"correct \\\"horse\\\"\"",
                "json: \"(sensitive value)\"",
            ),
            ("only the second line here", "only the (sensitive value)"),
            ("nothing", "nothing"),
        ];
        for (text, want) in cases {
            assert_eq!(r.scrub(text), want, "{text}");
        }
    }

    #[test]
    fn values_of_every_kind_are_masked_by_their_text() {
        let mut r = Redactor::default();
        let map = Value::from_json(&serde_json::json!({
            "user-key-1": "s3cr3t-value",
            "n": 123456789,
            "short": "abc",
            "flag": true
        }));
        r.add_value(&map);
        assert_eq!(
            r.scrub("user-key-1 s3cr3t-value 123456789 abc true"),
            "(sensitive value) (sensitive value) (sensitive value) abc true"
        );
    }

    #[test]
    fn json_documents_are_scrubbed_in_strings_and_keys() {
        let r = redactor(&["top-secret-x"]);
        let mut doc = serde_json::json!({"a": ["x top-secret-x"], "top-secret-x": 1, "n": 2});
        r.scrub_json(&mut doc);
        assert_eq!(
            doc,
            serde_json::json!({"a": ["x (sensitive value)"], "(sensitive value)": 1, "n": 2})
        );
    }

    #[test]
    fn snippet_ranges_come_from_spans_texts_and_variable_file_lines() {
        let file = FileId(3);
        let mut r = redactor(&["long-secret-1"]);
        r.add_span(Span::new(file, 107..109));
        r.add_name("token");
        r.add_var_file(file);
        // A span on the line (bytes 100.. of the file).
        assert_eq!(r.line_ranges(file, 100, "pin = \"12\" # x"), vec![7..9]);
        // A known text anywhere.
        assert_eq!(
            r.line_ranges(FileId(1), 0, "x = long-secret-1"),
            vec![4..17]
        );
        // Lines that set a sensitive variable, parsed or not.
        assert_eq!(r.line_ranges(file, 0, "token = \"ab"), vec![8..11]);
        assert_eq!(
            r.line_ranges(file, 0, "{\"token\": \"ab\", \"x\": 1}"),
            vec![10..23]
        );
        assert!(r.line_ranges(file, 0, "tokens = \"ab\"").is_empty());
        assert!(r.line_ranges(FileId(9), 0, "token = \"ab\"").is_empty());
    }

    #[test]
    fn masking_a_line_maps_offsets_onto_the_masked_text() {
        let (text, map) = Redactor::mask_ranges("ab = \"xyz\" # c", &[5..10]);
        assert_eq!(text, "ab = (sensitive value) # c");
        let starts = (map(0, false), map(5, false), map(7, false), map(10, false));
        assert_eq!(starts, (0, 5, 5, 22));
        let ends = (map(5, true), map(7, true), map(10, true), map(13, true));
        assert_eq!(ends, (5, 22, 22, 25));
    }
}
