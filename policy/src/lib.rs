//! Policies for plans: Rego files evaluated with regorus (Microsoft's Rego engine) against
//! the JSON plan, with Conftest's conventions, so that a policy written for
//! `conftest test plan.json` works here unchanged.
//!
//! In each package named (`main` unless told otherwise), every rule called `deny`,
//! `violation` or `warn`, or starting with `deny_`, `violation_` or `warn_`, is a set of
//! messages: a string, or an object whose `msg` is one. `deny` and `violation` results
//! block an apply; `warn` results are shown. Files are Rego v1 (OPA 1.0, Conftest's
//! default); a file that does not parse as v1 is read as v0, the syntax of older policies.
//!
//! ```no_run
//! let policies = policy::Policies::load(&["policies".into()]).unwrap();
//! let plan = serde_json::json!({ "resource_changes": [] });
//! let results = policies.evaluate(&plan, &["main".to_string()]).unwrap();
//! assert!(results.denials.is_empty());
//! ```

use std::path::{Path, PathBuf};

use serde::Serialize;

/// Why policies cannot be loaded or evaluated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A folder or file cannot be read.
    #[error("cannot read the policies at {path}: {source}")]
    Read {
        /// The folder or file.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
    /// A folder holds no `.rego` file.
    #[error("{path} holds no .rego file; a policy folder holds Rego files (docs/policy.md)")]
    Empty {
        /// The folder.
        path: PathBuf,
    },
    /// A file is not valid Rego.
    #[error("{path} is not valid Rego: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with the line and column.
        message: String,
    },
    /// A package name is not a Rego reference.
    #[error("-policy-namespace {0:?} is not a package name such as main or strata.bank")]
    Namespace(String),
    /// Evaluation failed (a built-in's error, a conflict between rule values).
    #[error("evaluating the policies of package {namespace} failed: {message}")]
    Eval {
        /// The package.
        namespace: String,
        /// The engine's message.
        message: String,
    },
}

/// One message of a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The package, such as `main`.
    pub namespace: String,
    /// The rule, such as `deny` or `warn_quorum`.
    pub rule: String,
    /// The message.
    pub message: String,
}

/// What the policies say about one plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Results {
    /// Files evaluated.
    pub files: usize,
    /// `deny` and `violation` messages: they block an apply.
    pub denials: Vec<Finding>,
    /// `warn` messages.
    pub warnings: Vec<Finding>,
}

impl Results {
    /// True when nothing denies the plan.
    pub fn passed(&self) -> bool {
        self.denials.is_empty()
    }
}

/// A set of loaded policy files.
#[derive(Clone)]
pub struct Policies {
    engine: regorus::Engine,
    files: Vec<PathBuf>,
}

impl std::fmt::Debug for Policies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policies")
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

/// The kinds of rule Conftest reads, and whether they deny.
fn rule_kind(name: &str) -> Option<bool> {
    let is = |prefix: &str| name == prefix || name.starts_with(&format!("{prefix}_"));
    if is("deny") || is("violation") {
        Some(true)
    } else if is("warn") {
        Some(false)
    } else {
        None
    }
}

/// The `.rego` files of a folder and its subfolders, or the file itself, sorted; with
/// `tests` false, test files (`*_test.rego`) are left out.
fn rego_files(path: &Path, tests: bool) -> Result<Vec<PathBuf>, Error> {
    let read = |p: &Path| {
        std::fs::read_dir(p).map_err(|source| Error::Read {
            path: p.to_path_buf(),
            source,
        })
    };
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut folders = vec![path.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in read(&folder)? {
            let entry = entry.map_err(|source| Error::Read {
                path: folder.clone(),
                source,
            })?;
            let p = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if p.is_dir() && !name.starts_with('.') {
                folders.push(p);
            } else if name.ends_with(".rego") && (tests || !name.ends_with("_test.rego")) {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

impl Policies {
    /// Loads every `.rego` file of `paths` (folders, searched recursively, or files),
    /// test files (`*_test.rego`) left out.
    pub fn load(paths: &[PathBuf]) -> Result<Policies, Error> {
        Policies::load_files(paths, false)
    }

    fn load_files(paths: &[PathBuf], tests: bool) -> Result<Policies, Error> {
        let mut engine = regorus::Engine::new();
        let mut files = Vec::new();
        for path in paths {
            let found = rego_files(path, tests)?;
            if found.is_empty() {
                return Err(Error::Empty { path: path.clone() });
            }
            for file in found {
                let text = std::fs::read_to_string(&file).map_err(|source| Error::Read {
                    path: file.clone(),
                    source,
                })?;
                add(&mut engine, &file, text)?;
                files.push(file);
            }
        }
        Ok(Policies { engine, files })
    }

    /// The files loaded.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Evaluates the rules of the packages `namespaces` against `input` (the JSON plan).
    pub fn evaluate(
        &self,
        input: &serde_json::Value,
        namespaces: &[String],
    ) -> Result<Results, Error> {
        let mut engine = self.engine.clone();
        engine.set_input(regorus::Value::from(input.clone()));
        let mut results = Results {
            files: self.files.len(),
            ..Results::default()
        };
        for namespace in namespaces {
            let valid = !namespace.is_empty()
                && namespace.split('.').all(|part| {
                    part.chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                        && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                });
            if !valid {
                return Err(Error::Namespace(namespace.clone()));
            }
            let fail = |e: &dyn std::fmt::Display| Error::Eval {
                namespace: namespace.clone(),
                message: e.to_string(),
            };
            let answer = engine
                .eval_query(format!("data.{namespace}"), false)
                .map_err(|e| fail(&e))?;
            let Some(package) = answer
                .result
                .first()
                .and_then(|r| r.expressions.first())
                .map(|e| serde_json::to_value(&e.value))
                .transpose()
                .map_err(|e| fail(&e))?
            else {
                continue;
            };
            let Some(rules) = package.as_object() else {
                continue;
            };
            for rule in rules.keys() {
                let Some(denies) = rule_kind(rule) else {
                    continue;
                };
                // Each rule evaluated on its own: regorus 0.14 can leave out the
                // definitions of a rule spread over several files when it evaluates the
                // whole package at once.
                let value = engine
                    .eval_rule(format!("data.{namespace}.{rule}"))
                    .map_err(|e| fail(&e))?;
                let value = serde_json::to_value(&value).map_err(|e| fail(&e))?;
                for message in messages(&value) {
                    let finding = Finding {
                        namespace: namespace.clone(),
                        rule: rule.clone(),
                        message,
                    };
                    if denies {
                        results.denials.push(finding);
                    } else {
                        results.warnings.push(finding);
                    }
                }
            }
        }
        Ok(results)
    }
}

/// One test rule's outcome (`strata`'s counterpart of `opa test` / `conftest verify`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestOutcome {
    /// `data.main.test_denies_x`.
    pub rule: String,
    /// True when the rule holds.
    pub passed: bool,
}

/// Runs the test rules (rules named `test_*`, in the packages of `*_test.rego` files) of
/// the policies at `paths`, as `opa test` does: each passes when it evaluates to true.
pub fn verify(paths: &[PathBuf]) -> Result<Vec<TestOutcome>, Error> {
    let policies = Policies::load_files(paths, true)?;
    let mut engine = policies.engine.clone();
    let mut outcomes = Vec::new();
    for file in policies
        .files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with("_test.rego"))
    {
        let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
            path: file.clone(),
            source,
        })?;
        let package = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("package "))
            .map(str::trim)
            .unwrap_or("main")
            .to_string();
        let mut names: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("test_"))
            .map(|rest| {
                rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("")
            })
            .collect();
        names.dedup();
        for name in names {
            let rule = format!("data.{package}.test_{name}");
            let value = engine.eval_rule(rule.clone()).map_err(|e| Error::Eval {
                namespace: package.clone(),
                message: e.to_string(),
            })?;
            outcomes.push(TestOutcome {
                rule,
                passed: value == regorus::Value::from(true),
            });
        }
    }
    Ok(outcomes)
}

/// Adds one file, as Rego v1, else as v0; the v1 error is the one reported.
fn add(engine: &mut regorus::Engine, file: &Path, text: String) -> Result<(), Error> {
    let name = file.display().to_string();
    let Err(v1) = engine.add_policy(name.clone(), text.clone()) else {
        return Ok(());
    };
    engine.set_rego_v0(true);
    let v0 = engine.add_policy(name, text);
    engine.set_rego_v0(false);
    v0.map(|_| ()).map_err(|_| Error::Parse {
        path: file.to_path_buf(),
        message: v1.to_string(),
    })
}

/// The messages of a rule's value: a set (a JSON array) of strings or of objects with
/// `msg`; a lone string or `true` (a rule without a message) counts as one.
fn messages(value: &serde_json::Value) -> Vec<String> {
    let one = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(o) => Some(match o.get("msg") {
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => v.to_string(),
        }),
        serde_json::Value::Bool(false) | serde_json::Value::Null => None,
        serde_json::Value::Bool(true) => Some("(the rule holds; it gives no message)".into()),
        other => Some(other.to_string()),
    };
    match value {
        serde_json::Value::Array(items) => items.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests;
