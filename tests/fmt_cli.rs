//! End-to-end tests of `strata fmt`'s flags, standard input and exit codes, which are
//! `terraform fmt`'s; and the terraform-fmt corpus run through the binary.

mod common;

use common::{stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::Output;

fn strata(dir: &Path, args: &[&str], stdin: &str) -> Output {
    common::strata_with_stdin(dir, args, stdin)
}

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

const MESSY: &str = "site dc {\nlocation=\"a\"\n  zone = \"${var.zone}\"\n}\n";
const TIDY: &str = "site \"dc\" {\n  location = \"a\"\n  zone     = var.zone\n}\n";

#[test]
fn formats_the_files_of_a_folder_in_place_and_lists_them() {
    let dir = folder(&[("main.hcl", MESSY), ("ok.hcl", TIDY), ("notes.txt", MESSY)]);
    let out = strata(dir.path(), &["fmt"], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "main.hcl\n");
    assert_eq!(read(dir.path(), "main.hcl"), TIDY);
    assert_eq!(read(dir.path(), "notes.txt"), MESSY, "only .hcl files");
}

#[test]
fn diff_prints_a_unified_diff_with_terraforms_labels() {
    let dir = folder(&[("main.hcl", MESSY)]);
    let out = strata(dir.path(), &["fmt", "-diff", "-write=false"], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "main.hcl\n--- old/main.hcl\n+++ new/main.hcl\n@@ -1,4 +1,4 @@\n-site dc {\n-location=\"a\"\n\
         -  zone = \"${var.zone}\"\n+site \"dc\" {\n+  location = \"a\"\n+  zone     = var.zone\n }\n"
    );
    assert_eq!(read(dir.path(), "main.hcl"), MESSY, "-write=false");
}

#[test]
fn without_list_and_write_the_formatted_text_is_printed() {
    let dir = folder(&[("a.hcl", MESSY), ("b.hcl", "x=1")]);
    let out = strata(dir.path(), &["fmt", "-list=false", "-write=false"], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), format!("{TIDY}x = 1\n"));
    assert_eq!(read(dir.path(), "b.hcl"), "x=1");
}

#[test]
fn list_false_writes_quietly() {
    let dir = folder(&[("main.hcl", MESSY)]);
    let out = strata(dir.path(), &["fmt", "-list=false"], "");
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()));
    assert_eq!(read(dir.path(), "main.hcl"), TIDY);
}

#[test]
fn check_changes_nothing_and_exits_3_when_a_file_would_change() {
    let dir = folder(&[("main.hcl", MESSY), ("ok.hcl", TIDY)]);
    let out = strata(dir.path(), &["fmt", "-check"], "");
    assert_eq!(
        (out.status.code(), stdout(&out)),
        (Some(3), "main.hcl\n".into())
    );
    let out = strata(dir.path(), &["fmt", "-check", "-list=false"], "");
    assert_eq!((out.status.code(), stdout(&out)), (Some(3), String::new()));
    let out = strata(dir.path(), &["fmt", "-check", "-diff"], "");
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stdout(&out).contains("+++ new/main.hcl"),
        "{}",
        stdout(&out)
    );
    assert_eq!(read(dir.path(), "main.hcl"), MESSY);
    let out = strata(dir.path(), &["fmt", "-check", "ok.hcl"], "");
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()));
}

#[test]
fn recursive_takes_in_subfolders_but_not_hidden_ones() {
    let files = [
        ("main.hcl", TIDY),
        ("sub/deeper/a.hcl", MESSY),
        (".strata/b.hcl", MESSY),
        ("sub/#c.hcl#", MESSY),
    ];
    let dir = folder(&files);
    let out = strata(dir.path(), &["fmt", "-check"], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "no subfolders without -recursive"
    );
    let out = strata(dir.path(), &["fmt", "-recursive", "."], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "sub/deeper/a.hcl\n");
    assert_eq!(read(dir.path(), "sub/deeper/a.hcl"), TIDY);
    assert_eq!(read(dir.path(), ".strata/b.hcl"), MESSY);
    assert_eq!(read(dir.path(), "sub/#c.hcl#"), MESSY);
}

#[test]
fn a_dash_formats_standard_input_to_standard_output() {
    let dir = folder(&[]);
    let out = strata(dir.path(), &["fmt", "-"], "a=1\nb = \"${x}\"");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "a = 1\nb = x\n",
        "a line ending is added on output"
    );
    let out = strata(dir.path(), &["fmt", "-check", "-"], "a=1\n");
    assert_eq!((out.status.code(), stdout(&out)), (Some(3), String::new()));
    let out = strata(dir.path(), &["fmt", "-check", "-"], "a = 1\n");
    assert_eq!(out.status.code(), Some(0));
    let out = strata(dir.path(), &["fmt", "-diff", "-"], "a=1\n");
    assert_eq!(
        stdout(&out),
        "--- old/<stdin>\n+++ new/<stdin>\n@@ -1 +1 @@\n-a=1\n+a = 1\n"
    );
}

#[test]
fn a_syntax_error_is_reported_with_its_place_and_exits_2() {
    let dir = folder(&[
        ("main.hcl", "site \"dc\" {\n  location = \n}\n"),
        ("ok.hcl", MESSY),
    ]);
    let out = strata(dir.path(), &["fmt"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--> main.hcl:2:14"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        read(dir.path(), "ok.hcl"),
        TIDY,
        "the other files are formatted"
    );
    let out = strata(dir.path(), &["fmt", "-"], "a = \n");
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("fmt_stdin_syntax_error", stderr(&out));
}

#[test]
fn terraform_files_are_formatted_when_named() {
    let dir = folder(&[
        ("main.tf", MESSY),
        ("vars.tfvars", "a=1\n"),
        ("notes.txt", ""),
    ]);
    let out = strata(dir.path(), &["fmt", "main.tf", "vars.tfvars"], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "main.tf\nvars.tfvars\n");
    assert_eq!(read(dir.path(), "main.tf"), TIDY);
    assert_eq!(read(dir.path(), "vars.tfvars"), "a = 1\n");
    let out = strata(dir.path(), &["fmt", "notes.txt"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Cannot format notes.txt"),
        "{}",
        stderr(&out)
    );
    let out = strata(dir.path(), &["fmt", "missing"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("No file or folder at missing"));
}

/// The terraform-fmt corpus through the binary: with `-list=false -write=false`, fmt
/// prints each named file formatted and ending with a line ending, as `terraform fmt -`
/// printed the corpus's `want/` files.
#[test]
fn the_terraform_fmt_corpus_through_the_binary() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/terraform-fmt");
    if !corpus.join("in").is_dir() {
        eprintln!("skipped: the terraform-fmt corpus (../shared/corpus/terraform-fmt) is absent");
        return;
    }
    let mut names: Vec<String> = std::fs::read_dir(corpus.join("in"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tf"))
        .collect();
    names.sort();
    let inputs: Vec<String> = names.iter().map(|name| format!("in/{name}")).collect();
    let mut args = vec!["fmt", "-list=false", "-write=false"];
    args.extend(inputs.iter().map(String::as_str));
    let out = strata(&corpus, &args, "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let want: String = names
        .iter()
        .map(|name| read(&corpus.join("want"), name))
        .collect();
    assert!(
        stdout(&out) == want,
        "the output differs from the want/ files"
    );
}
