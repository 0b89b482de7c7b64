//! Sensitive values in diagnostics: a table of every kind of message that could quote a
//! value (a failed validation, a validation message that interpolates the value, a type
//! error, a function error, an operator error, an index, a schema check, an invalid HCL
//! value, a variable file's snippet, a sensitive `count` or `for_each`), each rendered as
//! `strata validate` renders it (with the evaluation's redactor); then a proptest over
//! arbitrary secrets in variable files.

use std::path::Path;

use blueprint::{InputValue, Inputs, SourceMap};
use proptest::prelude::*;

/// How the secret is given.
enum Given<'a> {
    /// `-var token=...`.
    Var(&'a str),
    /// A variable file `in.tfvars` (or `in.json`) with this text.
    File(&'a str, &'a str),
}

/// Loads `main` with the secret given as `given` and renders the diagnostics as the
/// Printer does (snippets masked by the evaluation's redactor).
fn render(main: &str, given: &Given) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), main).unwrap();
    let mut sources = SourceMap::default();
    let mut diags = blueprint::Diagnostics::default();
    let mut inputs = Inputs::default();
    match given {
        Given::Var(text) => inputs.values.push((
            "token".into(),
            InputValue::Raw {
                text: text.to_string(),
                origin: "-var 'token=...'".into(),
            },
        )),
        Given::File(name, text) => {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            blueprint::eval::read_var_file(&path, &mut inputs, &mut sources, &mut diags);
        }
    }
    let (config, more) = blueprint::load(dir.path(), &inputs, &mut sources);
    diags.extend(more);
    diags.normalize(&sources);
    let text = diags.render_with(&sources, &config.redactor);
    let text = config.redactor.scrub(&text).into_owned();
    text.replace(&dir.path().display().to_string(), "<dir>")
}

fn token(ty: &str, rule: &str) -> String {
    format!("variable \"token\" {{\n  type      = {ty}\n  sensitive = true\n{rule}}}\n")
}

const SECRET: &str = "s3cr3t-Value-9";

#[test]
fn no_diagnostic_quotes_a_sensitive_value() {
    let long = "  validation {\n    condition     = length(var.token) < 4\n    error_message = \"Too long.\"\n  }\n";
    let quoting = "  validation {\n    condition     = length(var.token) < 4\n    error_message = \"Too long: ${var.token}.\"\n  }\n";
    let string = token("string", "");
    let file = format!("token = \"{SECRET}\"\n");
    let json = format!("{{\"token\": \"{SECRET}\"}}");
    let cases: Vec<(&str, String, Given, &str)> = vec![
        (
            "validation",
            token("string", long),
            Given::Var(SECRET),
            "Too long.",
        ),
        (
            "validation message",
            token("string", quoting),
            Given::Var(SECRET),
            "The error message refers to sensitive values",
        ),
        (
            "type",
            token("number", ""),
            Given::Var(SECRET),
            "does not fit the variable's type, number",
        ),
        (
            "invalid HCL",
            token("list(string)", ""),
            Given::Var("[\"s3cr3t-Value-9\""),
            "The value is not valid HCL",
        ),
        (
            "function",
            format!("{string}locals {{\n  n = tonumber(var.token)\n}}\n"),
            Given::Var(SECRET),
            "uses the sensitive value var.token",
        ),
        (
            "function on a local",
            format!("{string}locals {{\n  a = upper(var.token)\n  n = tonumber(local.a)\n}}\n"),
            Given::Var(SECRET),
            "uses the sensitive value local.a",
        ),
        (
            "operator",
            format!("{string}locals {{\n  n = var.token + 1\n}}\n"),
            Given::Var(SECRET),
            "uses the sensitive value var.token",
        ),
        (
            "index",
            format!("{string}locals {{\n  n = {{ a = 1 }}[var.token]\n}}\n"),
            Given::Var(SECRET),
            "No element with this key",
        ),
        (
            "schema",
            format!("{string}vm \"v\" {{\n  cpu = var.token\n}}\n"),
            Given::Var(SECRET),
            "the value is sensitive, so it is not shown",
        ),
        (
            "for_each",
            format!("{string}site \"s\" {{\n  for_each = toset([var.token])\n}}\n"),
            Given::Var(SECRET),
            "Sensitive value in for_each",
        ),
        (
            "count",
            format!("{string}site \"s\" {{\n  count = length(var.token)\n}}\n"),
            Given::Var(SECRET),
            "Sensitive value in count",
        ),
        (
            "variable file",
            token("string", long),
            Given::File("in.tfvars", &file),
            "token = (sensitive value)",
        ),
        (
            "JSON variable file",
            token("string", long),
            Given::File("in.json", &json),
            "{\"token\": (sensitive value)\n",
        ),
        (
            "module input",
            format!("{string}module \"m\" {{\n  source = \"./m\"\n  x      = var.token\n}}\n"),
            Given::Var(SECRET),
            "uses the sensitive value var.x",
        ),
    ];
    for (name, main, given, expected) in cases {
        let main = main.clone();
        let text = if name == "module input" {
            render_with_module(&main, &given)
        } else {
            render(&main, &given)
        };
        assert!(
            text.contains(expected),
            "{name}: expected {expected:?} in\n{text}"
        );
        assert!(
            !text.contains(SECRET),
            "{name}: the secret shows in\n{text}"
        );
        assert!(
            !text.contains("S3CR3T"),
            "{name}: a derived secret shows in\n{text}"
        );
    }
}

/// As [`render`], with a module `m` whose variable `x` (not marked sensitive) is given the
/// secret and fails a function call.
fn render_with_module(main: &str, given: &Given) -> String {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("m");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::write(
        module.join("main.hcl"),
        "variable \"x\" {\n  type = string\n}\nlocals {\n  n = tonumber(var.x)\n}\n",
    )
    .unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("main.hcl"), main.replace("./m", "../m")).unwrap();
    render_in(&root, given)
}

fn render_in(root: &Path, given: &Given) -> String {
    let mut sources = SourceMap::default();
    let mut inputs = Inputs::default();
    if let Given::Var(text) = given {
        inputs.values.push((
            "token".into(),
            InputValue::Raw {
                text: text.to_string(),
                origin: "-var 'token=...'".into(),
            },
        ));
    }
    let (config, diags) = blueprint::load(root, &inputs, &mut sources);
    diags.render_with(&sources, &config.redactor)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any secret in a variable file, short or long, with quotes, backslashes or
    /// unicode, is masked in the snippet of the diagnostic that points at it, which
    /// still underlines it.
    #[test]
    fn a_variable_file_value_never_shows(secret in "[ -~\u{a0}-\u{2fff}]{1,30}") {
        let literal = blueprint::literal::quote(&secret).replace("${", "$${").replace("%{", "%%{");
        let main = token(
            "string",
            "  validation {\n    condition     = length(var.token) < 0\n    error_message = \"Never.\"\n  }\n",
        );
        let file = format!("token = {literal} # the token\n");
        let text = render(&main, &Given::File("in.tfvars", &file));
        prop_assert!(text.contains("in.tfvars:1:9"), "{}", text);
        // The rest of a line that sets a sensitive variable is masked, comment included.
        prop_assert!(text.contains(" 1 | token = (sensitive value)\n"), "{}", text);
        prop_assert!(text.contains("\n   |         ^^^^^^^^^^^^^^^^^\n"), "{}", text);
        prop_assert!(!text.contains(" 1 | token = \""), "{}", text);
    }
}
