//! The canary case every topic runs: a platform blueprint whose sensitive variables get the
//! canary one way or another, the commands run on it, and the search of their output and
//! files for the canary in every form a leak could take.

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::canary::{assert_clean, files_under};
use crate::common::{code, text};

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
pub(crate) enum Method {
    Var,
    VarFileHcl,
    VarFileJson,
    Environment,
    Default,
}

/// A blueprint folder, the folder of inputs and outputs beside it, and how to run.
pub(crate) struct Case {
    _tmp: tempfile::TempDir,
    pub(crate) dir: PathBuf,
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
    pub(crate) fn new(canary: &str, method: Method, key: Option<&'static str>) -> Case {
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
    pub(crate) fn write_blueprint(&self, canary_var: &str, pin: &str) {
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
    pub(crate) fn inputs(&self, var: &str) -> (Vec<String>, Vec<(String, String)>) {
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
    pub(crate) fn run(&self, args: &[&str], vars: bool) -> Output {
        self.run_giving("token", args, vars)
    }

    fn run_giving(&self, var: &str, args: &[&str], vars: bool) -> Output {
        self.run_with_input(var, args, vars, "")
    }

    /// As [`Case::run_giving`], with `input` on standard input (`strata console`).
    pub(crate) fn run_with_input(
        &self,
        var: &str,
        args: &[&str],
        vars: bool,
        input: &str,
    ) -> Output {
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
    pub(crate) fn ok(&self, args: &[&str], vars: bool) -> String {
        let out = self.run(args, vars);
        assert_eq!(code(&out), 0, "{args:?} ({}): {}", out.status, text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs a command that must fail.
    pub(crate) fn fails(&self, var: &str, args: &[&str]) -> String {
        let out = self.run_giving(var, args, true);
        assert_eq!(code(&out), 1, "{args:?} should fail: {}", text(&out));
        text(&out)
    }

    /// Every file under the state folder and among the written files holds no form of
    /// the canary.
    pub(crate) fn assert_files_clean(&self) {
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

    pub(crate) fn out(&self, name: &str) -> String {
        self.files.join(name).display().to_string()
    }
}

pub(crate) const CANARY: &str = "Canary-7f3a9c\"q\\uote-ünï-42";
