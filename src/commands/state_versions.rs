//! `strata state history|pull|push|locks|unlock`: the versions of a workspace's state and
//! the locks, on whichever backend.

use anyhow::Context;
use planner::state::{Write, format_utc, read_document};

use crate::backend::Target;
use crate::cli::{StateDirArgs, StatePullArgs, StatePushArgs, StateUnlockArgs};
use crate::printer::Printer;
use crate::table::table;

fn failed(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// `strata state history`: the versions kept, oldest first.
pub async fn history(args: &StateDirArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let target = Target::open(&args.dir, &args.state, printer).await?;
    let versions = target
        .backend
        .history(&target.workspace)
        .await
        .map_err(failed)?;
    if versions.is_empty() {
        printer.line(&format!(
            "The workspace \"{}\" has no state yet.",
            target.workspace
        ));
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = versions
        .iter()
        .map(|v| {
            vec![
                v.serial.to_string(),
                format_utc(v.written),
                v.objects.to_string(),
                v.who.clone().unwrap_or_else(|| "-".into()),
                v.operation.clone().unwrap_or_else(|| "-".into()),
                v.lineage.clone(),
            ]
        })
        .collect();
    printer.text(&table(
        &["SERIAL", "WRITTEN", "OBJECTS", "WHO", "COMMAND", "LINEAGE"],
        &rows,
    ));
    Ok(0)
}

/// `strata state pull [--serial N]`: the state document as stored, on standard output.
pub async fn pull(args: &StatePullArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let target = Target::open(&args.dir, &args.state, printer).await?;
    let backend = &target.backend;
    let serial = match args.serial {
        Some(serial) => serial,
        None => match backend.load(&target.workspace).await.map_err(failed)? {
            Some(state) => state.serial,
            None => {
                printer.failure(&format!(
                    "the workspace \"{}\" has no state yet",
                    target.workspace
                ));
                return Ok(1);
            }
        },
    };
    let Some(bytes) = backend
        .version(&target.workspace, serial)
        .await
        .map_err(failed)?
    else {
        printer.failure(&format!(
            "serial {serial} of the workspace \"{}\" is not kept; `strata state history` lists \
             the versions there are",
            target.workspace
        ));
        return Ok(1);
    };
    // Sensitive values are stored sealed or as digests: the document is printed as kept.
    printer.text(&String::from_utf8_lossy(&bytes));
    Ok(0)
}

/// `strata state push FILE`: the file becomes the workspace's next version. It must be a
/// version of the state stored (same lineage) made from the current serial; into a
/// workspace without a state it is written as it is.
pub async fn push(args: &StatePushArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let mut state =
        read_document(&bytes, &format!("file {}", args.file.display())).map_err(failed)?;
    let target = Target::open(&args.dir, &args.state, printer).await?;
    let (backend, workspace) = (&target.backend, target.workspace.as_str());
    let timeout = crate::session::lock_timeout(&args.state)?;
    let lock = backend
        .lock(workspace, "state push", timeout, crate::interrupt::flag())
        .await
        .map_err(failed)?;
    let write = Write::under(&lock, "state push");
    if backend.load(workspace).await.map_err(failed)?.is_none() {
        backend
            .import(workspace, &state, &write)
            .await
            .map_err(failed)?;
    } else {
        backend
            .save(workspace, &mut state, &write)
            .await
            .map_err(failed)?;
    }
    lock.release().map_err(failed)?;
    printer.line(&format!(
        "Pushed {} as serial {} of the workspace \"{workspace}\".",
        args.file.display(),
        state.serial,
    ));
    Ok(0)
}

/// `strata state locks`: every lock held, in any workspace.
pub async fn locks(args: &StateDirArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let target = Target::open(&args.dir, &args.state, printer).await?;
    let locks = target.backend.locks().await.map_err(failed)?;
    if locks.is_empty() {
        printer.line(&format!(
            "No locks are held in {}.",
            target.backend.describe()
        ));
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = locks
        .iter()
        .map(|l| {
            vec![
                l.info.id.clone(),
                l.workspace.clone(),
                l.info.operation.clone(),
                l.info.who.clone(),
                l.info.pid.to_string(),
                format_utc(l.info.created),
                match (l.stale, l.info.expires) {
                    (true, Some(_)) => "lease ended".into(),
                    (true, None) => "process gone".into(),
                    (false, Some(expires)) => format!("until {}", format_utc(expires)),
                    (false, None) => "held".into(),
                },
            ]
        })
        .collect();
    printer.text(&table(
        &["ID", "WORKSPACE", "COMMAND", "WHO", "PID", "SINCE", "LEASE"],
        &rows,
    ));
    Ok(0)
}

/// `strata state unlock ID`: forces open the lock with this id.
pub async fn unlock(args: &StateUnlockArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let target = Target::open(&args.dir, &args.state, printer).await?;
    let held = target.backend.unlock(&args.id).await.map_err(failed)?;
    printer.line(&format!(
        "Removed the lock of the workspace \"{}\" held by {} (process {} on {}) for {}.",
        held.workspace, held.info.who, held.info.pid, held.info.host, held.info.operation
    ));
    Ok(0)
}
