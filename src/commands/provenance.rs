//! The provenance of a report: the generation time (`SOURCE_DATE_EPOCH` when set, as the
//! reproducible-builds convention has it, so that tests and archives get the same bytes),
//! this Strata's version, and the blueprint folder's git commit read with
//! `git rev-parse HEAD` (none when the folder is not in a repository or git is missing).

use std::path::Path;
use std::process::Command;

use report::Provenance;

/// The provenance of a report of the blueprint in `dir`, with costs in `currency`.
pub fn of(dir: &Path, currency: Option<String>) -> Provenance {
    let commit = git(dir, &["rev-parse", "HEAD"]);
    let uncommitted_changes = commit.is_some()
        && git(dir, &["status", "--porcelain", "--", "."]).is_some_and(|s| !s.is_empty());
    Provenance {
        generated_at: now(),
        strata_version: env!("CARGO_PKG_VERSION").to_string(),
        commit,
        uncommitted_changes,
        currency,
    }
}

/// `SOURCE_DATE_EPOCH` (seconds since 1970) when set and valid, else the clock; RFC 3339
/// in UTC to the second.
fn now() -> String {
    let fixed = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok());
    let t = fixed.unwrap_or_else(jiff::Timestamp::now);
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The trimmed output of `git ARGS` run in `dir`, when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
