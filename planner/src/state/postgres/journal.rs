//! The journal on PostgreSQL: one row of `journal` per entry (workspace, `seq`, the run's
//! lock id, the entry as JSON), appended by the journal's writer thread a batch per
//! statement, so that one commit covers every entry queued meanwhile. An append is refused
//! once the run's lock is no longer held, so a run that lost its lock cannot write into
//! the journal of the run that took it over. Recovery reads the rows in order and applies
//! them by the same rule as the local journal.

use std::io;

use tokio_postgres::Client;

use super::super::journal::{Sink, replay};
use super::PostgresBackend;
use crate::state::{Backend, Entry, Journal, Lock, Protector, Recovery, State, StateError};

/// Inserts batches of entries, from the journal's writer thread (which has no runtime of
/// its own: the sink makes one, and its connection, on first use).
struct RowSink {
    config: tokio_postgres::Config,
    insert: String,
    workspace: String,
    run: String,
    password: Option<String>,
    runtime: Option<tokio::runtime::Runtime>,
    client: Option<Client>,
}

impl Sink for RowSink {
    fn write(&mut self, batch: &[(u64, Vec<u8>)]) -> io::Result<()> {
        if self.runtime.is_none() {
            self.runtime = Some(
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?,
            );
        }
        let seqs: Vec<i64> = batch.iter().map(|(seq, _)| *seq as i64).collect();
        let entries: Vec<String> = batch
            .iter()
            .map(|(_, line)| String::from_utf8_lossy(line).into_owned())
            .collect();
        let Some(runtime) = self.runtime.as_ref() else {
            return Err(io::Error::other("no runtime"));
        };
        let client = &mut self.client;
        let outcome = runtime.block_on(async {
            if client.is_none() {
                *client = Some(super::open(&self.config).await?);
            }
            let c = client.as_ref().ok_or("no connection")?;
            c.execute(&self.insert, &[&self.workspace, &self.run, &seqs, &entries])
                .await
                .map_err(|e| super::describe(&e))
        });
        match outcome {
            Ok(n) if n as usize == batch.len() => Ok(()),
            Ok(_) => Err(io::Error::other(
                "the state lock of this run is no longer held (it was forced open, or its \
                 lease ended and another run took it)",
            )),
            Err(message) => {
                self.client = None;
                let message = match &self.password {
                    Some(secret) => message.replace(secret.as_str(), "****"),
                    None => message,
                };
                Err(io::Error::other(message))
            }
        }
    }
}

impl PostgresBackend {
    fn journal_place(&self, workspace: &str) -> String {
        format!("{}.journal of {}", self.schema, self.place(workspace))
    }

    pub(super) async fn open_journal(
        &self,
        workspace: &str,
        lock: &Lock,
        protector: Protector,
    ) -> Result<Journal, StateError> {
        let journal = self.table("journal");
        let next: i64 = {
            let client = self.client.lock().await;
            client
                .query_one(
                    &format!(
                        "SELECT coalesce(max(seq), 0) + 1 FROM {journal} WHERE workspace = $1"
                    ),
                    &[&workspace],
                )
                .await
                .map_err(|e| self.failed("open the journal", e))?
                .get(0)
        };
        let sink = RowSink {
            config: self.config.clone(),
            insert: format!(
                "INSERT INTO {journal} (workspace, run, seq, entry)
                 SELECT $1, $2, s, e FROM unnest($3::bigint[], $4::text[]) AS t (s, e)
                 WHERE EXISTS (SELECT 1 FROM {} WHERE workspace = $1 AND id = $2)",
                self.table("locks")
            ),
            workspace: workspace.to_string(),
            run: lock.id().to_string(),
            password: self.password.clone(),
            runtime: None,
            client: None,
        };
        Journal::start(
            self.journal_place(workspace),
            protector,
            next.max(1) as u64,
            sink,
        )
    }

    pub(super) async fn replay_journal(
        &self,
        workspace: &str,
        state: &mut State,
    ) -> Result<Recovery, StateError> {
        let rows = {
            let client = self.client.lock().await;
            client
                .query(
                    &format!(
                        "SELECT seq, entry FROM {} WHERE workspace = $1 ORDER BY seq",
                        self.table("journal")
                    ),
                    &[&workspace],
                )
                .await
                .map_err(|e| self.failed("read the journal", e))?
        };
        let place = self.journal_place(workspace);
        let mut entries = Vec::with_capacity(rows.len());
        for row in &rows {
            let seq = row.get::<_, i64>(0) as usize;
            let entry: Entry =
                serde_json::from_str(row.get(1)).map_err(|source| StateError::JournalCorrupt {
                    place: place.clone(),
                    hint: format!(
                        "delete its entries (DELETE FROM {} WHERE workspace = '{workspace}')",
                        self.table("journal")
                    ),
                    line: seq,
                    source,
                })?;
            entries.push((seq, entry));
        }
        replay(state, entries).map_err(|(line, message)| StateError::JournalInvalid {
            place,
            line,
            message,
        })
    }
}
