//! The world behind one lock, with every change journalled before its caller returns.
//!
//! [`Store::mutate`] runs a closure on the world under the lock; the change it returns is
//! applied and queued for the journal in the same critical section, so the journal's order
//! is the world's. The caller then waits, outside the lock, until the journal has made the
//! change durable. Reads wait too (for the last change they may have seen), so nothing a
//! caller is told about can vanish in a crash. When the log grows longer than the world,
//! a snapshot replaces it: snapshots cost O(objects) every O(objects) changes.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use super::SimError;
use super::journal::{Journal, Paths};
use super::load::{EntryRef, FORMAT, SnapshotRef, load};
use super::record::{Change, Record};
use super::world::World;

/// Changes in the log before a snapshot is considered, whatever the world's size.
pub(crate) const COMPACT_MIN: u64 = 4096;

struct State {
    world: World,
    seq: u64,
    since_snapshot: u64,
}

/// The persisted world.
pub(crate) struct Store {
    state: Mutex<State>,
    journal: Journal,
    compact_min: u64,
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Store {
    /// Opens the world kept at `path`, creating it empty when absent; a snapshot is taken
    /// once the log holds more than `compact_min` changes and more than the world's objects.
    pub fn open(path: &Path, compact_min: u64) -> Result<Store, SimError> {
        let paths = Paths::new(path);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SimError::Io { path, source }
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let mut log: File = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&paths.log)
            .map_err(io(&paths.log))?;
        match log.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(SimError::Locked(path.to_path_buf())),
            Err(TryLockError::Error(e)) => return Err(io(&paths.log)(e)),
        }
        match std::fs::remove_file(&paths.temp) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(io(&paths.temp)(e));
            }
            _ => {}
        }
        let loaded = load(&paths.snapshot, &mut log, &paths.log)?;
        let world = World::from_records(loaded.records, loaded.next_id, now_ms());
        Ok(Store {
            state: Mutex::new(State {
                world,
                seq: loaded.seq,
                since_snapshot: loaded.log_lines,
            }),
            journal: Journal::start(log, paths, loaded.seq),
            compact_min,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the world (jobs reaped as of now); returns its result and the change
    /// to wait for before trusting it.
    pub fn read<T>(&self, f: impl FnOnce(&World, u64) -> T) -> (T, u64) {
        let now = now_ms();
        let mut state = self.lock();
        state.world.reap(now);
        (f(&state.world, now), state.seq)
    }

    /// Runs `f` on the world and applies and journals the change it returns. Returns `f`'s
    /// value and the change to wait for before returning to the caller.
    pub fn mutate<T, E: From<SimError>>(
        &self,
        f: impl FnOnce(&World, u64) -> Result<(Option<Change>, T), E>,
    ) -> Result<(T, u64), E> {
        let now = now_ms();
        let mut state = self.lock();
        if let Some(failure) = self.journal.failure() {
            return Err(SimError::Unsaved(failure).into());
        }
        state.world.reap(now);
        let (change, value) = f(&state.world, now)?;
        let Some(change) = change else {
            return Ok((value, state.seq));
        };
        state.seq += 1;
        let seq = state.seq;
        state.world.apply(&change, now);
        let mut line = serde_json::to_vec(&EntryRef {
            seq,
            put: &change.put,
            del: &change.del,
        })
        .expect("records serialize");
        line.push(b'\n');
        self.journal.append(seq, line);
        state.since_snapshot += 1;
        if state.since_snapshot > self.compact_min.max(state.world.len() as u64) {
            let mut objects: Vec<&Record> = state.world.records().collect();
            objects.sort_by(|a, b| a.id.cmp(&b.id));
            let bytes = serde_json::to_vec(&SnapshotRef {
                format: FORMAT,
                seq,
                next_id: state.world.next_id_number(),
                objects,
            })
            .expect("records serialize");
            self.journal.snapshot(seq, bytes);
            state.since_snapshot = 0;
        }
        Ok((value, seq))
    }

    /// Waits until change `seq` is durable.
    pub async fn durable(&self, seq: u64) -> Result<(), SimError> {
        self.journal.wait(seq).await
    }

    /// Waits, blocking the thread, until change `seq` is durable.
    pub fn durable_blocking(&self, seq: u64) -> Result<(), SimError> {
        self.journal.wait_blocking(seq)
    }
}
