//! `strata output`: the root outputs of the last apply; sensitive ones stay hidden.

use std::path::{Path, PathBuf};

use crate::cli::OutputArgs;
use crate::printer::Printer;
use crate::session::read_state;

/// (output name, blueprint folder) from `[NAME] [DIR]`.
fn name_and_dir(args: &[String]) -> (Option<String>, PathBuf) {
    match args {
        [one] if Path::new(one).is_dir() => (None, PathBuf::from(one)),
        [name] => (Some(name.clone()), PathBuf::from(".")),
        [name, dir, ..] => (Some(name.clone()), PathBuf::from(dir)),
        [] => (None, PathBuf::from(".")),
    }
}

pub fn run(args: &OutputArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let (name, dir) = name_and_dir(&args.args);
    let state = read_state(&dir, &args.state, printer)?;
    let shown = |entry: &serde_json::Value| {
        if entry["sensitive"] == serde_json::Value::Bool(true) {
            serde_json::Value::String("(sensitive)".into())
        } else {
            entry["value"].clone()
        }
    };
    if let Some(name) = &name {
        let Some(entry) = state.outputs.get(name) else {
            printer.failure(&format!(
                "no output \"{name}\"; the outputs are: {}",
                state.outputs.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            return Ok(1);
        };
        match shown(entry) {
            serde_json::Value::String(s) if !args.json => printer.line(&s),
            value => printer.json(&value),
        }
        return Ok(0);
    }
    if args.json {
        let all: serde_json::Map<String, serde_json::Value> = state
            .outputs
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    serde_json::json!({ "value": shown(v), "sensitive": v["sensitive"] }),
                )
            })
            .collect();
        printer.json(&serde_json::Value::Object(all));
    } else {
        for (name, entry) in &state.outputs {
            printer.line(&format!("{name} = {}", shown(entry)));
        }
    }
    Ok(0)
}
