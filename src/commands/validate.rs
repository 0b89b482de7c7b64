//! `strata validate`: check a blueprint and report every problem.

use blueprint::{Diagnostics, Severity, SourceMap};

use crate::cli::ValidateArgs;
use crate::printer::Printer;

pub fn run(args: &ValidateArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let (config, diags, sources) = super::load(&args.dir, &args.vars, printer);
    let (errors, warnings) = diags.counts();
    if args.json {
        printer.json(&json(&diags, &sources, errors, warnings));
    } else {
        printer.diagnostics(&diags, &sources);
        if errors == 0 {
            let managed = config.instances.iter().filter(|i| i.managed).count();
            let note = if warnings > 0 {
                format!(", with {warnings} warning(s)")
            } else {
                String::new()
            };
            printer.line(&format!(
                "Success! The blueprint is valid: {managed} resource instances{note}."
            ));
        } else {
            printer.line(&format!(
                "The blueprint has {errors} error(s) and {warnings} warning(s)."
            ));
        }
    }
    Ok(u8::from(errors > 0))
}

/// The machine-readable result, shaped like `terraform validate -json`.
fn json(
    diags: &Diagnostics,
    sources: &SourceMap,
    errors: usize,
    warnings: usize,
) -> serde_json::Value {
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let range = d.span.map(|span| {
                let file = sources.file(span.file);
                let (start, end) = (file.location(span.start), file.location(span.end));
                serde_json::json!({
                    "filename": file.path.display().to_string(),
                    "start": { "line": start.line, "column": start.column, "byte": span.start },
                    "end": { "line": end.line, "column": end.column, "byte": span.end },
                })
            });
            serde_json::json!({
                "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "summary": d.summary,
                "detail": d.detail,
                "range": range,
            })
        })
        .collect();
    serde_json::json!({
        "format_version": "1.0",
        "valid": errors == 0,
        "error_count": errors,
        "warning_count": warnings,
        "diagnostics": items,
    })
}
