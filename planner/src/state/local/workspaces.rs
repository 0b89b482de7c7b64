//! The local backend as a [`Backend`]: each workspace a folder (the root for `default`,
//! `workspaces/NAME/` for the others), with the files its inherent methods read and write.
//! Two versions are kept: `state.json` and `state.json.backup`.

use std::fs;
use std::io;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, UNIX_EPOCH};

use async_trait::async_trait;

use super::super::backend::{check_workspace_name, follows, may_import, sort_workspaces};
use super::super::document;
use super::{LocalBackend, WORKSPACES_DIR};
use crate::state::{
    Backend, DEFAULT_WORKSPACE, HeldLock, Journal, Lock, LockError, Protector, Recovery, State,
    StateError, Version, Write,
};

impl LocalBackend {
    /// Refuses a write under a lock that is no longer this workspace's lock.
    fn check_held(&self, write: &Write) -> Result<(), StateError> {
        let Some(id) = &write.lock else {
            return Ok(());
        };
        let why = match self.holder() {
            Ok(Some(holder)) if holder.id == *id => return Ok(()),
            Ok(Some(holder)) => format!("the lock is now {holder}"),
            Ok(None) => "it was forced open".to_string(),
            Err(e) => e.to_string(),
        };
        Err(StateError::LockLost {
            place: self.state_path().display().to_string(),
            id: id.clone(),
            why,
        })
    }

    /// The lineage and serial of `state.json`, if there is one.
    fn stored_head(&self) -> Result<Option<(String, u64)>, StateError> {
        let path = self.state_path();
        let Some(bytes) = self.read(&path)? else {
            return Ok(None);
        };
        let head = document::head(&bytes, &format!("file {}", path.display()))?;
        Ok(Some((head.lineage, head.serial)))
    }

    fn exists(&self) -> bool {
        self.name == DEFAULT_WORKSPACE || self.dir.is_dir()
    }

    fn missing(&self) -> StateError {
        StateError::Workspace(format!(
            "there is no workspace \"{}\" (no folder {}); `strata workspace list` shows them",
            self.name,
            self.dir.display()
        ))
    }
}

/// When a file was last written, in seconds since the Unix epoch.
fn modified(path: &std::path::Path) -> u64 {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs())
}

#[async_trait]
impl Backend for LocalBackend {
    fn describe(&self) -> String {
        format!("the local folder {}", self.root.display())
    }

    fn place(&self, workspace: &str) -> String {
        self.workspace(workspace).state_path().display().to_string()
    }

    async fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let dir = self.root.join(WORKSPACES_DIR);
        let mut names = Vec::new();
        match fs::read_dir(&dir) {
            Ok(entries) => {
                for entry in entries {
                    let entry = entry.map_err(StateError::io("list", &dir))?;
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if entry.path().is_dir() && check_workspace_name(&name).is_ok() {
                        names.push(name);
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(StateError::io("list", &dir)(e)),
        }
        Ok(sort_workspaces(names))
    }

    async fn create_workspace(&self, workspace: &str) -> Result<(), StateError> {
        check_workspace_name(workspace)?;
        let folder = self.workspace(workspace);
        if folder.exists() {
            return Err(StateError::Workspace(format!(
                "workspace \"{workspace}\" already exists"
            )));
        }
        fs::create_dir_all(folder.dir()).map_err(StateError::io("create the folder", folder.dir()))
    }

    async fn delete_workspace(&self, workspace: &str) -> Result<(), StateError> {
        if workspace == DEFAULT_WORKSPACE {
            return Err(StateError::Workspace(
                "the default workspace cannot be deleted".to_string(),
            ));
        }
        check_workspace_name(workspace)?;
        let folder = self.workspace(workspace);
        if !folder.exists() {
            return Err(folder.missing());
        }
        if let Ok(Some(holder)) = folder.holder()
            && !holder.is_stale()
        {
            return Err(StateError::Workspace(format!(
                "workspace \"{workspace}\" is locked by {holder}; it cannot be deleted while \
                 that run is active"
            )));
        }
        fs::remove_dir_all(folder.dir()).map_err(StateError::io("remove", folder.dir()))
    }

    async fn load(&self, workspace: &str) -> Result<Option<State>, StateError> {
        self.workspace(workspace).load()
    }

    async fn save(
        &self,
        workspace: &str,
        state: &mut State,
        write: &Write,
    ) -> Result<(), StateError> {
        let folder = self.workspace(workspace);
        folder.check_held(write)?;
        let stored = folder.stored_head()?;
        let place = folder.state_path().display().to_string();
        follows(
            &place,
            stored.as_ref().map(|(l, s)| (l.as_str(), *s)),
            state,
        )?;
        folder.save(state)?;
        folder.clear_journal()
    }

    async fn import(
        &self,
        workspace: &str,
        state: &State,
        write: &Write,
    ) -> Result<(), StateError> {
        let folder = self.workspace(workspace);
        folder.check_held(write)?;
        let stored = folder.stored_head()?;
        may_import(
            &folder.state_path().display().to_string(),
            stored.as_ref().map(|(l, s)| (l.as_str(), *s)),
            state,
        )?;
        folder.write_state(state)?;
        folder.clear_journal()
    }

    async fn history(&self, workspace: &str) -> Result<Vec<Version>, StateError> {
        let folder = self.workspace(workspace);
        let mut versions = Vec::new();
        for path in [folder.backup_path(), folder.state_path()] {
            let Some(bytes) = folder.read(&path)? else {
                continue;
            };
            let state = document::parse(&bytes, &format!("file {}", path.display()), String::new)?;
            versions.push(Version {
                serial: state.serial,
                lineage: state.lineage,
                written: modified(&path),
                who: None,
                operation: None,
                objects: state.objects.len(),
            });
        }
        Ok(versions)
    }

    async fn version(&self, workspace: &str, serial: u64) -> Result<Option<Vec<u8>>, StateError> {
        let folder = self.workspace(workspace);
        for path in [folder.state_path(), folder.backup_path()] {
            if let Some(bytes) = folder.read(&path)?
                && document::head(&bytes, &format!("file {}", path.display()))?.serial == serial
            {
                return Ok(Some(bytes));
            }
        }
        Ok(None)
    }

    async fn lock(
        &self,
        workspace: &str,
        operation: &str,
        timeout: Duration,
        stop: &AtomicBool,
    ) -> Result<Lock, LockError> {
        self.workspace(workspace)
            .lock_unless(operation, timeout, stop)
    }

    async fn locks(&self) -> Result<Vec<HeldLock>, LockError> {
        let mut held = Vec::new();
        let names = self.workspaces().await.map_err(|e| LockError::Io {
            action: "list the workspaces of",
            path: self.root.clone(),
            source: io::Error::other(e.to_string()),
        })?;
        for name in names {
            if let Some(info) = self.workspace(&name).holder()? {
                held.push(HeldLock {
                    workspace: name,
                    stale: info.is_stale(),
                    info,
                });
            }
        }
        Ok(held)
    }

    async fn unlock(&self, id: &str) -> Result<HeldLock, LockError> {
        let held = self.locks().await?;
        match held.iter().find(|h| h.info.id == id) {
            Some(found) => {
                let info = self.workspace(&found.workspace).unlock(id)?;
                Ok(HeldLock {
                    info,
                    ..found.clone()
                })
            }
            None => Err(super::super::lock::unknown_id(id, held, &self.describe())),
        }
    }

    async fn journal(
        &self,
        workspace: &str,
        _lock: &Lock,
        protector: Protector,
    ) -> Result<Journal, StateError> {
        self.workspace(workspace).journal(protector)
    }

    async fn recover(&self, workspace: &str, state: &mut State) -> Result<Recovery, StateError> {
        self.workspace(workspace).recover(state)
    }
}
