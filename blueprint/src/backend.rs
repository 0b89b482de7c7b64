//! The backend of the `strata` block (the settings of the blueprint itself): where the
//! state is kept, read before anything is evaluated:
//!
//! ```hcl
//! strata {
//!   backend "postgres" {
//!     conn_str = "host=db.example user=strata dbname=strata" # or STRATA_PG_CONN
//!     schema   = "strata"
//!     lease    = "30s"
//!   }
//! }
//! ```
//!
//! As Terraform's `backend` block, its values are literal strings: the backend is needed
//! before variables can be read, so they cannot refer to anything. Only the root
//! blueprint's block counts (a module's `strata` block is an error). [`read`] gives the
//! block of a folder without evaluating it.

use std::path::Path;

use indexmap::IndexMap;

use crate::ast::Block;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::module::{Module, literal};
use crate::source::{SourceMap, Span};
use crate::suggest;
use crate::units;

/// The backend kinds and the settings each takes.
const KINDS: &[(&str, &[&str])] = &[
    ("local", &[]),
    ("postgres", &["conn_str", "schema", "lease"]),
];

/// A `backend "KIND" { ... }` block.
#[derive(Clone, Debug)]
pub struct BackendBlock {
    /// `local` or `postgres`.
    pub kind: String,
    /// The kind's label.
    pub kind_span: Span,
    /// The settings, as written.
    pub settings: IndexMap<String, Setting>,
    /// The whole block.
    pub span: Span,
}

/// One setting of a backend block: a literal string.
#[derive(Clone, Debug)]
pub struct Setting {
    /// Its value.
    pub value: String,
    /// Where the value is written.
    pub span: Span,
}

impl BackendBlock {
    /// A setting, if written.
    pub fn get(&self, name: &str) -> Option<&Setting> {
        self.settings.get(name)
    }

    /// `lease` in milliseconds, if written (checked when the block was read).
    pub fn lease_ms(&self) -> Option<u64> {
        self.get("lease")
            .and_then(|s| units::parse_duration(&s.value).ok())
    }
}

/// The shortest `lease` accepted, in milliseconds: the heartbeat renews a lease every
/// third of it, and a second is as short as a network round trip allows.
pub const MIN_LEASE_MS: u64 = 1_000;

impl Module {
    /// Reads the `backend "KIND" { ... }` block of a `strata` block into
    /// [`Module::backend`]; a second one, in this block or another, is an error.
    pub(crate) fn declare_backend(&mut self, block: &Block, diags: &mut Diagnostics) {
        for inner in block
            .body
            .blocks
            .iter()
            .filter(|b| b.kind.name == "backend")
        {
            if let Some(first) = &self.backend {
                diags.push(
                    Diagnostic::error(
                        inner.kind.span,
                        "Duplicate backend block",
                        "The state is kept in one backend. Remove one of the backend blocks.",
                    )
                    .with_note("the backend is set here", first.span),
                );
                continue;
            }
            self.backend = read_backend(inner, diags);
        }
    }
}

fn read_backend(block: &Block, diags: &mut Diagnostics) -> Option<BackendBlock> {
    let [kind] = block.labels.as_slice() else {
        diags.push(Diagnostic::error(
            block.header_span(),
            "A backend block needs exactly one kind",
            "Write it as `backend \"postgres\" { ... }` (or \"local\", the default).",
        ));
        return None;
    };
    let Some((_, known)) = KINDS.iter().find(|(name, _)| *name == kind.name) else {
        diags.push(Diagnostic::error(
            kind.span,
            format!("Unknown backend \"{}\"", kind.name),
            format!(
                "Strata keeps the state in a local folder (\"local\", the default) or in \
                 PostgreSQL (\"postgres\").{}",
                suggest::hint(&kind.name, KINDS.iter().map(|(n, _)| *n))
            ),
        ));
        return None;
    };
    if let Some(inner) = block.body.blocks.first() {
        diags.push(Diagnostic::error(
            inner.kind.span,
            format!(
                "Unexpected block \"{}\" in a backend block",
                inner.kind.name
            ),
            "A backend block holds `name = \"value\"` settings only.",
        ));
    }
    let mut settings = IndexMap::new();
    for attr in &block.body.attributes {
        let name = &attr.name.name;
        if !known.contains(&name.as_str()) {
            let takes = if known.is_empty() {
                "no settings".to_string()
            } else {
                known.join(", ")
            };
            diags.push(Diagnostic::error(
                attr.name.span,
                format!("Unknown setting \"{name}\" of the {} backend", kind.name),
                format!(
                    "The {} backend takes {takes}.{}",
                    kind.name,
                    suggest::hint(name, known.iter().copied())
                ),
            ));
            continue;
        }
        let Some(value) = literal(&attr.value) else {
            diags.push(Diagnostic::error(
                attr.value.span,
                format!("\"{name}\" must be a literal string"),
                "The backend is set up before anything is evaluated, so its settings cannot \
                 refer to variables or call functions. Write the value in quotes; the \
                 connection string can come from STRATA_PG_CONN instead.",
            ));
            continue;
        };
        if name == "lease" {
            match units::parse_duration(value) {
                Ok(ms) if ms >= MIN_LEASE_MS => {}
                Ok(_) => diags.push(Diagnostic::error(
                    attr.value.span,
                    "The lease is too short",
                    "A lease of at least 1s is needed: the heartbeat renews it every third of \
                     its length. Write, for example, \"30s\".",
                )),
                Err(e) => diags.push(Diagnostic::error(
                    attr.value.span,
                    format!("\"lease\" is not a duration: {}", e.message),
                    e.help,
                )),
            }
        }
        settings.insert(
            name.clone(),
            Setting {
                value: value.to_string(),
                span: attr.value.span,
            },
        );
    }
    Some(BackendBlock {
        kind: kind.name.clone(),
        kind_span: kind.span,
        settings,
        span: block.span,
    })
}

/// The backend block of the blueprint in `dir`, read without evaluating anything; `None`
/// when there is none (the local backend). The diagnostics are those of parsing the
/// folder's files and of its `strata` blocks only: a mistake elsewhere in the blueprint
/// does not keep the state from being read.
pub fn read(dir: &Path, sources: &mut SourceMap) -> (Option<BackendBlock>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let files = crate::parse::parse_dir(dir, sources, &mut diags);
    let mut module = Module::default();
    for file in files {
        for block in file.body.blocks {
            if block.kind.name == "strata" {
                module.declare_backend(&block, &mut diags);
            }
        }
    }
    diags.normalize(sources);
    (module.backend, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> (Option<BackendBlock>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.hcl"), text).unwrap();
        let mut sources = SourceMap::default();
        let (block, diags) = read(dir.path(), &mut sources);
        let messages = diags
            .into_iter()
            .map(|d| format!("{}: {}", d.summary, d.detail))
            .collect();
        (block, messages)
    }

    #[test]
    fn a_postgres_block_is_read_with_its_settings() {
        let (block, messages) = read_text(
            "strata {\n  backend \"postgres\" {\n    schema = \"team\"\n    lease = \"45s\"\n  }\n}\nvm \"x\" { cpu = var.nope }\n",
        );
        assert!(messages.is_empty(), "{messages:?}");
        let block = block.unwrap();
        assert_eq!(block.kind, "postgres");
        assert_eq!(block.get("schema").unwrap().value, "team");
        assert_eq!(block.lease_ms(), Some(45_000));
        assert!(block.get("conn_str").is_none());
    }

    #[test]
    fn mistakes_in_the_block_are_errors_that_say_what_to_write() {
        for (text, expected) in [
            ("backend \"pg\" {}", "Unknown backend \"pg\""),
            (
                "backend \"postgres\" { conn = \"x\" }",
                "Did you mean \"conn_str\"?",
            ),
            (
                "backend \"postgres\" { schema = var.s }",
                "must be a literal string",
            ),
            (
                "backend \"postgres\" { lease = \"100ms\" }",
                "The lease is too short",
            ),
            (
                "backend \"postgres\" { lease = \"soon\" }",
                "\"lease\" is not a duration",
            ),
            ("backend \"local\" { path = \"x\" }", "takes no settings"),
            ("backend {}", "needs exactly one kind"),
            (
                "backend \"local\" {}\nbackend \"local\" {}",
                "Duplicate backend block",
            ),
        ] {
            let (_, messages) = read_text(&format!("strata {{\n{text}\n}}\n"));
            assert!(
                messages.iter().any(|m| m.contains(expected)),
                "{text}: {messages:?}"
            );
        }
    }

    #[test]
    fn a_backend_in_a_second_strata_block_is_a_duplicate() {
        let (_, messages) =
            read_text("strata {\n  backend \"local\" {}\n}\nstrata {\n  backend \"local\" {}\n}\n");
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("Duplicate backend block")),
            "{messages:?}"
        );
    }
}
