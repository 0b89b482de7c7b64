//! `strata render DIR --provider kubernetes [-o DIR]`: the Kubernetes manifests of a
//! blueprint, written without contacting a cluster (docs/providers/kubernetes.md).

use std::path::Path;

use anyhow::Context;

use crate::cli::RenderArgs;
use crate::printer::Printer;

/// The file in a rendered folder listing the files Strata wrote there, so that the next
/// render replaces exactly them (an object gone from the blueprint loses its file) and
/// never deletes a file it did not write.
const MARKER: &str = ".strata-render";

pub fn run(args: &RenderArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    if args.provider != "kubernetes" && !args.provider.starts_with("kubernetes.") {
        printer.failure(&format!(
            "strata render writes the manifests of the kubernetes provider, not of `{}`: use --provider kubernetes",
            args.provider
        ));
        return Ok(1);
    }
    let Some((config, sources)) = super::load_valid(&args.dir, &args.vars, "rendering", printer)
    else {
        return Ok(1);
    };
    let lineage = super::runtime()?.block_on(crate::reading::saved_lineage(
        &args.dir,
        &args.state,
        printer,
    ))?;
    let ctx = kubernetes::Ctx {
        config: &config,
        lineage: lineage.as_deref(),
    };
    // `kubernetes.ALIAS`: only the resources of that configuration.
    let alias = args.provider.strip_prefix("kubernetes.");
    if let Some(alias) = alias
        && !config
            .providers
            .iter()
            .any(|p| p.name == "kubernetes" && p.alias.as_deref() == Some(alias))
    {
        printer.failure(&format!(
            "the blueprint declares no provider \"kubernetes\" with alias = \"{alias}\""
        ));
        return Ok(1);
    }
    let select = |i: &blueprint::Instance| {
        alias.is_none() || planner::plan::attrs::provider_of(i) == args.provider
    };
    let manifests = match kubernetes::render::render(&ctx, &select) {
        Ok(m) => m,
        Err(errors) => {
            let mut diags = blueprint::Diagnostics::default();
            for e in &errors {
                diags.push(e.diagnostic(&config));
            }
            printer.diagnostics(&diags, &sources);
            printer.failure(&format!(
                "{} problem(s) keep the blueprint from being rendered for Kubernetes",
                errors.len()
            ));
            return Ok(1);
        }
    };
    match &args.output {
        None => printer.text(&kubernetes::render::stream(&manifests)),
        Some(dir) => {
            let files = kubernetes::render::files(&manifests);
            write_folder(dir, &files, printer)?;
            printer.line(&format!(
                "Wrote {} manifest(s) to {}.",
                files.len(),
                dir.display()
            ));
        }
    }
    Ok(0)
}

/// Writes `files` under `dir`, after removing the files of an earlier render there; a
/// folder that holds anything else is refused.
fn write_folder(dir: &Path, files: &[(String, String)], printer: &Printer) -> anyhow::Result<()> {
    let marker = dir.join(MARKER);
    if let Ok(listing) = std::fs::read_to_string(&marker) {
        // Only paths inside the folder: a listing edited to name `/etc/...` or `../x`
        // removes nothing there.
        let inside = |line: &&str| {
            !line.is_empty()
                && Path::new(line)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)))
        };
        for old in listing.lines().filter(inside) {
            let path = dir.join(old);
            let _ = std::fs::remove_file(&path);
            // Folders the render made and left empty go too.
            let mut parent = path.parent();
            while let Some(p) = parent.filter(|p| *p != dir) {
                if std::fs::remove_dir(p).is_err() {
                    break;
                }
                parent = p.parent();
            }
        }
    } else if std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
        anyhow::bail!(
            "{} is not empty and holds no earlier render ({MARKER}): choose an empty or new folder",
            dir.display()
        );
    }
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, printer.scrub(text).as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let listing: String = files.iter().map(|(p, _)| format!("{p}\n")).collect();
    std::fs::write(&marker, listing).with_context(|| format!("writing {}", marker.display()))?;
    Ok(())
}
