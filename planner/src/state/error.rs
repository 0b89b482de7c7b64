//! Why reading or writing the state or its journal failed.
//!
//! Each message names the file involved and, where the user can do something about it,
//! says what: which backup to go back to, or which file to move aside.

use std::io;
use std::path::PathBuf;

/// A failure of the local state backend or its journal.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The state file exists but cannot be read.
    #[error("could not read the state file {}: {source}; {hint}", .path.display())]
    Unreadable {
        /// The state file.
        path: PathBuf,
        /// Why.
        source: io::Error,
        /// How to recover.
        hint: String,
    },
    /// The state file is not valid JSON or not a valid state document.
    #[error("the state file {} is damaged: {source}; {hint}", .path.display())]
    Corrupt {
        /// The state file.
        path: PathBuf,
        /// The line of the problem (1-based).
        line: usize,
        /// The column of the problem (1-based).
        column: usize,
        /// What is wrong, with its line and column.
        source: serde_json::Error,
        /// How to recover.
        hint: String,
    },
    /// The state file was written by a newer Strata.
    #[error(
        "the state file {} has format version {found}, but this Strata reads versions up to \
         {supported}; it was written by a newer Strata: use that version or a later one",
        .path.display()
    )]
    TooNew {
        /// The state file.
        path: PathBuf,
        /// The version in the file.
        found: u64,
        /// The newest version this build reads.
        supported: u32,
    },
    /// A line of the journal (not the last) is not a valid entry.
    #[error(
        "the journal {} is damaged at line {line}: {source}; move the file aside to go on \
         without it (objects the interrupted apply created or deleted after the last state \
         save are then unknown to the state and may need importing or deleting by hand)",
        .path.display()
    )]
    JournalCorrupt {
        /// The journal file.
        path: PathBuf,
        /// The line (1-based).
        line: usize,
        /// What is wrong.
        source: serde_json::Error,
    },
    /// A journal entry is valid JSON but cannot be applied.
    #[error("the journal {} has an entry at line {line} that cannot be applied: {message}", .path.display())]
    JournalInvalid {
        /// The journal file.
        path: PathBuf,
        /// The line (1-based).
        line: usize,
        /// Why.
        message: String,
    },
    /// A file operation failed.
    #[error("could not {action} {}: {source}", .path.display())]
    Io {
        /// What was being done (`write`, `rename`, `append to` …).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A document could not be encoded as JSON.
    #[error("could not encode {}: {source}", .path.display())]
    Encode {
        /// The file it was for.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
}

impl StateError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| StateError::Io {
            action,
            path,
            source,
        }
    }
}
