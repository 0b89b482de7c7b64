//! End-to-end tests of `strata console` fed by a pipe, as a script would: variables,
//! locals, resource attributes from the state after an apply, sensitive values, errors,
//! multi-line input and Terraform's rules for scripts (only the last value is printed,
//! the first error stops with exit code 1).

mod common;

use common::{stderr, stdout};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BLUEPRINT: &str = r#"
variable "workers" {
  type    = number
  default = 2
}

variable "password" {
  type      = string
  default   = "hunter2"
  sensitive = true
}

locals {
  greeting = "hello ${var.workers}"
  secret   = "pw:${var.password}"
  zones    = { app = "10.10.0.0/16", data = "10.20.0.0/16" }
}

site "dc1" {
  location = "Main datacenter"
}
"#;

fn strata(dir: &Path, args: &[&str], stdin: &str) -> Output {
    common::strata_with_stdin(dir, args, stdin)
}

fn blueprint() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), BLUEPRINT).unwrap();
    dir
}

/// The console's output for `script`, asserting it succeeded.
fn console(dir: &Path, args: &[&str], script: &str) -> String {
    let mut all = vec!["console"];
    all.extend(args);
    let out = strata(dir, &all, script);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn evaluates_variables_locals_and_functions() {
    let dir = blueprint();
    let at = dir.path();
    assert_eq!(console(at, &[], "var.workers\n"), "2\n");
    assert_eq!(
        console(at, &["-var", "workers=5"], "var.workers * 2\n"),
        "10\n"
    );
    assert_eq!(console(at, &[], "local.greeting\n"), "\"hello 2\"\n");
    assert_eq!(
        console(at, &[], "local.zones\n"),
        "{\n  \"app\" = \"10.10.0.0/16\"\n  \"data\" = \"10.20.0.0/16\"\n}\n"
    );
    assert_eq!(
        console(at, &[], "[for k, v in local.zones : upper(k)]\n"),
        "[\n  \"APP\",\n  \"DATA\",\n]\n"
    );
}

#[test]
fn a_script_prints_only_its_last_value_and_reads_open_brackets_on() {
    let dir = blueprint();
    let script = "var.workers\n\n[\n  local.greeting,\n  1 + 1,\n]\n";
    assert_eq!(
        console(dir.path(), &[], script),
        "[\n  \"hello 2\",\n  2,\n]\n"
    );
    assert_eq!(
        console(dir.path(), &[], "1\nexit\n2\n"),
        "",
        "exit leaves at once"
    );
    assert!(console(dir.path(), &[], "help\n").contains("var.NAME"));
}

#[test]
fn resource_attributes_come_from_the_state_after_apply() {
    let dir = blueprint();
    assert_eq!(
        console(dir.path(), &[], "site.dc1.id\n"),
        "(known after apply)\n"
    );
    let out = strata(dir.path(), &["apply", "-auto-approve"], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = console(dir.path(), &[], "site.dc1.id\n");
    assert!(id.starts_with("\"site-"), "{id}");
    insta::assert_snapshot!(
        "console_resource",
        console(dir.path(), &[], "site.dc1\n").replace(id.trim(), "\"<id>\"")
    );
}

#[test]
fn sensitive_values_are_never_shown() {
    let dir = blueprint();
    for expr in [
        "var.password",
        "local.secret",
        "upper(var.password)",
        "[var.password]",
    ] {
        let shown = console(dir.path(), &[], &format!("{expr}\n"));
        assert_eq!(shown, "(sensitive value)\n", "{expr}");
    }
}

#[test]
fn the_first_error_stops_a_script_with_exit_code_1() {
    let dir = blueprint();
    let out = strata(dir.path(), &["console"], "var.workers\nvar.nope\n1\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "", "nothing is printed after an error");
    insta::assert_snapshot!("console_undeclared_variable", stderr(&out));
    let out = strata(dir.path(), &["console"], "1 +\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("Syntax error"), "{}", stderr(&out));
}

#[test]
fn a_blueprint_with_errors_is_reported_before_any_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), "locals {\n  a = var.nope\n}\n").unwrap();
    let out = strata(dir.path(), &["console"], "1\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("main.hcl:2:"), "{}", stderr(&out));
}

/// On a terminal (here `script`'s pseudo-terminal), the console prompts with `> ` (`: `
/// for a continued line), shows every value, and goes on after an error.
#[test]
fn on_a_terminal_it_prompts_and_goes_on_after_errors() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` command to give the console a terminal");
        return;
    }
    let dir = blueprint();
    let command = format!("{} console", env!("CARGO_BIN_EXE_strata"));
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            let mut stdin = child.stdin.take().expect("stdin is piped");
            stdin.write_all(b"var.workers\nvar.nope\n[1,\n2]\n")?;
            drop(stdin);
            child.wait_with_output()
        })
        .expect("script runs");
    let text = stdout(&out).replace('\r', "");
    assert_eq!(out.status.code(), Some(0), "{text}");
    // The terminal echoes the input as it arrives, so prompts and echoed lines may
    // interleave either way; what the console writes is checked piece by piece.
    assert!(
        text.matches("> ").count() >= 4,
        "a prompt per entry and one at the end: {text}"
    );
    assert!(text.contains(": "), "a continuation prompt: {text}");
    assert!(text.contains("2\n"), "{text}");
    assert!(
        text.contains("error: Undeclared variable \"nope\""),
        "{text}"
    );
    assert!(text.contains("[\n  1,\n  2,\n]\n"), "{text}");
}
