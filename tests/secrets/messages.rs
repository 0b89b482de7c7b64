//! One run each of a small blueprint: validation, type and function errors, variable file
//! snippets, plans through a module, instance keys and files at rest never quote a sensitive
//! value.

use std::process::{Command, Output};

use crate::canary::{assert_clean, files_under};
use crate::case::{Case, Method};
use crate::common::{code, text};

/// A small blueprint with one sensitive variable, run once with the canary given by
/// `-var token=...` (no state key). Returns everything the run printed.
fn once(blueprint: &str, args: &[&str], var_file: Option<&str>) -> (tempfile::TempDir, Output) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("main.hcl"), blueprint).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
    cmd.args(args)
        .current_dir(tmp.path())
        .env_remove("STRATA_STATE_KEY");
    if let Some(text) = var_file {
        std::fs::write(tmp.path().join("in.tfvars"), text).unwrap();
        cmd.arg("-var-file=in.tfvars");
    }
    let out = cmd.output().unwrap();
    (tmp, out)
}

const TOKEN: &str = r#"
variable "token" {
  type      = string
  sensitive = true

  validation {
    condition     = length(var.token) < 8
    error_message = "The token is too long."
  }
}
"#;

#[test]
fn a_failed_validation_does_not_quote_the_value_given_by_var() {
    let (_dir, out) = once(TOKEN, &["validate", "-var=token=Canary-by-var-1"], None);
    assert_eq!(code(&out), 1);
    let text = text(&out);
    assert!(text.contains("The token is too long."), "{text}");
    assert!(text.contains("-var 'token=...'"), "{text}");
    assert_clean("Canary-by-var-1", text.as_bytes(), "validate");
}

#[test]
fn a_validation_message_that_quotes_the_value_is_not_shown() {
    let blueprint = TOKEN.replace(
        "\"The token is too long.\"",
        "\"The token ${var.token} is too long.\"",
    );
    let (_dir, out) = once(
        &blueprint,
        &["validate", "-var=token=Canary-by-var-2"],
        None,
    );
    assert_eq!(code(&out), 1);
    let text = text(&out);
    assert!(text.contains("refers to sensitive values"), "{text}");
    assert_clean("Canary-by-var-2", text.as_bytes(), "validate");
}

#[test]
fn a_type_error_does_not_quote_a_sensitive_value() {
    let blueprint = TOKEN.replace("type      = string", "type      = number");
    for args in [vec!["validate"], vec!["validate", "-json"]] {
        let mut args = args.clone();
        args.push("-var=token=Canary-not-a-number");
        let (_dir, out) = once(&blueprint, &args, None);
        assert_eq!(code(&out), 1);
        let text = text(&out);
        assert!(text.contains("does not fit the variable's type"), "{text}");
        assert_clean("Canary-not-a-number", text.as_bytes(), "validate");
    }
}

#[test]
fn a_function_error_does_not_quote_a_sensitive_argument() {
    let blueprint = format!(
        "{}\nlocals {{\n  n = tonumber(var.token)\n}}\n",
        TOKEN.replace("< 8", "< 80")
    );
    let (_dir, out) = once(
        &blueprint,
        &["validate", "-var=token=Canary-tonumber"],
        None,
    );
    assert_eq!(code(&out), 1);
    let text = text(&out);
    assert!(
        text.contains("Call to function \"tonumber\" failed"),
        "{text}"
    );
    assert!(
        text.contains("var.token"),
        "names what is sensitive: {text}"
    );
    assert_clean("Canary-tonumber", text.as_bytes(), "validate");
}

#[test]
fn a_variable_file_snippet_masks_the_sensitive_value() {
    let (_dir, out) = once(TOKEN, &["validate"], Some("token = \"Canary-in-a-file\"\n"));
    assert_eq!(code(&out), 1);
    let text = text(&out);
    assert!(
        text.contains("in.tfvars:1:9"),
        "still points at the value: {text}"
    );
    assert!(text.contains("token = (sensitive value)"), "{text}");
    assert_clean("Canary-in-a-file", text.as_bytes(), "validate");
    // A short value too, and a line the parser cannot read.
    let short = TOKEN.replace("< 8", "> 8");
    for (blueprint, file) in [
        (short.as_str(), "token = \"Cx\"\n"),
        (TOKEN, "token = \"Canary-unterminated\n"),
    ] {
        let (_dir, out) = once(blueprint, &["validate"], Some(file));
        assert_eq!(code(&out), 1);
        let text = self::text(&out);
        assert!(text.contains("token = (sensitive value)"), "{text}");
        assert!(
            !text.contains("\"Cx\"") && !text.contains("Canary"),
            "{text}"
        );
    }
}

#[test]
fn a_sensitive_value_passed_to_a_module_stays_sensitive() {
    let case = Case::new("Canary-through-a-module", Method::Var, None);
    let plan = case.ok(&["plan"], true);
    let edge = plan
        .split("# module.edge.site.edge will be created")
        .nth(1)
        .unwrap_or_else(|| panic!("{plan}"));
    let edge = edge.split("}").next().unwrap();
    assert!(edge.contains("description = (sensitive value)"), "{plan}");
    assert!(!plan.contains("CANARY-THROUGH-A-MODULE"), "{plan}");
}

#[test]
fn sensitive_values_cannot_make_instance_keys_or_counts() {
    for body in [
        "site \"s\" {\n  for_each = toset([var.token])\n}\n",
        "site \"s\" {\n  count = length(var.token)\n}\n",
    ] {
        let blueprint = format!("{}\n{body}", TOKEN.replace("< 8", "< 80"));
        let (_dir, out) = once(&blueprint, &["plan", "-var=token=Canary-as-a-key"], None);
        assert_eq!(code(&out), 1, "{}", text(&out));
        let text = text(&out);
        assert!(text.contains("Sensitive value"), "{text}");
        assert_clean("Canary-as-a-key", text.as_bytes(), "plan");
    }
}

#[test]
fn the_simulated_datacenter_and_the_state_hold_no_clear_secret() {
    let blueprint = format!(
        "{}\nsite \"s\" {{\n  description = var.token\n}}\n",
        TOKEN.replace("< 8", "< 80")
    );
    let (dir, out) = once(
        &blueprint,
        &["apply", "-auto-approve", "-var=token=Canary-at-rest"],
        None,
    );
    assert_eq!(code(&out), 0, "{}", text(&out));
    for file in files_under(&dir.path().join(".strata")) {
        let bytes = std::fs::read(&file).unwrap();
        assert_clean("Canary-at-rest", &bytes, &file.display().to_string());
    }
}
