//! Variable values from the command line, variable files and `STRATA_VAR_*` environment
//! variables, in Terraform's order of precedence: environment, then files, then -var.
//! Messages name where a value came from (`-var 'token=...'`), never the value.

use blueprint::{Diagnostic, Diagnostics, InputValue, Inputs, SourceMap};

use crate::cli::VarArgs;

pub fn inputs(args: &VarArgs, sources: &mut SourceMap, diags: &mut Diagnostics) -> Inputs {
    let mut inputs = Inputs::default();
    let mut env: Vec<(String, String)> = std::env::vars()
        .filter_map(|(k, v)| Some((k.strip_prefix("STRATA_VAR_")?.to_string(), v)))
        .collect();
    env.sort();
    for (name, text) in env {
        let origin = format!("the environment variable STRATA_VAR_{name}");
        inputs.values.push((name, InputValue::Raw { text, origin }));
    }
    for file in &args.var_files {
        blueprint::eval::read_var_file(file, &mut inputs, sources, diags);
    }
    // Messages name where a value came from, never the value: it may be secret.
    for var in &args.vars {
        match var.split_once('=') {
            Some((name, text)) if !name.trim().is_empty() => inputs.values.push((
                name.trim().to_string(),
                InputValue::Raw {
                    text: text.to_string(),
                    origin: format!("-var '{}=...'", name.trim()),
                },
            )),
            _ => diags.push(Diagnostic::error(
                None,
                "Invalid -var",
                "A -var option has no name before '='. Write -var 'name=value', for example -var 'hosts=8'.",
            )),
        }
    }
    inputs
}
