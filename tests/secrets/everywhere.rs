//! Every command, succeeding and failing, with the canary given each way, with and without
//! a state key; arbitrary canaries; an apply killed mid-run.

use std::path::Path;
use std::process::Command;

use proptest::prelude::*;

use crate::case::{CANARY, Case, Method};
use crate::common::{code, text};

/// Every command, succeeding and failing, with the canary given by `method`.
fn every_command(canary: &str, method: Method, key: Option<&'static str>) {
    let case = Case::new(canary, method, key);

    // Reading the blueprint.
    let valid = case.ok(&["validate"], true);
    assert!(valid.contains("Success!"), "{valid}");
    case.ok(&["validate", "-json"], true);
    case.ok(&["graph"], true);
    case.ok(&["graph", "--format", "json"], true);
    case.ok(&["capacity"], true);
    case.ok(&["capacity", "--json"], true);
    case.ok(
        &["simulate", "--scenario", "loss", "--replications", "2"],
        true,
    );
    for format in ["json", "md", "html"] {
        let file = case.out(&format!("report.{format}"));
        case.ok(
            &[
                "report",
                "--scenario",
                "loss",
                "--replications",
                "2",
                "--format",
                format,
                "-o",
                &file,
            ],
            true,
        );
    }

    // Failing: a validation rule, a function call, a type check.
    let failed = case.fails("token", &["validate", "-var=strict=true"]);
    assert!(
        failed.contains("In strict mode the token must be short."),
        "{failed}"
    );
    for args in [
        vec!["validate", "-var=as_number=true"],
        vec!["validate", "-json", "-var=as_number=true"],
        vec!["plan", "-var=as_number=true"],
    ] {
        let failed = case.fails("token", &args);
        assert!(failed.contains("tonumber"), "{failed}");
    }
    case.write_blueprint("pin", "1234");
    let failed = case.fails("pin", &["validate"]);
    assert!(
        failed.contains("Invalid value for variable \"pin\""),
        "{failed}"
    );
    case.fails("pin", &["plan"]);
    case.write_blueprint("token", "1234");

    // Plan, save the plan, apply it; then nothing is left to do.
    let plan = case.ok(&["plan"], true);
    assert!(plan.contains("description = (sensitive value)"), "{plan}");
    case.ok(&["plan", "-json"], true);
    let saved = case.out("plan.out");
    case.ok(&["plan", &format!("-out={saved}")], true);
    case.assert_files_clean();
    let applied = case.ok(&["apply", &saved], true);
    assert!(applied.contains("Apply complete!"), "{applied}");
    let again = case.run(&["plan", "-detailed-exitcode"], true);
    assert_eq!(code(&again), 0, "converged: {}", text(&again));
    case.assert_files_clean();

    // Reading what exists.
    assert!(case.ok(&["output"], false).contains("<sensitive>"));
    case.ok(&["output", "-json"], false);
    case.ok(&["output", "token"], false);
    case.ok(&["state", "list"], false);
    let shown = case.ok(&["state", "show", "site.dc"], false);
    assert!(shown.contains("(sensitive)"), "{shown}");
    case.ok(&["state", "show", "module.edge.site.edge"], false);
    case.ok(&["state", "show", "kubernetes_cluster.main"], false);
    case.ok(&["sim", "show", "-json"], false);
    for (input, code_wanted, shown) in [
        ("var.token\n", 0, "(sensitive value)"),
        ("site.dc.description\n", 0, "(sensitive value)"),
        ("upper(var.token)\n", 0, "(sensitive value)"),
        (
            "tonumber(var.token)\n",
            1,
            "uses the sensitive value var.token",
        ),
    ] {
        let out = case.run_with_input("token", &["console"], true, input);
        assert_eq!(code(&out), code_wanted, "console {input}: {}", text(&out));
        assert!(
            text(&out).contains(shown),
            "console {input}: {}",
            text(&out)
        );
    }

    // Drift behind Strata's back is found, shown masked, and repaired.
    case.ok(
        &["sim", "drift", "site.dc", "description=changed by hand"],
        false,
    );
    let drift = case.run(&["plan", "-detailed-exitcode"], true);
    assert_eq!(code(&drift), 2, "{}", text(&drift));
    assert!(
        text(&drift).contains("site.dc has changed"),
        "{}",
        text(&drift)
    );
    case.ok(&["apply", "-auto-approve"], true);
    let again = case.run(&["plan", "-detailed-exitcode"], true);
    assert_eq!(code(&again), 0, "converged after drift: {}", text(&again));

    // An apply whose provider calls fail.
    let failed = case.fails(
        "token",
        &[
            "apply",
            "-auto-approve",
            "-replace=site.dc",
            "-var=faults=100%",
        ],
    );
    assert!(failed.contains("Apply failed"), "{failed}");

    // Taken out of the state and imported back: still converged.
    let id = serde_json::from_str::<serde_json::Value>(&shown).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    case.ok(&["state", "rm", "site.dc"], false);
    case.ok(&["import", "site.dc", &id], true);
    let again = case.run(&["plan", "-detailed-exitcode"], true);
    assert_eq!(code(&again), 0, "converged after import: {}", text(&again));
    case.assert_files_clean();

    case.ok(&["destroy", "-auto-approve"], true);
    case.assert_files_clean();
}

#[test]
fn a_canary_given_by_var_never_shows() {
    every_command(CANARY, Method::Var, None);
}

#[test]
fn a_canary_in_an_hcl_variable_file_never_shows() {
    every_command(CANARY, Method::VarFileHcl, None);
}

#[test]
fn a_canary_in_a_json_variable_file_never_shows() {
    every_command(CANARY, Method::VarFileJson, None);
}

#[test]
fn a_canary_in_the_environment_never_shows() {
    every_command(CANARY, Method::Environment, None);
}

#[test]
fn a_canary_default_never_shows() {
    every_command(CANARY, Method::Default, None);
}

#[test]
fn a_canary_never_shows_with_a_state_key() {
    for method in [Method::Var, Method::VarFileHcl, Method::Default] {
        every_command(CANARY, method, Some("correct horse battery staple"));
    }
}

/// An apply killed while it runs leaves journal lines about the objects it created: they
/// hold no secret, and the next run finishes the apply and converges.
#[test]
fn a_killed_apply_leaves_no_secret_in_the_journal() {
    for key in [None, Some("correct horse battery staple")] {
        let case = Case::new(CANARY, Method::Var, key);
        let text_of = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
        let main = case.dir.join("main.hcl");
        let slow = text_of(&main).replace(
            "failure_rate = var.faults",
            "failure_rate = var.faults\n  latency      = \"150ms\"",
        );
        std::fs::write(&main, slow).unwrap();
        let (var_args, _) = case.inputs("token");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
        cmd.args(["apply", "-auto-approve", "-parallelism=1"])
            .args(&var_args)
            .current_dir(&case.dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .env_remove("STRATA_STATE_KEY");
        if let Some(key) = key {
            cmd.env("STRATA_STATE_KEY", key);
        }
        let mut child = cmd.spawn().unwrap();
        let journal = case.dir.join(".strata/journal.jsonl");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        // Sites come first: wait until site.dc is recorded as created, then kill.
        let created = "\"phase\":\"done\",\"op\":\"create\",\"address\":\"site.dc\"";
        while !text_of(&journal).contains(created) {
            assert!(std::time::Instant::now() < deadline, "no journal line");
            assert!(child.try_wait().unwrap().is_none(), "apply ended too soon");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let lines = text_of(&journal);
        let marker = if key.is_some() {
            "\"sealed\""
        } else {
            "\"digest\""
        };
        assert!(
            lines.contains(marker) && lines.contains("\"sensitive\":[\"description\""),
            "{lines}"
        );
        case.assert_files_clean();
        // Read-only commands show what the journal holds, masked.
        case.ok(&["state", "list"], false);
        let shown = case.ok(&["state", "show", "site.dc"], false);
        assert!(shown.contains("(sensitive)"), "{shown}");

        case.ok(&["apply", "-auto-approve"], true);
        let again = case.run(&["plan", "-detailed-exitcode"], true);
        assert_eq!(
            code(&again),
            0,
            "converged after the crash: {}",
            text(&again)
        );
        let shown = case.ok(&["state", "show", "site.dc"], false);
        assert!(shown.contains("(sensitive)"), "{shown}");
        case.assert_files_clean();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// Arbitrary canaries (printable, with quotes, backslashes, `${`, unicode) never show
    /// in failing or succeeding runs, nor in the files they leave.
    #[test]
    fn arbitrary_canaries_never_show(
        middle in "[ -~\u{a0}-\u{2fff}\u{1f600}-\u{1f64f}]{4,24}",
        method in prop_oneof![
            Just(Method::Var),
            Just(Method::VarFileHcl),
            Just(Method::VarFileJson),
            Just(Method::Environment),
            Just(Method::Default),
        ],
    ) {
        let canary = format!("Cn{middle}Zq");
        let case = Case::new(&canary, method, None);
        case.fails("token", &["validate", "-var=strict=true"]);
        case.fails("token", &["validate", "-var=as_number=true"]);
        case.write_blueprint("pin", "1234");
        case.fails("pin", &["validate"]);
        case.write_blueprint("token", "1234");
        case.ok(&["plan", "-json"], true);
        case.ok(&["apply", "-auto-approve"], true);
        let again = case.run(&["plan", "-detailed-exitcode"], true);
        prop_assert_eq!(code(&again), 0, "{}", text(&again));
        case.ok(&["state", "show", "site.dc"], false);
        case.assert_files_clean();
    }
}
