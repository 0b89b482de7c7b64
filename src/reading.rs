//! Reading a state without locking it, for the commands that only look (`state list`,
//! `state show`, `output`, `console`).

use std::path::Path;

use anyhow::Context;
use planner::state::{LocalBackend, State};

use crate::backend::Target;
use crate::cli::StateArgs;
use crate::printer::Printer;
use crate::session::state_key;

/// Reads the state without locking (for read-only commands); its sensitive values that a
/// state key opens are masked in everything `printer` prints.
pub async fn read_state(
    dir: &Path,
    args: &StateArgs,
    printer: &mut Printer,
) -> anyhow::Result<State> {
    let target = Target::open(dir, args, printer).await?;
    let mut state = load_state(&target).await?;
    open_state(&mut state, printer)?;
    Ok(state)
}

/// The lineage of the workspace's state, or `None` when nothing has been saved yet.
pub async fn saved_lineage(
    dir: &Path,
    args: &StateArgs,
    printer: &mut Printer,
) -> anyhow::Result<Option<String>> {
    let target = Target::open(dir, args, printer).await?;
    let state = target
        .backend
        .load(&target.workspace)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("reading the state")?;
    Ok(state.map(|s| s.lineage))
}

/// The workspace's state as it is, or a new state when there is none.
async fn load_state(target: &Target) -> anyhow::Result<State> {
    Ok(target
        .backend
        .load(&target.workspace)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("reading the state")?
        .unwrap_or_else(LocalBackend::new_state))
}

/// Opens what the state key sealed, and masks it in everything `printer` prints.
fn open_state(state: &mut State, printer: &mut Printer) -> anyhow::Result<()> {
    planner::state::unseal(state, state_key().as_ref()).map_err(|e| anyhow::anyhow!("{e}"))?;
    printer.protect_state(state);
    Ok(())
}

/// What the journal adds to the state as last saved, for read-only commands.
pub struct Journaled {
    /// The state with every change the journal records as done applied to it.
    pub state: State,
    /// What was applied, and the changes started with no recorded outcome.
    pub recovery: planner::state::Recovery,
    /// Who holds the workspace's lock, if anyone: a run that may still be going.
    pub holder: Option<planner::state::HeldLock>,
}

/// Reads the state without locking, with what the journal records since it was last
/// saved: the changes of a run that stopped before saving (a second interrupt, a crash)
/// or of one still running. The journal is only read; the next locked run finishes it.
pub async fn read_state_with_journal(
    dir: &Path,
    args: &StateArgs,
    printer: &mut Printer,
) -> anyhow::Result<Journaled> {
    let target = Target::open(dir, args, printer).await?;
    let mut state = load_state(&target).await?;
    let recovery = target
        .backend
        .recover(&target.workspace, &mut state)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // The journal's lines are sealed as the state is.
    open_state(&mut state, printer)?;
    let holder = target
        .backend
        .locks()
        .await
        .ok()
        .and_then(|locks| locks.into_iter().find(|l| l.workspace == target.workspace));
    Ok(Journaled {
        state,
        recovery,
        holder,
    })
}
