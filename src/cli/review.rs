//! The flags of the merge-request workflow: the JSON plan's format, the Markdown plan,
//! policies, the impact of a change, and `strata render`'s manifests for review.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{StateArgs, VarArgs};

/// The JSON plan's format.
#[derive(Debug, Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum JsonFormat {
    /// Terraform's plan representation, format_version "1.2".
    #[default]
    Terraform,
    /// Strata's own earlier format, format_version 1.
    Strata,
}

/// How `strata plan` prints the plan.
#[derive(Debug, Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum PlanFormat {
    /// As Terraform draws it, for a terminal.
    #[default]
    Text,
    /// Markdown for a merge-request comment, long parts folded.
    Markdown,
}

/// Policies checked against the plan (docs/policy.md).
#[derive(Debug, Args, Default, Clone)]
pub struct PolicyArgs {
    /// A folder of Rego policies (Conftest's conventions) to check the plan against;
    /// repeatable. Added to the blueprint's `policy` blocks.
    #[arg(long = "policy", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// The packages whose `deny` and `warn` rules count (default: main); repeatable.
    #[arg(long = "policy-namespace", value_name = "PACKAGE")]
    pub namespaces: Vec<String>,
}

/// What a plan does to capacity, availability and cost (docs/impact.md).
#[derive(Debug, Args, Default, Clone)]
pub struct ImpactArgs {
    /// Compare the blueprint before and after the change: capacity, N+1, simulated
    /// availability and cost.
    #[arg(long)]
    pub impact: bool,
    /// The blueprint before the change: this git revision (default: the configuration
    /// of the last apply, kept in the state).
    #[arg(long, value_name = "REF", requires = "impact")]
    pub base: Option<String>,
    /// The scenario simulated (default: the blueprint's only one, or the first by name).
    #[arg(long = "impact-scenario", value_name = "NAME", requires = "impact")]
    pub scenario: Option<String>,
    /// Replications of the availability run (default 200, a fast run).
    #[arg(long = "impact-replications", value_name = "N", value_parser = clap::value_parser!(u64).range(1..), requires = "impact")]
    pub replications: Option<u64>,
}

/// `strata render [DIR] --provider kubernetes [-o DIR]`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub vars: VarArgs,
    /// The provider whose objects to write; `kubernetes` is the one that renders.
    #[arg(long, value_name = "NAME")]
    pub provider: String,
    /// Write one file per object under this folder (CLUSTER/NAMESPACE/KIND-NAME.yaml),
    /// replacing an earlier render there; without it, print one multi-document YAML stream.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Where the state is: its lineage labels the objects, as an apply would.
    #[command(flatten)]
    pub state: StateArgs,
}
