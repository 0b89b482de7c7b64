//! Where a blueprint's state is kept: the backend its `strata` block names, as `strata
//! init` set it up, and the workspace selected.
//!
//! `strata init` records the backend it set up in `DIR/.strata/backend.json` (its kind,
//! schema and connection string with the password masked: never a secret). Every other
//! command uses the blueprint's backend only while it is the one recorded: a changed
//! backend block asks for `strata init -migrate-state` (or `-reconfigure`), as Terraform
//! does. A blueprint without a `strata` block keeps the state in its local folder and
//! needs no `init`.
//!
//! The selected workspace is in `DIR/.strata/environment` (`strata workspace select`),
//! unless `STRATA_WORKSPACE` names one.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use blueprint::SourceMap;
use blueprint::backend::BackendBlock;
use planner::state::{
    Backend, DEFAULT_LEASE, DEFAULT_SCHEMA, DEFAULT_WORKSPACE, LocalBackend, PgConfig,
    PostgresBackend, check_workspace_name, mask,
};
use serde::{Deserialize, Serialize};

use crate::cli::StateArgs;
use crate::printer::Printer;

/// The environment variable holding the PostgreSQL connection string when the backend
/// block has no `conn_str`.
pub const CONN_ENV: &str = "STRATA_PG_CONN";
/// The environment variable that selects the workspace, over `strata workspace select`.
pub const WORKSPACE_ENV: &str = "STRATA_WORKSPACE";
const RECORD_FILE: &str = "backend.json";
const ENVIRONMENT_FILE: &str = "environment";

/// A backend's settings, ready to connect.
#[derive(Clone, Debug)]
pub enum Settings {
    /// State files in a folder.
    Local(PathBuf),
    /// State rows in a PostgreSQL schema.
    Postgres(PgConfig),
}

/// What `strata init` records of a backend: nothing secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// `local` or `postgres`.
    pub kind: String,
    /// The connection string with its password masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conn_str: Option<String>,
    /// The schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
}

impl Settings {
    /// What `strata init` records of these settings.
    pub fn record(&self) -> Record {
        match self {
            Settings::Local(_) => Record {
                kind: "local".into(),
                conn_str: None,
                schema: None,
            },
            Settings::Postgres(pg) => Record {
                kind: "postgres".into(),
                conn_str: Some(mask(&pg.conn_str)),
                schema: Some(pg.schema.clone()),
            },
        }
    }

    /// Where the states are, for messages (no password).
    pub fn describe(&self) -> String {
        match self {
            Settings::Local(dir) => format!("the local folder {}", dir.display()),
            Settings::Postgres(pg) => {
                format!("PostgreSQL ({}), schema {}", mask(&pg.conn_str), pg.schema)
            }
        }
    }

    /// Connects (for PostgreSQL: creates or migrates the schema).
    pub async fn connect(&self) -> anyhow::Result<Arc<dyn Backend>> {
        Ok(match self {
            Settings::Local(dir) => Arc::new(LocalBackend::new(dir)),
            Settings::Postgres(pg) => Arc::new(
                PostgresBackend::connect(pg)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            ),
        })
    }
}

/// The local state folder of a blueprint (`--state-dir`, or DIR/.strata): the local
/// backend's states, and the simulated datacenter of each workspace.
pub fn state_dir(dir: &Path, args: &StateArgs) -> PathBuf {
    args.state_dir
        .clone()
        .unwrap_or_else(|| dir.join(".strata"))
}

/// The folder of the working settings (`backend.json`, `environment`): DIR/.strata.
fn settings_dir(dir: &Path) -> PathBuf {
    dir.join(".strata")
}

/// The backend settings the blueprint's `strata` block gives (the local folder when it
/// has none). Errors in the block are printed as diagnostics.
pub fn configured(dir: &Path, args: &StateArgs, printer: &mut Printer) -> anyhow::Result<Settings> {
    let mut sources = SourceMap::default();
    let (block, diags) = blueprint::backend::read(dir, &mut sources);
    if diags.has_errors() {
        printer.diagnostics(&diags, &sources);
        bail!("the blueprint's backend cannot be read; fix the errors above");
    }
    match block {
        Some(block) if block.kind == "postgres" => {
            let pg = postgres(&block)?;
            // The connection string is sensitive: masked wherever it could show.
            let mut redactor = blueprint::Redactor::default();
            redactor.add_text(&pg.conn_str);
            if let Some(secret) = planner::state::password(&pg.conn_str) {
                redactor.add_text(&secret);
            }
            printer.protect(&redactor);
            Ok(Settings::Postgres(pg))
        }
        _ => Ok(Settings::Local(state_dir(dir, args))),
    }
}

fn postgres(block: &BackendBlock) -> anyhow::Result<PgConfig> {
    let conn_str = match block.get("conn_str") {
        Some(setting) => setting.value.clone(),
        None => std::env::var(CONN_ENV)
            .ok()
            .filter(|c| !c.is_empty())
            .with_context(|| {
                format!(
                    "the postgres backend needs a connection string: set conn_str in its \
                     block, or the environment variable {CONN_ENV}"
                )
            })?,
    };
    Ok(PgConfig {
        conn_str,
        schema: block
            .get("schema")
            .map_or(DEFAULT_SCHEMA.to_string(), |s| s.value.clone()),
        lease: block
            .lease_ms()
            .map_or(DEFAULT_LEASE, Duration::from_millis),
    })
}

/// The backend `strata init` recorded, if any.
pub fn recorded(dir: &Path) -> anyhow::Result<Option<Record>> {
    let path = settings_dir(dir).join(RECORD_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).with_context(|| {
            format!(
                "{} is damaged; run `strata init -reconfigure` to write it again",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Records `settings` as the backend set up.
pub fn record(dir: &Path, settings: &Settings) -> anyhow::Result<()> {
    let folder = settings_dir(dir);
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    let path = folder.join(RECORD_FILE);
    let mut text = serde_json::to_string_pretty(&settings.record())?;
    text.push('\n');
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
}

/// The settings of the backend recorded before, to move states from: a connection string
/// that had a password is taken from STRATA_PG_CONN, which must name the same server.
pub fn previous(record: &Record, dir: &Path, args: &StateArgs) -> anyhow::Result<Settings> {
    if record.kind != "postgres" {
        return Ok(Settings::Local(state_dir(dir, args)));
    }
    let masked = record.conn_str.clone().unwrap_or_default();
    let conn_str = if masked.contains("****") {
        match std::env::var(CONN_ENV) {
            Ok(conn) if mask(&conn) == masked => conn,
            _ => bail!(
                "the previous backend's connection string had a password, which Strata does \
                 not keep: set {CONN_ENV} to that connection string ({masked}) to move the \
                 states from it"
            ),
        }
    } else {
        masked
    };
    Ok(Settings::Postgres(PgConfig {
        conn_str,
        schema: record
            .schema
            .clone()
            .unwrap_or_else(|| DEFAULT_SCHEMA.to_string()),
        lease: DEFAULT_LEASE,
    }))
}

/// The backend every command but `init` uses: the blueprint's, once `strata init` set it
/// up (the local folder needs no init).
pub fn settings(dir: &Path, args: &StateArgs, printer: &mut Printer) -> anyhow::Result<Settings> {
    let settings = configured(dir, args, printer)?;
    let record = recorded(dir)?;
    let wanted = settings.record();
    match record {
        None if wanted.kind == "local" => Ok(settings),
        None => bail!(
            "the blueprint keeps its state in {}, which is not set up here yet: run `strata \
             init` first",
            settings.describe()
        ),
        Some(record) if record == wanted => Ok(settings),
        Some(record) => bail!(
            "the backend changed since `strata init` (it was {}, the blueprint now says {}): \
             run `strata init -migrate-state` to move every workspace's state there, or \
             `strata init -reconfigure` to use it as it is",
            describe_record(&record),
            settings.describe()
        ),
    }
}

/// A recorded backend, for messages.
pub fn describe_record(record: &Record) -> String {
    match &record.conn_str {
        Some(conn) => format!(
            "PostgreSQL ({conn}), schema {}",
            record.schema.as_deref().unwrap_or(DEFAULT_SCHEMA)
        ),
        None => "the local folder".to_string(),
    }
}

/// The selected workspace: STRATA_WORKSPACE, else `strata workspace select`'s, else
/// `default`.
pub fn workspace(dir: &Path) -> anyhow::Result<String> {
    let name = match std::env::var(WORKSPACE_ENV) {
        Ok(name) if !name.is_empty() => name,
        _ => match std::fs::read_to_string(settings_dir(dir).join(ENVIRONMENT_FILE)) {
            Ok(text) => text.trim().to_string(),
            Err(_) => DEFAULT_WORKSPACE.to_string(),
        },
    };
    check_workspace_name(&name).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(name)
}

/// Selects `name` for the commands run in `dir` from now on.
pub fn select(dir: &Path, name: &str) -> anyhow::Result<()> {
    let folder = settings_dir(dir);
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    let path = folder.join(ENVIRONMENT_FILE);
    std::fs::write(&path, format!("{name}\n"))
        .with_context(|| format!("writing {}", path.display()))
}

/// An open backend and the workspace the command acts on.
pub struct Target {
    /// Where the states are.
    pub backend: Arc<dyn Backend>,
    /// The workspace.
    pub workspace: String,
    /// The workspace's simulated datacenter: the local folder of the workspace, whatever
    /// the backend (it stands for real infrastructure, not for state).
    pub sim_dir: PathBuf,
}

impl Target {
    /// Opens the blueprint's backend with its selected workspace, which must exist.
    pub async fn open(
        dir: &Path,
        args: &StateArgs,
        printer: &mut Printer,
    ) -> anyhow::Result<Target> {
        let backend = settings(dir, args, printer)?.connect().await?;
        let workspace = workspace(dir)?;
        if workspace != DEFAULT_WORKSPACE {
            let names = backend
                .workspaces()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if !names.contains(&workspace) {
                bail!(
                    "the selected workspace \"{workspace}\" does not exist in {}; create it \
                     with `strata workspace new {workspace}` or select another",
                    backend.describe()
                );
            }
        }
        let sim_dir = LocalBackend::new(state_dir(dir, args))
            .workspace(&workspace)
            .dir()
            .join("sim");
        Ok(Target {
            backend,
            workspace,
            sim_dir,
        })
    }
}
