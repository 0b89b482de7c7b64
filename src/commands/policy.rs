//! Policies checked against a plan (`-policy DIR`, `-policy-namespace`, and the blueprint's
//! `policy` blocks): Rego with Conftest's conventions, evaluated by the `policy` crate
//! against the JSON plan (docs/policy.md).

use std::path::{Path, PathBuf};

use blueprint::Config;
use blueprint::config::Typed;
use policy::{Policies, Results};

use crate::cli::PolicyArgs;
use crate::printer::Printer;

/// The package read when none is named.
const DEFAULT_NAMESPACE: &str = "main";

/// One set of policy folders and the packages read in them.
struct Source {
    dirs: Vec<PathBuf>,
    namespaces: Vec<String>,
}

/// The sources for a plan of the blueprint in `dir`: the flags' folders with the flags'
/// packages, and each `policy` block's folder (relative to `dir`) with its own.
fn sources(config: &Config, dir: &Path, args: &PolicyArgs) -> Vec<Source> {
    let or_main = |list: Vec<String>| {
        if list.is_empty() {
            vec![DEFAULT_NAMESPACE.to_string()]
        } else {
            list
        }
    };
    let mut sources = Vec::new();
    if !args.dirs.is_empty() {
        sources.push(Source {
            dirs: args.dirs.clone(),
            namespaces: or_main(args.namespaces.clone()),
        });
    }
    for block in config.of_kind("policy") {
        let Some(source) = block.fields.str("source") else {
            continue;
        };
        let namespaces = match block.fields.get("namespaces") {
            Some(Typed::List(items)) => items
                .iter()
                .filter_map(|f| match &f.value {
                    Typed::Str(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        sources.push(Source {
            dirs: vec![dir.join(source)],
            namespaces: or_main(namespaces),
        });
    }
    sources
}

/// Evaluates every policy that applies to the blueprint against `plan_json`. `Ok(None)`
/// when there are none.
pub fn check(
    config: &Config,
    dir: &Path,
    args: &PolicyArgs,
    plan_json: &serde_json::Value,
) -> anyhow::Result<Option<Results>> {
    let sources = sources(config, dir, args);
    if sources.is_empty() {
        return Ok(None);
    }
    let mut all = Results::default();
    for source in sources {
        let policies = Policies::load(&source.dirs)?;
        let results = policies.evaluate(plan_json, &source.namespaces)?;
        all.files += results.files;
        all.denials.extend(results.denials);
        all.warnings.extend(results.warnings);
    }
    Ok(Some(all))
}

/// The results as lines for a terminal: a summary, then each denial and warning.
pub fn describe(results: &Results) -> String {
    let mut out = format!(
        "Policies: {} denied, {} warning(s), from {} file(s).\n",
        results.denials.len(),
        results.warnings.len(),
        results.files
    );
    for d in &results.denials {
        out.push_str(&format!("  DENY  {}: {}\n", d.namespace, d.message));
    }
    for w in &results.warnings {
        out.push_str(&format!("  WARN  {}: {}\n", w.namespace, w.message));
    }
    out
}

/// Prints the results: to stdout beside a plan for people, to stderr when stdout carries
/// JSON. Returns true when nothing denies the plan.
pub fn report(results: &Results, to_stderr: bool, printer: &mut Printer) -> bool {
    let text = describe(results);
    if to_stderr {
        for line in text.lines() {
            printer.notice(line);
        }
    } else {
        printer.line(&format!("\n{}", text.trim_end()));
    }
    results.passed()
}
