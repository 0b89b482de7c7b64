//! The backend's tables, created and migrated on first use.
//!
//! `meta` records the schema version; each migration below moves it up by one, all of them
//! in one transaction under an advisory lock, so that two first runs at once do not race.
//! A schema newer than this build knows is refused.

use tokio_postgres::Client;

/// Each migration's statements; `{s}` is the quoted schema.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE {s}.workspaces (
    name text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {s}.states (
    workspace text NOT NULL REFERENCES {s}.workspaces (name) ON DELETE CASCADE,
    serial bigint NOT NULL CHECK (serial >= 0),
    lineage text NOT NULL,
    objects integer NOT NULL,
    document text NOT NULL,
    who text NOT NULL,
    operation text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace, serial)
);
CREATE FUNCTION {s}.states_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last bigint;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'state versions are kept as written; write a new version instead'
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT max(serial) INTO last FROM {s}.states WHERE workspace = NEW.workspace;
    IF last IS NOT NULL AND NEW.serial <> last + 1 THEN
        RAISE EXCEPTION 'serial % of workspace % does not follow serial %',
            NEW.serial, NEW.workspace, last
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER states_follow BEFORE INSERT OR UPDATE ON {s}.states
    FOR EACH ROW EXECUTE FUNCTION {s}.states_follow();
CREATE TABLE {s}.locks (
    workspace text PRIMARY KEY,
    id text NOT NULL UNIQUE,
    who text NOT NULL,
    operation text NOT NULL,
    host text NOT NULL,
    pid integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE TABLE {s}.journal (
    workspace text NOT NULL,
    seq bigint NOT NULL,
    run text NOT NULL,
    entry text NOT NULL,
    PRIMARY KEY (workspace, seq)
);
"#,
    // 2: an import (`strata init -migrate-state`, which sets `strata.importing` for its
    // transaction) may follow an older copy of its state with a later serial: the versions
    // between were written in the other backend.
    r#"
CREATE OR REPLACE FUNCTION {s}.states_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last bigint;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'state versions are kept as written; write a new version instead'
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT max(serial) INTO last FROM {s}.states WHERE workspace = NEW.workspace;
    IF last IS NOT NULL AND NEW.serial <> last + 1
        AND NOT (coalesce(current_setting('strata.importing', true), '') = 'on'
                 AND NEW.serial > last) THEN
        RAISE EXCEPTION 'serial % of workspace % does not follow serial %',
            NEW.serial, NEW.workspace, last
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
"#,
];

/// The schema version this build writes.
pub(crate) const VERSION: usize = MIGRATIONS.len();

/// Creates the schema and its tables, or brings them to [`VERSION`].
pub(super) async fn migrate(client: &mut Client, schema: &str) -> Result<(), String> {
    let quoted = format!("\"{schema}\"");
    let failed = |e: tokio_postgres::Error| super::describe(&e);
    let tx = client.transaction().await.map_err(failed)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext($1)::bigint)",
        &[&format!("strata schema {schema}")],
    )
    .await
    .map_err(failed)?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {quoted};
         CREATE TABLE IF NOT EXISTS {quoted}.meta (key text PRIMARY KEY, value text NOT NULL);"
    ))
    .await
    .map_err(failed)?;
    let found: usize = tx
        .query_opt(
            &format!("SELECT value FROM {quoted}.meta WHERE key = 'schema_version'"),
            &[],
        )
        .await
        .map_err(failed)?
        .map(|row| row.get::<_, String>(0))
        .map_or(Ok(0), |v| v.parse())
        .map_err(|_| format!("the schema {schema} has an unreadable version in its meta table"))?;
    if found > VERSION {
        return Err(format!(
            "the schema {schema} is at version {found}, and this Strata knows versions up \
             to {VERSION}: it was set up by a newer Strata; use that version or a later one"
        ));
    }
    for migration in &MIGRATIONS[found..] {
        tx.batch_execute(&migration.replace("{s}", &quoted))
            .await
            .map_err(failed)?;
    }
    if found < VERSION {
        tx.execute(
            &format!(
                "INSERT INTO {quoted}.meta (key, value) VALUES ('schema_version', $1)
                 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
            ),
            &[&VERSION.to_string()],
        )
        .await
        .map_err(failed)?;
    }
    tx.commit().await.map_err(failed)
}
