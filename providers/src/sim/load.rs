//! Reading the persisted world: the snapshot, then the log of changes made since.
//!
//! The snapshot (`<path>`) holds every record as of a sequence number; the log
//! (`<path>.log`) holds one JSON line per change, each with its sequence number. Lines the
//! snapshot already covers (a crash between writing a snapshot and emptying the log) are
//! skipped. A torn tail (a crash in the middle of a write) is cut off; a damaged line
//! followed by good ones is corruption, reported with its line number.

use std::collections::HashMap;
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::SimError;
use super::record::{Record, id_number};

/// The snapshot format this build writes.
pub(crate) const FORMAT: u32 = 1;

/// The snapshot file.
#[derive(Deserialize)]
struct Snapshot {
    format: u32,
    seq: u64,
    next_id: u64,
    objects: Vec<Record>,
}

/// The snapshot file, as written.
#[derive(Serialize)]
pub(crate) struct SnapshotRef<'a> {
    pub format: u32,
    pub seq: u64,
    pub next_id: u64,
    pub objects: Vec<&'a Record>,
}

/// One line of the log.
#[derive(Deserialize)]
struct Entry {
    seq: u64,
    #[serde(default)]
    put: Vec<Record>,
    #[serde(default)]
    del: Vec<String>,
}

/// One line of the log, as written.
#[derive(Serialize)]
pub(crate) struct EntryRef<'a> {
    pub seq: u64,
    #[serde(skip_serializing_if = "<[Record]>::is_empty")]
    pub put: &'a [Record],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub del: &'a [String],
}

/// The world as persisted.
pub(crate) struct Loaded {
    /// Every record, sorted by id.
    pub records: Vec<Record>,
    /// The next id number to give.
    pub next_id: u64,
    /// The sequence number of the last change.
    pub seq: u64,
    /// Changes in the log (not yet in the snapshot).
    pub log_lines: u64,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> SimError + '_ {
    move |source| SimError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads the snapshot at `snapshot_path` and the log `log` (open for reading and
/// appending), cutting a torn tail off the log.
pub(crate) fn load(
    snapshot_path: &Path,
    log: &mut File,
    log_path: &Path,
) -> Result<Loaded, SimError> {
    let mut records: HashMap<String, Record> = HashMap::new();
    let (mut seq, mut next_id) = (0, 1);
    match std::fs::read(snapshot_path) {
        Ok(bytes) => {
            let snapshot: Snapshot =
                serde_json::from_slice(&bytes).map_err(|e| SimError::Corrupt {
                    path: snapshot_path.to_path_buf(),
                    line: e.line(),
                    reason: e.to_string(),
                })?;
            if snapshot.format != FORMAT {
                return Err(SimError::Corrupt {
                    path: snapshot_path.to_path_buf(),
                    line: 1,
                    reason: format!(
                        "format {} is not the format {FORMAT} this build reads",
                        snapshot.format
                    ),
                });
            }
            seq = snapshot.seq;
            next_id = snapshot.next_id;
            records = snapshot
                .objects
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect();
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(io(snapshot_path)(e)),
    }

    let mut bytes = Vec::new();
    log.read_to_end(&mut bytes).map_err(io(log_path))?;
    let mut offset = 0;
    let mut torn: Option<(usize, usize)> = None;
    let mut log_lines = 0;
    for (number, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        let start = offset;
        offset += line.len();
        let complete = line.ends_with(b"\n");
        let parsed = complete
            .then(|| serde_json::from_slice::<Entry>(line).ok())
            .flatten();
        let Some(entry) = parsed else {
            torn.get_or_insert((start, number + 1));
            continue;
        };
        if let Some((_, bad)) = torn {
            return Err(SimError::Corrupt {
                path: log_path.to_path_buf(),
                line: bad,
                reason: "a damaged line is followed by good ones".into(),
            });
        }
        if entry.seq <= seq {
            continue;
        }
        seq = entry.seq;
        log_lines += 1;
        for id in entry.del {
            records.remove(&id);
        }
        for record in entry.put {
            if let Some(n) = id_number(&record.id) {
                next_id = next_id.max(n + 1);
            }
            records.insert(record.id.clone(), record);
        }
    }
    if let Some((start, _)) = torn {
        log.set_len(start as u64).map_err(io(log_path))?;
        log.sync_all().map_err(io(log_path))?;
    }
    let mut records: Vec<Record> = records.into_values().collect();
    records.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Loaded {
        records,
        next_id,
        seq,
        log_lines,
    })
}
