//! The PostgreSQL backend against a real server: `STRATA_TEST_PG` is its connection string
//! (`.ci/run` starts one and sets it). Without it these tests say so and pass, so that
//! `cargo test` works on a machine without PostgreSQL. Each test uses a schema of its own.

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use planner::state::{
    Backend, Entry, LocalBackend, LockError, Op, PgConfig, Phase, PostgresBackend, Protector,
    State, StateError, Write,
};

fn conn() -> Option<String> {
    let conn = std::env::var("STRATA_TEST_PG")
        .ok()
        .filter(|c| !c.is_empty());
    if conn.is_none() {
        eprintln!("skipped: STRATA_TEST_PG is not set (.ci/run starts PostgreSQL and sets it)");
    }
    conn
}

fn unique_schema() -> String {
    format!(
        "t_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

async fn backend(conn: &str, schema: &str, lease: Duration) -> PostgresBackend {
    PostgresBackend::connect(&PgConfig {
        conn_str: conn.to_string(),
        schema: schema.to_string(),
        lease,
    })
    .await
    .unwrap()
}

fn object(address: &str) -> planner::state::Object {
    planner::state::Object {
        address: address.parse().unwrap(),
        kind: "vm".into(),
        provider: "sim".into(),
        id: format!("id-{address}"),
        attributes: serde_json::Map::new(),
        dependencies: Vec::new(),
        created_at: 1,
        sensitive: Vec::new(),
        prevent_destroy: false,
    }
}

fn write(operation: &str) -> Write {
    Write {
        operation: operation.into(),
        lock: None,
    }
}

static NEVER: AtomicBool = AtomicBool::new(false);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_follow_one_another_and_are_all_kept() {
    let Some(conn) = conn() else { return };
    let schema = unique_schema();
    let pg = backend(&conn, &schema, Duration::from_secs(30)).await;
    assert!(pg.load("default").await.unwrap().is_none());
    let mut state = LocalBackend::new_state();
    pg.save("default", &mut state, &write("apply"))
        .await
        .unwrap();
    state.objects.push(object("vm.b"));
    state.objects.push(object("vm.a"));
    pg.save("default", &mut state, &write("apply"))
        .await
        .unwrap();
    assert_eq!(state.serial, 2);
    let loaded = pg.load("default").await.unwrap().unwrap();
    assert_eq!(loaded, state);
    assert_eq!(loaded.objects[0].address.to_string(), "vm.a");

    // A save from a copy read before the last one would repeat serial 2: refused.
    let mut stale = state.clone();
    stale.serial = 1;
    let err = pg
        .save("default", &mut stale, &write("apply"))
        .await
        .unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err}");
    assert_eq!(stale.serial, 1, "a refused save keeps the serial");
    // Another lineage is refused too.
    let mut other = LocalBackend::new_state();
    other.serial = 2;
    let err = pg
        .save("default", &mut other, &write("apply"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("another state"), "{err}");

    let history = pg.history("default").await.unwrap();
    let serials: Vec<u64> = history.iter().map(|v| v.serial).collect();
    assert_eq!(serials, [1, 2]);
    assert_eq!(history[1].objects, 2);
    assert_eq!(history[1].operation.as_deref(), Some("apply"));
    assert!(history[1].who.as_deref().unwrap().contains('@'));
    let first: State =
        serde_json::from_slice(&pg.version("default", 1).await.unwrap().unwrap()).unwrap();
    assert!(first.objects.is_empty());
    assert!(pg.version("default", 9).await.unwrap().is_none());
    drop_schema(&conn, &schema).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_keeps_lineage_and_serial_and_replaces_only_an_older_copy() {
    let Some(conn) = conn() else { return };
    let schema = unique_schema();
    let pg = backend(&conn, &schema, Duration::from_secs(30)).await;
    let mut moved = LocalBackend::new_state();
    moved.serial = 7;
    moved.objects.push(object("vm.a"));
    pg.import("default", &moved, &write("init -migrate-state"))
        .await
        .unwrap();
    assert_eq!(pg.load("default").await.unwrap().unwrap(), moved);
    // The same state, moved again after the other backend wrote serials 8 to 11.
    let mut later = moved.clone();
    later.serial = 12;
    later.objects.push(object("vm.b"));
    pg.import("default", &later, &write("init -migrate-state"))
        .await
        .unwrap();
    let serials: Vec<u64> = pg
        .history("default")
        .await
        .unwrap()
        .iter()
        .map(|v| v.serial)
        .collect();
    assert_eq!(serials, [7, 12]);
    // An older copy, the same serial, or another lineage would lose a version: refused.
    for (lineage, serial) in [
        (moved.lineage.clone(), 12),
        (moved.lineage.clone(), 3),
        ("x".to_string(), 20),
    ] {
        let state = State {
            lineage,
            serial,
            ..later.clone()
        };
        let err = pg
            .import("default", &state, &write("init -migrate-state"))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a later version of it"), "{err}");
    }
    // A save still follows the last version one by one.
    let mut next = pg.load("default").await.unwrap().unwrap();
    pg.save("default", &mut next, &write("apply"))
        .await
        .unwrap();
    assert_eq!(next.serial, 13);
    drop_schema(&conn, &schema).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_itself_refuses_a_skipped_or_changed_version() {
    let Some(conn) = conn() else { return };
    let schema = unique_schema();
    let pg = backend(&conn, &schema, Duration::from_secs(30)).await;
    let mut state = LocalBackend::new_state();
    pg.save("default", &mut state, &write("apply"))
        .await
        .unwrap();
    let client = client(&conn).await;
    let skip = client
        .execute(
            &format!(
                "INSERT INTO {schema}.states (workspace, serial, lineage, objects, document, who, operation)
                 VALUES ('default', 3, 'x', 0, '{{}}', 'me', 'sql')"
            ),
            &[],
        )
        .await
        .unwrap_err();
    assert!(
        skip.as_db_error()
            .unwrap()
            .message()
            .contains("does not follow serial 1"),
        "{skip:?}"
    );
    let change = client
        .execute(
            &format!("UPDATE {schema}.states SET document = '{{}}'"),
            &[],
        )
        .await
        .unwrap_err();
    assert!(
        change
            .as_db_error()
            .unwrap()
            .message()
            .contains("kept as written"),
        "{change:?}"
    );
    drop_schema(&conn, &schema).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_lock_is_renewed_and_a_second_one_waits_then_names_the_holder() {
    let Some(conn) = conn() else { return };
    let schema = unique_schema();
    let pg = backend(&conn, &schema, Duration::from_secs(1)).await;
    let first = pg
        .lock("default", "apply", Duration::ZERO, &NEVER)
        .await
        .unwrap();
    // Well past the lease: the heartbeat keeps it.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let other = backend(&conn, &schema, Duration::from_secs(1)).await;
    let start = Instant::now();
    let err = other
        .lock("default", "plan", Duration::from_millis(500), &NEVER)
        .await
        .unwrap_err();
    assert!(start.elapsed() >= Duration::from_millis(500));
    let LockError::Held(holder) = &err else {
        panic!("{err}")
    };
    assert_eq!(holder.id, first.id());
    assert_eq!(holder.pid, std::process::id());
    let text = err.to_string();
    assert!(text.contains("for \"apply\" since"), "{text}");
    assert!(text.contains("lease until"), "{text}");
    // Another workspace is not locked by it.
    let dev = other
        .lock("dev", "apply", Duration::ZERO, &NEVER)
        .await
        .unwrap();
    let locks = pg.locks().await.unwrap();
    assert_eq!(locks.len(), 2);
    assert!(locks.iter().all(|l| !l.stale));
    drop(dev);
    first.release().unwrap();
    other
        .lock("default", "plan", Duration::ZERO, &NEVER)
        .await
        .unwrap();
    drop_schema(&conn, &schema).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_whose_lease_ended_is_broken_and_its_holder_cannot_write() {
    let Some(conn) = conn() else { return };
    let schema = unique_schema();
    let pg = backend(&conn, &schema, Duration::from_secs(30)).await;
    let mut state = LocalBackend::new_state();
    pg.save("default", &mut state, &write("apply"))
        .await
        .unwrap();
    let lock = pg
        .lock("default", "apply", Duration::ZERO, &NEVER)
        .await
        .unwrap();
    // As if its holder had been killed long ago: the lease ends (server time).
    client(&conn)
        .await
        .execute(
            &format!("UPDATE {schema}.locks SET expires_at = now() - interval '1 second'"),
            &[],
        )
        .await
        .unwrap();
    let next = pg
        .lock("default", "apply", Duration::ZERO, &NEVER)
        .await
        .unwrap();
    assert_eq!(next.broken_stale.as_ref().unwrap().id, lock.id());
    // The old holder's write and journal are refused; the new holder's go through.
    let journal = pg
        .journal("default", &lock, Protector::default())
        .await
        .unwrap();
    let entry = Entry::new(
        Phase::Intent,
        Op::Create,
        "vm.a".parse().unwrap(),
        "vm",
        "sim",
    );
    let err = journal.append(entry.clone()).await.unwrap_err().to_string();
    assert!(err.contains("no longer held"), "{err}");
    let err = pg
        .save("default", &mut state, &Write::under(&lock, "apply"))
        .await
        .unwrap_err();
    assert!(matches!(err, StateError::LockLost { .. }), "{err}");
    drop(lock); // must not release the new holder's lock
    assert_eq!(pg.locks().await.unwrap()[0].info.id, next.id());
    pg.save("default", &mut state, &Write::under(&next, "apply"))
        .await
        .unwrap();
    drop_schema(&conn, &schema).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_is_recovered_and_emptied_by_the_next_save() {
    let Some(conn) = conn() else { return };
    let schema = unique_schema();
    let pg = backend(&conn, &schema, Duration::from_secs(30)).await;
    let mut state = LocalBackend::new_state();
    pg.save("dev", &mut state, &write("apply")).await.unwrap();
    let lock = pg
        .lock("dev", "apply", Duration::ZERO, &NEVER)
        .await
        .unwrap();
    let journal = std::sync::Arc::new(
        pg.journal("dev", &lock, Protector::default())
            .await
            .unwrap(),
    );
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let journal = journal.clone();
            tokio::spawn(async move {
                let address: blueprint::Address = format!("vm.w[{i}]").parse().unwrap();
                journal
                    .append(Entry::new(
                        Phase::Intent,
                        Op::Create,
                        address.clone(),
                        "vm",
                        "sim",
                    ))
                    .await
                    .unwrap();
                if i % 4 != 0 {
                    journal
                        .append(Entry::done(Op::Create, &object(&address.to_string())))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    drop(journal);
    drop(lock); // as if killed: the journal stays

    let mut recovered = pg.load("dev").await.unwrap().unwrap();
    let recovery = pg.recover("dev", &mut recovered).await.unwrap();
    assert_eq!(recovery.applied, 15);
    assert_eq!(recovery.pending.len(), 5);
    assert_eq!(recovered.objects.len(), 15);
    // Another workspace's journal is its own.
    let mut empty = LocalBackend::new_state();
    assert_eq!(pg.recover("default", &mut empty).await.unwrap().applied, 0);

    pg.save("dev", &mut recovered, &write("apply"))
        .await
        .unwrap();
    let mut again = pg.load("dev").await.unwrap().unwrap();
    assert_eq!(pg.recover("dev", &mut again).await.unwrap().applied, 0);
    assert_eq!(again.objects.len(), 15);
    drop_schema(&conn, &schema).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspaces_are_created_listed_and_deleted() {
    let Some(conn) = conn() else { return };
    let schema = unique_schema();
    let pg = backend(&conn, &schema, Duration::from_secs(30)).await;
    assert_eq!(pg.workspaces().await.unwrap(), ["default"]);
    pg.create_workspace("prod").await.unwrap();
    pg.create_workspace("dev").await.unwrap();
    let err = pg.create_workspace("dev").await.unwrap_err().to_string();
    assert!(err.contains("already exists"), "{err}");
    assert!(pg.create_workspace("default").await.is_err());
    assert!(pg.create_workspace("a'b").await.is_err());
    assert_eq!(pg.workspaces().await.unwrap(), ["default", "dev", "prod"]);
    let mut state = LocalBackend::new_state();
    pg.save("dev", &mut state, &write("apply")).await.unwrap();
    let lock = pg
        .lock("dev", "apply", Duration::ZERO, &NEVER)
        .await
        .unwrap();
    let err = pg.delete_workspace("dev").await.unwrap_err().to_string();
    assert!(err.contains("is locked by"), "{err}");
    drop(lock);
    pg.delete_workspace("dev").await.unwrap();
    assert!(pg.load("dev").await.unwrap().is_none());
    assert!(pg.history("dev").await.unwrap().is_empty());
    assert!(pg.delete_workspace("default").await.is_err());
    assert!(pg.delete_workspace("nope").await.is_err());
    assert_eq!(pg.workspaces().await.unwrap(), ["default", "prod"]);
    drop_schema(&conn, &schema).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_never_show_the_password() {
    let Some(conn) = conn() else { return };
    let secret = "not-the-password-9f8e7d";
    let wrong = format!("{conn} password={secret}");
    let err = PostgresBackend::connect(&PgConfig {
        conn_str: wrong,
        schema: "strata".into(),
        lease: Duration::from_secs(30),
    })
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("could not connect in PostgreSQL database"),
        "{err}"
    );
    assert!(!err.contains(secret), "{err}");
    let real = planner::state::password(&conn).unwrap();
    assert!(!err.contains(&real), "{err}");
}

async fn client(conn: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(conn, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

async fn drop_schema(conn: &str, schema: &str) {
    let _ = client(conn)
        .await
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .await;
}
