//! The journal file: compact entries, recovery of an interrupted apply, torn and damaged
//! lines, and clearing.

use std::collections::BTreeMap;
use std::sync::Arc;

use blueprint::Address;

use super::*;
use crate::provider::Attrs;
use crate::state::{Object, Op, Phase};

fn address(text: &str) -> Address {
    text.parse().unwrap()
}

fn done(op: Op, text: &str, id: &str, size: u64) -> Entry {
    let mut attributes = Attrs::new();
    attributes.insert("size".into(), size.into());
    Entry {
        id: Some(id.into()),
        attributes: Some(attributes),
        dependencies: vec![address("site.dc1")],
        created_at: Some(100),
        ..Entry::new(Phase::Done, op, address(text), "vm", "sim")
    }
}

fn intent(op: Op, text: &str) -> Entry {
    Entry::new(Phase::Intent, op, address(text), "vm", "sim")
}

fn write_lines(backend: &LocalBackend, entries: &[Entry], tail: &str) {
    let mut text = String::new();
    for (i, entry) in entries.iter().enumerate() {
        let entry = Entry {
            seq: i as u64 + 1,
            ..entry.clone()
        };
        text.push_str(&serde_json::to_string(&entry).unwrap());
        text.push('\n');
    }
    text.push_str(tail);
    fs::write(backend.journal_path(), text).unwrap();
}

#[test]
fn entries_serialize_compactly_in_snake_case() {
    let line = serde_json::to_string(&intent(Op::Create, "vm.web[2]")).unwrap();
    assert_eq!(
        line,
        r#"{"seq":0,"phase":"intent","op":"create","address":"vm.web[2]","kind":"vm","provider":"sim"}"#
    );
    let entry = done(Op::Update, "module.a.vm.b", "i", 1);
    let back: Entry = serde_json::from_str(&serde_json::to_string(&entry).unwrap()).unwrap();
    assert_eq!(back, entry);
}

#[test]
fn recover_replays_moves_forgets_and_protection() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let mut state = LocalBackend::new_state();
    let mut pool = Object {
        address: address("host_pool.p"),
        kind: "host_pool".into(),
        provider: "sim".into(),
        id: "pool-1".into(),
        attributes: Attrs::new(),
        dependencies: Vec::new(),
        created_at: 5,
        sensitive: Vec::new(),
        prevent_destroy: false,
    };
    let mut vm = pool.clone();
    (vm.address, vm.kind, vm.id) = (address("vm.a"), "vm".into(), "vm-1".into());
    vm.dependencies = vec![address("host_pool.p")];
    vm.attributes.insert("pool".into(), "host_pool.p".into());
    pool.prevent_destroy = true;
    let mut gone = vm.clone();
    (gone.address, gone.id) = (address("vm.gone"), "vm-2".into());
    state.objects = vec![pool, vm, gone];
    let entries = [
        Entry {
            id: Some("pool-1".into()),
            previous_address: Some(address("host_pool.p")),
            prevent_destroy: true,
            ..Entry::new(
                Phase::Done,
                Op::Move,
                address("host_pool.q"),
                "host_pool",
                "sim",
            )
        },
        Entry {
            id: Some("vm-2".into()),
            ..Entry::new(Phase::Done, Op::Forget, address("vm.gone"), "vm", "sim")
        },
        Entry {
            prevent_destroy: true,
            ..done(Op::Create, "vm.new", "vm-3", 1)
        },
    ];
    write_lines(&backend, &entries, "");
    assert_eq!(backend.recover(&mut state).unwrap().applied, 3);
    let by: BTreeMap<String, &Object> = state
        .objects
        .iter()
        .map(|o| (o.address.to_string(), o))
        .collect();
    assert_eq!(
        by.keys().collect::<Vec<_>>(),
        ["host_pool.q", "vm.a", "vm.new"]
    );
    assert!(by["host_pool.q"].prevent_destroy && by["vm.new"].prevent_destroy);
    assert_eq!(by["vm.a"].dependencies, [address("host_pool.q")]);
    assert_eq!(by["vm.a"].attributes["pool"], "host_pool.q");
}

#[test]
fn recover_applies_done_entries_and_returns_pending_intents() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let mut state = LocalBackend::new_state();
    state.objects.push(Object {
        address: address("vm.old"),
        kind: "vm".into(),
        provider: "sim".into(),
        id: "old-1".into(),
        attributes: Attrs::new(),
        dependencies: Vec::new(),
        created_at: 5,
        sensitive: Vec::new(),
        prevent_destroy: false,
    });
    state.objects.push(Object {
        address: address("vm.keep"),
        id: "keep-1".into(),
        ..state.objects[0].clone()
    });
    let entries = [
        intent(Op::Create, "vm.b"),
        intent(Op::Create, "vm.a"),
        done(Op::Create, "vm.a", "a-1", 1),
        intent(Op::Delete, "vm.old"),
        Entry {
            id: Some("old-1".into()),
            ..Entry::new(Phase::Done, Op::Delete, address("vm.old"), "vm", "sim")
        },
        intent(Op::Update, "vm.keep"),
        Entry {
            attributes: None,
            id: None,
            created_at: None,
            ..done(Op::Update, "vm.keep", "", 0)
        },
        intent(Op::Create, "vm.c"),
        Entry {
            error: Some("quota".into()),
            ..Entry::new(Phase::Failed, Op::Create, address("vm.c"), "vm", "sim")
        },
        intent(Op::Update, "vm.a"),
        done(Op::Update, "vm.a", "a-1", 2),
    ];
    write_lines(&backend, &entries, "");
    let recovery = backend.recover(&mut state).unwrap();
    assert_eq!(recovery.applied, 4);
    assert!(!recovery.discarded_tail);
    assert_eq!(recovery.pending.len(), 1);
    assert_eq!(recovery.pending[0].address, address("vm.b"));
    assert_eq!(recovery.pending[0].seq, 1);
    let addresses: Vec<_> = state
        .objects
        .iter()
        .map(|o| o.address.to_string())
        .collect();
    assert_eq!(addresses, ["vm.a", "vm.keep"]);
    let a = &state.objects[0];
    assert_eq!(
        (a.id.as_str(), a.created_at, a.attributes["size"].as_u64()),
        ("a-1", 100, Some(2))
    );
    assert_eq!(a.dependencies, [address("site.dc1")]);
    let keep = &state.objects[1];
    assert_eq!(
        (keep.id.as_str(), keep.created_at),
        ("keep-1", 5),
        "an update without id keeps it"
    );
}

#[test]
fn a_torn_last_line_is_ignored_and_cut_before_appending() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let entries = [
        intent(Op::Create, "vm.a"),
        done(Op::Create, "vm.a", "a-1", 1),
    ];
    write_lines(&backend, &entries, r#"{"seq":3,"phase":"intent","op":"cre"#);
    let mut state = LocalBackend::new_state();
    let recovery = backend.recover(&mut state).unwrap();
    assert_eq!(
        (
            recovery.applied,
            recovery.pending.len(),
            recovery.discarded_tail
        ),
        (1, 0, true)
    );

    let journal = backend.journal(Protector::new(None, "test")).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime
        .block_on(journal.append(intent(Op::Delete, "vm.a")))
        .unwrap();
    drop(journal);
    let text = fs::read_to_string(backend.journal_path()).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with(r#"{"seq":3,"phase":"intent","op":"delete""#),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3);
}

#[test]
fn a_whole_last_line_without_newline_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let line = serde_json::to_string(&Entry {
        seq: 9,
        ..done(Op::Create, "vm.a", "a-1", 1)
    })
    .unwrap();
    fs::write(backend.journal_path(), &line).unwrap();
    let mut state = LocalBackend::new_state();
    assert_eq!(backend.recover(&mut state).unwrap().applied, 1);
    let journal = backend.journal(Protector::new(None, "test")).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime
        .block_on(journal.append(intent(Op::Delete, "vm.a")))
        .unwrap();
    drop(journal);
    let text = fs::read_to_string(backend.journal_path()).unwrap();
    assert_eq!(text.lines().next().unwrap(), line);
    assert!(
        text.lines().nth(1).unwrap().starts_with(r#"{"seq":10,"#),
        "{text}"
    );
}

#[test]
fn a_damaged_middle_line_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    fs::write(backend.journal_path(), "{\"seq\":1}\n\n{}\n").unwrap();
    let err = backend.recover(&mut LocalBackend::new_state()).unwrap_err();
    assert!(
        matches!(err, StateError::JournalCorrupt { line: 1, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("journal.jsonl is damaged at line 1"),
        "{err}"
    );
    assert!(backend.journal(Protector::new(None, "test")).is_err());
}

#[test]
fn a_done_create_without_id_for_an_unknown_object_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    write_lines(
        &backend,
        &[Entry::new(
            Phase::Done,
            Op::Create,
            address("vm.x"),
            "vm",
            "sim",
        )],
        "",
    );
    let err = backend.recover(&mut LocalBackend::new_state()).unwrap_err();
    assert!(
        err.to_string()
            .contains("line 1 that cannot be applied: vm.x is not in the state"),
        "{err}"
    );
}

#[test]
fn missing_journal_recovers_nothing_and_clear_empties() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    assert_eq!(
        backend.recover(&mut LocalBackend::new_state()).unwrap(),
        Recovery::default()
    );
    backend.clear_journal().unwrap();
    write_lines(&backend, &[intent(Op::Create, "vm.a")], "");
    backend.clear_journal().unwrap();
    assert_eq!(fs::metadata(backend.journal_path()).unwrap().len(), 0);
    assert_eq!(
        backend.recover(&mut LocalBackend::new_state()).unwrap(),
        Recovery::default()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_are_all_written_in_order() {
    const TASKS: usize = 10;
    const PER_TASK: usize = 2_000;
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let journal = Arc::new(backend.journal(Protector::new(None, "test")).unwrap());
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let journal = Arc::clone(&journal);
            tokio::spawn(async move {
                for i in 0..PER_TASK {
                    let phase = if i % 2 == 0 {
                        Phase::Intent
                    } else {
                        Phase::Done
                    };
                    let mut entry = Entry::new(
                        phase,
                        Op::Create,
                        address(&format!("vm.t{t}[{}]", i / 2)),
                        "vm",
                        "sim",
                    );
                    entry.id = Some(format!("{t}-{i}"));
                    journal.append(entry).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    drop(journal);
    let contents = read_journal(&backend.journal_path()).unwrap().unwrap();
    assert_eq!(contents.entries.len(), TASKS * PER_TASK);
    let mut next_per_task = [0usize; TASKS];
    for (i, (_, entry)) in contents.entries.iter().enumerate() {
        assert_eq!(entry.seq, i as u64 + 1);
        let id = entry.id.as_deref().unwrap();
        let (t, n) = id.split_once('-').unwrap();
        let (t, n): (usize, usize) = (t.parse().unwrap(), n.parse().unwrap());
        assert_eq!(n, next_per_task[t], "task {t} out of order");
        next_per_task[t] += 1;
    }
    let mut state = LocalBackend::new_state();
    let recovery = backend.recover(&mut state).unwrap();
    assert_eq!(recovery.applied, TASKS * PER_TASK / 2);
    assert!(recovery.pending.is_empty());
    assert_eq!(state.objects.len(), TASKS * PER_TASK / 2);
}

#[tokio::test]
async fn appends_after_the_writer_failed_report_errors() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let mut journal = backend.journal(Protector::new(None, "test")).unwrap();
    journal.stop_writer();
    let err = journal
        .append(intent(Op::Create, "vm.a"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("the journal writer has stopped"),
        "{err}"
    );
}
