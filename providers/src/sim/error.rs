//! Errors of the simulated datacenter's own API (`open`, `drift`, `remove`).
//!
//! Provider calls never fail with these: they report [`Diagnostic`]s, and a [`SimError`]
//! that reaches one (the journal could not be written) becomes a diagnostic.

use std::path::PathBuf;

use blueprint::{Address, Diagnostic};

/// Why the simulated datacenter could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// Reading or writing its files failed.
    #[error("cannot read or write the simulated datacenter at {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// Its files are damaged in a way a crash cannot cause.
    #[error("the simulated datacenter at {} is damaged (line {line}): {reason}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The line, from 1.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Another process has it open.
    #[error("the simulated datacenter at {} is in use by another Strata process; wait for it to finish", .0.display())]
    Locked(PathBuf),
    /// No object has this address.
    #[error("{0} does not exist in the simulated datacenter")]
    NotFound(Address),
    /// The change is not allowed (deleting a pool that still runs VMs).
    #[error("{summary}: {detail}")]
    Refused {
        /// One line.
        summary: String,
        /// Why, and what to do.
        detail: String,
    },
    /// A change could not be saved; the world accepts no more changes.
    #[error(
        "the simulated datacenter could not save a change ({0}); reopen it to continue from what was saved"
    )]
    Unsaved(String),
}

impl From<Diagnostic> for SimError {
    fn from(d: Diagnostic) -> SimError {
        SimError::Refused {
            summary: d.summary,
            detail: d.detail,
        }
    }
}

impl From<SimError> for Diagnostic {
    fn from(e: SimError) -> Diagnostic {
        match e {
            SimError::Refused { summary, detail } => Diagnostic::error(None, summary, detail),
            other => Diagnostic::error(
                None,
                "The simulated datacenter failed",
                format!("{}.", capitalise(&other.to_string())),
            ),
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
