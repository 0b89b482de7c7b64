//! The local backend's journal: `journal.jsonl` in the workspace's folder, JSON lines,
//! one [`Entry`] a line. Each batch of entries is written and synced once (the
//! group commit of [`Journal`]); a crash can tear only the last line, which reading
//! ignores.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use super::super::journal::{Sink, replay};
use super::super::sys;
use super::LocalBackend;
use crate::state::{Entry, Journal, Protector, Recovery, State, StateError};

/// Appends to the journal file, syncing each batch.
struct FileSink {
    file: File,
    buffer: Vec<u8>,
    /// Set when a failed write could not be undone: the file may end in a partial line, so
    /// nothing more may be appended after it.
    broken: Option<String>,
}

impl Sink for FileSink {
    fn write(&mut self, batch: &[(u64, Vec<u8>)]) -> io::Result<()> {
        if let Some(why) = &self.broken {
            return Err(io::Error::other(why.clone()));
        }
        self.buffer.clear();
        for (_, line) in batch {
            self.buffer.extend_from_slice(line);
            self.buffer.push(b'\n');
        }
        let end = self.file.metadata()?.len();
        match self
            .file
            .write_all(&self.buffer)
            .and_then(|()| self.file.sync_data())
        {
            Ok(()) => Ok(()),
            Err(e) => {
                if self
                    .file
                    .set_len(end)
                    .and_then(|()| self.file.sync_data())
                    .is_err()
                {
                    self.broken = Some(format!(
                        "an earlier write failed and could not be undone: {e}"
                    ));
                }
                Err(e)
            }
        }
    }
}

/// The entries of a journal file as read, and where its valid part ends.
struct Contents {
    entries: Vec<(usize, Entry)>,
    /// Bytes of whole entries (with a torn last line cut off).
    valid_len: u64,
    /// The last entry is whole but its newline is missing.
    missing_newline: bool,
    /// A torn last line was ignored.
    discarded_tail: bool,
}

/// Reads a journal: every line must be an entry, except a last line with no newline, which
/// a crash may have cut short. Blank lines are skipped.
fn read_journal(path: &Path) -> Result<Option<Contents>, StateError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StateError::io("read", path)(e)),
    };
    let mut contents = Contents {
        entries: Vec::new(),
        valid_len: 0,
        missing_newline: false,
        discarded_tail: false,
    };
    let mut offset = 0;
    let mut line_number = 0;
    while offset < bytes.len() {
        line_number += 1;
        let (line, next, terminated) = match bytes[offset..].iter().position(|&b| b == b'\n') {
            Some(i) => (&bytes[offset..offset + i], offset + i + 1, true),
            None => (&bytes[offset..], bytes.len(), false),
        };
        offset = next;
        if line.trim_ascii().is_empty() {
            if terminated {
                contents.valid_len = next as u64;
            }
            continue;
        }
        match serde_json::from_slice::<Entry>(line) {
            Ok(entry) => {
                contents.entries.push((line_number, entry));
                contents.valid_len = next as u64;
                contents.missing_newline = !terminated;
            }
            Err(_) if !terminated => contents.discarded_tail = true,
            Err(source) => {
                return Err(StateError::JournalCorrupt {
                    place: path.display().to_string(),
                    hint: "move the file aside".to_string(),
                    line: line_number,
                    source,
                });
            }
        }
    }
    Ok(Some(contents))
}

impl LocalBackend {
    /// Opens the journal for appending, creating the folder and file if needed; sensitive
    /// attributes are written protected by `protector`.
    ///
    /// A torn last line left by a crash is cut off first, so new entries start on a line
    /// of their own; entries already there are kept (call [`recover`](Self::recover) and
    /// [`clear_journal`](Self::clear_journal) before a new apply).
    pub fn journal(&self, protector: Protector) -> Result<Journal, StateError> {
        let path = self.journal_path();
        fs::create_dir_all(self.dir()).map_err(StateError::io("create the folder", self.dir()))?;
        let existing = read_journal(&path)?;
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(StateError::io("open", &path))?;
        let next_seq = match &existing {
            None => {
                sys::sync_dir(self.dir()).map_err(StateError::io("sync the folder", self.dir()))?;
                1
            }
            Some(contents) => {
                if contents.discarded_tail {
                    file.set_len(contents.valid_len)
                        .and_then(|()| file.sync_data())
                        .map_err(StateError::io("cut the torn last line of", &path))?;
                }
                if contents.missing_newline {
                    file.write_all(b"\n")
                        .and_then(|()| file.sync_data())
                        .map_err(StateError::io("append to", &path))?;
                }
                contents
                    .entries
                    .iter()
                    .map(|(_, e)| e.seq)
                    .max()
                    .map_or(1, |s| s.saturating_add(1))
            }
        };
        let sink = FileSink {
            file,
            buffer: Vec::new(),
            broken: None,
        };
        Journal::start(path.display().to_string(), protector, next_seq, sink)
    }

    /// Applies the journal of an interrupted apply to `state` (normally the last saved
    /// state): every `Done` entry in order, a create or update putting the object in the
    /// state, a delete removing it. Returns how many were applied and the intents that have
    /// no outcome. The state is not saved: save it, then [`clear_journal`](Self::clear_journal).
    ///
    /// A missing journal recovers nothing. A torn last line is ignored; any other bad line
    /// is an error.
    pub fn recover(&self, state: &mut State) -> Result<Recovery, StateError> {
        let path = self.journal_path();
        let Some(contents) = read_journal(&path)? else {
            return Ok(Recovery::default());
        };
        let mut recovery = replay(state, contents.entries).map_err(|(line, message)| {
            StateError::JournalInvalid {
                place: path.display().to_string(),
                line,
                message,
            }
        })?;
        recovery.discarded_tail = contents.discarded_tail;
        Ok(recovery)
    }

    /// Empties the journal (after the state it was recovered into is saved).
    pub fn clear_journal(&self) -> Result<(), StateError> {
        let path = self.journal_path();
        match OpenOptions::new().write(true).open(&path) {
            Ok(file) => file
                .set_len(0)
                .and_then(|()| file.sync_all())
                .map_err(StateError::io("empty", &path)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StateError::io("open", &path)(e)),
        }
    }
}

#[cfg(test)]
mod tests;
