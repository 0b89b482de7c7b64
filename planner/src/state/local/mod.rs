//! The local backend: the state as files in a folder.
//!
//! A [`LocalBackend`] keeps, in its folder (created on first write):
//! - `state.json`: the current [`State`], pretty JSON, replaced atomically by [`save`]
//!   (temporary file, fsync, rename, fsync of the folder), so a crash leaves either the old
//!   or the new version, never a mix;
//! - `state.json.backup`: the version before the last save;
//! - `journal.jsonl`: the [`Journal`](super::Journal) of provider calls of a running apply;
//! - `lock.json`: the [`Lock`](super::Lock) held by the run that may change the state.
//!
//! That folder is the `default` workspace's; every other workspace has the same files in
//! `workspaces/NAME/` below it ([`LocalBackend::workspace`]), so a state made before
//! workspaces existed is the `default` workspace's as it stands.
//!
//! ```no_run
//! # fn main() -> Result<(), planner::state::StateError> {
//! use planner::state::LocalBackend;
//! let backend = LocalBackend::new(".strata");
//! let mut state = backend.load()?.unwrap_or_else(LocalBackend::new_state);
//! backend.save(&mut state)?; // serial 1
//! # Ok(()) }
//! ```
//!
//! [`save`]: LocalBackend::save

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::document;
use super::sys;
use super::{DEFAULT_WORKSPACE, FORMAT_VERSION, State, StateError};

mod journal;
mod lock;
mod workspaces;

const STATE_FILE: &str = "state.json";
const BACKUP_FILE: &str = "state.json.backup";
const JOURNAL_FILE: &str = "journal.jsonl";
const LOCK_FILE: &str = "lock.json";
/// The folder below the root that holds the workspaces other than `default`.
const WORKSPACES_DIR: &str = "workspaces";

/// The state stored as files in a folder. See the module documentation.
///
/// Its inherent methods act on one workspace's folder (the `default` workspace's for a
/// backend made by [`new`](Self::new)); the [`Backend`](super::Backend) trait acts on any.
#[derive(Clone, Debug)]
pub struct LocalBackend {
    root: PathBuf,
    dir: PathBuf,
    name: String,
}

impl LocalBackend {
    /// A backend rooted in `dir`, which is created when first written; its inherent
    /// methods act on the `default` workspace, whose files are in `dir` itself.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        LocalBackend {
            root: dir.clone(),
            dir,
            name: DEFAULT_WORKSPACE.to_string(),
        }
    }

    /// The same backend acting on workspace `name`: its folder is the root for `default`,
    /// `workspaces/NAME` below the root otherwise. The name is not checked here.
    pub fn workspace(&self, name: &str) -> LocalBackend {
        LocalBackend {
            root: self.root.clone(),
            dir: if name == DEFAULT_WORKSPACE {
                self.root.clone()
            } else {
                self.root.join(WORKSPACES_DIR).join(name)
            },
            name: name.to_string(),
        }
    }

    /// The folder holding the workspace's files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The workspace this backend's inherent methods act on.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `state.json`: the current state.
    pub fn state_path(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    /// `state.json.backup`: the state before the last save.
    pub fn backup_path(&self) -> PathBuf {
        self.dir.join(BACKUP_FILE)
    }

    /// `journal.jsonl`: the journal of the running (or interrupted) apply.
    pub fn journal_path(&self) -> PathBuf {
        self.dir.join(JOURNAL_FILE)
    }

    /// `lock.json`: who holds the lock.
    pub fn lock_path(&self) -> PathBuf {
        self.dir.join(LOCK_FILE)
    }

    /// A new, empty state: a fresh lineage, serial 0, this build's format version.
    pub fn new_state() -> State {
        State {
            version: FORMAT_VERSION,
            lineage: sys::random_hex(),
            serial: 0,
            objects: Vec::new(),
            outputs: serde_json::Map::new(),
            retired: Vec::new(),
            applied: None,
        }
    }

    /// Reads the current state; `None` when there is none yet.
    ///
    /// A file that cannot be read or parsed is an error that names it, says what is wrong
    /// (with line and column) and how to go back to the backup. A file written in a newer
    /// format version is refused.
    pub fn load(&self) -> Result<Option<State>, StateError> {
        let path = self.state_path();
        let Some(bytes) = self.read(&path)? else {
            return Ok(None);
        };
        document::parse(&bytes, &format!("file {}", path.display()), || {
            self.recovery_hint()
        })
        .map(Some)
    }

    /// The bytes of a state file; `None` when it does not exist.
    fn read(&self, path: &Path) -> Result<Option<Vec<u8>>, StateError> {
        match fs::read(path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StateError::Unreadable {
                hint: self.recovery_hint(),
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// How to get a usable state back when `state.json` is damaged.
    fn recovery_hint(&self) -> String {
        let state = self.state_path();
        let backup = self.backup_path();
        if backup.is_file() {
            format!(
                "the previous version is kept in {}: copy it over {} to go back to it (what \
                 the last run recorded is then lost), or repair the file by hand",
                backup.display(),
                state.display()
            )
        } else {
            format!(
                "there is no backup ({} does not exist): repair the file by hand or restore \
                 it from a copy",
                backup.display()
            )
        }
    }

    /// Writes `state` as the current state: raises its serial by one, sorts its objects by
    /// address and sets this build's format version, then replaces `state.json` atomically
    /// and durably, keeping the version it replaces as `state.json.backup`.
    ///
    /// On failure `state` keeps its old serial and version, and `state.json` is unchanged.
    pub fn save(&self, state: &mut State) -> Result<(), StateError> {
        let (old_serial, old_version) = document::prepare(state);
        let written = self.write_state(state);
        if written.is_err() {
            state.serial = old_serial;
            state.version = old_version;
        }
        written
    }

    fn write_state(&self, state: &State) -> Result<(), StateError> {
        let path = self.state_path();
        fs::create_dir_all(&self.dir).map_err(StateError::io("create the folder", &self.dir))?;
        let bytes = document::encode(state, &path.display().to_string())?;

        let temp = sys::temp_path(&path, "tmp");
        if let Err(e) = sys::write_synced(&temp, &bytes) {
            let _ = fs::remove_file(&temp);
            return Err(StateError::io("write", temp)(e));
        }
        if let Err(e) = self.keep_backup(&path) {
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
        if let Err(e) = fs::rename(&temp, &path) {
            let _ = fs::remove_file(&temp);
            return Err(StateError::io("replace", path)(e));
        }
        sys::sync_dir(&self.dir).map_err(StateError::io("sync the folder", &self.dir))?;
        sys::remove_stale_temps(&path, "tmp");
        sys::remove_stale_temps(&self.backup_path(), "tmp");
        Ok(())
    }

    /// Copies the current `state.json`, if any, to `state.json.backup` (through a synced
    /// temporary file and a rename, so the backup too is always whole).
    fn keep_backup(&self, path: &Path) -> Result<(), StateError> {
        let backup = self.backup_path();
        let temp = sys::temp_path(&backup, "tmp");
        match fs::copy(path, &temp) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let _ = fs::remove_file(&temp);
                return Ok(());
            }
            Err(e) => {
                let _ = fs::remove_file(&temp);
                return Err(StateError::io("copy the state to", backup)(e));
            }
        }
        let synced = fs::File::open(&temp).and_then(|f| f.sync_all());
        if let Err(e) = synced.and_then(|()| fs::rename(&temp, &backup)) {
            let _ = fs::remove_file(&temp);
            return Err(StateError::io("write", backup)(e));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Object;

    fn object(address: &str, id: &str) -> Object {
        Object {
            address: address.parse().unwrap(),
            kind: "vm".into(),
            provider: "sim".into(),
            id: id.into(),
            attributes: serde_json::Map::new(),
            dependencies: Vec::new(),
            created_at: 7,
            sensitive: Vec::new(),
            prevent_destroy: false,
        }
    }

    #[test]
    fn absent_state_loads_as_none_and_the_folder_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path().join("nested"));
        assert!(backend.load().unwrap().is_none());
        assert!(!backend.dir().exists());
    }

    #[test]
    fn new_state_has_a_fresh_lineage() {
        let a = LocalBackend::new_state();
        let b = LocalBackend::new_state();
        assert_eq!(a.lineage.len(), 32);
        assert_ne!(a.lineage, b.lineage);
        assert_eq!((a.serial, a.version), (0, FORMAT_VERSION));
    }

    #[test]
    fn save_raises_the_serial_sorts_objects_and_keeps_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path().join("s"));
        let mut state = LocalBackend::new_state();
        state.objects = vec![object("vm.b", "2"), object("vm.a", "1")];
        backend.save(&mut state).unwrap();
        assert_eq!(state.serial, 1);
        assert_eq!(state.objects[0].address.to_string(), "vm.a");
        assert!(
            !backend.backup_path().exists(),
            "no backup before there was a state"
        );
        let first = fs::read_to_string(backend.state_path()).unwrap();
        assert!(
            first.ends_with("}\n") && first.contains("\n  \"serial\": 1"),
            "{first}"
        );

        state.objects.push(object("vm.c", "3"));
        backend.save(&mut state).unwrap();
        assert_eq!(state.serial, 2);
        assert_eq!(fs::read_to_string(backend.backup_path()).unwrap(), first);
        assert_eq!(backend.load().unwrap().unwrap(), state);
        let leftovers: Vec<_> = fs::read_dir(backend.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.contains(".tmp."))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn corrupt_state_names_file_position_and_backup() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        let mut state = LocalBackend::new_state();
        backend.save(&mut state).unwrap();
        backend.save(&mut state).unwrap();
        fs::write(
            backend.state_path(),
            "{\n  \"version\": 1,\n  \"lineage\": \n}",
        )
        .unwrap();
        let err = backend.load().unwrap_err();
        let StateError::Corrupt { line, column, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!((*line, *column), (4, 1));
        let text = err.to_string();
        assert!(
            text.contains(&backend.state_path().display().to_string()),
            "{text}"
        );
        assert!(text.contains("line 4 column 1"), "{text}");
        assert!(
            text.contains(&format!("kept in {}", backend.backup_path().display())),
            "{text}"
        );
    }

    #[test]
    fn corrupt_state_without_backup_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        fs::write(backend.state_path(), [0xff, 0x00, 0x12]).unwrap();
        let text = backend.load().unwrap_err().to_string();
        assert!(text.contains("there is no backup"), "{text}");
    }

    #[test]
    fn wrong_shape_is_corrupt_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        for text in [
            "",
            "[]",
            "{\"version\": 1}",
            "{\"version\": -1}",
            "{\"version\":1,\"lineage\":\"x\",\"serial\":1,\"objects\":[{\"address\":\"not an address\"}],\"outputs\":{}}",
        ] {
            fs::write(backend.state_path(), text).unwrap();
            let err = backend.load().unwrap_err();
            assert!(matches!(err, StateError::Corrupt { .. }), "{text}: {err}");
        }
    }

    #[test]
    fn newer_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        fs::write(backend.state_path(), "{\"version\": 99, \"anything\": [1]}").unwrap();
        let err = backend.load().unwrap_err();
        assert!(
            matches!(err, StateError::TooNew { found: 99, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("format version 99"), "{err}");
    }

    #[test]
    fn unreadable_state_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path());
        fs::create_dir(backend.state_path()).unwrap();
        let err = backend.load().unwrap_err();
        assert!(matches!(err, StateError::Unreadable { .. }), "{err:?}");
    }

    #[test]
    fn failed_save_keeps_the_serial() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        fs::write(&file, "").unwrap();
        let backend = LocalBackend::new(&file); // a file, not a folder
        let mut state = LocalBackend::new_state();
        assert!(backend.save(&mut state).is_err());
        assert_eq!(state.serial, 0);
    }
}
