//! Why reading or writing the state or its journal failed.
//!
//! Each message names the file involved and, where the user can do something about it,
//! says what: which backup to go back to, or which file to move aside.

use std::io;
use std::path::PathBuf;

/// A failure of a state backend or its journal.
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
    /// The state document is not valid JSON or not a valid state.
    #[error("the state {place} is damaged: {source}; {hint}")]
    Corrupt {
        /// The state file, or the version in the database.
        place: String,
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
        "the state {place} has format version {found}, but this Strata reads versions up to \
         {supported}; it was written by a newer Strata: use that version or a later one"
    )]
    TooNew {
        /// The state file, or the version in the database.
        place: String,
        /// The version in the file.
        found: u64,
        /// The newest version this build reads.
        supported: u32,
    },
    /// A line of the journal (not the last) is not a valid entry.
    #[error(
        "the journal {place} is damaged at line {line}: {source}; {hint} to go on \
         without it (objects the interrupted apply created or deleted after the last state \
         save are then unknown to the state and may need importing or deleting by hand)"
    )]
    JournalCorrupt {
        /// The journal file, or the journal table and workspace.
        place: String,
        /// How to set it aside.
        hint: String,
        /// The line (1-based), or the entry's number in the database.
        line: usize,
        /// What is wrong.
        source: serde_json::Error,
    },
    /// A journal entry is valid JSON but cannot be applied.
    #[error("the journal {place} has an entry at line {line} that cannot be applied: {message}")]
    JournalInvalid {
        /// The journal file, or the journal table and workspace.
        place: String,
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
    /// An entry could not be appended to the journal.
    #[error("could not append to the journal {place}: {message}")]
    Append {
        /// The journal file, or the journal table and workspace.
        place: String,
        /// Why.
        message: String,
    },
    /// The database could not be reached or refused a statement.
    #[error("could not {action} in {place}: {message}")]
    Database {
        /// What was being done.
        action: &'static str,
        /// The database and schema.
        place: String,
        /// Why.
        message: String,
    },
    /// A write that does not follow the state stored: another lineage, or a serial that
    /// would be skipped or repeated.
    #[error("{place}: {message}")]
    Conflict {
        /// The state refused, where.
        place: String,
        /// What does not follow, and what to do.
        message: String,
    },
    /// The lock the write was made under is no longer held.
    #[error(
        "{place}: the state lock {id} of this run is no longer held ({why}); nothing was \
         written. Run the command again"
    )]
    LockLost {
        /// The state, where.
        place: String,
        /// The lock's id.
        id: String,
        /// What happened to it.
        why: String,
    },
    /// A workspace that does not exist, exists already, or cannot be named so.
    #[error("{0}")]
    Workspace(String),
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
