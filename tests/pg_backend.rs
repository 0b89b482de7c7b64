//! The PostgreSQL state backend end to end, against a real server (`STRATA_TEST_PG`; each
//! test skips with a message when it is unset): versions and history, pull and push,
//! locks with leases between real processes (two applies at once, a holder killed with
//! SIGKILL), the journal finishing a killed apply, workspaces, migration local →
//! PostgreSQL → local, and sealing.

mod common;

use std::time::Duration;

use common::pg::PgCase;

/// A platform whose apply takes a few seconds (`latency` per provider call, one call at a
/// time with `-parallelism=1`); `strata.workspace` in a description.
const SLOW: &str = r#"
provider "sim" {
  latency = "250ms"
}
site "dc" {}
host_pool "p" {
  site  = site.dc
  hosts = 2
  host {
    cpu    = 64
    memory = "512GiB"
  }
}
network_zone "z" {
  cidr = "10.0.0.0/16"
}
vm "web" {
  count       = VMS
  pool        = host_pool.p
  zone        = network_zone.z
  cpu         = 2
  memory      = "4GiB"
  description = "web in ${strata.workspace}"
}
"#;

fn blueprint(vms: usize) -> String {
    SLOW.replace("VMS", &vms.to_string())
}

fn apply(case: &PgCase) -> String {
    case.ok(&["apply", "-auto-approve"])
}

#[test]
fn history_lists_every_version_and_pull_reads_an_old_serial() {
    let Some(case) = PgCase::new("history", &blueprint(1)) else {
        return;
    };
    case.use_postgres("5s");
    let refused = case.fails(&["plan"]);
    assert!(refused.contains("run `strata init` first"), "{refused}");
    case.ok(&["init"]);
    apply(&case);
    let first = case.ok(&["state", "pull"]);
    std::fs::write(case.path().join("main.hcl"), blueprint(2)).unwrap();
    apply(&case);
    let history = case.ok(&["state", "history"]);
    let rows: Vec<&str> = history.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{history}");
    for (row, serial) in rows.iter().zip(1..) {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[0], serial.to_string(), "{history}");
        assert!(row.contains("apply"), "{history}");
    }
    assert_eq!(case.ok(&["state", "pull", "--serial", "2"]), first);
    let current = case.ok(&["state", "pull"]);
    assert!(current.contains("\"serial\": 3"), "{current}");
    assert!(current.contains("vm.web[1]") && !first.contains("vm.web[1]"));
    let missing = case.fails(&["state", "pull", "--serial", "9"]);
    assert!(
        missing.contains("serial 9") && missing.contains("state history"),
        "{missing}"
    );

    // Push: the current version comes back as the next; a stale one and another
    // lineage are refused.
    let file = case.path().join("pulled.json");
    std::fs::write(&file, &current).unwrap();
    let pushed = case.ok(&["state", "push", file.to_str().unwrap()]);
    assert!(pushed.contains("serial 4"), "{pushed}");
    let stale = case.fails(&["state", "push", file.to_str().unwrap()]);
    assert!(stale.contains("changed since it was read"), "{stale}");
    let other = current.replacen("\"lineage\": \"", "\"lineage\": \"0", 1);
    std::fs::write(&file, other).unwrap();
    let foreign = case.fails(&["state", "push", file.to_str().unwrap()]);
    assert!(foreign.contains("another state"), "{foreign}");
    assert!(case.ok(&["state", "pull"]).contains("\"serial\": 4"));
}

#[test]
fn two_applies_at_once_one_proceeds_the_other_fails_naming_the_holder() {
    let Some(case) = PgCase::new("two", &blueprint(8)) else {
        return;
    };
    case.use_postgres("3s");
    case.ok(&["init"]);
    let first = case.spawn(&["apply", "-auto-approve", "-parallelism=1"]);
    let listing = case.wait_for_lock();
    assert!(listing.contains(&first.id().to_string()), "{listing}");
    let started = std::time::Instant::now();
    let second = case.fails(&["apply", "-auto-approve", "-lock-timeout=2s"]);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "it did not wait"
    );
    assert!(second.contains("the state is locked by"), "{second}");
    assert!(second.contains(&format!("pid {}", first.id())), "{second}");
    assert!(second.contains("for \"apply\""), "{second}");
    assert!(second.contains("strata state unlock"), "{second}");
    let out = first.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
    assert_eq!(case.ok(&["state", "list"]).lines().count(), 11);
    assert!(case.ok(&["state", "locks"]).starts_with("No locks"));
}

#[test]
fn a_holder_killed_with_sigkill_frees_the_lock_when_its_lease_ends_and_its_work_is_finished() {
    let Some(case) = PgCase::new("kill", &blueprint(10)) else {
        return;
    };
    case.use_postgres("2s");
    case.ok(&["init"]);
    let mut holder = case.spawn(&["apply", "-auto-approve", "-parallelism=1"]);
    case.wait_for_lock();
    std::thread::sleep(Duration::from_millis(1500));
    holder.kill().unwrap(); // SIGKILL
    holder.wait().unwrap();
    // Its lease has not ended yet: the lock is still its.
    let held = case.fails(&["plan"]);
    assert!(held.contains(&format!("pid {}", holder.id())), "{held}");
    let out = case.run(&["apply", "-auto-approve", "-lock-timeout=20s"]);
    let text = common::text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("took over a stale state lock"), "{text}");
    assert!(text.contains("lease ended"), "{text}");
    assert!(text.contains("restored from the journal"), "{text}");
    let listed = case.ok(&["state", "list"]);
    assert_eq!(listed.lines().count(), 13, "{listed}");
    // Nothing twice in the simulated datacenter: what the killed run created was kept.
    let sim: serde_json::Value = serde_json::from_str(&case.ok(&["sim", "show", "-json"])).unwrap();
    assert_eq!(sim["objects"].as_array().unwrap().len(), 13, "{sim}");
    let plan = case.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(0), "{}", common::text(&plan));
}

#[test]
fn a_lock_is_listed_and_broken_by_its_id() {
    let Some(case) = PgCase::new("unlock", &blueprint(6)) else {
        return;
    };
    case.use_postgres("60s");
    case.ok(&["init"]);
    let mut holder = case.spawn(&["apply", "-auto-approve", "-parallelism=1"]);
    let listing = case.wait_for_lock();
    holder.kill().unwrap();
    holder.wait().unwrap();
    let row = listing.lines().nth(1).unwrap();
    let id = row.split_whitespace().next().unwrap();
    assert!(
        row.contains("default") && row.contains("apply"),
        "{listing}"
    );
    let wrong = case.fails(&["state", "unlock", "0000"]);
    assert!(
        wrong.contains("lock id 0000 is not the id of the lock held"),
        "{wrong}"
    );
    let unlocked = case.ok(&["state", "unlock", id]);
    assert!(
        unlocked.contains(&format!("process {}", holder.id())),
        "{unlocked}"
    );
    assert!(case.ok(&["state", "locks"]).starts_with("No locks"));
    apply(&case);
}

#[test]
fn workspaces_keep_their_own_states_and_name_themselves() {
    let Some(case) = PgCase::new("workspaces", &blueprint(1)) else {
        return;
    };
    case.use_postgres("5s");
    case.ok(&["init"]);
    apply(&case);
    for name in ["dev", "prod"] {
        let created = case.ok(&["workspace", "new", name]);
        assert!(created.contains(&format!("switched to workspace \"{name}\"")));
        assert!(case.ok(&["state", "list"]).is_empty());
        apply(&case);
        let shown = case.ok(&["state", "show", "vm.web[0]"]);
        assert!(shown.contains(&format!("\"web in {name}\"")), "{shown}");
    }
    assert_eq!(case.ok(&["workspace", "show"]).trim(), "prod");
    assert_eq!(
        case.ok(&["workspace", "list"]),
        "  default\n  dev\n* prod\n"
    );
    let busy = case.fails(&["workspace", "delete", "dev"]);
    assert!(busy.contains("still manages 4 object(s)"), "{busy}");
    case.ok(&["workspace", "select", "dev"]);
    case.ok(&["destroy", "-auto-approve"]);
    case.ok(&["workspace", "select", "default"]);
    case.ok(&["workspace", "delete", "dev"]);
    assert_eq!(case.ok(&["workspace", "list"]), "* default\n  prod\n");
    let shown = case.ok(&["state", "show", "vm.web[0]"]);
    assert!(shown.contains("\"web in default\""), "{shown}");
}

#[test]
fn migration_local_to_postgres_and_back_keeps_every_state_byte_for_byte() {
    let Some(case) = PgCase::new("migrate", &blueprint(1)) else {
        return;
    };
    apply(&case);
    case.ok(&["workspace", "new", "dev"]);
    apply(&case);
    case.ok(&["workspace", "select", "default"]);
    let local_default = std::fs::read(case.local().join("state.json")).unwrap();
    let local_dev = std::fs::read(case.local().join("workspaces/dev/state.json")).unwrap();

    case.use_postgres("5s");
    let changed = case.fails(&["plan"]);
    assert!(changed.contains("run `strata init` first"), "{changed}");
    let asked = case.fails(&["init"]);
    assert!(
        asked.contains("-migrate-state") && asked.contains("default, dev"),
        "{asked}"
    );
    let moved = case.ok(&["init", "-migrate-state"]);
    assert!(
        moved.contains("Moved the state of 2 workspace(s)"),
        "{moved}"
    );
    assert_eq!(case.ok(&["state", "pull"]).as_bytes(), local_default);
    case.ok(&["workspace", "select", "dev"]);
    assert_eq!(case.ok(&["state", "pull"]).as_bytes(), local_dev);
    assert!(case.ok(&["workspace", "list"]).contains("* dev"));

    // A change made on PostgreSQL comes back with the state.
    std::fs::write(case.path().join("main.hcl"), blueprint(2)).unwrap();
    apply(&case);
    let remote_dev = case.ok(&["state", "pull"]);
    case.ok(&["workspace", "select", "default"]);
    let remote_default = case.ok(&["state", "pull"]);

    case.use_local();
    let asked = case.fails(&["apply", "-auto-approve"]);
    assert!(asked.contains("the backend changed"), "{asked}");
    case.ok(&["init", "-migrate-state"]);
    assert_eq!(
        std::fs::read_to_string(case.local().join("state.json")).unwrap(),
        remote_default
    );
    assert_eq!(
        std::fs::read_to_string(case.local().join("workspaces/dev/state.json")).unwrap(),
        remote_dev
    );
    case.ok(&["workspace", "select", "dev"]);
    let plan = case.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(0), "{}", common::text(&plan));
}

#[test]
fn sensitive_values_are_sealed_in_the_database() {
    const SECRET: &str = "pg-canary-7c1e5b";
    let blueprint = format!(
        "{}\nvariable \"token\" {{\n  type      = string\n  sensitive = true\n  default   = \"{SECRET}\"\n}}\n",
        blueprint(1).replace("\"web in ${strata.workspace}\"", "var.token")
    );
    let Some(case) = PgCase::new("seal", &blueprint) else {
        return;
    };
    case.use_postgres("5s");
    case.ok(&["init"]);
    let out = case
        .command(&["apply", "-auto-approve"])
        .env("STRATA_STATE_KEY", "team key")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
    assert!(!common::text(&out).contains(SECRET));
    let pulled = case.ok(&["state", "pull"]);
    assert!(!pulled.contains(SECRET), "{pulled}");
    assert!(pulled.contains("\"sealed\""), "{pulled}");
    // With the key the next plan reads the sealed value and sees no change.
    let plan = case
        .command(&["plan", "-detailed-exitcode"])
        .env("STRATA_STATE_KEY", "team key")
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(0), "{}", common::text(&plan));
}

#[test]
fn the_connection_string_and_its_password_are_never_printed() {
    let Some(case) = PgCase::new("conn", &blueprint(1)) else {
        return;
    };
    let password = "Wr0ng-pass-5e1f";
    let conn = format!("host=127.0.0.1 port=1 user=strata password={password} dbname=x");
    case.use_postgres("5s");
    for args in [&["init"][..], &["plan"][..], &["state", "list"][..]] {
        let out = case
            .command(args)
            .env("STRATA_PG_CONN", &conn)
            .output()
            .unwrap();
        let text = common::text(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {text}");
        assert!(!text.contains(password), "{args:?}: {text}");
    }
    let out = case
        .command(&["init"])
        .env("STRATA_PG_CONN", &conn)
        .output()
        .unwrap();
    let text = common::text(&out);
    assert!(text.contains("could not connect"), "{text}");
    assert!(text.contains("127.0.0.1:1"), "{text}");
}
