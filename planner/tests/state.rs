//! The local state backend as a run uses it: saves and backups, damaged files, the journal
//! of an apply killed with `kill -9`, and locks shared between backends.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use planner::state::{Entry, LocalBackend, LockError, Object, Op, Phase, State, StateError};

fn object(address: &str, id: &str) -> Object {
    Object {
        address: address.parse().unwrap(),
        kind: "vm".into(),
        provider: "sim".into(),
        id: id.into(),
        attributes: serde_json::Map::new(),
        dependencies: Vec::new(),
        created_at: 1,
        sensitive: Vec::new(),
        prevent_destroy: false,
    }
}

fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn save_load_round_trip_with_serials_and_backups() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path().join(".strata"));
    assert_eq!(backend.load().unwrap(), None);

    let mut state = LocalBackend::new_state();
    let lineage = state.lineage.clone();
    let mut previous: Option<State> = None;
    for round in 1..=4u64 {
        state.objects.push(object(
            &format!("vm.web[{}]", 10 - round),
            &round.to_string(),
        ));
        state.outputs.insert("round".into(), round.into());
        backend.save(&mut state).unwrap();
        assert_eq!(state.serial, round);
        let loaded = backend.load().unwrap().unwrap();
        assert_eq!(loaded, state);
        assert_eq!(loaded.lineage, lineage);
        let sorted = loaded
            .objects
            .windows(2)
            .all(|w| w[0].address < w[1].address);
        assert!(sorted, "objects are sorted by address");
        match &previous {
            None => assert!(!backend.backup_path().exists()),
            Some(previous) => {
                let backup: State =
                    serde_json::from_slice(&fs::read(backend.backup_path()).unwrap()).unwrap();
                assert_eq!(&backup, previous);
            }
        }
        previous = Some(loaded);
    }
}

#[test]
fn damaged_state_file_error_names_file_position_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let mut state = LocalBackend::new_state();
    backend.save(&mut state).unwrap();
    backend.save(&mut state).unwrap();
    let text = fs::read_to_string(backend.state_path()).unwrap();
    fs::write(backend.state_path(), &text[..text.len() / 2]).unwrap();

    let err = backend.load().unwrap_err();
    assert!(matches!(err, StateError::Corrupt { .. }), "{err:?}");
    let message = err.to_string();
    let expected = [
        format!(
            "the state file {} is damaged",
            backend.state_path().display()
        ),
        "at line ".to_string(),
        " column ".to_string(),
        format!(
            "the previous version is kept in {}",
            backend.backup_path().display()
        ),
    ];
    for part in expected {
        assert!(message.contains(&part), "{part:?} missing from: {message}");
    }
    // The backup it points to is the previous, loadable version.
    let backup: State = serde_json::from_slice(&fs::read(backend.backup_path()).unwrap()).unwrap();
    assert_eq!(backup.serial, 1);
}

#[test]
fn crash_between_temp_write_and_rename_keeps_the_old_state() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let mut state = LocalBackend::new_state();
    state.objects.push(object("vm.a", "1"));
    backend.save(&mut state).unwrap();
    let saved = state.clone();

    // What a save killed before its rename leaves: a whole or partial temporary file.
    let mut next = state.clone();
    next.serial += 1;
    next.objects.push(object("vm.b", "2"));
    let whole = serde_json::to_string_pretty(&next).unwrap();
    let leftovers = [
        dir.path().join(format!("state.json.tmp.{}.0", dead_pid())),
        dir.path().join(format!("state.json.tmp.{}.7", dead_pid())),
    ];
    fs::write(&leftovers[0], &whole).unwrap();
    fs::write(&leftovers[1], &whole[..whole.len() / 3]).unwrap();

    assert_eq!(backend.load().unwrap().unwrap(), saved);

    // The next save works and clears what the dead process left.
    backend.save(&mut state).unwrap();
    assert_eq!(backend.load().unwrap().unwrap().serial, 2);
    for leftover in leftovers {
        assert!(!leftover.exists(), "{} was not removed", leftover.display());
    }
}

#[test]
fn newer_format_version_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let mut state = LocalBackend::new_state();
    backend.save(&mut state).unwrap();
    let text = fs::read_to_string(backend.state_path())
        .unwrap()
        .replace("\"version\": 1", "\"version\": 2");
    fs::write(backend.state_path(), text).unwrap();
    let message = backend.load().unwrap_err().to_string();
    assert!(message.contains("has format version 2"), "{message}");
    assert!(message.contains("reads versions up to 1"), "{message}");
}

#[tokio::test]
async fn interrupted_apply_is_finished_from_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let mut state = LocalBackend::new_state();
    state.objects.push(object("vm.gone", "g"));
    backend.save(&mut state).unwrap();

    // The apply: one create done, one delete done, one create whose outcome was not
    // recorded, then the process "dies" (the journal is dropped, the state not saved).
    {
        let lock = backend.lock("apply", Duration::ZERO).unwrap();
        let journal = Arc::new(
            backend
                .journal(planner::state::Protector::default())
                .unwrap(),
        );
        let created = object("vm.new", "n-1");
        let intent = |op, address: &str| {
            Entry::new(Phase::Intent, op, address.parse().unwrap(), "vm", "sim")
        };
        journal.append(intent(Op::Create, "vm.new")).await.unwrap();
        journal
            .append(Entry::done(Op::Create, &created))
            .await
            .unwrap();
        journal.append(intent(Op::Delete, "vm.gone")).await.unwrap();
        journal
            .append(Entry::done(Op::Delete, &object("vm.gone", "g")))
            .await
            .unwrap();
        journal
            .append(intent(Op::Create, "vm.maybe"))
            .await
            .unwrap();
        drop(lock);
    }

    let _lock = backend.lock("apply", Duration::ZERO).unwrap();
    let mut state = backend.load().unwrap().unwrap();
    let recovery = backend.recover(&mut state).unwrap();
    assert_eq!(recovery.applied, 2);
    assert_eq!(recovery.pending.len(), 1);
    assert_eq!(recovery.pending[0].address.to_string(), "vm.maybe");
    assert_eq!(recovery.pending[0].seq, 5);
    let addresses: Vec<_> = state
        .objects
        .iter()
        .map(|o| o.address.to_string())
        .collect();
    assert_eq!(addresses, ["vm.new"]);
    backend.save(&mut state).unwrap();
    backend.clear_journal().unwrap();
    assert_eq!(backend.recover(&mut state).unwrap().applied, 0);
    assert_eq!(backend.load().unwrap().unwrap().objects, state.objects);
}

#[test]
fn two_backends_on_one_folder_exclude_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let first = LocalBackend::new(dir.path());
    let second = LocalBackend::new(dir.path());
    let held = first.lock("apply", Duration::ZERO).unwrap();

    let err = second.lock("plan", Duration::from_millis(250)).unwrap_err();
    let LockError::Held(holder) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(&**holder, held.info());
    let message = err.to_string();
    assert!(
        message.contains(&format!("locked by {}", holder.who)),
        "{message}"
    );
    assert!(
        message.contains(&format!("pid {}", std::process::id())),
        "{message}"
    );
    assert!(message.contains("for \"apply\" since "), "{message}");
    assert!(
        message.contains(&format!("`strata state unlock {}`", holder.id)),
        "{message}"
    );

    // The second waits, and gets the lock once the first lets go.
    let waiter = std::thread::spawn(move || second.lock("plan", Duration::from_secs(20)));
    std::thread::sleep(Duration::from_millis(300));
    assert!(!waiter.is_finished());
    held.release().unwrap();
    let taken = waiter.join().unwrap().unwrap();
    assert_eq!(first.holder().unwrap().as_ref(), Some(taken.info()));
    assert!(first.lock("apply", Duration::ZERO).is_err());
}

#[test]
fn force_unlock_refuses_a_wrong_id() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let lock = backend.lock("apply", Duration::ZERO).unwrap();
    let err = backend.unlock("0000").unwrap_err();
    assert!(
        matches!(&err, LockError::WrongId { holder, .. } if holder.id == lock.id()),
        "{err:?}"
    );
    assert!(err.to_string().contains(lock.id()), "{err}");
    assert_eq!(backend.unlock(lock.id()).unwrap().id, lock.id());
    assert!(matches!(
        backend.unlock(lock.id()),
        Err(LockError::NotLocked { .. })
    ));
}

// ---- kill -9 in the middle of an apply ----

/// Set in the child process: the folder its apply writes to.
const CHILD_DIR: &str = "STRATA_TEST_CRASH_DIR";
/// Set in the child process: the round, so each round's addresses are new.
const CHILD_ROUND: &str = "STRATA_TEST_CRASH_ROUND";
const CHILD_TASKS: usize = 4;

/// A stand-in apply: takes the lock, then `CHILD_TASKS` tasks create objects (and update
/// every third one), journaling each call, printing `ack ADDRESS` once a `Done` of a create
/// is durable. Runs until killed (or a bound, so it can never run forever).
fn crash_child(dir: &Path, round: &str) {
    let backend = LocalBackend::new(dir);
    let lock = backend.lock("apply", Duration::from_secs(10)).unwrap();
    let journal = Arc::new(
        backend
            .journal(planner::state::Protector::default())
            .unwrap(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    runtime.block_on(async {
        let tasks: Vec<_> = (0..CHILD_TASKS)
            .map(|t| {
                let journal = Arc::clone(&journal);
                let round = round.to_string();
                tokio::spawn(async move {
                    for i in 0..200_000u64 {
                        let address = format!("vm.r{round}_t{t}[{i}]");
                        let mut created = object(&address, &format!("id-{round}-{t}-{i}"));
                        let intent = Entry::new(
                            Phase::Intent,
                            Op::Create,
                            created.address.clone(),
                            "vm",
                            "sim",
                        );
                        journal.append(intent).await.unwrap();
                        journal
                            .append(Entry::done(Op::Create, &created))
                            .await
                            .unwrap();
                        println!("ack {address}");
                        if i % 3 == 0 {
                            let intent = Entry::new(
                                Phase::Intent,
                                Op::Update,
                                created.address.clone(),
                                "vm",
                                "sim",
                            );
                            journal.append(intent).await.unwrap();
                            created.attributes.insert("n".into(), 2.into());
                            journal
                                .append(Entry::done(Op::Update, &created))
                                .await
                                .unwrap();
                        }
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    drop(lock);
}

/// The entries of the journal as JSON values: (phase, op, address, attributes.n). A last
/// line without its newline counts only if it is whole.
fn raw_journal(path: &Path) -> Vec<(String, String, String, Option<u64>)> {
    let text = fs::read(path).unwrap_or_default();
    let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    let last = lines.pop().unwrap_or_default();
    let mut values: Vec<serde_json::Value> = lines
        .iter()
        .map(|line| serde_json::from_slice(line).unwrap())
        .collect();
    values.extend(serde_json::from_slice(last).ok());
    values
        .iter()
        .map(|v| {
            let field = |name: &str| v[name].as_str().unwrap().to_string();
            (
                field("phase"),
                field("op"),
                field("address"),
                v["attributes"]["n"].as_u64(),
            )
        })
        .collect()
}

#[test]
fn journal_survives_kill_9() {
    if let (Ok(dir), Ok(round)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_ROUND)) {
        crash_child(Path::new(&dir), &round);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    // Expected contents of the state: address -> updated?
    let mut expected: BTreeMap<String, bool> = BTreeMap::new();
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "journal_survives_kill_9",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR, dir.path())
            .env(CHILD_ROUND, round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let child_pid = child.id();
        let stdout = child.stdout.take().unwrap();
        let (first_ack, started) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut acked = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(address) = line.strip_prefix("ack ") {
                    if acked.is_empty() {
                        let _ = first_ack.send(());
                    }
                    acked.push(address.to_string());
                }
            }
            acked
        });
        if started.recv_timeout(Duration::from_secs(60)).is_err() {
            let _ = child.kill();
            panic!("the child apply never acknowledged an entry");
        }
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        std::thread::sleep(Duration::from_millis(20 + u64::from(nanos) % 300));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let acked = reader.join().unwrap();

        // The next run finds the dead child's lock and breaks it.
        let started_at = Instant::now();
        let lock = backend.lock("apply", Duration::from_secs(5)).unwrap();
        assert!(started_at.elapsed() < Duration::from_secs(5));
        assert_eq!(lock.broken_stale.as_ref().map(|l| l.pid), Some(child_pid));

        if round == 1 {
            // As if the kill had cut the last write short.
            let mut journal = fs::OpenOptions::new()
                .append(true)
                .open(backend.journal_path())
                .unwrap();
            journal
                .write_all(br#"{"seq":999999,"phase":"done","op":"cre"#)
                .unwrap();
        }
        let raw = raw_journal(&backend.journal_path());
        let mut state = backend
            .load()
            .unwrap()
            .unwrap_or_else(LocalBackend::new_state);
        let recovery = backend.recover(&mut state).unwrap();

        let done: Vec<_> = raw.iter().filter(|(phase, ..)| phase == "done").collect();
        assert_eq!(
            recovery.applied,
            done.len(),
            "round {round}: every done entry applied once"
        );
        if round == 1 {
            assert!(recovery.discarded_tail, "a torn last line is reported");
        }
        assert!(
            recovery.pending.len() <= CHILD_TASKS,
            "at most one open call a task"
        );
        for (_, op, address, n) in done {
            match op.as_str() {
                "create" => assert!(
                    expected.insert(address.clone(), false).is_none(),
                    "{address} twice"
                ),
                "update" => {
                    assert_eq!(*n, Some(2));
                    *expected.get_mut(address).unwrap() = true;
                }
                other => panic!("unexpected op {other}"),
            }
        }
        let in_state: BTreeMap<String, bool> = state
            .objects
            .iter()
            .map(|o| (o.address.to_string(), o.attributes.get("n").is_some()))
            .collect();
        assert_eq!(in_state, expected, "round {round}");
        assert_eq!(state.objects.len(), expected.len(), "no duplicates");
        let acked: BTreeSet<_> = acked.into_iter().collect();
        assert!(!acked.is_empty());
        let missing: Vec<_> = acked
            .iter()
            .filter(|a| !expected.contains_key(*a))
            .collect();
        assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");

        backend.save(&mut state).unwrap();
        backend.clear_journal().unwrap();
        lock.release().unwrap();
    }
}

#[tokio::test]
async fn a_create_before_destroy_interrupted_between_create_and_delete_keeps_both_objects() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let mut state = LocalBackend::new_state();
    state.objects.push(object("vm.a", "old"));
    backend.save(&mut state).unwrap();
    let journal = backend
        .journal(planner::state::Protector::default())
        .unwrap();
    let address: blueprint::Address = "vm.a".parse().unwrap();
    let intent = Entry {
        key: Some("vm.a#old".into()),
        ..Entry::new(Phase::Intent, Op::Create, address.clone(), "vm", "sim")
    };
    journal.append(intent).await.unwrap();
    let done = Entry {
        key: Some("vm.a#old".into()),
        ..Entry::done(Op::Create, &object("vm.a", "new"))
    };
    journal.append(done).await.unwrap();
    drop(journal);
    // Killed here: the old object is not deleted yet, and must not be forgotten.
    let mut recovered = backend.load().unwrap().unwrap();
    backend.recover(&mut recovered).unwrap();
    let mut ids: Vec<&str> = recovered.objects.iter().map(|o| o.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["new", "old"]);
    // The next run deletes the old one by id; the new one stays.
    let journal = backend
        .journal(planner::state::Protector::default())
        .unwrap();
    let delete = Entry {
        id: Some("old".into()),
        ..Entry::new(Phase::Done, Op::Delete, address, "vm", "sim")
    };
    journal.append(delete).await.unwrap();
    drop(journal);
    let mut again = backend.load().unwrap().unwrap();
    backend.recover(&mut again).unwrap();
    let ids: Vec<&str> = again.objects.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["new"]);
}
