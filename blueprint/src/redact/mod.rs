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

mod snippet;

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::source::{FileId, Span};
use crate::value::Value;

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
            Value::Number(n) => self.add_text(&n.to_string()),
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

    /// A redactor that knows these texts.
    pub(super) fn redactor(values: &[&str]) -> Redactor {
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
}
