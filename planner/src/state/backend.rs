//! The [`Backend`] trait: where the states of a blueprint's workspaces live, and the rules
//! every backend keeps.
//!
//! A backend stores one state per workspace, each with its versions, a lock and a
//! journal. [`LocalBackend`](super::LocalBackend) keeps them in folders,
//! [`PostgresBackend`](super::PostgresBackend) in a database schema. The session and the
//! commands use only this trait, so they work the same on both.
//!
//! The rules that are the same everywhere live here: a save must follow the state stored
//! ([`follows`]), a workspace is named by [`check_workspace_name`], and `default` always
//! exists.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use async_trait::async_trait;

use super::{HeldLock, Journal, Lock, LockError, Protector, Recovery, State, StateError};

/// The workspace every backend has, which cannot be deleted.
pub const DEFAULT_WORKSPACE: &str = "default";

/// Who writes a state version and under which lock.
#[derive(Clone, Debug, Default)]
pub struct Write {
    /// The command (`apply`, `state push`, `init -migrate-state` …).
    pub operation: String,
    /// The id of the lock the write is made under: the write is refused once that lock
    /// is no longer held (forced open, or its lease ended and another run took it).
    pub lock: Option<String>,
}

impl Write {
    /// A write by `operation` under `lock`.
    pub fn under(lock: &Lock, operation: &str) -> Write {
        Write {
            operation: operation.to_string(),
            lock: Some(lock.id().to_string()),
        }
    }
}

/// One stored version of a workspace's state.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Version {
    /// Its serial.
    pub serial: u64,
    /// Its lineage.
    pub lineage: String,
    /// When it was written, in seconds since the Unix epoch.
    pub written: u64,
    /// `user@host` of the writer, when recorded.
    pub who: Option<String>,
    /// The command that wrote it, when recorded.
    pub operation: Option<String>,
    /// How many objects it holds.
    pub objects: usize,
}

/// Where the states of a blueprint's workspaces are kept. See the module documentation.
///
/// Every method names the workspace it acts on; [`DEFAULT_WORKSPACE`] always exists, the
/// others once created (or once a state was saved in them).
#[async_trait]
pub trait Backend: Send + Sync + std::fmt::Debug {
    /// Where the states are, for messages: a folder, or a database and schema (never
    /// with a password).
    fn describe(&self) -> String;

    /// Where one workspace's state is, for messages.
    fn place(&self, workspace: &str) -> String;

    /// The workspaces, `default` first, then the others sorted by name.
    async fn workspaces(&self) -> Result<Vec<String>, StateError>;

    /// Creates an empty workspace; refused if it exists.
    async fn create_workspace(&self, workspace: &str) -> Result<(), StateError>;

    /// Deletes a workspace with every version of its state, its journal and its lock;
    /// refused for `default` and while the workspace is locked by a live holder.
    async fn delete_workspace(&self, workspace: &str) -> Result<(), StateError>;

    /// The current state of a workspace; `None` when it has none yet.
    async fn load(&self, workspace: &str) -> Result<Option<State>, StateError>;

    /// Writes `state` as the workspace's next version and empties its journal (whose
    /// changes the state now holds). The serial is raised by one (and the format version
    /// set, objects sorted); the write is refused unless it [`follows`] what is stored,
    /// and unless `write.lock` is still held. On failure `state` keeps its serial.
    async fn save(
        &self,
        workspace: &str,
        state: &mut State,
        write: &Write,
    ) -> Result<(), StateError>;

    /// Writes `state` unchanged (its lineage and serial kept) as the workspace's current
    /// version: a migration from another backend. Refused unless [`may_import`] allows it.
    async fn import(&self, workspace: &str, state: &State, write: &Write)
    -> Result<(), StateError>;

    /// The versions kept, oldest first.
    async fn history(&self, workspace: &str) -> Result<Vec<Version>, StateError>;

    /// The document of one kept version, exactly as stored; `None` when not kept.
    async fn version(&self, workspace: &str, serial: u64) -> Result<Option<Vec<u8>>, StateError>;

    /// Takes the workspace's lock for `operation`, waiting up to `timeout` while a live
    /// holder has it, giving up when `stop` is set. A lock whose holder is gone is broken
    /// and taken over ([`Lock::broken_stale`]).
    async fn lock(
        &self,
        workspace: &str,
        operation: &str,
        timeout: Duration,
        stop: &AtomicBool,
    ) -> Result<Lock, LockError>;

    /// Every lock held, in any workspace.
    async fn locks(&self) -> Result<Vec<HeldLock>, LockError>;

    /// Forces open the lock with this id, in whichever workspace; returns it.
    async fn unlock(&self, id: &str) -> Result<HeldLock, LockError>;

    /// Opens the workspace's journal for an apply made under `lock`; sensitive values are
    /// written protected by `protector`. Entries already there are kept: recover them and
    /// save first.
    async fn journal(
        &self,
        workspace: &str,
        lock: &Lock,
        protector: Protector,
    ) -> Result<Journal, StateError>;

    /// Applies the workspace's journal to `state` (the last saved state): see
    /// [`Recovery`]. Reads only; the next save empties the journal.
    async fn recover(&self, workspace: &str, state: &mut State) -> Result<Recovery, StateError>;
}

/// The rule of every save: the state written must be the next version of the one stored.
/// `stored` is the (lineage, serial) of the current version, `None` when there is none;
/// `state` is the state as loaded and changed, before its serial is raised.
///
/// A state of another lineage is refused (it is another state, not a version of this one),
/// and so is a serial other than the stored one: a lower one means someone saved since it
/// was read (the write would repeat their serial), a higher one would skip serials.
pub fn follows(place: &str, stored: Option<(&str, u64)>, state: &State) -> Result<(), StateError> {
    let conflict = |message: String| StateError::Conflict {
        place: place.to_string(),
        message,
    };
    match stored {
        None if state.serial == 0 => Ok(()),
        None => Err(conflict(format!(
            "there is no state here, and the one written is at serial {}: a new state starts \
             at serial 0 (a state moved from elsewhere keeps its serial through `strata init \
             -migrate-state`)",
            state.serial
        ))),
        Some((lineage, _)) if lineage != state.lineage => Err(conflict(format!(
            "the state stored has lineage {lineage}, and the one written has lineage {}: it \
             is another state, not a version of this one",
            state.lineage
        ))),
        Some((_, serial)) if serial != state.serial => Err(conflict(format!(
            "the state stored is at serial {serial}, and the one written follows serial {}: \
             {}",
            state.serial,
            if state.serial < serial {
                "the state changed since it was read; read it again and redo the change"
            } else {
                "writing it would skip serials"
            }
        ))),
        Some(_) => Ok(()),
    }
}

/// The rule of an import (a state moved from another backend, its lineage and serial
/// kept): into a workspace with no state, or over an older version of the same state (a
/// copy left by an earlier migration, behind the one moved). Anything else would lose a
/// version that is not in the state moved.
pub fn may_import(
    place: &str,
    stored: Option<(&str, u64)>,
    state: &State,
) -> Result<(), StateError> {
    match stored {
        None => Ok(()),
        Some((lineage, serial)) if lineage == state.lineage && serial < state.serial => Ok(()),
        Some((lineage, serial)) => Err(StateError::Conflict {
            place: place.to_string(),
            message: format!(
                "there is a state here already (serial {serial}, lineage {lineage}), and the \
                 one moved (serial {}, lineage {}) is not a later version of it; move it into \
                 a workspace that has none, or delete this one first",
                state.serial, state.lineage
            ),
        }),
    }
}

/// Checks a workspace name: 1 to 64 characters, letters, digits, `-` and `_`, starting with
/// a letter or digit; it names a folder and appears in commands and expressions.
pub fn check_workspace_name(name: &str) -> Result<(), StateError> {
    let fine = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if fine {
        Ok(())
    } else {
        Err(StateError::Workspace(format!(
            "\"{}\" is not a workspace name: use 1 to 64 letters, digits, `-` and `_`, \
             starting with a letter or digit (for example dev, test or prod)",
            name.escape_debug()
        )))
    }
}

/// Sorts workspace names as [`Backend::workspaces`] lists them: `default` first.
pub(crate) fn sort_workspaces(mut names: Vec<String>) -> Vec<String> {
    names.retain(|n| n != DEFAULT_WORKSPACE);
    names.sort();
    names.dedup();
    names.insert(0, DEFAULT_WORKSPACE.to_string());
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::LocalBackend;

    #[test]
    fn a_save_must_follow_the_stored_version() {
        let mut state = LocalBackend::new_state();
        assert!(follows("here", None, &state).is_ok());
        state.serial = 3;
        let lineage = state.lineage.clone();
        assert!(follows("here", Some((&lineage, 3)), &state).is_ok());
        let err = follows("here", None, &state).unwrap_err().to_string();
        assert!(err.contains("starts at serial 0"), "{err}");
        let err = follows("here", Some((&lineage, 4)), &state)
            .unwrap_err()
            .to_string();
        assert!(err.contains("changed since it was read"), "{err}");
        let err = follows("here", Some((&lineage, 2)), &state)
            .unwrap_err()
            .to_string();
        assert!(err.contains("skip serials"), "{err}");
        let err = follows("here", Some(("other", 3)), &state)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("here: the state stored has lineage other"),
            "{err}"
        );
    }

    #[test]
    fn workspace_names() {
        for good in ["default", "dev", "prod-eu_1", "7", &"a".repeat(64)] {
            assert!(check_workspace_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "-x",
            "_x",
            "a/b",
            "..",
            "a b",
            "é",
            &"a".repeat(65),
            "a\n",
        ] {
            let err = check_workspace_name(bad).unwrap_err().to_string();
            assert!(err.contains("is not a workspace name"), "{bad}: {err}");
        }
        assert_eq!(
            sort_workspaces(vec!["prod".into(), "default".into(), "dev".into()]),
            ["default", "dev", "prod"]
        );
    }
}
