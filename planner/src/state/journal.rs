//! The journal: an append-only record of provider calls, so that a crashed apply can be
//! finished, whatever the backend.
//!
//! Before each provider call the apply walk appends an [`Entry`] in phase
//! [`Phase::Intent`]; after it, one in [`Phase::Done`] (with the object's id and
//! attributes) or [`Phase::Failed`]. [`Journal::append`] returns only once the entry is
//! durable. After a crash, the backend's `recover` applies the `Done` entries to the last
//! saved state ([`replay`], the one rule for every backend) and returns the intents that
//! have no outcome: the caller asks the provider
//! ([`Provider::find`](crate::Provider::find)) whether those objects exist and adopts
//! them. The next save of the state empties the journal.
//!
//! Entries are numbered by `seq` in the order they were written. Sensitive attributes
//! (named in the entry) are written protected, as the state holds them (see
//! [`Protector`]). Appends from many tasks are group-committed: one writer thread hands
//! every entry queued while the previous batch was being written to the backend's sink
//! (a file synced once, a database insert committed once), then wakes all their callers.
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
use std::io;
use std::sync::mpsc;
use std::thread::JoinHandle;

use blueprint::Address;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use super::{Object, Protector, Rename, State, StateError, redirect};
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

/// What a backend's `recover` found in the journal.
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
    place: String,
    protector: Protector,
    sender: Option<mpsc::Sender<Request>>,
    writer: Option<JoinHandle<()>>,
}

struct Request {
    entry: Entry,
    reply: oneshot::Sender<io::Result<()>>,
}

/// The most entries written at once.
const MAX_BATCH: usize = 4096;

/// Where a backend's journal entries go: a batch at a time, each entry as its `seq` and
/// its JSON text.
pub(crate) trait Sink: Send + 'static {
    /// Writes the batch durably, all of it or none of it.
    fn write(&mut self, batch: &[(u64, Vec<u8>)]) -> io::Result<()>;
}

impl Journal {
    /// Starts the writer thread of a journal whose next entry is numbered `next_seq`.
    /// `place` names the journal in errors.
    pub(crate) fn start(
        place: String,
        protector: Protector,
        next_seq: u64,
        sink: impl Sink,
    ) -> Result<Journal, StateError> {
        let (sender, requests) = mpsc::channel();
        let writer = std::thread::Builder::new()
            .name("strata-journal".into())
            .spawn(move || write_loop(sink, next_seq, requests))
            .map_err(|e| StateError::Append {
                place: place.clone(),
                message: format!("could not start the writer thread: {e}"),
            })?;
        Ok(Journal {
            place,
            protector,
            sender: Some(sender),
            writer: Some(writer),
        })
    }

    /// Where the journal is (a file, or a table and workspace).
    pub fn place(&self) -> &str {
        &self.place
    }

    /// Appends `entry` (numbered with the next `seq`, its sensitive attributes protected)
    /// and returns once it is durable.
    ///
    /// Many tasks may append at once: their entries are written together. An entry is
    /// written even if its caller stops waiting for it.
    pub async fn append(&self, mut entry: Entry) -> Result<(), StateError> {
        if let Some(attributes) = entry.attributes.as_mut() {
            self.protector.protect_attrs(attributes, &entry.sensitive);
        }
        let failed = |message: String| StateError::Append {
            place: self.place.clone(),
            message,
        };
        let closed = || failed("the journal writer has stopped".to_string());
        let (reply, outcome) = oneshot::channel();
        let sender = self.sender.as_ref().ok_or_else(closed)?;
        sender
            .send(Request { entry, reply })
            .map_err(|_| closed())?;
        outcome
            .await
            .map_err(|_| closed())?
            .map_err(|e| failed(e.to_string()))
    }

    #[cfg(test)]
    pub(crate) fn stop_writer(&mut self) {
        self.sender = None;
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

/// The writer thread: numbers each batch of queued entries, hands it to the sink, and
/// replies to all.
fn write_loop(mut sink: impl Sink, mut next_seq: u64, requests: mpsc::Receiver<Request>) {
    let mut batch = Vec::new();
    while let Ok(first) = requests.recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match requests.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        let first_seq = next_seq;
        let mut lines = Vec::with_capacity(batch.len());
        let mut encoded = Vec::with_capacity(batch.len());
        for request in &mut batch {
            request.entry.seq = next_seq;
            match serde_json::to_vec(&request.entry) {
                Ok(line) => {
                    lines.push((next_seq, line));
                    next_seq = next_seq.saturating_add(1);
                    encoded.push(Ok(()));
                }
                Err(e) => encoded.push(Err(io::Error::new(io::ErrorKind::InvalidData, e))),
            }
        }
        let written = if lines.is_empty() {
            Ok(())
        } else {
            sink.write(&lines)
        };
        if written.is_err() {
            next_seq = first_seq;
        }
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

/// Applies a journal's entries, in order, to `state` (normally the last saved state):
/// every `Done` entry, a create or update putting the object in the state, a delete
/// removing it. Returns how many were applied and the intents that have no outcome. Each
/// entry comes with its line (or number), which an error names: `Err((line, why))`.
pub(crate) fn replay(
    state: &mut State,
    entries: impl IntoIterator<Item = (usize, Entry)>,
) -> Result<Recovery, (usize, String)> {
    let mut recovery = Recovery::default();
    // Intents without an outcome yet, by address and call, oldest first.
    let mut open: HashMap<(Address, Op), VecDeque<usize>> = HashMap::new();
    let mut intents: Vec<Option<Entry>> = Vec::new();
    let mut objects: Option<Objects> = None;
    let mut moves = Vec::new();
    for (line, entry) in entries {
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
            apply(objects, &mut moves, entry).map_err(|message| (line, message))?;
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
