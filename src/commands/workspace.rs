//! `strata workspace new|select|list|show|delete`: one state per workspace for the same
//! blueprint, on whichever backend; `strata.workspace` names the selected one.

use std::path::Path;
use std::sync::Arc;

use anyhow::bail;
use planner::state::{Backend, DEFAULT_WORKSPACE, check_workspace_name};

use crate::backend::{self, settings, workspace};
use crate::cli::{StateArgs, WorkspaceCommand};
use crate::printer::Printer;

fn failed(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

async fn open(
    dir: &Path,
    args: &StateArgs,
    printer: &mut Printer,
) -> anyhow::Result<Arc<dyn Backend>> {
    settings(dir, args, printer)?.connect().await
}

pub async fn run(command: &WorkspaceCommand, printer: &mut Printer) -> anyhow::Result<u8> {
    match command {
        WorkspaceCommand::New(args) => {
            check_workspace_name(&args.name).map_err(failed)?;
            let backend = open(&args.dir, &args.state, printer).await?;
            backend.create_workspace(&args.name).await.map_err(failed)?;
            backend::select(&args.dir, &args.name)?;
            printer.line(&format!(
                "Created and switched to workspace \"{}\": its state is empty, and the next \
                 plan creates everything the blueprint describes.",
                args.name
            ));
            Ok(0)
        }
        WorkspaceCommand::Select(args) => {
            check_workspace_name(&args.name).map_err(failed)?;
            let backend = open(&args.dir, &args.state, printer).await?;
            let names = backend.workspaces().await.map_err(failed)?;
            if !names.contains(&args.name) {
                bail!(
                    "there is no workspace \"{}\" in {}; `strata workspace new {}` creates it \
                     (there are: {})",
                    args.name,
                    backend.describe(),
                    args.name,
                    names.join(", ")
                );
            }
            backend::select(&args.dir, &args.name)?;
            printer.line(&format!("Switched to workspace \"{}\".", args.name));
            Ok(0)
        }
        WorkspaceCommand::List(args) => {
            let backend = open(&args.dir, &args.state, printer).await?;
            let current = workspace(&args.dir)?;
            for name in backend.workspaces().await.map_err(failed)? {
                let mark = if name == current { '*' } else { ' ' };
                printer.line(&format!("{mark} {name}"));
            }
            Ok(0)
        }
        WorkspaceCommand::Show(args) => {
            printer.line(&workspace(&args.dir)?);
            Ok(0)
        }
        WorkspaceCommand::Delete(args) => {
            let name = &args.workspace.name;
            let dir = &args.workspace.dir;
            if *name == workspace(dir)? {
                bail!(
                    "workspace \"{name}\" is the selected workspace, which cannot be deleted; \
                     select another first (`strata workspace select {DEFAULT_WORKSPACE}`)"
                );
            }
            let backend = open(dir, &args.workspace.state, printer).await?;
            let objects = backend
                .load(name)
                .await
                .map_err(failed)?
                .map_or(0, |s| s.objects.len());
            if objects > 0 && !args.force {
                bail!(
                    "workspace \"{name}\" still manages {objects} object(s): destroy them first \
                     (`strata destroy` in that workspace), or delete it with --force and leave \
                     them unmanaged"
                );
            }
            backend.delete_workspace(name).await.map_err(failed)?;
            printer.line(&format!("Deleted workspace \"{name}\"."));
            Ok(0)
        }
    }
}
