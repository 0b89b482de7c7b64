//! The local backend's lock: `lock.json` in the workspace's folder.
//!
//! [`LocalBackend::lock`] creates `lock.json` exclusively, holding a [`LockInfo`] that says
//! who took it, when, for what and from which process. A run that finds the lock taken
//! waits for it up to a timeout, then reports who holds it. A lock left by a process that
//! no longer exists on this host is stale: it is broken and taken over, and the [`Lock`]
//! says so in [`Lock::broken_stale`] so the caller can warn. [`LocalBackend::unlock`]
//! forces a lock open given its id (`strata state unlock ID`).
//!
//! The file is written whole before it appears: the lock is written to a temporary file
//! that is then hard-linked to `lock.json`, which, like `O_EXCL`, fails if `lock.json`
//! exists, so a reader never sees a half-written lock. Where the file system has no hard
//! links, `lock.json` is created with `O_EXCL` directly.
//!
//! ```no_run
//! # fn main() -> Result<(), planner::state::LockError> {
//! use std::time::Duration;
//! let backend = planner::state::LocalBackend::new(".strata");
//! let lock = backend.lock("apply", Duration::from_secs(10))?;
//! // … change the state …
//! drop(lock); // released
//! # Ok(()) }
//! ```

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::super::lock::{Hold, Waiting, io_error};
use super::super::sys;
use super::LocalBackend;
use crate::state::{Lock, LockError, LockInfo};

/// The local lock file, held: released by removing it if it is still this lock.
#[derive(Debug)]
struct FileHold {
    path: PathBuf,
    id: String,
}

impl Hold for FileHold {
    fn release(&mut self) -> Result<(), LockError> {
        remove_if_id(&self.path, &self.id)
            .map(|_| ())
            .map_err(io_error("remove", &self.path))
    }

    fn lost(&self) -> Option<String> {
        None
    }
}

/// Reads `lock.json`: `None` when there is none.
fn read_holder(path: &Path) -> Result<Option<LockInfo>, LockError> {
    match fs::read(path) {
        Ok(bytes) => {
            serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|source| LockError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error("read", path)(e)),
    }
}

/// Creates `path` holding `bytes` if it does not exist; `false` if it does.
fn create_exclusive(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let temp = sys::temp_path(path, "tmp");
    if let Err(e) = sys::write_synced(&temp, bytes) {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    let linked = fs::hard_link(&temp, path);
    let _ = fs::remove_file(&temp);
    match linked {
        Ok(()) => return Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(_) => {} // no hard links on this file system
    }
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut file) => match file.write_all(bytes).and_then(|()| file.sync_all()) {
            Ok(()) => Ok(true),
            Err(e) => {
                let _ = fs::remove_file(path);
                Err(e)
            }
        },
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// Removes the lock at `path` if its id is `id`; `false` if there is none or it is another.
///
/// The file is first renamed aside and checked there, so a lock taken by someone else
/// between the check and the removal is never removed: if the file renamed aside turns out
/// to be another lock, it is put back (unless yet another lock was taken meanwhile).
fn remove_if_id(path: &Path, id: &str) -> io::Result<bool> {
    let aside = sys::temp_path(path, "breaking");
    match fs::rename(path, &aside) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    }
    let taken = fs::read(&aside)
        .ok()
        .and_then(|b| serde_json::from_slice::<LockInfo>(&b).ok());
    if taken.is_some_and(|info| info.id == id) {
        let _ = fs::remove_file(&aside);
        if let Some(dir) = path.parent() {
            let _ = sys::sync_dir(dir);
        }
        return Ok(true);
    }
    match fs::hard_link(&aside, path) {
        Ok(()) => {
            let _ = fs::remove_file(&aside);
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let _ = fs::remove_file(&aside);
        }
        Err(_) => {
            if !path.exists() {
                let _ = fs::rename(&aside, path);
            }
        }
    }
    Ok(false)
}

impl LocalBackend {
    /// Takes the lock for `operation`, waiting up to `timeout` while another run holds it.
    ///
    /// A lock held by a process of this host that no longer exists is broken and taken
    /// over ([`Lock::broken_stale`]). After `timeout`, [`LockError::Held`] says who holds it.
    pub fn lock(&self, operation: &str, timeout: Duration) -> Result<Lock, LockError> {
        self.lock_unless(operation, timeout, &AtomicBool::new(false))
    }

    /// [`lock`](Self::lock), giving up with [`LockError::Interrupted`] as soon as `stop` is
    /// set while waiting (an interrupt; checked between attempts, at most 250 ms apart).
    pub fn lock_unless(
        &self,
        operation: &str,
        timeout: Duration,
        stop: &AtomicBool,
    ) -> Result<Lock, LockError> {
        let path = self.lock_path();
        fs::create_dir_all(self.dir()).map_err(io_error("create the folder", self.dir()))?;
        sys::remove_stale_temps(&path, "tmp");
        sys::remove_stale_temps(&path, "breaking");
        let waiting = Waiting::new(timeout, stop);
        let fresh = LockInfo::new(operation);
        let mut broken_stale = None;
        loop {
            let info = LockInfo {
                created: sys::now_secs(),
                ..fresh.clone()
            };
            let mut bytes = serde_json::to_vec_pretty(&info).map_err(|e| {
                io_error("encode", &path)(io::Error::new(io::ErrorKind::InvalidData, e))
            })?;
            bytes.push(b'\n');
            if create_exclusive(&path, &bytes).map_err(io_error("create", &path))? {
                sys::sync_dir(self.dir()).map_err(io_error("sync the folder", self.dir()))?;
                let hold = FileHold {
                    path,
                    id: info.id.clone(),
                };
                return Ok(Lock::new(info, self.name(), Box::new(hold), broken_stale));
            }
            let refusal = match read_holder(&path) {
                Ok(None) => continue, // released meanwhile
                Ok(Some(holder)) if holder.is_stale() => {
                    if remove_if_id(&path, &holder.id)
                        .map_err(io_error("remove the stale lock", &path))?
                    {
                        broken_stale = Some(holder);
                    }
                    continue;
                }
                Ok(Some(holder)) => LockError::Held(Box::new(holder)),
                // Possibly being written where the lock is created in place: wait too.
                Err(e) => e,
            };
            std::thread::sleep(waiting.pause_or_fail(refusal)?);
        }
    }

    /// Forces the lock open: removes it if its id is `id`, returning who held it.
    pub fn unlock(&self, id: &str) -> Result<LockInfo, LockError> {
        let path = self.lock_path();
        let not_locked = || LockError::NotLocked {
            place: path.display().to_string(),
        };
        let holder = self.holder()?.ok_or_else(not_locked)?;
        if holder.id != id {
            return Err(LockError::WrongId {
                given: id.to_string(),
                holder: Box::new(holder),
            });
        }
        if remove_if_id(&path, id).map_err(io_error("remove", &path))? {
            return Ok(holder);
        }
        // Released or replaced between reading and removing.
        match self.holder()? {
            None => Err(not_locked()),
            Some(holder) => Err(LockError::WrongId {
                given: id.to_string(),
                holder: Box::new(holder),
            }),
        }
    }

    /// Who holds the lock now, if anyone.
    pub fn holder(&self) -> Result<Option<LockInfo>, LockError> {
        read_holder(&self.lock_path())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;
    use std::time::Instant;

    use super::*;

    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    fn write_lock(backend: &LocalBackend, info: &LockInfo) {
        fs::create_dir_all(backend.dir()).unwrap();
        fs::write(backend.lock_path(), serde_json::to_vec(info).unwrap()).unwrap();
    }

    fn foreign(pid: u32, host: &str) -> LockInfo {
        LockInfo {
            id: "0123abcd".into(),
            who: "alice@elsewhere".into(),
            operation: "destroy".into(),
            created: 1_700_000_000,
            pid,
            host: host.into(),
            expires: None,
        }
    }

    #[test]
    fn lock_is_recorded_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path().join("state"));
        assert!(backend.holder().unwrap().is_none());
        let lock = backend.lock("apply", Duration::ZERO).unwrap();
        let holder = backend.holder().unwrap().unwrap();
        assert_eq!(&holder, lock.info());
        assert_eq!(holder.pid, std::process::id());
        assert_eq!(holder.operation, "apply");
        assert_eq!(holder.id.len(), 32);
        assert!(
            holder.who.ends_with(&format!("@{}", holder.host)),
            "{}",
            holder.who
        );
        assert!(lock.broken_stale.is_none());
        drop(lock);
        assert!(backend.holder().unwrap().is_none());
        let names: Vec<_> = fs::read_dir(backend.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn a_second_lock_waits_then_reports_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        let first = backend.lock("apply", Duration::ZERO).unwrap();
        let start = Instant::now();
        let err = backend
            .lock("plan", Duration::from_millis(300))
            .unwrap_err();
        assert!(start.elapsed() >= Duration::from_millis(300));
        let LockError::Held(holder) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(&**holder, first.info());
        let text = err.to_string();
        for part in [
            format!("locked by {}", holder.who),
            format!("pid {}", holder.pid),
            "for \"apply\" since ".to_string(),
            format!("strata state unlock {}", holder.id),
        ] {
            assert!(text.contains(&part), "{part:?} missing from {text}");
        }
        first.release().unwrap();
        backend.lock("plan", Duration::ZERO).unwrap();
    }

    #[test]
    fn waiting_for_a_lock_stops_when_interrupted() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        let first = backend.lock("apply", Duration::ZERO).unwrap();
        let stop = AtomicBool::new(false);
        let start = Instant::now();
        let err = std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(Duration::from_millis(200));
                stop.store(true, Ordering::SeqCst);
            });
            backend
                .lock_unless("plan", Duration::from_secs(60), &stop)
                .unwrap_err()
        });
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(200) && waited < Duration::from_secs(5),
            "{waited:?}"
        );
        let LockError::Interrupted(holder) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(&**holder, first.info());
        assert!(
            err.to_string()
                .starts_with("interrupted while waiting for the state lock, which "),
            "{err}"
        );
        assert_eq!(backend.holder().unwrap().as_ref(), Some(first.info()));
        // A stop set before a free lock is tried does not refuse it: nothing waits.
        drop(first);
        backend.lock_unless("plan", Duration::ZERO, &stop).unwrap();
    }

    #[test]
    fn a_lock_of_a_dead_process_on_this_host_is_broken() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        let stale = foreign(dead_pid(), &sys::hostname());
        write_lock(&backend, &stale);
        let lock = backend.lock("apply", Duration::ZERO).unwrap();
        assert_eq!(lock.broken_stale.as_ref(), Some(&stale));
        assert_eq!(backend.holder().unwrap().as_ref(), Some(lock.info()));
    }

    #[test]
    fn a_lock_of_another_host_is_never_broken() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        let other = foreign(dead_pid(), "some-other-host.invalid");
        write_lock(&backend, &other);
        let err = backend.lock("apply", Duration::ZERO).unwrap_err();
        assert!(
            matches!(&err, LockError::Held(h) if **h == other),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(text.contains("since 2023-11-14 22:13:20 UTC"), "{text}");
        assert!(text.contains("strata state unlock 0123abcd"), "{text}");
    }

    #[test]
    fn unlock_needs_the_right_id() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        let err = backend.unlock("nope").unwrap_err();
        assert!(matches!(err, LockError::NotLocked { .. }), "{err:?}");
        assert!(err.to_string().contains("not locked"), "{err}");

        let lock = backend.lock("apply", Duration::ZERO).unwrap();
        let err = backend.unlock("nope").unwrap_err();
        assert!(
            err.to_string().contains(&format!("which is {}", lock.id())),
            "{err}"
        );
        assert_eq!(backend.holder().unwrap().as_ref(), Some(lock.info()));

        assert_eq!(&backend.unlock(lock.id()).unwrap(), lock.info());
        assert!(backend.holder().unwrap().is_none());
        // The old holder's drop must not remove a lock that someone else took since.
        let next = LocalBackend::new(dir.path())
            .lock("plan", Duration::ZERO)
            .unwrap();
        drop(lock);
        assert_eq!(backend.holder().unwrap().as_ref(), Some(next.info()));
    }

    #[test]
    fn a_damaged_lock_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        fs::write(backend.lock_path(), "{\"id\": ").unwrap();
        let err = backend.holder().unwrap_err();
        assert!(err.to_string().contains("lock.json is damaged"), "{err}");
        let err = backend
            .lock("apply", Duration::from_millis(150))
            .unwrap_err();
        assert!(matches!(err, LockError::Unreadable { .. }), "{err:?}");
    }
}
