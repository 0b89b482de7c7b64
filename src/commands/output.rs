//! `strata output`: the root outputs of the last apply; sensitive ones stay hidden.

use std::path::{Path, PathBuf};

use crate::cli::OutputArgs;
use crate::printer::Printer;
use crate::reading::read_state;

/// (output name, blueprint folder) from `[NAME] [DIR]`.
fn name_and_dir(args: &[String]) -> (Option<String>, PathBuf) {
    match args {
        [one] if Path::new(one).is_dir() => (None, PathBuf::from(one)),
        [name] => (Some(name.clone()), PathBuf::from(".")),
        [name, dir, ..] => (Some(name.clone()), PathBuf::from(dir)),
        [] => (None, PathBuf::from(".")),
    }
}

/// How a sensitive output prints: never its value (Terraform prints `<sensitive>` too, but
/// shows the value when one output is asked for by name; Strata never does).
pub const SENSITIVE: &str = "<sensitive>";

pub fn run(args: &OutputArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let (name, dir) = name_and_dir(&args.args);
    let state = super::runtime()?.block_on(read_state(&dir, &args.state, printer))?;
    let sensitive = |entry: &serde_json::Value| entry["sensitive"] == serde_json::Value::Bool(true);
    if let Some(name) = &name {
        let Some(entry) = state.outputs.get(name) else {
            printer.failure(&format!(
                "no output \"{name}\"; the outputs are: {}",
                state.outputs.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            return Ok(1);
        };
        if sensitive(entry) {
            if args.json || args.raw {
                printer.failure(&format!(
                    "output \"{name}\" is sensitive: Strata does not print its value"
                ));
                return Ok(1);
            }
            printer.line(SENSITIVE);
            return Ok(0);
        }
        let value = &entry["value"];
        if args.raw {
            match value {
                serde_json::Value::String(s) => printer.text(s),
                serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                    printer.text(&value.to_string())
                }
                _ => {
                    printer.failure(&format!(
                        "output \"{name}\" is a {}: -raw prints only strings, numbers and bools; use -json",
                        if value.is_array() { "list" } else if value.is_null() { "null" } else { "map" }
                    ));
                    return Ok(1);
                }
            }
        } else if args.json {
            printer.json(value);
        } else {
            printer.line(&blueprint::literal::hcl(value));
        }
        return Ok(0);
    }
    if args.json {
        let all: serde_json::Map<String, serde_json::Value> = state
            .outputs
            .iter()
            .map(|(k, v)| {
                let value = if sensitive(v) {
                    serde_json::Value::String(SENSITIVE.into())
                } else {
                    v["value"].clone()
                };
                (
                    k.clone(),
                    serde_json::json!({ "value": value, "sensitive": v["sensitive"] }),
                )
            })
            .collect();
        printer.json(&serde_json::Value::Object(all));
    } else {
        printer.text(&listing(&state.outputs));
    }
    Ok(0)
}

/// Every output as `name = value` lines in HCL form, sensitive ones as `<sensitive>`: what
/// `strata output` and the end of an apply print.
pub fn listing(outputs: &serde_json::Map<String, serde_json::Value>) -> String {
    outputs
        .iter()
        .map(|(name, entry)| {
            let value = if entry["sensitive"] == serde_json::Value::Bool(true) {
                SENSITIVE.to_string()
            } else {
                blueprint::literal::hcl(&entry["value"])
            };
            format!("{name} = {value}\n")
        })
        .collect()
}
