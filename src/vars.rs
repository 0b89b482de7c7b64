//! Variable values from the command line, variable files and `STRATA_VAR_*` environment
//! variables, in Terraform's order of precedence: environment, then files, then -var.

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
        inputs
            .values
            .extend(blueprint::eval::read_var_file(file, sources, diags));
    }
    for var in &args.vars {
        match var.split_once('=') {
            Some((name, text)) if !name.trim().is_empty() => inputs.values.push((
                name.trim().to_string(),
                InputValue::Raw {
                    text: text.to_string(),
                    origin: format!("-var '{var}'"),
                },
            )),
            _ => diags.push(Diagnostic::error(
                None,
                format!("Invalid -var \"{var}\""),
                "Write -var 'name=value', for example -var 'hosts=8'.",
            )),
        }
    }
    inputs
}
