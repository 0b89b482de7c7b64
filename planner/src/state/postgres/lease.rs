//! Locks with leases: a row of `locks` per locked workspace, with the time its lease ends
//! (`expires_at`, by the server's clock).
//!
//! A lock is taken with one atomic upsert that succeeds only where there is no row or the
//! row's lease has ended (`INSERT ... ON CONFLICT DO UPDATE ... WHERE expires_at < now()`).
//! While the holder runs, a heartbeat thread of its own (with its own connection, so that
//! a busy run never delays it) renews the lease every third of its length. A holder killed
//! with `kill -9`, or a CI runner that vanished, stops renewing: its lock is free once the
//! lease ends, and the next run takes it over (and says whose it was). A heartbeat that
//! finds its lock gone (forced open, or taken after its lease ended) records it: the
//! holder's next write is refused (see `store`).

use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio_postgres::Row;

use super::super::lock::{Hold, Waiting, unknown_id};
use super::PostgresBackend;
use crate::state::{HeldLock, Lock, LockError, LockInfo};

/// The columns a lock is read from, in the order [`info`] reads them.
const COLUMNS: &str = "id, who, operation, host, pid,
    floor(extract(epoch FROM created_at))::bigint,
    floor(extract(epoch FROM expires_at))::bigint,
    expires_at < now()";

/// A lock row as [`LockInfo`], and whether its lease has ended.
fn info(row: &Row) -> (LockInfo, bool) {
    (
        LockInfo {
            id: row.get(0),
            who: row.get(1),
            operation: row.get(2),
            host: row.get(3),
            pid: row.get::<_, i32>(4) as u32,
            created: row.get::<_, i64>(5).max(0) as u64,
            expires: Some(row.get::<_, i64>(6).max(0) as u64),
        },
        row.get(7),
    )
}

/// What one attempt at the lock found.
enum Attempt {
    Taken {
        info: LockInfo,
        broken: Option<LockInfo>,
    },
    Held(LockInfo),
    /// Released between reading and taking: try again at once.
    Again,
}

impl PostgresBackend {
    fn lock_failed(&self, action: &'static str, e: tokio_postgres::Error) -> LockError {
        LockError::Database {
            action,
            place: self.place.clone(),
            message: self.scrub(super::describe(&e)),
        }
    }

    /// Takes the lock of `workspace`, waiting as [`Waiting`] says.
    pub(super) async fn take_lock(
        &self,
        workspace: &str,
        operation: &str,
        timeout: Duration,
        stop: &AtomicBool,
    ) -> Result<Lock, LockError> {
        let waiting = Waiting::new(timeout, stop);
        let fresh = LockInfo::new(operation);
        loop {
            match self.try_lock(workspace, &fresh).await? {
                Attempt::Taken { info, broken } => {
                    let heartbeat = Heartbeat::start(self, workspace, &info.id);
                    return Ok(Lock::new(info, workspace, Box::new(heartbeat), broken));
                }
                Attempt::Held(holder) => {
                    let pause = waiting.pause_or_fail(LockError::Held(Box::new(holder)))?;
                    tokio::time::sleep(pause).await;
                }
                Attempt::Again => {}
            }
        }
    }

    async fn try_lock(&self, workspace: &str, fresh: &LockInfo) -> Result<Attempt, LockError> {
        let failed = |e| self.lock_failed("take the state lock", e);
        let locks = self.table("locks");
        let mut client = self.client.lock().await;
        let tx = client.transaction().await.map_err(failed)?;
        let previous = tx
            .query_opt(
                &format!("SELECT {COLUMNS} FROM {locks} WHERE workspace = $1 FOR UPDATE"),
                &[&workspace],
            )
            .await
            .map_err(failed)?
            .map(|row| info(&row));
        let taken = tx
            .query_opt(
                &format!(
                    "INSERT INTO {locks} (workspace, id, who, operation, host, pid, created_at,
                                          expires_at)
                     VALUES ($1, $2, $3, $4, $5, $6, now(), now() + make_interval(secs => $7))
                     ON CONFLICT (workspace) DO UPDATE SET
                         id = EXCLUDED.id, who = EXCLUDED.who, operation = EXCLUDED.operation,
                         host = EXCLUDED.host, pid = EXCLUDED.pid,
                         created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
                     WHERE {locks}.expires_at < now()
                     RETURNING {COLUMNS}"
                ),
                &[
                    &workspace,
                    &fresh.id,
                    &fresh.who,
                    &fresh.operation,
                    &fresh.host,
                    &(fresh.pid as i32),
                    &self.lease.as_secs_f64(),
                ],
            )
            .await
            .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(match (taken, previous) {
            (Some(row), previous) => Attempt::Taken {
                info: info(&row).0,
                broken: previous.filter(|(_, ended)| *ended).map(|(p, _)| p),
            },
            (None, Some((holder, _))) => Attempt::Held(holder),
            (None, None) => Attempt::Again,
        })
    }

    /// Every lock held, with whether its lease has ended.
    pub(super) async fn held_locks(&self) -> Result<Vec<HeldLock>, LockError> {
        let client = self.client.lock().await;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS}, workspace FROM {} ORDER BY workspace",
                    self.table("locks")
                ),
                &[],
            )
            .await
            .map_err(|e| self.lock_failed("read the locks", e))?;
        Ok(rows
            .iter()
            .map(|row| {
                let (info, stale) = info(row);
                HeldLock {
                    workspace: row.get(8),
                    info,
                    stale,
                }
            })
            .collect())
    }

    /// Deletes the lock with this id.
    pub(super) async fn force_unlock(&self, id: &str) -> Result<HeldLock, LockError> {
        let deleted = {
            let client = self.client.lock().await;
            client
                .query_opt(
                    &format!(
                        "DELETE FROM {} WHERE id = $1 RETURNING {COLUMNS}, workspace",
                        self.table("locks")
                    ),
                    &[&id],
                )
                .await
                .map_err(|e| self.lock_failed("remove the lock", e))?
        };
        match deleted {
            Some(row) => {
                let (info, stale) = info(&row);
                Ok(HeldLock {
                    workspace: row.get(8),
                    info,
                    stale,
                })
            }
            None => Err(unknown_id(id, self.held_locks().await?, &self.place)),
        }
    }
}

/// The heartbeat of a held lock: a thread that renews the lease until told to stop, then
/// deletes the lock.
#[derive(Debug)]
struct Heartbeat {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<Result<(), String>>>,
    lost: Arc<Mutex<Option<String>>>,
}

/// What the heartbeat thread needs: its own connection settings and the statements.
struct Beat {
    config: tokio_postgres::Config,
    renew: String,
    delete: String,
    workspace: String,
    id: String,
    lease: Duration,
    password: Option<String>,
    lost: Arc<Mutex<Option<String>>>,
}

impl Heartbeat {
    fn start(backend: &PostgresBackend, workspace: &str, id: &str) -> Heartbeat {
        let locks = backend.table("locks");
        let lost = Arc::new(Mutex::new(None));
        let beat = Beat {
            config: backend.config.clone(),
            renew: format!(
                "UPDATE {locks} SET expires_at = now() + make_interval(secs => $3)
                 WHERE workspace = $1 AND id = $2"
            ),
            delete: format!("DELETE FROM {locks} WHERE workspace = $1 AND id = $2"),
            workspace: workspace.to_string(),
            id: id.to_string(),
            lease: backend.lease,
            password: backend.password.clone(),
            lost: lost.clone(),
        };
        let (stop, stopped) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("strata-lease".into())
            .spawn(move || beat.run(stopped))
            .ok();
        Heartbeat {
            stop: Some(stop),
            thread,
            lost,
        }
    }
}

impl Beat {
    /// Renews the lease every third of its length until `stopped` fires (or its sender is
    /// dropped), then deletes the lock. A renewal that fails (the server is unreachable)
    /// is tried again at the next beat on a new connection.
    fn run(self, stopped: mpsc::Receiver<()>) -> Result<(), String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let interval = self.lease / 3;
        let mut client = runtime.block_on(super::open(&self.config)).ok();
        let mut renewing = true;
        loop {
            match stopped.recv_timeout(interval) {
                Err(RecvTimeoutError::Timeout) if renewing => {
                    let renewed = runtime.block_on(async {
                        if client.is_none() {
                            client = super::open(&self.config).await.ok();
                        }
                        let c = client.as_ref()?;
                        let args: [&(dyn tokio_postgres::types::ToSql + Sync); 3] =
                            [&self.workspace, &self.id, &self.lease.as_secs_f64()];
                        tokio::time::timeout(interval, c.execute(&self.renew, &args))
                            .await
                            .ok()?
                            .ok()
                    });
                    match renewed {
                        Some(0) => {
                            *self.lost.lock().unwrap_or_else(PoisonError::into_inner) = Some(
                                "it was forced open, or its lease ended and another run took it"
                                    .to_string(),
                            );
                            renewing = false;
                        }
                        Some(_) => {}
                        None => client = None,
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        runtime
            .block_on(async {
                let deleting = async {
                    let c = match client {
                        Some(c) => c,
                        None => super::open(&self.config).await?,
                    };
                    c.execute(&self.delete, &[&self.workspace, &self.id])
                        .await
                        .map(|_| ())
                        .map_err(|e| super::describe(&e))
                };
                match tokio::time::timeout(Duration::from_secs(10), deleting).await {
                    Ok(done) => done,
                    Err(_) => Err("the server did not answer within 10 seconds".to_string()),
                }
            })
            .map_err(|e| match &self.password {
                Some(secret) => e.replace(secret.as_str(), "****"),
                None => e,
            })
    }
}

impl Hold for Heartbeat {
    fn release(&mut self) -> Result<(), LockError> {
        self.stop = None;
        let Some(thread) = self.thread.take() else {
            return Ok(());
        };
        match thread.join() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(LockError::Database {
                action: "release the state lock",
                place: "the PostgreSQL backend".to_string(),
                message: format!(
                    "{message}; the lock stays until its lease ends, or `strata state unlock` \
                     removes it"
                ),
            }),
            Err(_) => Ok(()),
        }
    }

    fn lost(&self) -> Option<String> {
        self.lost
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
