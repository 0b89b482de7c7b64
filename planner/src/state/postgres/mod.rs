//! The PostgreSQL backend: the states of every workspace in a database schema, shared by
//! everyone who applies the blueprint.
//!
//! The schema (`strata` unless configured) is created and migrated on first use
//! ([`schema`]). It keeps every version of every workspace's state (`states`: serial,
//! lineage, the document, who wrote it, when and with which command), the locks
//! (`locks`: one row per locked workspace, held with a lease that a heartbeat renews,
//! see [`lease`]), and the journal of running applies (`journal`: one row per entry).
//! Every write is a transaction; a version that would skip or repeat a serial is refused
//! by the backend and, whoever writes, by a trigger in the database. Time is the server's
//! (`now()`), never the client's.
//!
//! The connection string may hold a password: it is never printed, and the password is
//! masked in every error ([`mask`]).
//!
//! ```no_run
//! # async fn run() -> Result<(), planner::state::StateError> {
//! use planner::state::{Backend, PgConfig, PostgresBackend};
//! let backend = PostgresBackend::connect(&PgConfig {
//!     conn_str: "host=127.0.0.1 user=strata dbname=strata".into(),
//!     schema: "strata".into(),
//!     lease: std::time::Duration::from_secs(30),
//! })
//! .await?;
//! let state = backend.load("default").await?;
//! # Ok(()) }
//! ```

mod journal;
mod lease;
mod schema;
mod store;

use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::{Client, NoTls};

use super::StateError;

/// The schema used when none is configured.
pub const DEFAULT_SCHEMA: &str = "strata";

/// The lease of a lock when none is configured: a holder that stops renewing it (killed,
/// or cut off) frees the lock this long after its last renewal.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// The shortest lease accepted: the heartbeat renews it every third of it.
pub const MIN_LEASE: Duration = Duration::from_secs(1);

/// How to reach the database.
#[derive(Clone)]
pub struct PgConfig {
    /// A libpq connection string, `host=... user=... password=... dbname=...` or a
    /// `postgresql://` URL. Sensitive.
    pub conn_str: String,
    /// The schema holding the tables: a lowercase SQL identifier.
    pub schema: String,
    /// How long a lock outlives its holder's last heartbeat.
    pub lease: Duration,
}

impl std::fmt::Debug for PgConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConfig")
            .field("conn_str", &mask(&self.conn_str))
            .field("schema", &self.schema)
            .field("lease", &self.lease)
            .finish()
    }
}

/// The state backend in a PostgreSQL schema. See the module documentation.
pub struct PostgresBackend {
    config: tokio_postgres::Config,
    password: Option<String>,
    schema: String,
    lease: Duration,
    place: String,
    client: tokio::sync::Mutex<Client>,
}

impl std::fmt::Debug for PostgresBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresBackend")
            .field("place", &self.place)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

/// Checks a schema name: a lowercase SQL identifier of at most 63 bytes, so that it needs
/// no quoting rules of its own and cannot be mistaken for anything else.
pub fn check_schema(schema: &str) -> Result<(), String> {
    let fine = !schema.is_empty()
        && schema.len() <= 63
        && schema.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if fine && !schema.starts_with("pg_") {
        Ok(())
    } else {
        Err(format!(
            "\"{}\" is not a schema name Strata uses: write lowercase letters, digits and \
             underscores, starting with a letter or underscore (not `pg_`), at most 63 \
             characters, such as \"strata\"",
            schema.escape_debug()
        ))
    }
}

/// The password a connection string holds, if any (either form).
pub fn password(conn_str: &str) -> Option<String> {
    let config = tokio_postgres::Config::from_str(conn_str).ok()?;
    config
        .get_password()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .filter(|p| !p.is_empty())
}

/// The connection string with its password replaced by `****`: what may be shown. Both
/// forms are read as libpq reads them: `password=VALUE` (or `password='QUOTED'`) among
/// `key=value` pairs, and the password of a URL's user information or its `password`
/// query parameter.
pub fn mask(conn_str: &str) -> String {
    let url = ["postgresql://", "postgres://"]
        .iter()
        .find_map(|scheme| conn_str.strip_prefix(scheme).map(|_| scheme.len()));
    let mut out = conn_str.to_string();
    for range in match url {
        Some(start) => url_password_ranges(conn_str, start),
        None => key_value_password_ranges(conn_str),
    }
    .into_iter()
    .rev()
    {
        out.replace_range(range, "****");
    }
    out
}

/// Where the passwords of a URL are: in its user information, and in `password=` query
/// parameters.
fn url_password_ranges(url: &str, start: usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let authority_end = url[start..]
        .find(['/', '?'])
        .map_or(url.len(), |i| start + i);
    if let Some(at) = url[start..authority_end].rfind('@')
        && let Some(colon) = url[start..start + at].find(':')
    {
        ranges.push(start + colon + 1..start + at);
    }
    if let Some(query) = url[authority_end..].find('?') {
        let mut offset = authority_end + query + 1;
        for pair in url[offset..].split('&') {
            if let Some(value) = pair.strip_prefix("password=") {
                let begin = offset + "password=".len();
                ranges.push(begin..begin + value.len());
            }
            offset += pair.len() + 1;
        }
    }
    ranges
}

/// Where the values of `password` keys are among `key = value` pairs (a value quoted with
/// `'`, with `\` escapes, or running to the next space).
fn key_value_password_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut i = 0;
    let skip_spaces = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    while i < bytes.len() {
        i = skip_spaces(i);
        let key_start = i;
        while i < bytes.len() && bytes[i] != b'=' && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = &text[key_start..i];
        i = skip_spaces(i);
        if i >= bytes.len() || bytes[i] != b'=' {
            continue;
        }
        i = skip_spaces(i + 1);
        let value = if bytes.get(i) == Some(&b'\'') {
            let begin = i + 1;
            i = begin;
            while i < bytes.len() && bytes[i] != b'\'' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            let end = i.min(bytes.len());
            i = end + 1;
            begin..end
        } else {
            let begin = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            begin..i
        };
        if key == "password" && !value.is_empty() {
            ranges.push(value);
        }
    }
    ranges
}

impl PostgresBackend {
    /// Connects, then creates or migrates the schema. Errors name the server and schema,
    /// never the password.
    pub async fn connect(settings: &PgConfig) -> Result<PostgresBackend, StateError> {
        let password = password(&settings.conn_str);
        let scrub = |message: String| match &password {
            Some(secret) => message.replace(secret.as_str(), "****"),
            None => message,
        };
        check_schema(&settings.schema).map_err(|message| StateError::Database {
            action: "use the schema",
            place: "the PostgreSQL backend".to_string(),
            message,
        })?;
        let mut config = tokio_postgres::Config::from_str(&settings.conn_str).map_err(|e| {
            StateError::Database {
                action: "read the connection string",
                place: "the PostgreSQL backend".to_string(),
                message: scrub(e.to_string()),
            }
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.application_name("strata");
        let place = place_of(&config, &settings.schema);
        let client = open(&config).await.map_err(|e| StateError::Database {
            action: "connect",
            place: place.clone(),
            message: scrub(e),
        })?;
        let backend = PostgresBackend {
            config,
            password,
            schema: settings.schema.clone(),
            lease: settings.lease.max(MIN_LEASE),
            place,
            client: tokio::sync::Mutex::new(client),
        };
        {
            let mut client = backend.client.lock().await;
            schema::migrate(&mut client, &backend.schema)
                .await
                .map_err(|e| backend.failed("create or migrate the schema", e))?;
        }
        Ok(backend)
    }

    /// `schema.table`, for statements.
    fn table(&self, name: &str) -> String {
        format!("\"{}\".{name}", self.schema)
    }

    /// A database failure as an error naming the server and schema, password masked.
    fn failed(&self, action: &'static str, error: impl Into<Failure>) -> StateError {
        StateError::Database {
            action,
            place: self.place.clone(),
            message: self.scrub(error.into().0),
        }
    }

    fn scrub(&self, message: String) -> String {
        match &self.password {
            Some(secret) => message.replace(secret.as_str(), "****"),
            None => message,
        }
    }
}

/// A failure's text: a database error with its message and detail, or a connection error
/// with its cause.
pub(crate) struct Failure(pub String);

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Failure {
        Failure(describe(&e))
    }
}

impl From<String> for Failure {
    fn from(text: String) -> Failure {
        Failure(text)
    }
}

/// The text of a database error: the server's message and detail when it is one, the
/// error and its causes otherwise.
pub(crate) fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut text = db.message().to_string();
        if let Some(detail) = db.detail() {
            text.push_str(" (");
            text.push_str(detail);
            text.push(')');
        }
        return text;
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

/// Opens a connection whose messages are handled by a task on the current runtime.
pub(crate) async fn open(config: &tokio_postgres::Config) -> Result<Client, String> {
    let (client, connection) = config.connect(NoTls).await.map_err(|e| describe(&e))?;
    tokio::spawn(async move {
        // Ends when the client is dropped or the server goes away; the client's next
        // statement then reports the error.
        let _ = connection.await;
    });
    Ok(client)
}

/// `PostgreSQL database D on HOST:PORT, schema S`: where the states are, without the user
/// or password.
fn place_of(config: &tokio_postgres::Config, schema: &str) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".to_string());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let database = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("postgres");
    format!("PostgreSQL database {database} on {host}:{port}, schema {schema}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_in_both_forms() {
        for (conn, shown) in [
            (
                "host=db user=u password=s3cr3t-pass dbname=x",
                "host=db user=u password=**** dbname=x",
            ),
            (
                "host=db user=u password='with space' dbname=x",
                "host=db user=u password='****' dbname=x",
            ),
            (
                "postgresql://u:s3cr3t-pass@db:5433/x",
                "postgresql://u:****@db:5433/x",
            ),
            ("host=db user=u dbname=x", "host=db user=u dbname=x"),
            ("password = 'it\\'s' host=db", "password = '****' host=db"),
            (
                "postgresql://u:p%40ss@db/x?password=other&sslmode=disable",
                "postgresql://u:****@db/x?password=****&sslmode=disable",
            ),
            ("postgresql://u@db/x", "postgresql://u@db/x"),
        ] {
            assert_eq!(mask(conn), shown, "{conn}");
        }
        assert_eq!(
            password("postgresql://u:p%40ss@db/x").as_deref(),
            Some("p@ss")
        );
    }

    proptest::proptest! {
        /// Whatever the password (quoted with escapes in the key/value form, percent-encoded
        /// in a URL), the masked string does not hold it and libpq's reading finds it.
        #[test]
        fn no_password_survives_masking(secret in "[ -~]{6,24}", url in proptest::bool::ANY) {
            let around = "host=db.example user=team password='****' dbname=states \
                          postgresql://team:****@db.example:5432/states?sslmode=disable";
            proptest::prop_assume!(!around.contains(&secret));
            let conn = if url {
                let encoded: String = secret
                    .bytes()
                    .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
                    .collect();
                format!("postgresql://team:{encoded}@db.example:5432/states?sslmode=disable")
            } else {
                let quoted = secret.replace('\\', "\\\\").replace('\'', "\\'");
                format!("host=db.example user=team password='{quoted}' dbname=states")
            };
            let found = password(&conn);
            proptest::prop_assert_eq!(found.as_deref(), Some(secret.as_str()));
            let masked = mask(&conn);
            proptest::prop_assert!(!masked.contains(&secret), "{}", masked);
            proptest::prop_assert!(masked.contains("db.example"), "{}", masked);
        }
    }

    #[test]
    fn schema_names() {
        for good in ["strata", "_x", "team_a1"] {
            assert!(check_schema(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Strata",
            "1x",
            "a-b",
            "a\"b",
            "pg_catalog",
            &"a".repeat(64),
        ] {
            assert!(check_schema(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_place_has_no_credentials() {
        let config =
            tokio_postgres::Config::from_str("postgresql://u:pw@db.example:5433/states").unwrap();
        assert_eq!(
            place_of(&config, "strata"),
            "PostgreSQL database states on db.example:5433, schema strata"
        );
    }
}
