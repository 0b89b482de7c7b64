//! State locks, whatever the backend: at most one run changes a workspace's state at a time.
//!
//! A [`Lock`] records who took it ([`LockInfo`]: id, user and host, process, operation,
//! time) and is released when dropped. How a lock is held and when it is broken is the
//! backend's: the local backend's lock is a file, broken when its process no longer runs
//! on this host; the PostgreSQL backend's is a row with a lease that a heartbeat renews,
//! broken once the lease has ended. Both wait for a held lock the same way ([`Waiting`]):
//! until a timeout, then [`LockError::Held`] names the holder; an interrupt stops the wait.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::sys;

/// Who holds a lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// The lock's id, given to `strata state unlock`.
    pub id: String,
    /// `user@host`.
    pub who: String,
    /// What the holder is doing (`apply`, `destroy` …).
    pub operation: String,
    /// When it was taken, in seconds since the Unix epoch.
    pub created: u64,
    /// The holder's process id on `host`.
    pub pid: u32,
    /// The holder's host name.
    pub host: String,
    /// When its lease ends unless renewed, in seconds since the Unix epoch (by the
    /// database server's clock); `None` for a lock without a lease (the local backend's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<u64>,
}

impl LockInfo {
    /// A lock for `operation` by this process, with a fresh id.
    pub fn new(operation: &str) -> LockInfo {
        let host = sys::hostname();
        LockInfo {
            id: sys::random_hex(),
            who: format!("{}@{host}", sys::username()),
            operation: operation.to_string(),
            created: sys::now_secs(),
            pid: std::process::id(),
            host,
            expires: None,
        }
    }

    /// Whether the holder is a process of this host that no longer exists: a local lock
    /// is then stale, and the next run breaks it.
    pub fn is_stale(&self) -> bool {
        self.host == sys::hostname() && !sys::pid_alive(self.pid)
    }
}

impl fmt::Display for LockInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (pid {} on {}) for \"{}\" since {}",
            self.who,
            self.pid,
            self.host,
            self.operation,
            sys::format_utc(self.created),
        )?;
        if let Some(expires) = self.expires {
            write!(f, ", lease until {}", sys::format_utc(expires))?;
        }
        write!(f, ", lock id {}", self.id)
    }
}

/// A lock as a listing shows it: its workspace, and whether its holder is gone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldLock {
    /// The workspace it locks.
    pub workspace: String,
    /// Who holds it.
    pub info: LockInfo,
    /// The holder is gone (its process ended, or its lease ended): the next run that
    /// wants the lock breaks it.
    pub stale: bool,
}

/// Why a lock could not be taken, read or forced open.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another run holds the lock (still, after waiting).
    #[error(
        "the state is locked by {0}; if that run is no longer active, force the lock open \
         with `strata state unlock {id}`",
        id = .0.id
    )]
    Held(Box<LockInfo>),
    /// The lock file is not a valid lock.
    #[error(
        "the lock file {} is damaged: {source}; if no other Strata run is active, delete it",
        .path.display()
    )]
    Unreadable {
        /// The lock file.
        path: PathBuf,
        /// What is wrong.
        source: serde_json::Error,
    },
    /// There is no lock to force open.
    #[error("the state is not locked ({place} holds no lock)")]
    NotLocked {
        /// Where the lock would be.
        place: String,
    },
    /// The id given to force the lock open is not the lock's.
    #[error("lock id {given} is not the id of the lock held, which is {}: held by {holder}", .holder.id)]
    WrongId {
        /// The id given.
        given: String,
        /// The lock actually held.
        holder: Box<LockInfo>,
    },
    /// No lock has this id.
    #[error("no lock has the id {given}; `strata state locks` lists the locks held")]
    NoSuchId {
        /// The id given.
        given: String,
    },
    /// The run was interrupted while it waited for the lock.
    #[error("interrupted while waiting for the state lock, which {0} holds")]
    Interrupted(Box<LockInfo>),
    /// A file operation failed.
    #[error("could not {action} {}: {source}", .path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
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
}

pub(crate) fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> LockError {
    let path = path.to_path_buf();
    move |source| LockError::Io {
        action,
        path,
        source,
    }
}

/// How a backend holds a lock: releasing it, and telling whether it was lost.
pub(crate) trait Hold: Send + Sync + fmt::Debug {
    /// Releases the lock, unless it was forced open meanwhile and is someone else's.
    fn release(&mut self) -> Result<(), LockError>;
    /// Why the lock is no longer held, if it is not (its lease could not be renewed).
    fn lost(&self) -> Option<String>;
}

/// A held lock; released when dropped (or by [`release`](Lock::release)).
#[derive(Debug)]
pub struct Lock {
    info: LockInfo,
    workspace: String,
    hold: Option<Box<dyn Hold>>,
    /// The lock of a holder that is gone (a process that no longer runs, a lease that
    /// ended), broken to take this one.
    pub broken_stale: Option<LockInfo>,
}

impl Lock {
    pub(crate) fn new(
        info: LockInfo,
        workspace: &str,
        hold: Box<dyn Hold>,
        broken_stale: Option<LockInfo>,
    ) -> Lock {
        Lock {
            info,
            workspace: workspace.to_string(),
            hold: Some(hold),
            broken_stale,
        }
    }

    /// The lock as recorded.
    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    /// Its id.
    pub fn id(&self) -> &str {
        &self.info.id
    }

    /// The workspace it locks.
    pub fn workspace(&self) -> &str {
        &self.workspace
    }

    /// Why the lock is no longer held, if it is not: its lease could not be renewed and
    /// ended, or it was forced open.
    pub fn lost(&self) -> Option<String> {
        self.hold.as_ref().and_then(|h| h.lost())
    }

    /// Releases the lock, reporting a failure (dropping ignores it). A lock that was
    /// forced open meanwhile is left to its new holder.
    pub fn release(mut self) -> Result<(), LockError> {
        match self.hold.take() {
            Some(mut hold) => hold.release(),
            None => Ok(()),
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if let Some(mut hold) = self.hold.take() {
            let _ = hold.release();
        }
    }
}

/// The rule of waiting for a held lock, shared by every backend: retry until `timeout`,
/// then fail naming the holder; give up at once when `stop` is set (an interrupt).
pub(crate) struct Waiting<'a> {
    deadline: Option<Instant>,
    stop: &'a AtomicBool,
}

impl<'a> Waiting<'a> {
    pub fn new(timeout: Duration, stop: &'a AtomicBool) -> Waiting<'a> {
        Waiting {
            deadline: Instant::now().checked_add(timeout),
            stop,
        }
    }

    /// After a refused attempt: how long to pause before the next, or the error to
    /// return (the refusal itself once the time is up, [`LockError::Interrupted`] after an
    /// interrupt).
    pub fn pause_or_fail(&self, refusal: LockError) -> Result<Duration, LockError> {
        let now = Instant::now();
        let left = self
            .deadline
            .map_or(Duration::MAX, |d| d.saturating_duration_since(now));
        if left.is_zero() {
            return Err(refusal);
        }
        if self.stop.load(Ordering::SeqCst) {
            return Err(match refusal {
                LockError::Held(holder) => LockError::Interrupted(holder),
                other => other,
            });
        }
        Ok(retry_pause().min(left))
    }
}

/// A pause between 100 and 250 ms, so waiting runs do not retry in step.
fn retry_pause() -> Duration {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    Duration::from_millis(100 + hasher.finish() % 151)
}

/// The error for `strata state unlock ID` when no lock held has that id: not locked at
/// all, the one lock held (so its id can be checked), or no such id among several.
pub(crate) fn unknown_id(given: &str, held: Vec<HeldLock>, place: &str) -> LockError {
    match <[HeldLock; 1]>::try_from(held) {
        Ok([only]) => LockError::WrongId {
            given: given.to_string(),
            holder: Box::new(only.info),
        },
        Err(held) if held.is_empty() => LockError::NotLocked {
            place: place.to_string(),
        },
        Err(_) => LockError::NoSuchId {
            given: given.to_string(),
        },
    }
}
