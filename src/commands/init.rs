//! `strata init [-migrate-state | -reconfigure]`: sets up the blueprint's backend (for
//! PostgreSQL: connects, creates or migrates the schema) and records it; when the backend
//! changed, moves every workspace's state from the one recorded before, lineage and
//! serial kept.

use anyhow::bail;
use planner::state::{Backend, DEFAULT_WORKSPACE, Write};

use crate::backend::{Settings, configured, describe_record, previous, record, recorded};
use crate::cli::InitArgs;
use crate::printer::Printer;

const OPERATION: &str = "init -migrate-state";

fn failed(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub async fn run(args: &InitArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let wanted = configured(&args.dir, &args.state, printer)?;
    let target = wanted.connect().await?;
    let before = recorded(&args.dir)?.unwrap_or_else(|| {
        Settings::Local(crate::backend::state_dir(&args.dir, &args.state)).record()
    });
    if before == wanted.record() || args.reconfigure {
        record(&args.dir, &wanted)?;
        printer.line(&format!(
            "Strata is initialized: the state is kept in {}.",
            target.describe()
        ));
        return Ok(0);
    }
    let source = previous(&before, &args.dir, &args.state)?.connect().await?;
    let mut with_state = Vec::new();
    for workspace in source.workspaces().await.map_err(failed)? {
        let has_state = source.load(&workspace).await.map_err(failed)?.is_some();
        if has_state || workspace != DEFAULT_WORKSPACE {
            with_state.push(workspace);
        }
    }
    if with_state.is_empty() {
        record(&args.dir, &wanted)?;
        printer.line(&format!(
            "Strata is initialized: the state is kept in {} ({} held none).",
            target.describe(),
            describe_record(&before)
        ));
        return Ok(0);
    }
    if !args.migrate_state {
        bail!(
            "the backend changed: it was {}, which holds the workspaces {}; the blueprint now \
             says {}. Run `strata init -migrate-state` to move their states there, or `strata \
             init -reconfigure` to use the new backend as it is and leave them where they are",
            describe_record(&before),
            with_state.join(", "),
            wanted.describe()
        );
    }
    let mut moved = 0;
    for workspace in &with_state {
        if migrate(source.as_ref(), target.as_ref(), workspace, args).await? {
            moved += 1;
        }
    }
    record(&args.dir, &wanted)?;
    printer.line(&format!(
        "Moved the state of {moved} workspace(s) ({}) from {} to {}, lineage and serial kept. \
         The states are left in the previous backend as they were.",
        with_state.join(", "),
        source.describe(),
        target.describe()
    ));
    Ok(0)
}

/// Moves one workspace's state, both locked meanwhile. False when the target already had
/// this very version.
async fn migrate(
    source: &dyn Backend,
    target: &dyn Backend,
    workspace: &str,
    args: &InitArgs,
) -> anyhow::Result<bool> {
    let timeout = crate::session::lock_timeout(&args.state)?;
    let stop = crate::interrupt::flag();
    let held = source
        .lock(workspace, OPERATION, timeout, stop)
        .await
        .map_err(failed)?;
    if workspace != DEFAULT_WORKSPACE
        && !target
            .workspaces()
            .await
            .map_err(failed)?
            .iter()
            .any(|w| w == workspace)
    {
        target.create_workspace(workspace).await.map_err(failed)?;
    }
    let Some(state) = source.load(workspace).await.map_err(failed)? else {
        return Ok(false);
    };
    let mut unfinished = state.clone();
    let recovery = source
        .recover(workspace, &mut unfinished)
        .await
        .map_err(failed)?;
    if recovery.applied > 0 || !recovery.pending.is_empty() {
        bail!(
            "the workspace \"{workspace}\" has a journal of an apply that did not finish: run \
             `strata plan` there with the previous backend first, which finishes it"
        );
    }
    let lock = target
        .lock(workspace, OPERATION, timeout, stop)
        .await
        .map_err(failed)?;
    let there = target.load(workspace).await.map_err(failed)?;
    let same = there
        .as_ref()
        .is_some_and(|t| t.lineage == state.lineage && t.serial == state.serial);
    if !same {
        target
            .import(workspace, &state, &Write::under(&lock, OPERATION))
            .await
            .map_err(failed)?;
    }
    lock.release().map_err(failed)?;
    held.release().map_err(failed)?;
    Ok(!same)
}
