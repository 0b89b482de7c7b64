//! The command-line grammar: commands, their arguments and flags.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Strata: describe an on-premises platform as a blueprint, plan and apply it, and
/// simulate its failures and capacity.
#[derive(Debug, Parser)]
#[command(name = "strata", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a blueprint: syntax, references, types, units and design mistakes.
    Validate(ValidateArgs),
    /// Rewrite blueprint files in the canonical layout.
    Fmt(FmtArgs),
    /// Print the dependency graph of a blueprint's resource instances.
    Graph(GraphArgs),
}

/// Values for the blueprint's variables.
#[derive(Debug, Args, Default)]
pub struct VarArgs {
    /// Set a variable: -var 'name=value' (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variables from a file of `name = value` lines or a JSON object (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub vars: VarArgs,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The folder (or a single file) to format.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Change nothing; list files that are not formatted and exit 3 if there are any.
    #[arg(long)]
    pub check: bool,
    /// Also format the .hcl files of subfolders.
    #[arg(long)]
    pub recursive: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum GraphFormat {
    /// Graphviz DOT.
    #[default]
    Dot,
    /// JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: GraphFormat,
    #[command(flatten)]
    pub vars: VarArgs,
}
