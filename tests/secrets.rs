//! Secrets are never printed or written in clear.
//!
//! A canary secret is given to a sensitive variable by `-var`, by a variable file (HCL and
//! JSON), by `STRATA_VAR_*` and as the declaration's default, and goes through every
//! command, failing ones included (a validation that fails, a type error, a function
//! error, an apply whose provider calls fail). Standard output, standard error, every file
//! under the state folder and every file a command writes (`plan -out`, `report -o`) are
//! searched for the canary in its plain, JSON-escaped, Rust-escaped, base64 and hex forms.
//! The same runs with `STRATA_STATE_KEY` set, and a proptest tries arbitrary canaries.

mod canary;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use canary::{assert_clean, files_under};
use proptest::prelude::*;

/// The platform: the canary reaches resource attributes (directly, through a local, a
/// function, a module whose variable is not itself marked sensitive, and a nested map),
/// an output, a validation rule and a type check.
const BLUEPRINT: &str = r#"
variable "token" {
  type      = string
  sensitive = true
  TOKEN_DEFAULT

  validation {
    condition     = !var.strict || length(var.token) < 4
    error_message = "In strict mode the token must be short."
  }
}

variable "pin" {
  type      = number
  sensitive = true
  default   = PIN_DEFAULT
}

variable "strict" {
  type    = bool
  default = false
}

variable "as_number" {
  type    = bool
  default = false
}

variable "faults" {
  type    = string
  default = "0%"
}

provider "sim" {
  failure_rate = var.faults
}

locals {
  digits = var.as_number ? tonumber(var.token) : var.pin
}

site "dc" {
  description = "token ${var.token}"
  location    = "pin ${local.digits}"
}

module "edge" {
  source = "./edge"
  secret = upper(var.token)
}

host_pool "main" {
  site  = site.dc
  hosts = 3

  host {
    cpu    = 32
    memory = "256GiB"
  }
}

network_zone "app" {
  cidr = "10.10.0.0/16"
}

kubernetes_cluster "main" {
  pool = host_pool.main
  zone = network_zone.app

  control_plane {
    count = 1
  }

  node_group "workers" {
    count  = 2
    cpu    = 8
    memory = "32GiB"
    labels = { token = var.token }
  }
}

service "hello" {
  cluster  = kubernetes_cluster.main
  replicas = 2
  cpu      = "500m"
  memory   = "512MiB"
}

scenario "loss" {
  horizon      = "30d"
  replications = 2
  seed         = 1

  failures {
    host {
      mtbf = "1000h"
      mttr = "4h"
    }
  }
}

output "token" {
  value     = site.dc.description
  sensitive = true
}

output "cluster" {
  value = kubernetes_cluster.main.name
}
"#;

const EDGE: &str = r#"
variable "secret" {
  type = string
}

site "edge" {
  description = "edge ${var.secret}"
}
"#;

/// How the canary reaches the sensitive variables.
#[derive(Clone, Copy, Debug)]
enum Method {
    Var,
    VarFileHcl,
    VarFileJson,
    Environment,
    Default,
}

/// A blueprint folder, the folder of inputs and outputs beside it, and how to run.
struct Case {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    files: PathBuf,
    canary: String,
    method: Method,
    key: Option<&'static str>,
}

/// HCL string literal for any text: quoted as values print, with template sequences
/// escaped for source.
fn hcl_string(text: &str) -> String {
    blueprint::literal::quote(text)
        .replace("${", "$${")
        .replace("%{", "%%{")
}

impl Case {
    fn new(canary: &str, method: Method, key: Option<&'static str>) -> Case {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("blueprint");
        let files = tmp.path().join("files");
        std::fs::create_dir_all(dir.join("edge")).unwrap();
        std::fs::create_dir_all(&files).unwrap();
        std::fs::write(dir.join("edge/main.hcl"), EDGE).unwrap();
        let case = Case {
            _tmp: tmp,
            dir,
            files,
            canary: canary.to_string(),
            method,
            key,
        };
        case.write_blueprint("token", "1234");
        case
    }

    /// The blueprint, with the canary as the default of `token` for [`Method::Default`]
    /// (and of `pin`, for the type error, when `pin` is the canary's variable).
    fn write_blueprint(&self, canary_var: &str, pin: &str) {
        let literal = hcl_string(&self.canary);
        let (token, pin) = match (self.method, canary_var) {
            (Method::Default, "pin") => ("default = \"a-token\"".to_string(), literal),
            (Method::Default, _) => (format!("default = {literal}"), pin.to_string()),
            _ => (String::new(), pin.to_string()),
        };
        let text = BLUEPRINT
            .replace("TOKEN_DEFAULT", &token)
            .replace("PIN_DEFAULT", &pin);
        std::fs::write(self.dir.join("main.hcl"), text).unwrap();
    }

    /// The command line and environment that give the canary to `var`.
    fn inputs(&self, var: &str) -> (Vec<String>, Vec<(String, String)>) {
        match self.method {
            Method::Var => (vec![format!("-var={var}={}", self.canary)], Vec::new()),
            Method::VarFileHcl => {
                let path = self.files.join("secret.tfvars");
                let text = format!("{var} = {}\n", hcl_string(&self.canary));
                std::fs::write(&path, text).unwrap();
                (vec![format!("-var-file={}", path.display())], Vec::new())
            }
            Method::VarFileJson => {
                let path = self.files.join("secret.json");
                let text = serde_json::json!({ var: self.canary }).to_string();
                std::fs::write(&path, text).unwrap();
                (vec![format!("-var-file={}", path.display())], Vec::new())
            }
            Method::Environment => (
                Vec::new(),
                vec![(format!("STRATA_VAR_{var}"), self.canary.clone())],
            ),
            Method::Default => (Vec::new(), Vec::new()),
        }
    }

    /// Runs `strata` in the blueprint folder; `vars` adds the canary's inputs (to `token`)
    /// and `extra` more arguments. Checks that the canary is in neither output.
    fn run(&self, args: &[&str], vars: bool) -> Output {
        self.run_giving("token", args, vars)
    }

    fn run_giving(&self, var: &str, args: &[&str], vars: bool) -> Output {
        self.run_with_input(var, args, vars, "")
    }

    /// As [`Case::run_giving`], with `input` on standard input (`strata console`).
    fn run_with_input(&self, var: &str, args: &[&str], vars: bool, input: &str) -> Output {
        use std::io::Write;
        let (var_args, env) = if vars {
            self.inputs(var)
        } else {
            (Vec::new(), Vec::new())
        };
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
        cmd.args(args).args(&var_args).current_dir(&self.dir);
        cmd.env_remove("STRATA_STATE_KEY");
        if let Some(key) = self.key {
            cmd.env("STRATA_STATE_KEY", key);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("strata runs");
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(input.as_bytes());
        }
        let out = child.wait_with_output().expect("strata runs");
        let label = format!("{:?} {args:?} (key: {})", self.method, self.key.is_some());
        assert_clean(&self.canary, &out.stdout, &format!("stdout of {label}"));
        assert_clean(&self.canary, &out.stderr, &format!("stderr of {label}"));
        out
    }

    /// Runs a command that must succeed.
    fn ok(&self, args: &[&str], vars: bool) -> String {
        let out = self.run(args, vars);
        assert_eq!(code(&out), 0, "{args:?} ({}): {}", out.status, text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs a command that must fail.
    fn fails(&self, var: &str, args: &[&str]) -> String {
        let out = self.run_giving(var, args, true);
        assert_eq!(code(&out), 1, "{args:?} should fail: {}", text(&out));
        text(&out)
    }

    /// Every file under the state folder and among the written files holds no form of
    /// the canary.
    fn assert_files_clean(&self) {
        for root in [self.dir.join(".strata"), self.files.clone()] {
            for file in files_under(&root) {
                if file
                    .extension()
                    .is_some_and(|e| e == "tfvars" || e == "json")
                    && file.parent() == Some(self.files.as_path())
                    && file
                        .file_stem()
                        .is_some_and(|s| s.to_string_lossy().starts_with("secret"))
                {
                    continue; // the user's own variable files
                }
                let bytes = std::fs::read(&file).unwrap();
                assert_clean(&self.canary, &bytes, &file.display().to_string());
            }
        }
    }

    fn out(&self, name: &str) -> String {
        self.files.join(name).display().to_string()
    }
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

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

const CANARY: &str = "Canary-7f3a9c\"q\\uote-ünï-42";

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
