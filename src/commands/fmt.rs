//! `strata fmt`: rewrite blueprint files in the canonical layout, or check that they are.

use std::path::{Path, PathBuf};

use anyhow::Context;
use blueprint::{Diagnostic, Diagnostics, SourceMap, Span};

use crate::cli::FmtArgs;
use crate::printer::Printer;

pub fn run(args: &FmtArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let files = if args.dir.is_file() {
        vec![args.dir.clone()]
    } else {
        hcl_files(&args.dir, args.recursive)?
    };
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let mut changed = 0;
    for path in files {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        // Only well-formed files are formatted; a syntax error is reported instead.
        let Some(parsed) = blueprint::parse::parse_source(&mut sources, &path, text, &mut diags)
        else {
            continue;
        };
        let text = &sources.file(parsed.file).text;
        let formatted = match blueprint::format::format(text) {
            Ok(f) => f,
            Err(e) => {
                let at = e.offset.min(text.len());
                diags.push(Diagnostic::error(
                    Span::new(parsed.file, at..at),
                    "Cannot format this file",
                    e.message,
                ));
                continue;
            }
        };
        if &formatted == text {
            continue;
        }
        changed += 1;
        printer.line(&path.display().to_string());
        if !args.check {
            std::fs::write(&path, formatted)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    diags.normalize(&sources);
    printer.diagnostics(&diags, &sources);
    Ok(if diags.has_errors() {
        1
    } else if args.check && changed > 0 {
        3
    } else {
        0
    })
}

fn hcl_files(dir: &Path, recursive: bool) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = blueprint::parse::hcl_files(dir)
        .with_context(|| format!("cannot read the folder {}", dir.display()))?;
    if recursive {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir()
                && !path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                files.extend(hcl_files(&path, true)?);
            }
        }
    }
    files.sort();
    Ok(files)
}
