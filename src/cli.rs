//! The command-line grammar: commands, their arguments and flags.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::cli_state::*;
mod review;

pub use review::{ImpactArgs, JsonFormat, PlanFormat, PolicyArgs, RenderArgs};

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
    /// List the provider configurations a blueprint uses, their settings (sensitive ones
    /// hidden) and which resources each manages.
    Providers(ProvidersArgs),
    /// Show what an apply would change, and what changed outside Strata.
    Plan(PlanArgs),
    /// Make the platform match the blueprint (or carry out a saved plan).
    Apply(ApplyArgs),
    /// Destroy everything the blueprint manages, in reverse dependency order.
    Destroy(DestroyArgs),
    /// Set up the blueprint's backend, where its state is kept (and move the states there
    /// when it changed).
    Init(InitArgs),
    /// Inspect and edit the state.
    #[command(subcommand)]
    State(StateCommand),
    /// Workspaces: one state per workspace (dev, test, prod) for the same blueprint.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Print the root outputs of the last apply.
    Output(OutputArgs),
    /// Show a saved plan, or the state, for people or as JSON.
    Show(ShowArgs),
    /// Take an existing object under management.
    Import(ImportArgs),
    /// Act on the simulated datacenter behind Strata's back, as an operator would.
    #[command(subcommand)]
    Sim(SimCommand),
    /// Capacity planning: allocation and headroom, N+k survivability, growth,
    /// consolidation and latency under failure.
    Capacity(CapacityArgs),
    /// Simulate failures and failover over many years: availability, downtime and
    /// outages of every service, cluster and storage.
    Simulate(SimulateArgs),
    /// A report of a blueprint under a scenario: availability against targets, failure
    /// domain verdicts, runway and consolidation, as HTML, Markdown or JSON.
    Report(ReportArgs),
    /// Write the Kubernetes manifests of a blueprint's services, network policies, jobs and
    /// environments, without contacting a cluster (for review or a GitOps repository).
    Render(RenderArgs),
    /// Evaluate expressions against a blueprint: its variables, locals, resources (with
    /// the state's attributes) and module outputs.
    Console(ConsoleArgs),
}

/// Where the state lives and how long to wait for its lock.
#[derive(Debug, Args, Default, Clone)]
pub struct StateArgs {
    /// The local state folder (default: DIR/.strata): the local backend's states and the
    /// simulated datacenter.
    #[arg(long = "state-dir", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// How long to wait for the state lock, such as 10s.
    #[arg(long = "lock-timeout", value_name = "DURATION", default_value = "0s")]
    pub lock_timeout: String,
}

/// Flags shared by plan, apply and destroy.
#[derive(Debug, Args, Default, Clone)]
pub struct PlanFlags {
    /// The blueprint folder, or for apply a saved plan file.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub vars: VarArgs,
    #[command(flatten)]
    pub state: StateArgs,
    /// Limit the plan to this instance (and what it needs); repeatable.
    #[arg(long = "target", value_name = "ADDRESS")]
    pub targets: Vec<String>,
    /// Replace this instance even if unchanged; repeatable.
    #[arg(long = "replace", value_name = "ADDRESS")]
    pub replace: Vec<String>,
    /// Read every object from its provider first (-refresh=false to skip).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub refresh: bool,
    /// Provider calls at once.
    #[arg(long, default_value_t = 10)]
    pub parallelism: usize,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub flags: PlanFlags,
    /// Save the plan to this file, for `strata apply FILE`.
    #[arg(long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 0 when there is nothing to do, 2 when there are changes, 1 on errors.
    #[arg(long = "detailed-exitcode")]
    pub detailed_exitcode: bool,
    /// Print the plan as JSON: Terraform's plan representation (see docs/plan-json.md).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// With -json: `terraform` (the default), or `strata` for Strata's own format_version 1.
    #[arg(long = "json-format", value_enum, default_value_t, requires = "json")]
    pub json_format: JsonFormat,
    /// How the plan is printed: `text` for a terminal, `markdown` for a merge-request comment.
    #[arg(long, value_enum, default_value_t)]
    pub format: PlanFormat,
    /// Plan the destruction of everything.
    #[arg(long)]
    pub destroy: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub impact: ImpactArgs,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub flags: PlanFlags,
    /// Do not ask for confirmation.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// `strata destroy [DIR]`: apply's flags that a destruction takes. Like Terraform's, it
/// reads no saved plan (`strata plan -destroy -out FILE` then `strata apply FILE` does)
/// and replaces nothing.
#[derive(Debug, Args)]
pub struct DestroyArgs {
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub vars: VarArgs,
    #[command(flatten)]
    pub state: StateArgs,
    /// Destroy only this instance and what depends on it; repeatable.
    #[arg(long = "target", value_name = "ADDRESS")]
    pub targets: Vec<String>,
    /// Read every object from its provider first (-refresh=false to skip).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub refresh: bool,
    /// Provider calls at once.
    #[arg(long, default_value_t = 10)]
    pub parallelism: usize,
    /// Do not ask for confirmation.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

impl DestroyArgs {
    /// The same run as apply's arguments, with nothing to replace.
    pub fn into_apply(self) -> ApplyArgs {
        ApplyArgs {
            flags: PlanFlags {
                dir: self.dir,
                vars: self.vars,
                state: self.state,
                targets: self.targets,
                replace: Vec::new(),
                refresh: self.refresh,
                parallelism: self.parallelism,
            },
            auto_approve: self.auto_approve,
            policy: self.policy,
        }
    }
}

/// `strata show [PLANFILE | DIR] [-json]`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A plan saved with `strata plan -out`, or a blueprint folder whose state to show.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub state: StateArgs,
    /// Print as JSON: Terraform's plan or state representation (docs/plan-json.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// `[NAME] [DIR]`: one output's name (all when left out) and the blueprint folder
    /// (default: the current one). A lone argument that is a folder is the folder.
    #[arg(num_args = 0..=2, value_name = "NAME|DIR")]
    pub args: Vec<String>,
    #[command(flatten)]
    pub state: StateArgs,
    /// Print as JSON.
    #[arg(long, conflicts_with = "raw")]
    pub json: bool,
    /// Print one output's string, number or bool as it is, without quotes, for scripts.
    #[arg(long, requires = "args")]
    pub raw: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The address the object will have; its block must be in the blueprint.
    pub address: String,
    /// The provider's id of the object.
    pub id: String,
    #[command(flatten)]
    pub flags: PlanFlags,
}

#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Change an attribute of a simulated object, as a console would: ADDRESS attr=value.
    Drift(SimDriftArgs),
    /// Delete a simulated object behind Strata's back.
    Delete(StateAddressArgs),
    /// Show the simulated datacenter: host pools and hosts, clusters, storage, zones and
    /// objects, as tables (or JSON with -json).
    Show(SimShowArgs),
}

#[derive(Debug, Args)]
pub struct SimShowArgs {
    #[command(flatten)]
    pub target: StateDirArgs,
    /// Print the summary as JSON: CPU in cores, sizes in bytes.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SimDriftArgs {
    /// The object's address.
    pub address: String,
    /// The change, as attr=value (the value is read as JSON when it parses as JSON).
    pub change: String,
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub state: StateArgs,
}

/// Values for the blueprint's variables.
#[derive(Debug, Args, Default, Clone)]
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
    /// Files or folders to format (default: the current folder), or `-` to format
    /// standard input to standard output.
    #[arg(value_name = "TARGET")]
    pub targets: Vec<PathBuf>,
    /// List the files whose formatting changes (-list=false not to).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub list: bool,
    /// Write the result to the files (-write=false not to).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub write: bool,
    /// Print a unified diff of the changes.
    #[arg(long)]
    pub diff: bool,
    /// Change nothing; list the files that are not formatted and exit 3 if there are any.
    #[arg(long)]
    pub check: bool,
    /// Also format the files of subfolders.
    #[arg(long)]
    pub recursive: bool,
}

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub vars: VarArgs,
    /// The state folder (default: DIR/.strata).
    #[arg(long = "state-dir", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
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
pub struct ProvidersArgs {
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub state: StateArgs,
    #[command(flatten)]
    pub vars: VarArgs,
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

#[derive(Debug, Args)]
pub struct CapacityArgs {
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub vars: VarArgs,
    /// Print the result as JSON (see docs/capacity.md).
    #[arg(long)]
    pub json: bool,
    /// Host failures per pool to survive: 1, or 2 to also fail every pair of hosts.
    #[arg(long, short, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub k: u8,
    /// Project the growth of this scenario only (default: every scenario with a growth block).
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
    /// Where the state is: host pools a real provider manages count with the figures it
    /// read from the hosts.
    #[command(flatten)]
    pub state: StateArgs,
}

/// `strata simulate [DIR] --scenario NAME ...`, or `strata simulate merge FILES...`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SimulateArgs {
    #[command(subcommand)]
    pub command: Option<SimulateCommand>,
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub vars: VarArgs,
    /// The scenario to simulate; may be left out when the blueprint has only one.
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
    /// Replications (default: the scenario's).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub replications: Option<u64>,
    /// The seed of every random stream (default: the scenario's).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Simulated time per replication, such as 365d or 5y (default: the scenario's).
    #[arg(long, value_name = "DURATION")]
    pub horizon: Option<String>,
    /// Worker threads; 0 for one per core. The result does not depend on it.
    #[arg(long, value_name = "T", default_value_t = 0)]
    pub threads: usize,
    /// Run only slice K of N of the replications (merge the slices' JSON with
    /// `strata simulate merge`).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<sim::Shard>,
    /// Rerun replication N alone (its index, as the WORST column shows it, `#N`): the
    /// same seed and replications give exactly the same record.
    #[arg(long, value_name = "N", conflicts_with = "shard")]
    pub replication: Option<u64>,
    /// Print the outcome as JSON (see docs/simulation.md).
    #[arg(long)]
    pub json: bool,
    /// Print, instead of running, the Kubernetes Indexed Job that runs the simulation as
    /// `--shards` pods, one shard each (docs/providers/kubernetes.md).
    #[arg(long = "render-job", requires_all = ["shards", "image"], conflicts_with_all = ["shard", "json"])]
    pub render_job: bool,
    /// Shards of the Job: its pods, each running one slice of the replications.
    #[arg(long, value_name = "N", requires = "render_job", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub shards: Option<u64>,
    /// The Job's container image: `strata` on its PATH, the blueprint in `--workdir`.
    #[arg(long, value_name = "IMAGE", requires = "render_job")]
    pub image: Option<String>,
    /// The blueprint's folder in the Job's image.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/blueprint",
        requires = "render_job"
    )]
    pub workdir: String,
    /// Run even when the simulation is estimated to take more than 10 minutes.
    #[arg(long)]
    pub force: bool,
    /// Where the state is: host pools a real provider manages count with the hosts and
    /// figures it read from them.
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Subcommand)]
pub enum SimulateCommand {
    /// Combine the JSON outcomes of every shard of a run into the outcome of the whole run.
    Merge(SimulateMergeArgs),
}

#[derive(Debug, Args)]
pub struct SimulateMergeArgs {
    /// The shards' JSON files (from `strata simulate --shard K/N --json`), in any order.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
    /// Print the merged outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `strata report [DIR] --scenario NAME --format html|md|json -o FILE [--compare OTHER...]
/// [--phase-var-file FILE...]`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The blueprint folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub vars: VarArgs,
    /// The scenario to simulate; may be left out when the blueprint has only one.
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
    /// Write the report to this file (default: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Another blueprint folder to compare with, under the same scenario name; repeat it
    /// (or give several) for the phases of a migration.
    #[arg(long, value_name = "OTHER_DIR", num_args = 1..)]
    pub compare: Vec<PathBuf>,
    /// The same blueprint under this variable file (on top of -var and -var-file) as a
    /// further phase; repeatable.
    #[arg(long, value_name = "FILE")]
    pub phase_var_file: Vec<PathBuf>,
    /// Replications (default: the scenario's).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub replications: Option<u64>,
    /// The seed of every random stream (default: the scenario's).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Host failures per pool the verdicts consider: 1, or 2 to also fail every pair of hosts.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub k: u8,
    /// Run even when the simulation is estimated to take more than 10 minutes.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum ReportFormat {
    /// A self-contained HTML page with inline SVG charts.
    #[default]
    Html,
    /// Markdown, short enough for a merge-request comment.
    Md,
    /// The report model as JSON (docs/report.md).
    Json,
}
