//! What the topics share: running `strata` at a fixed generation time, and the reference
//! platform's report with its commit masked.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The fixed generation time of every report in these tests (`SOURCE_DATE_EPOCH`).
const EPOCH: &str = "1700000000";

pub(crate) fn strata(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .output()
        .expect("strata runs")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `strata` and returns its stdout, which must succeed.
pub(crate) fn ok(args: &[&str]) -> String {
    let out = strata(args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

pub(crate) const REFERENCE: [&str; 8] = [
    "report",
    "blueprints/reference-platform",
    "--scenario",
    "site_loss",
    "--replications",
    "8",
    "--seed",
    "42",
];

pub(crate) fn reference(format: &str) -> String {
    let mut args = REFERENCE.to_vec();
    args.extend(["--format", format]);
    ok(&args)
}

/// The commit `git rev-parse HEAD` gives in the blueprints' folder (one repository for
/// all of them), if any.
pub(crate) fn reference_commit() -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("blueprints/reference-platform"),
        )
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| text(&out.stdout).trim().to_string())
}

/// The report's text with the blueprint's commit (which changes with every commit of
/// this repository) replaced by `[commit]`.
pub(crate) fn without_commit(report: &str) -> String {
    match reference_commit() {
        Some(c) => report.replace(&c, "[commit]"),
        None => report.replace(
            "none (the blueprint is not in a git repository)",
            "[commit]",
        ),
    }
}
