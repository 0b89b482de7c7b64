//! The PostgreSQL backend as a [`Backend`]: workspaces, state versions and history; locks
//! and the journal are in `lease` and `journal`.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use async_trait::async_trait;
use tokio_postgres::Transaction;

use super::super::backend::{check_workspace_name, follows, may_import, sort_workspaces};
use super::super::{document, sys};
use super::PostgresBackend;
use crate::state::{
    Backend, DEFAULT_WORKSPACE, HeldLock, Journal, Lock, LockError, Protector, Recovery, State,
    StateError, Version, Write,
};

impl PostgresBackend {
    /// Inside a save or import: makes sure the workspace row exists and locks it (saves of
    /// one workspace follow one another), refuses the write unless `write.lock` is still
    /// held (and keeps it held until the commit), and returns the stored version's lineage
    /// and serial.
    async fn begin_write(
        &self,
        tx: &Transaction<'_>,
        workspace: &str,
        write: &Write,
    ) -> Result<Option<(String, u64)>, StateError> {
        let failed = |e| self.failed("write the state", e);
        tx.execute(
            &format!(
                "INSERT INTO {} (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
                self.table("workspaces")
            ),
            &[&workspace],
        )
        .await
        .map_err(failed)?;
        tx.execute(
            &format!(
                "SELECT 1 FROM {} WHERE name = $1 FOR UPDATE",
                self.table("workspaces")
            ),
            &[&workspace],
        )
        .await
        .map_err(failed)?;
        if let Some(id) = &write.lock {
            let held = tx
                .query_opt(
                    &format!(
                        "SELECT 1 FROM {} WHERE workspace = $1 AND id = $2 FOR UPDATE",
                        self.table("locks")
                    ),
                    &[&workspace, id],
                )
                .await
                .map_err(failed)?;
            if held.is_none() {
                return Err(StateError::LockLost {
                    place: self.place(workspace),
                    id: id.clone(),
                    why: "it was forced open, or its lease ended and another run took it"
                        .to_string(),
                });
            }
        }
        let stored = tx
            .query_opt(
                &format!(
                    "SELECT lineage, serial FROM {} WHERE workspace = $1
                     ORDER BY serial DESC LIMIT 1",
                    self.table("states")
                ),
                &[&workspace],
            )
            .await
            .map_err(failed)?;
        Ok(stored.map(|row| (row.get::<_, String>(0), row.get::<_, i64>(1) as u64)))
    }

    /// Inserts `state` as a version and empties the journal, in `tx`.
    async fn insert_version(
        &self,
        tx: &Transaction<'_>,
        workspace: &str,
        state: &State,
        write: &Write,
    ) -> Result<(), StateError> {
        let failed = |e| self.failed("write the state", e);
        let bytes = document::encode(state, &self.place(workspace))?;
        let text =
            String::from_utf8(bytes).map_err(|e| self.failed("write the state", e.to_string()))?;
        let who = format!("{}@{}", sys::username(), sys::hostname());
        tx.execute(
            &format!(
                "INSERT INTO {} (workspace, serial, lineage, objects, document, who, operation)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                self.table("states")
            ),
            &[
                &workspace,
                &(state.serial as i64),
                &state.lineage,
                &(state.objects.len() as i32),
                &text,
                &who,
                &write.operation,
            ],
        )
        .await
        .map_err(failed)?;
        tx.execute(
            &format!("DELETE FROM {} WHERE workspace = $1", self.table("journal")),
            &[&workspace],
        )
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn save_in(
        &self,
        workspace: &str,
        state: &mut State,
        write: &Write,
    ) -> Result<(), StateError> {
        let mut client = self.client.lock().await;
        let tx = client
            .transaction()
            .await
            .map_err(|e| self.failed("write the state", e))?;
        let stored = self.begin_write(&tx, workspace, write).await?;
        follows(
            &self.place(workspace),
            stored.as_ref().map(|(l, s)| (l.as_str(), *s)),
            state,
        )?;
        document::prepare(state);
        self.insert_version(&tx, workspace, state, write).await?;
        tx.commit()
            .await
            .map_err(|e| self.failed("write the state", e))
    }

    /// The document of the newest version, or of `serial`.
    async fn document(
        &self,
        workspace: &str,
        serial: Option<u64>,
    ) -> Result<Option<String>, StateError> {
        let client = self.client.lock().await;
        let states = self.table("states");
        let row = match serial {
            None => {
                client
                    .query_opt(
                        &format!(
                            "SELECT document FROM {states} WHERE workspace = $1
                             ORDER BY serial DESC LIMIT 1"
                        ),
                        &[&workspace],
                    )
                    .await
            }
            Some(serial) => {
                client
                    .query_opt(
                        &format!(
                            "SELECT document FROM {states} WHERE workspace = $1 AND serial = $2"
                        ),
                        &[&workspace, &(serial as i64)],
                    )
                    .await
            }
        }
        .map_err(|e| self.failed("read the state", e))?;
        Ok(row.map(|r| r.get(0)))
    }
}

#[async_trait]
impl Backend for PostgresBackend {
    fn describe(&self) -> String {
        self.place.clone()
    }

    fn place(&self, workspace: &str) -> String {
        format!("{}, workspace {workspace}", self.place)
    }

    async fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let client = self.client.lock().await;
        let rows = client
            .query(
                &format!("SELECT name FROM {}", self.table("workspaces")),
                &[],
            )
            .await
            .map_err(|e| self.failed("read the workspaces", e))?;
        Ok(sort_workspaces(rows.iter().map(|r| r.get(0)).collect()))
    }

    async fn create_workspace(&self, workspace: &str) -> Result<(), StateError> {
        check_workspace_name(workspace)?;
        let client = self.client.lock().await;
        let created = client
            .execute(
                &format!(
                    "INSERT INTO {} (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
                    self.table("workspaces")
                ),
                &[&workspace],
            )
            .await
            .map_err(|e| self.failed("create the workspace", e))?;
        if created == 0 || workspace == DEFAULT_WORKSPACE {
            return Err(StateError::Workspace(format!(
                "workspace \"{workspace}\" already exists"
            )));
        }
        Ok(())
    }

    async fn delete_workspace(&self, workspace: &str) -> Result<(), StateError> {
        if workspace == DEFAULT_WORKSPACE {
            return Err(StateError::Workspace(
                "the default workspace cannot be deleted".to_string(),
            ));
        }
        check_workspace_name(workspace)?;
        let mut client = self.client.lock().await;
        let failed = |e| self.failed("delete the workspace", e);
        let tx = client.transaction().await.map_err(failed)?;
        let locked = tx
            .query_opt(
                &format!(
                    "SELECT who, operation FROM {} WHERE workspace = $1 AND expires_at >= now()
                     FOR UPDATE",
                    self.table("locks")
                ),
                &[&workspace],
            )
            .await
            .map_err(failed)?;
        if let Some(row) = locked {
            return Err(StateError::Workspace(format!(
                "workspace \"{workspace}\" is locked by {} for \"{}\"; it cannot be deleted \
                 while that run is active",
                row.get::<_, String>(0),
                row.get::<_, String>(1)
            )));
        }
        for table in ["journal", "locks"] {
            tx.execute(
                &format!("DELETE FROM {} WHERE workspace = $1", self.table(table)),
                &[&workspace],
            )
            .await
            .map_err(failed)?;
        }
        let deleted = tx
            .execute(
                &format!("DELETE FROM {} WHERE name = $1", self.table("workspaces")),
                &[&workspace],
            )
            .await
            .map_err(failed)?;
        if deleted == 0 {
            return Err(StateError::Workspace(format!(
                "there is no workspace \"{workspace}\" in {}; `strata workspace list` shows \
                 them",
                self.place
            )));
        }
        tx.commit().await.map_err(failed)
    }

    async fn load(&self, workspace: &str) -> Result<Option<State>, StateError> {
        let Some(text) = self.document(workspace, None).await? else {
            return Ok(None);
        };
        let place = format!("in {}", self.place(workspace));
        document::parse(text.as_bytes(), &place, || {
            "pull an earlier version with `strata state pull -serial N`, repair it, and push \
             it with `strata state push`"
                .to_string()
        })
        .map(Some)
    }

    async fn save(
        &self,
        workspace: &str,
        state: &mut State,
        write: &Write,
    ) -> Result<(), StateError> {
        let old = (state.serial, state.version);
        let saved = self.save_in(workspace, state, write).await;
        if saved.is_err() {
            (state.serial, state.version) = old;
        }
        saved
    }

    async fn import(
        &self,
        workspace: &str,
        state: &State,
        write: &Write,
    ) -> Result<(), StateError> {
        let mut client = self.client.lock().await;
        let tx = client
            .transaction()
            .await
            .map_err(|e| self.failed("write the state", e))?;
        let stored = self.begin_write(&tx, workspace, write).await?;
        may_import(
            &self.place(workspace),
            stored.as_ref().map(|(l, s)| (l.as_str(), *s)),
            state,
        )?;
        tx.execute("SET LOCAL strata.importing = 'on'", &[])
            .await
            .map_err(|e| self.failed("write the state", e))?;
        self.insert_version(&tx, workspace, state, write).await?;
        tx.commit()
            .await
            .map_err(|e| self.failed("write the state", e))
    }

    async fn history(&self, workspace: &str) -> Result<Vec<Version>, StateError> {
        let client = self.client.lock().await;
        let rows = client
            .query(
                &format!(
                    "SELECT serial, lineage, extract(epoch FROM created_at)::bigint, who,
                            operation, objects
                     FROM {} WHERE workspace = $1 ORDER BY serial",
                    self.table("states")
                ),
                &[&workspace],
            )
            .await
            .map_err(|e| self.failed("read the history", e))?;
        Ok(rows
            .iter()
            .map(|r| Version {
                serial: r.get::<_, i64>(0) as u64,
                lineage: r.get(1),
                written: r.get::<_, i64>(2).max(0) as u64,
                who: Some(r.get(3)),
                operation: Some(r.get(4)),
                objects: r.get::<_, i32>(5).max(0) as usize,
            })
            .collect())
    }

    async fn version(&self, workspace: &str, serial: u64) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self
            .document(workspace, Some(serial))
            .await?
            .map(String::into_bytes))
    }

    async fn lock(
        &self,
        workspace: &str,
        operation: &str,
        timeout: Duration,
        stop: &AtomicBool,
    ) -> Result<Lock, LockError> {
        self.take_lock(workspace, operation, timeout, stop).await
    }

    async fn locks(&self) -> Result<Vec<HeldLock>, LockError> {
        self.held_locks().await
    }

    async fn unlock(&self, id: &str) -> Result<HeldLock, LockError> {
        self.force_unlock(id).await
    }

    async fn journal(
        &self,
        workspace: &str,
        lock: &Lock,
        protector: Protector,
    ) -> Result<Journal, StateError> {
        self.open_journal(workspace, lock, protector).await
    }

    async fn recover(&self, workspace: &str, state: &mut State) -> Result<Recovery, StateError> {
        self.replay_journal(workspace, state).await
    }
}
