//! Helpers shared by end-to-end tests of the binary: run `strata` on a blueprint folder,
//! read what it printed, write a new version of the blueprint.

#![allow(dead_code)]

pub mod pg;
pub mod walk;

use std::path::Path;
use std::process::{Command, Output};

/// Runs `strata ARGS` in `dir` with `stdin` as its standard input (no folder appended).
pub fn strata_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("strata runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin is written");
    child.wait_with_output().expect("strata ends")
}

/// What `out` printed on standard output.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What `out` printed on standard error.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `strata ARGS DIR` in `dir`.
pub fn strata(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .current_dir(dir)
        .output()
        .expect("strata runs")
}

/// Standard output then standard error, as text.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The exit code (-1 when killed by a signal).
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// A fresh folder holding `main.hcl` with `blueprint`.
pub fn inline(blueprint: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), blueprint);
    dir
}

/// Replaces the blueprint in `dir` (the next version of it).
pub fn write(dir: &Path, blueprint: &str) {
    std::fs::write(dir.join("main.hcl"), blueprint).unwrap();
}

/// Runs `strata apply -auto-approve` and asserts that it succeeded.
pub fn apply_ok(dir: &Path) -> String {
    let out = strata(dir, &["apply", "-auto-approve"]);
    assert_eq!(code(&out), 0, "apply failed:\n{}", text(&out));
    text(&out)
}

/// The addresses of the objects in the simulated datacenter, sorted.
pub fn sim_addresses(dir: &Path) -> Vec<String> {
    let out = strata(dir, &["sim", "show", "-json"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut addresses: Vec<String> = json["objects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["address"].as_str().map(str::to_string))
        .collect();
    addresses.sort();
    addresses
}

/// The addresses in the state (`strata state list`).
pub fn state_addresses(dir: &Path) -> Vec<String> {
    let out = strata(dir, &["state", "list"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Standard error with the folder's path (as given and canonical) shown as `<dir>`, for
/// snapshots.
pub fn stderr_in(dir: &Path, out: &Output) -> String {
    let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
    if let Ok(canonical) = dir.canonicalize() {
        text = text.replace(&canonical.display().to_string(), "<dir>");
    }
    text.replace(&dir.display().to_string(), "<dir>")
}

/// A plan's text with provider ids (`id = "vm-000004"`), which depend on the order of
/// parallel creates, shown as `"<id>"`, for snapshots.
pub fn ids_hidden(plan: &str) -> String {
    plan.lines()
        .map(|line| match line.trim_start().strip_prefix("id") {
            Some(rest) if rest.trim_start().starts_with("= \"") => {
                let cut = line.find("= \"").unwrap_or(line.len());
                format!("{}= \"<id>\"", &line[..cut])
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The workspace's root folder.
pub fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the example blueprint `name` and the modules beside it into a fresh folder;
/// returns the folder and the blueprint's path in it.
pub fn example(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(
        &root().join("blueprints").join(name),
        &tmp.path().join("blueprints").join(name),
    );
    copy_tree(&root().join("modules"), &tmp.path().join("modules"));
    let dir = tmp.path().join("blueprints").join(name);
    (tmp, dir)
}

/// Copies a folder, leaving out state folders (`.strata`).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == ".strata") {
            continue;
        }
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
