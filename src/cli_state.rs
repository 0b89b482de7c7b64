//! The command-line grammar of the commands on states: `strata state`, `strata workspace`
//! and `strata init`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::StateArgs;

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// List the addresses of every object in the state.
    List(StateDirArgs),
    /// Show one object's attributes.
    Show(StateAddressArgs),
    /// Forget an object without destroying it.
    Rm(StateAddressArgs),
    /// Move an object to a new address (after renaming a block).
    Mv(StateMoveArgs),
    /// Remove a lock left by a run that cannot release it.
    Unlock(StateUnlockArgs),
    /// List the locks held, in every workspace.
    Locks(StateDirArgs),
    /// List the versions of the workspace's state that are kept.
    History(StateDirArgs),
    /// Print the workspace's state (or a kept version of it) as JSON.
    Pull(StatePullArgs),
    /// Write a state file as the workspace's next version.
    Push(StatePushArgs),
}

#[derive(Debug, Args)]
pub struct StatePullArgs {
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Print this kept version instead of the current one (`strata state history`).
    #[arg(long, value_name = "N")]
    pub serial: Option<u64>,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub struct StatePushArgs {
    /// The state file, as `strata state pull` prints it.
    pub file: PathBuf,
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Move every workspace's state from the backend set up before to the blueprint's.
    #[arg(long = "migrate-state", conflicts_with = "reconfigure")]
    pub migrate_state: bool,
    /// Use the blueprint's backend as it is, leaving the states of the one before where
    /// they are.
    #[arg(long)]
    pub reconfigure: bool,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// Create a workspace and select it.
    New(WorkspaceNameArgs),
    /// Select the workspace the commands run in this folder act on.
    Select(WorkspaceNameArgs),
    /// List the workspaces; the selected one is marked with `*`.
    List(StateDirArgs),
    /// Print the selected workspace.
    Show(StateDirArgs),
    /// Delete a workspace and every version of its state.
    Delete(WorkspaceDeleteArgs),
}

#[derive(Debug, Args)]
pub struct WorkspaceNameArgs {
    /// The workspace: letters, digits, `-` and `_`.
    pub name: String,
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub struct WorkspaceDeleteArgs {
    #[command(flatten)]
    pub workspace: WorkspaceNameArgs,
    /// Delete it even though its state still manages objects (they are left as they are).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct StateDirArgs {
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub struct StateAddressArgs {
    /// The object's address.
    pub address: String,
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub struct StateMoveArgs {
    /// The current address.
    pub from: String,
    /// The new address.
    pub to: String,
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub struct StateUnlockArgs {
    /// The lock id, as the error about the held lock and `strata state locks` show it.
    pub id: String,
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub state: StateArgs,
}
