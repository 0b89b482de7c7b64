//! What the docs say is true: README's `.strata/` layout is what Strata writes (after
//! applies in two workspaces, every file and folder in `.strata/` is one the README lists,
//! and the files every apply writes are there), and the glossary points at no issue.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// The names README's `DIR/.strata/` block lists (`workspaces/NAME/` as `workspaces`).
fn listed() -> BTreeSet<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let block = readme
        .split("```text\nDIR/.strata/\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README shows the .strata/ layout");
    block
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(|name| name.split('/').next().unwrap_or(name).to_string())
        .collect()
}

fn strata(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn the_state_folder_holds_what_readme_lists() {
    let listed = listed();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("minimal");
    std::fs::create_dir(&dir).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints/minimal");
    for entry in std::fs::read_dir(&source).unwrap() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "hcl") {
            std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
        }
    }
    strata(&dir, &["apply", "-auto-approve"]);
    strata(&dir, &["apply", "-auto-approve"]);
    strata(&dir, &["workspace", "new", "dev"]);
    strata(&dir, &["apply", "-auto-approve"]);
    let state = dir.join(".strata");
    let top = names(&state);
    for written in [
        "state.json",
        "state.json.backup",
        "journal.jsonl",
        "sim.log",
        "environment",
        "workspaces",
    ] {
        assert!(top.contains(written), "{written} missing from {top:?}");
    }
    let dev = names(&state.join("workspaces/dev"));
    assert!(
        dev.contains("state.json") && dev.contains("sim.log"),
        "{dev:?}"
    );
    for name in top.iter().chain(&dev) {
        assert!(
            listed.contains(name),
            "README does not list .strata/{name} ({listed:?})"
        );
    }
}

#[test]
fn the_glossary_defines_terms_and_points_at_no_issue() {
    let glossary =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/glossary.md"))
            .unwrap();
    assert!(
        !glossary.contains("(issue"),
        "the glossary points at an issue"
    );
    for row in glossary
        .lines()
        .filter(|l| l.starts_with("| Report") || l.starts_with("| Chart"))
    {
        assert!(!row.contains("Arrive with"), "{row}");
    }
}
