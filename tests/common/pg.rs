//! End-to-end tests on the PostgreSQL backend: a blueprint folder whose `strata` block
//! names a schema of its own on the server `STRATA_TEST_PG` names (`.ci/run` starts one),
//! and `strata` run in it as separate processes with `STRATA_PG_CONN` set.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A blueprint folder on its own schema.
pub struct PgCase {
    pub dir: tempfile::TempDir,
    pub conn: String,
    pub schema: String,
}

/// The connection string of the test server; `None` (with a message) when not set.
pub fn server() -> Option<String> {
    match std::env::var("STRATA_TEST_PG") {
        Ok(conn) if !conn.is_empty() => Some(conn),
        _ => {
            eprintln!("skipped: STRATA_TEST_PG is not set (.ci/run starts PostgreSQL and sets it)");
            None
        }
    }
}

/// The `strata` block of a blueprint on `schema` with a lease of `lease`.
pub fn backend_block(schema: &str, lease: &str) -> String {
    format!(
        "strata {{\n  backend \"postgres\" {{\n    schema = \"{schema}\"\n    lease  = \"{lease}\"\n  }}\n}}\n"
    )
}

impl PgCase {
    /// A folder holding `blueprint` (without a `strata` block: see [`PgCase::use_postgres`]),
    /// on a fresh schema named after `name`.
    pub fn new(name: &str, blueprint: &str) -> Option<PgCase> {
        let conn = server()?;
        let schema = format!("t_{name}_{}", std::process::id());
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.hcl"), blueprint).unwrap();
        Some(PgCase { dir, conn, schema })
    }

    /// Writes the backend block with `lease` into the folder.
    pub fn use_postgres(&self, lease: &str) {
        std::fs::write(
            self.path().join("backend.hcl"),
            backend_block(&self.schema, lease),
        )
        .unwrap();
    }

    /// Removes the backend block: the local folder again.
    pub fn use_local(&self) {
        std::fs::remove_file(self.path().join("backend.hcl")).unwrap();
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The command `strata ARGS` in the folder, with the connection string.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
        cmd.args(args)
            .current_dir(self.path())
            .env("STRATA_PG_CONN", &self.conn)
            .env_remove("STRATA_WORKSPACE")
            .env_remove("STRATA_STATE_KEY");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("strata runs")
    }

    /// Runs a command that must succeed; its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            super::text(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs a command that must fail; standard output and error.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            super::text(&out)
        );
        super::text(&out)
    }

    /// Starts a command in the background.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("strata starts")
    }

    /// Waits until `strata state locks` lists a lock; returns the listing.
    pub fn wait_for_lock(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let listing = self.ok(&["state", "locks"]);
            if !listing.starts_with("No locks") {
                return listing;
            }
            assert!(Instant::now() < deadline, "no lock was taken");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The local state folder.
    pub fn local(&self) -> PathBuf {
        self.path().join(".strata")
    }
}

impl Drop for PgCase {
    fn drop(&mut self) {
        let conn = self.conn.clone();
        let schema = self.schema.clone();
        let dropping = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok((client, connection)) =
                    tokio_postgres::connect(&conn, tokio_postgres::NoTls).await
                {
                    tokio::spawn(connection);
                    let _ = client
                        .batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                        .await;
                }
            });
        });
        let _ = dropping.join();
    }
}
