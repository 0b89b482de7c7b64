//! Writing the world durably: an append-only log with group commit, and snapshots.
//!
//! Changes are queued in order (under the world's lock, so the queue order is the order
//! they were applied in) and a writer thread appends everything queued so far with one
//! write and one `fdatasync`: many concurrent calls share one sync. Callers wait until
//! their change's sequence number is durable before they return, so a change whose call
//! returned survives a kill. A queued snapshot replaces the log: the writer writes it to a
//! temporary file, syncs it, renames it over the snapshot, syncs the folder, then empties
//! the log. Once a write fails, later changes are refused rather than silently lost.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use tokio::sync::watch;

use super::SimError;

/// Where the world is kept.
#[derive(Clone, Debug)]
pub(crate) struct Paths {
    /// The snapshot.
    pub snapshot: PathBuf,
    /// The log of changes since the snapshot.
    pub log: PathBuf,
    /// Where a snapshot is written before it is renamed.
    pub temp: PathBuf,
}

impl Paths {
    /// The files of the world kept at `path`.
    pub fn new(path: &std::path::Path) -> Paths {
        let with = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        Paths {
            snapshot: path.to_path_buf(),
            log: with(".log"),
            temp: with(".tmp"),
        }
    }
}

enum Item {
    Line(u64, Vec<u8>),
    Snapshot(u64, Vec<u8>),
}

#[derive(Default)]
struct Queue {
    items: Vec<Item>,
    durable: u64,
    failure: Option<String>,
    stop: bool,
}

/// What async waiters watch: the durable sequence number, and whether writing failed.
#[derive(Clone, Copy, Debug, Default)]
struct Durable {
    seq: u64,
    failed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    done: Condvar,
    durable: watch::Sender<Durable>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The writer of one world.
pub(crate) struct Journal {
    shared: Arc<Shared>,
    writer: Option<JoinHandle<()>>,
}

impl Journal {
    /// Starts writing to `log` (open for appending); changes up to `durable` are on disk.
    pub fn start(log: File, paths: Paths, durable: u64) -> Journal {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                durable,
                ..Queue::default()
            }),
            wake: Condvar::new(),
            done: Condvar::new(),
            durable: watch::Sender::new(Durable {
                seq: durable,
                failed: false,
            }),
        });
        let writer = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("sim-journal".into())
                .spawn(move || write_loop(&shared, log, &paths))
                .expect("spawn the journal writer")
        };
        Journal {
            shared,
            writer: Some(writer),
        }
    }

    /// Why writing failed, if it did.
    pub fn failure(&self) -> Option<String> {
        self.shared.lock().failure.clone()
    }

    fn push(&self, item: Item) {
        self.shared.lock().items.push(item);
        self.shared.wake.notify_one();
    }

    /// Queues one change (a JSON line, newline included).
    pub fn append(&self, seq: u64, line: Vec<u8>) {
        self.push(Item::Line(seq, line));
    }

    /// Queues a snapshot of the world as of `seq`, which replaces the log.
    pub fn snapshot(&self, seq: u64, bytes: Vec<u8>) {
        self.push(Item::Snapshot(seq, bytes));
    }

    fn unsaved(&self) -> SimError {
        SimError::Unsaved(
            self.failure()
                .unwrap_or_else(|| "the writer stopped".into()),
        )
    }

    /// Waits until change `seq` is durable.
    pub async fn wait(&self, seq: u64) -> Result<(), SimError> {
        let mut rx = self.shared.durable.subscribe();
        let durable = match rx.wait_for(|d| d.seq >= seq || d.failed).await {
            Ok(d) => *d,
            Err(_) => return Err(self.unsaved()),
        };
        if durable.seq >= seq {
            Ok(())
        } else {
            Err(self.unsaved())
        }
    }

    /// Waits, blocking the thread, until change `seq` is durable.
    pub fn wait_blocking(&self, seq: u64) -> Result<(), SimError> {
        let mut queue = self.shared.lock();
        while queue.durable < seq && queue.failure.is_none() {
            queue = self
                .shared
                .done
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if queue.durable >= seq {
            Ok(())
        } else {
            Err(SimError::Unsaved(queue.failure.clone().unwrap_or_default()))
        }
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.wake.notify_one();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

fn write_loop(shared: &Shared, mut log: File, paths: &Paths) {
    loop {
        let items = {
            let mut queue = shared.lock();
            while queue.items.is_empty() && !queue.stop {
                queue = shared
                    .wake
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            if queue.items.is_empty() {
                return;
            }
            let items = std::mem::take(&mut queue.items);
            if queue.failure.is_some() {
                // Never write after a failed write: its torn line must stay the last one.
                continue;
            }
            items
        };
        let mut last = 0;
        let mut buffer = Vec::new();
        let mut result = Ok(());
        for item in items {
            match item {
                Item::Line(seq, line) => {
                    buffer.extend_from_slice(&line);
                    last = seq;
                }
                Item::Snapshot(seq, bytes) => {
                    // The snapshot holds every change so far: lines not yet written are in it.
                    buffer.clear();
                    last = seq;
                    result = write_snapshot(paths, &bytes).and_then(|()| {
                        log.set_len(0)?;
                        log.sync_all()
                    });
                    if result.is_err() {
                        break;
                    }
                }
            }
        }
        if result.is_ok() && !buffer.is_empty() {
            result = log.write_all(&buffer).and_then(|()| log.sync_data());
        }
        let mut queue = shared.lock();
        match result {
            Ok(()) => queue.durable = queue.durable.max(last),
            Err(e) => {
                queue.failure = Some(format!("writing {}: {e}", paths.log.display()));
            }
        }
        let durable = Durable {
            seq: queue.durable,
            failed: queue.failure.is_some(),
        };
        drop(queue);
        shared.done.notify_all();
        shared.durable.send_replace(durable);
    }
}

/// Writes a snapshot atomically: temporary file, sync, rename, sync the folder.
fn write_snapshot(paths: &Paths, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&paths.temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&paths.temp, &paths.snapshot)?;
    if let Some(dir) = paths.snapshot.parent() {
        let dir = if dir.as_os_str().is_empty() {
            std::path::Path::new(".")
        } else {
            dir
        };
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}
