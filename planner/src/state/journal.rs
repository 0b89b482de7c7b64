//! The journal: an append-only record of provider calls, so that a crashed apply can be
//! finished.
//!
//! Before each provider call the apply walk appends an [`Entry`] in phase
//! [`Phase::Intent`]; after it, one in [`Phase::Done`] (with the object's id and
//! attributes) or [`Phase::Failed`]. [`Journal::append`] returns only once the line is on
//! disk. After a crash, [`LocalBackend::recover`] applies the `Done` entries to the last
//! saved state and returns the intents that have no outcome: the caller asks the provider
//! ([`Provider::find`](crate::Provider::find)) whether those objects exist and adopts
//! them. Once the state is saved, [`LocalBackend::clear_journal`] empties the journal.
//!
//! The file is JSON lines (`journal.jsonl`), one entry a line, numbered by `seq` in the
//! order they were written. Sensitive attributes (named in the entry) are written
//! protected, as the state file holds them (see [`Protector`]). Appends from many tasks are group-committed: one writer thread
//! writes every entry queued while the previous batch was being synced, syncs once, and
//! then wakes all their callers. A crash can tear only the last line, which reading
//! ignores.
//!
//! ```no_run
//! # async fn run(backend: planner::state::LocalBackend, address: blueprint::Address)
//! # -> Result<(), planner::state::StateError> {
//! use planner::state::{Entry, Op, Phase};
//! let protector = planner::state::Protector::new(None, "lineage");
//! let journal = std::sync::Arc::new(backend.journal(protector)?);
//! journal.append(Entry::new(Phase::Intent, Op::Create, address, "vm", "sim")).await?;
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use blueprint::Address;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use super::{LocalBackend, Object, Protector, Rename, State, StateError, redirect, sys};
use crate::provider::Attrs;

/// Where a provider call stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// About to call the provider.
    Intent,
    /// The call succeeded.
    Done,
    /// The call failed; nothing changed.
    Failed,
}

/// The provider call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// `Provider::create`.
    Create,
    /// `Provider::update`.
    Update,
    /// `Provider::delete`.
    Delete,
    /// `Provider::moved`: the object at `previous_address` now lives at `address`.
    Move,
    /// No provider call: the object is no longer managed (a `removed` block).
    Forget,
}

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Its number in the journal, set by [`Journal::append`] (any value given is replaced).
    pub seq: u64,
    /// Before or after the call, and how it went.
    pub phase: Phase,
    /// The call.
    pub op: Op,
    /// The object's address.
    pub address: Address,
    /// Its resource kind.
    pub kind: String,
    /// The provider configuration that manages it.
    pub provider: String,
    /// The provider's id for the object (known after a create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its attributes after the call (`Done` of a create or update).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Attrs>,
    /// The objects it was created after.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Address>,
    /// When it was created, in seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<u64>,
    /// For a create: the idempotency key it was made with, when not the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Why the call failed (`Failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For a move: the address the object had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_address: Option<Address>,
    /// The object's `prevent_destroy`, recorded with it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevent_destroy: bool,
    /// Attributes computed from sensitive values: written protected, and sensitive again
    /// in the state the journal is recovered into.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive: Vec<String>,
}

impl Entry {
    /// An entry with no id, attributes, dependencies, creation time or error yet.
    pub fn new(
        phase: Phase,
        op: Op,
        address: Address,
        kind: impl Into<String>,
        provider: impl Into<String>,
    ) -> Entry {
        Entry {
            seq: 0,
            phase,
            op,
            address,
            kind: kind.into(),
            provider: provider.into(),
            id: None,
            attributes: None,
            dependencies: Vec::new(),
            created_at: None,
            key: None,
            error: None,
            previous_address: None,
            prevent_destroy: false,
            sensitive: Vec::new(),
        }
    }

    /// The `Done` entry recording that `op` left `object` as it is (for a delete: removed).
    pub fn done(op: Op, object: &Object) -> Entry {
        Entry {
            id: Some(object.id.clone()),
            attributes: Some(object.attributes.clone()),
            dependencies: object.dependencies.clone(),
            created_at: Some(object.created_at),
            prevent_destroy: object.prevent_destroy,
            sensitive: object.sensitive.clone(),
            ..Entry::new(
                Phase::Done,
                op,
                object.address.clone(),
                &object.kind,
                &object.provider,
            )
        }
    }
}

/// What [`LocalBackend::recover`] found in the journal.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recovery {
    /// How many `Done` entries were applied to the state.
    pub applied: usize,
    /// Intents with no outcome, in journal order: the provider may or may not have carried
    /// them out.
    pub pending: Vec<Entry>,
    /// Whether a torn last line (a write cut short by the crash) was ignored.
    pub discarded_tail: bool,
}

/// An open journal; see the module documentation. Share it between tasks with an `Arc`.
///
/// Dropping it stops its writer thread once the queued entries are written.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    protector: Protector,
    sender: Option<mpsc::Sender<Request>>,
    writer: Option<JoinHandle<()>>,
}

struct Request {
    entry: Entry,
    reply: oneshot::Sender<io::Result<()>>,
}

/// The most entries written with one sync.
const MAX_BATCH: usize = 4096;

impl Journal {
    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `entry` (numbered with the next `seq`, its sensitive attributes protected)
    /// and returns once it is on disk.
    ///
    /// Many tasks may append at once: their entries are written and synced together. An
    /// entry is written even if its caller stops waiting for it.
    pub async fn append(&self, mut entry: Entry) -> Result<(), StateError> {
        if let Some(attributes) = entry.attributes.as_mut() {
            self.protector.protect_attrs(attributes, &entry.sensitive);
        }
        let closed = || StateError::Io {
            action: "append to",
            path: self.path.clone(),
            source: io::Error::new(io::ErrorKind::BrokenPipe, "the journal writer has stopped"),
        };
        let (reply, outcome) = oneshot::channel();
        let sender = self.sender.as_ref().ok_or_else(closed)?;
        sender
            .send(Request { entry, reply })
            .map_err(|_| closed())?;
        outcome
            .await
            .map_err(|_| closed())?
            .map_err(StateError::io("append to", &self.path))
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        self.sender = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// The writer thread: writes each batch of queued entries, syncs once, replies to all.
fn write_loop(mut file: File, mut next_seq: u64, requests: mpsc::Receiver<Request>) {
    let mut batch = Vec::new();
    let mut buffer = Vec::new();
    // Set when a failed write could not be undone: the file may end in a partial line, so
    // nothing more may be appended after it.
    let mut broken: Option<String> = None;
    while let Ok(first) = requests.recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match requests.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        if let Some(why) = &broken {
            for request in batch.drain(..) {
                let _ = request.reply.send(Err(io::Error::other(why.clone())));
            }
            continue;
        }

        buffer.clear();
        let first_seq = next_seq;
        let mut encoded = Vec::with_capacity(batch.len());
        for request in &mut batch {
            request.entry.seq = next_seq;
            let start = buffer.len();
            match serde_json::to_writer(&mut buffer, &request.entry) {
                Ok(()) => {
                    buffer.push(b'\n');
                    next_seq = next_seq.saturating_add(1);
                    encoded.push(Ok(()));
                }
                Err(e) => {
                    buffer.truncate(start);
                    encoded.push(Err(io::Error::new(io::ErrorKind::InvalidData, e)));
                }
            }
        }

        let written = file.metadata().map(|m| m.len()).and_then(|end| {
            match file.write_all(&buffer).and_then(|()| file.sync_data()) {
                Ok(()) => Ok(()),
                Err(e) => {
                    next_seq = first_seq;
                    if file.set_len(end).and_then(|()| file.sync_data()).is_err() {
                        broken = Some(format!(
                            "an earlier write failed and could not be undone: {e}"
                        ));
                    }
                    Err(e)
                }
            }
        });
        for (request, encoded) in batch.drain(..).zip(encoded) {
            let outcome = match (&written, encoded) {
                (_, Err(e)) => Err(e),
                (Ok(()), Ok(())) => Ok(()),
                (Err(e), Ok(())) => Err(io::Error::new(e.kind(), e.to_string())),
            };
            let _ = request.reply.send(outcome);
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
                    path: path.to_path_buf(),
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
        let (sender, requests) = mpsc::channel();
        let writer = std::thread::Builder::new()
            .name("strata-journal".into())
            .spawn(move || write_loop(file, next_seq, requests))
            .map_err(StateError::io("start the writer thread for", &path))?;
        Ok(Journal {
            path,
            protector,
            sender: Some(sender),
            writer: Some(writer),
        })
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
        let mut recovery = Recovery {
            discarded_tail: contents.discarded_tail,
            ..Recovery::default()
        };
        // Intents without an outcome yet, by address and call, oldest first.
        let mut open: HashMap<(Address, Op), VecDeque<usize>> = HashMap::new();
        let mut intents: Vec<Option<Entry>> = Vec::new();
        let mut objects: Option<Objects> = None;
        let mut moves = Vec::new();
        for (line, entry) in contents.entries {
            let key = (entry.address.clone(), entry.op);
            if entry.phase == Phase::Intent {
                open.entry(key).or_default().push_back(intents.len());
                intents.push(Some(entry));
                continue;
            }
            if let Some(index) = open.get_mut(&key).and_then(VecDeque::pop_front) {
                intents[index] = None;
            }
            if entry.phase == Phase::Done {
                let objects = objects.get_or_insert_with(|| {
                    std::mem::take(&mut state.objects)
                        .into_iter()
                        .map(|o| ((o.address.clone(), o.id.clone()), o))
                        .collect()
                });
                apply(objects, &mut moves, entry).map_err(|message| {
                    StateError::JournalInvalid {
                        path: path.clone(),
                        line,
                        message,
                    }
                })?;
                recovery.applied += 1;
            }
        }
        if let Some(objects) = objects {
            state.objects = objects.into_values().collect();
            redirect(&mut state.objects, &moves);
        }
        recovery.pending = intents.into_iter().flatten().collect();
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

/// Objects by address and id: the new object of a create-before-destroy replacement
/// stands beside the old one until the old one is deleted.
type Objects = BTreeMap<(Address, String), Object>;

/// Applies one `Done` entry to the objects; a move renames its object and is added to
/// `moves`, whose references are redirected once every entry is applied.
fn apply(objects: &mut Objects, moves: &mut Vec<Rename>, entry: Entry) -> Result<(), String> {
    let at = |objects: &Objects, address: &Address| -> Vec<(Address, String)> {
        objects
            .keys()
            .filter(|(a, _)| a == address)
            .cloned()
            .collect()
    };
    match entry.op {
        Op::Move => {
            let (Some(id), Some(from)) = (&entry.id, &entry.previous_address) else {
                return Err(format!(
                    "the move to {} has no id or previous address",
                    entry.address
                ));
            };
            let from = from.clone();
            if let Some(mut object) = objects.remove(&(from.clone(), id.clone())) {
                object.address = entry.address.clone();
                objects.insert((entry.address.clone(), id.clone()), object);
            }
            moves.push(Rename {
                id: id.clone(),
                from,
                to: entry.address.clone(),
            });
        }
        Op::Delete | Op::Forget => {
            for key in at(objects, &entry.address) {
                if entry.id.as_ref().is_none_or(|id| *id == key.1) {
                    objects.remove(&key);
                }
            }
        }
        Op::Create | Op::Update => {
            let existing = at(objects, &entry.address);
            let same = existing
                .iter()
                .find(|(_, id)| Some(id) == entry.id.as_ref())
                .or(match (&entry.id, existing.as_slice()) {
                    (None, [only]) => Some(only),
                    _ => None,
                });
            if let Some(key) = same.cloned() {
                let Some(mut object) = objects.remove(&key) else {
                    return Ok(());
                };
                object.kind = entry.kind;
                object.provider = entry.provider;
                if let Some(id) = entry.id {
                    object.id = id;
                }
                if let Some(attributes) = entry.attributes {
                    object.attributes = attributes;
                    object.sensitive = entry.sensitive;
                }
                object.dependencies = entry.dependencies;
                object.prevent_destroy = entry.prevent_destroy;
                if let Some(created_at) = entry.created_at {
                    object.created_at = created_at;
                }
                objects.insert((object.address.clone(), object.id.clone()), object);
                return Ok(());
            }
            let Some(id) = entry.id else {
                return Err(format!(
                    "{} is not in the state and the entry has no id for it",
                    entry.address
                ));
            };
            // A plain create replaces what the state had at the address; the new object of
            // a create-before-destroy replacement (created with a key of its own) does not.
            if entry.key.is_none() {
                for key in existing {
                    objects.remove(&key);
                }
            }
            let object = Object {
                address: entry.address.clone(),
                kind: entry.kind,
                provider: entry.provider,
                id: id.clone(),
                attributes: entry.attributes.unwrap_or_default(),
                dependencies: entry.dependencies,
                created_at: entry.created_at.unwrap_or(0),
                sensitive: entry.sensitive,
                prevent_destroy: entry.prevent_destroy,
            };
            objects.insert((entry.address, id), object);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn address(text: &str) -> Address {
        text.parse().unwrap()
    }

    fn done(op: Op, text: &str, id: &str, size: u64) -> Entry {
        let mut attributes = Attrs::new();
        attributes.insert("size".into(), size.into());
        Entry {
            id: Some(id.into()),
            attributes: Some(attributes),
            dependencies: vec![address("site.dc1")],
            created_at: Some(100),
            ..Entry::new(Phase::Done, op, address(text), "vm", "sim")
        }
    }

    fn intent(op: Op, text: &str) -> Entry {
        Entry::new(Phase::Intent, op, address(text), "vm", "sim")
    }

    fn write_lines(backend: &LocalBackend, entries: &[Entry], tail: &str) {
        let mut text = String::new();
        for (i, entry) in entries.iter().enumerate() {
            let entry = Entry {
                seq: i as u64 + 1,
                ..entry.clone()
            };
            text.push_str(&serde_json::to_string(&entry).unwrap());
            text.push('\n');
        }
        text.push_str(tail);
        fs::write(backend.journal_path(), text).unwrap();
    }

    #[test]
    fn entries_serialize_compactly_in_snake_case() {
        let line = serde_json::to_string(&intent(Op::Create, "vm.web[2]")).unwrap();
        assert_eq!(
            line,
            r#"{"seq":0,"phase":"intent","op":"create","address":"vm.web[2]","kind":"vm","provider":"sim"}"#
        );
        let entry = done(Op::Update, "module.a.vm.b", "i", 1);
        let back: Entry = serde_json::from_str(&serde_json::to_string(&entry).unwrap()).unwrap();
        assert_eq!(back, entry);
    }

    #[test]
    fn recover_replays_moves_forgets_and_protection() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        let mut state = LocalBackend::new_state();
        let mut pool = Object {
            address: address("host_pool.p"),
            kind: "host_pool".into(),
            provider: "sim".into(),
            id: "pool-1".into(),
            attributes: Attrs::new(),
            dependencies: Vec::new(),
            created_at: 5,
            sensitive: Vec::new(),
            prevent_destroy: false,
        };
        let mut vm = pool.clone();
        (vm.address, vm.kind, vm.id) = (address("vm.a"), "vm".into(), "vm-1".into());
        vm.dependencies = vec![address("host_pool.p")];
        vm.attributes.insert("pool".into(), "host_pool.p".into());
        pool.prevent_destroy = true;
        let mut gone = vm.clone();
        (gone.address, gone.id) = (address("vm.gone"), "vm-2".into());
        state.objects = vec![pool, vm, gone];
        let entries = [
            Entry {
                id: Some("pool-1".into()),
                previous_address: Some(address("host_pool.p")),
                prevent_destroy: true,
                ..Entry::new(
                    Phase::Done,
                    Op::Move,
                    address("host_pool.q"),
                    "host_pool",
                    "sim",
                )
            },
            Entry {
                id: Some("vm-2".into()),
                ..Entry::new(Phase::Done, Op::Forget, address("vm.gone"), "vm", "sim")
            },
            Entry {
                prevent_destroy: true,
                ..done(Op::Create, "vm.new", "vm-3", 1)
            },
        ];
        write_lines(&backend, &entries, "");
        assert_eq!(backend.recover(&mut state).unwrap().applied, 3);
        let by: BTreeMap<String, &Object> = state
            .objects
            .iter()
            .map(|o| (o.address.to_string(), o))
            .collect();
        assert_eq!(
            by.keys().collect::<Vec<_>>(),
            ["host_pool.q", "vm.a", "vm.new"]
        );
        assert!(by["host_pool.q"].prevent_destroy && by["vm.new"].prevent_destroy);
        assert_eq!(by["vm.a"].dependencies, [address("host_pool.q")]);
        assert_eq!(by["vm.a"].attributes["pool"], "host_pool.q");
    }

    #[test]
    fn recover_applies_done_entries_and_returns_pending_intents() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        let mut state = LocalBackend::new_state();
        state.objects.push(Object {
            address: address("vm.old"),
            kind: "vm".into(),
            provider: "sim".into(),
            id: "old-1".into(),
            attributes: Attrs::new(),
            dependencies: Vec::new(),
            created_at: 5,
            sensitive: Vec::new(),
            prevent_destroy: false,
        });
        state.objects.push(Object {
            address: address("vm.keep"),
            id: "keep-1".into(),
            ..state.objects[0].clone()
        });
        let entries = [
            intent(Op::Create, "vm.b"),
            intent(Op::Create, "vm.a"),
            done(Op::Create, "vm.a", "a-1", 1),
            intent(Op::Delete, "vm.old"),
            Entry {
                id: Some("old-1".into()),
                ..Entry::new(Phase::Done, Op::Delete, address("vm.old"), "vm", "sim")
            },
            intent(Op::Update, "vm.keep"),
            Entry {
                attributes: None,
                id: None,
                created_at: None,
                ..done(Op::Update, "vm.keep", "", 0)
            },
            intent(Op::Create, "vm.c"),
            Entry {
                error: Some("quota".into()),
                ..Entry::new(Phase::Failed, Op::Create, address("vm.c"), "vm", "sim")
            },
            intent(Op::Update, "vm.a"),
            done(Op::Update, "vm.a", "a-1", 2),
        ];
        write_lines(&backend, &entries, "");
        let recovery = backend.recover(&mut state).unwrap();
        assert_eq!(recovery.applied, 4);
        assert!(!recovery.discarded_tail);
        assert_eq!(recovery.pending.len(), 1);
        assert_eq!(recovery.pending[0].address, address("vm.b"));
        assert_eq!(recovery.pending[0].seq, 1);
        let addresses: Vec<_> = state
            .objects
            .iter()
            .map(|o| o.address.to_string())
            .collect();
        assert_eq!(addresses, ["vm.a", "vm.keep"]);
        let a = &state.objects[0];
        assert_eq!(
            (a.id.as_str(), a.created_at, a.attributes["size"].as_u64()),
            ("a-1", 100, Some(2))
        );
        assert_eq!(a.dependencies, [address("site.dc1")]);
        let keep = &state.objects[1];
        assert_eq!(
            (keep.id.as_str(), keep.created_at),
            ("keep-1", 5),
            "an update without id keeps it"
        );
    }

    #[test]
    fn a_torn_last_line_is_ignored_and_cut_before_appending() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        let entries = [
            intent(Op::Create, "vm.a"),
            done(Op::Create, "vm.a", "a-1", 1),
        ];
        write_lines(&backend, &entries, r#"{"seq":3,"phase":"intent","op":"cre"#);
        let mut state = LocalBackend::new_state();
        let recovery = backend.recover(&mut state).unwrap();
        assert_eq!(
            (
                recovery.applied,
                recovery.pending.len(),
                recovery.discarded_tail
            ),
            (1, 0, true)
        );

        let journal = backend.journal(Protector::new(None, "test")).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime
            .block_on(journal.append(intent(Op::Delete, "vm.a")))
            .unwrap();
        drop(journal);
        let text = fs::read_to_string(backend.journal_path()).unwrap();
        let last = text.lines().last().unwrap();
        assert!(
            last.starts_with(r#"{"seq":3,"phase":"intent","op":"delete""#),
            "{text}"
        );
        assert_eq!(text.lines().count(), 3);
    }

    #[test]
    fn a_whole_last_line_without_newline_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        let line = serde_json::to_string(&Entry {
            seq: 9,
            ..done(Op::Create, "vm.a", "a-1", 1)
        })
        .unwrap();
        fs::write(backend.journal_path(), &line).unwrap();
        let mut state = LocalBackend::new_state();
        assert_eq!(backend.recover(&mut state).unwrap().applied, 1);
        let journal = backend.journal(Protector::new(None, "test")).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime
            .block_on(journal.append(intent(Op::Delete, "vm.a")))
            .unwrap();
        drop(journal);
        let text = fs::read_to_string(backend.journal_path()).unwrap();
        assert_eq!(text.lines().next().unwrap(), line);
        assert!(
            text.lines().nth(1).unwrap().starts_with(r#"{"seq":10,"#),
            "{text}"
        );
    }

    #[test]
    fn a_damaged_middle_line_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        fs::write(backend.journal_path(), "{\"seq\":1}\n\n{}\n").unwrap();
        let err = backend.recover(&mut LocalBackend::new_state()).unwrap_err();
        assert!(
            matches!(err, StateError::JournalCorrupt { line: 1, .. }),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .contains("journal.jsonl is damaged at line 1"),
            "{err}"
        );
        assert!(backend.journal(Protector::new(None, "test")).is_err());
    }

    #[test]
    fn a_done_create_without_id_for_an_unknown_object_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        write_lines(
            &backend,
            &[Entry::new(
                Phase::Done,
                Op::Create,
                address("vm.x"),
                "vm",
                "sim",
            )],
            "",
        );
        let err = backend.recover(&mut LocalBackend::new_state()).unwrap_err();
        assert!(
            err.to_string()
                .contains("line 1 that cannot be applied: vm.x is not in the state"),
            "{err}"
        );
    }

    #[test]
    fn missing_journal_recovers_nothing_and_clear_empties() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        assert_eq!(
            backend.recover(&mut LocalBackend::new_state()).unwrap(),
            Recovery::default()
        );
        backend.clear_journal().unwrap();
        write_lines(&backend, &[intent(Op::Create, "vm.a")], "");
        backend.clear_journal().unwrap();
        assert_eq!(fs::metadata(backend.journal_path()).unwrap().len(), 0);
        assert_eq!(
            backend.recover(&mut LocalBackend::new_state()).unwrap(),
            Recovery::default()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_appends_are_all_written_in_order() {
        const TASKS: usize = 10;
        const PER_TASK: usize = 2_000;
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        let journal = Arc::new(backend.journal(Protector::new(None, "test")).unwrap());
        let tasks: Vec<_> = (0..TASKS)
            .map(|t| {
                let journal = Arc::clone(&journal);
                tokio::spawn(async move {
                    for i in 0..PER_TASK {
                        let phase = if i % 2 == 0 {
                            Phase::Intent
                        } else {
                            Phase::Done
                        };
                        let mut entry = Entry::new(
                            phase,
                            Op::Create,
                            address(&format!("vm.t{t}[{}]", i / 2)),
                            "vm",
                            "sim",
                        );
                        entry.id = Some(format!("{t}-{i}"));
                        journal.append(entry).await.unwrap();
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        drop(journal);
        let contents = read_journal(&backend.journal_path()).unwrap().unwrap();
        assert_eq!(contents.entries.len(), TASKS * PER_TASK);
        let mut next_per_task = [0usize; TASKS];
        for (i, (_, entry)) in contents.entries.iter().enumerate() {
            assert_eq!(entry.seq, i as u64 + 1);
            let id = entry.id.as_deref().unwrap();
            let (t, n) = id.split_once('-').unwrap();
            let (t, n): (usize, usize) = (t.parse().unwrap(), n.parse().unwrap());
            assert_eq!(n, next_per_task[t], "task {t} out of order");
            next_per_task[t] += 1;
        }
        let mut state = LocalBackend::new_state();
        let recovery = backend.recover(&mut state).unwrap();
        assert_eq!(recovery.applied, TASKS * PER_TASK / 2);
        assert!(recovery.pending.is_empty());
        assert_eq!(state.objects.len(), TASKS * PER_TASK / 2);
    }

    #[tokio::test]
    async fn appends_after_the_writer_failed_report_errors() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        let mut journal = backend.journal(Protector::new(None, "test")).unwrap();
        journal.sender = None;
        let err = journal
            .append(intent(Op::Create, "vm.a"))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("the journal writer has stopped"),
            "{err}"
        );
    }
}
