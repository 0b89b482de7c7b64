//! The state for people (`strata show` without a plan file), as `terraform show` prints
//! it: each object as a block of its attributes, then the outputs.

use std::fmt::Write;

use blueprint::literal::quote;

use super::value::{SENSITIVE, whole};
use crate::state::State;

/// The objects and outputs of `state`; sensitive values are never shown.
pub fn render_state(state: &State) -> String {
    let mut out = String::new();
    if state.objects.is_empty() {
        out.push_str("The state is empty: nothing has been applied yet.\n");
        return out;
    }
    for object in &state.objects {
        let _ = writeln!(out, "# {}:", object.address);
        let _ = writeln!(
            out,
            "resource {} {} {{",
            quote(&object.kind),
            quote(&object.address.name)
        );
        let width = object.attributes.keys().map(|k| k.len()).max().unwrap_or(0);
        for (name, value) in &object.attributes {
            let shown = if object.sensitive.contains(name) {
                SENSITIVE.to_string()
            } else {
                whole(value, ' ', 2)
            };
            let _ = writeln!(out, "    {name:width$} = {shown}");
        }
        out.push_str("}\n\n");
    }
    if !state.outputs.is_empty() {
        out.push_str("\nOutputs:\n\n");
        let width = state.outputs.keys().map(|k| k.len()).max().unwrap_or(0);
        for (name, entry) in &state.outputs {
            let shown = if entry["sensitive"] == serde_json::Value::Bool(true) {
                SENSITIVE.to_string()
            } else {
                whole(&entry["value"], ' ', 0)
            };
            let _ = writeln!(out, "{name:width$} = {shown}");
        }
    }
    out
}
