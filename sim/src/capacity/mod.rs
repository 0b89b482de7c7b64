//! Capacity planning over an evaluated blueprint: how much is allocated against what
//! exists, whether the platform survives the loss of any host, rack or site (N+k, with
//! vSphere HA admission control as vSphere computes it), when load growth fills it and what
//! to add by when, what containers save over one VM per application instance, and the
//! latency of services under failure (Erlang C).
//!
//! Every function is pure: it reads a [`blueprint::Config`] and returns serialisable
//! figures. [`analyse`] runs everything and is what `strata capacity` prints; the parts
//! ([`allocation`], [`survive`], [`ha`], [`growth`], [`consolidation`], [`queue`],
//! [`latency`]) can be used on their own over an [`Inventory`] and its [`Placement`].
//!
//! ```no_run
//! let mut sources = blueprint::SourceMap::default();
//! let (config, _) = blueprint::load("blueprints/reference-platform".as_ref(), &Default::default(), &mut sources);
//! let report = sim::capacity::analyse(&config, &sim::capacity::Options::default()).unwrap();
//! println!("{}", serde_json::to_string_pretty(&report).unwrap());
//! ```

pub mod allocation;
pub mod consolidation;
pub mod explain;
pub mod growth;
pub mod ha;
pub mod inventory;
pub mod latency;
pub mod place;
pub mod queue;
pub mod reserve;
pub mod survive;

use blueprint::Config;
use serde::Serialize;

use crate::measured::Measured;
pub use inventory::{Inventory, Res};
pub use place::Placement;

/// The JSON document's version.
pub const FORMAT_VERSION: &str = "1.0";

/// `x` rounded to `places` decimal places.
pub fn round(x: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    let r = (x * k).round() / k;
    if r == 0.0 { 0.0 } else { r }
}

/// CPU (cores or vCPUs) and memory (bytes).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Amount {
    /// CPU.
    pub cpu: f64,
    /// Memory, in bytes.
    pub memory: u64,
}

impl Amount {
    /// From a [`Res`], CPU to the millicore.
    pub fn of(r: Res) -> Amount {
        Amount {
            cpu: round(r.cpu, 3),
            memory: r.memory.max(0.0).round() as u64,
        }
    }
}

/// Shares of CPU and memory, in percent.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Percent {
    /// CPU.
    pub cpu: f64,
    /// Memory.
    pub memory: f64,
}

/// A size for people: `1.5 GiB`.
pub fn bytes(b: f64) -> String {
    const UNITS: &[&str] = &["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let sign = if b < 0.0 { "-" } else { "" };
    let mut v = b.abs();
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    let text = format!("{v:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{sign}{text} {}", UNITS[unit])
}

/// What to analyse.
#[derive(Clone, Debug)]
pub struct Options {
    /// Host failures per pool to survive: 1, or 2 for every pair of hosts.
    pub k: u8,
    /// The scenario whose growth to project; every scenario with a `growth` block when `None`.
    pub scenario: Option<String>,
    /// Host figures read from real hosts, by pool address (`host_pool.kvm`): they replace
    /// the blueprint's ([`crate::measured::apply`]).
    pub measured: std::collections::BTreeMap<String, Measured>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            k: 1,
            scenario: None,
            measured: Default::default(),
        }
    }
}

/// Why an analysis cannot run.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// `--scenario` names no scenario with a `growth` block.
    NoGrowthScenario {
        /// The name given.
        name: String,
        /// The scenarios with growth.
        known: Vec<String>,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NoGrowthScenario { name, known } if known.is_empty() => write!(
                f,
                "there is no scenario \"{name}\" with a growth block; the blueprint has none"
            ),
            Error::NoGrowthScenario { name, known } => write!(
                f,
                "there is no scenario \"{name}\" with a growth block; there is {}",
                known.join(", ")
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Everything `strata capacity` reports.
#[derive(Clone, Debug, Serialize)]
pub struct Capacity {
    /// The document's version.
    pub format_version: &'static str,
    /// Allocation per host pool, with HA admission control.
    pub pools: Vec<allocation::PoolCapacity>,
    /// Requests against allocatable per Kubernetes cluster.
    pub clusters: Vec<allocation::ClusterCapacity>,
    /// Claims against capacity per storage system.
    pub storage: Vec<allocation::StorageCapacity>,
    /// N+k: what no longer fits after each failure domain.
    pub survivability: survive::Survivability,
    /// Growth projections, one per scenario with growth.
    pub growth: Vec<growth::GrowthReport>,
    /// One VM per replica against containers.
    pub consolidation: consolidation::Consolidation,
    /// Latency of services with a load, with all replicas and after failures.
    pub latency: Vec<latency::ServiceLatency>,
}

/// Analyses the capacity of an evaluated blueprint.
pub fn analyse(config: &Config, options: &Options) -> Result<Capacity, Error> {
    let config = crate::measured::apply(config, &options.measured);
    let inv = Inventory::from_config(&config);
    let scenarios: Vec<&inventory::GrowthScenario> = match &options.scenario {
        None => inv.growth.iter().collect(),
        Some(name) => {
            let wanted = |s: &&inventory::GrowthScenario| {
                s.scenario == *name || s.scenario.strip_prefix("scenario.") == Some(name.as_str())
            };
            let found: Vec<_> = inv.growth.iter().filter(wanted).collect();
            if found.is_empty() {
                return Err(Error::NoGrowthScenario {
                    name: name.clone(),
                    known: inv.growth.iter().map(|s| s.scenario.clone()).collect(),
                });
            }
            found
        }
    };
    let base = place::initial(&inv);
    let survivability = survive::analyse(&inv, &base, options.k);
    let latency = latency::analyse(&inv, &base, &survivability);
    let mut pools = allocation::pools(&inv, &base);
    for p in &mut pools {
        p.ha.yet = explain::admission_disagreement(
            &p.pool,
            p.ha.tolerates_host_failures,
            &survivability.outcomes,
        );
        p.figures_from = options
            .measured
            .get(&p.pool)
            .map(|m| m.source().to_string());
    }
    Ok(Capacity {
        format_version: FORMAT_VERSION,
        pools,
        clusters: allocation::clusters(&inv, &base),
        storage: allocation::storage(&inv),
        growth: scenarios
            .into_iter()
            .map(|s| growth::project(&inv, s))
            .collect(),
        consolidation: consolidation::compare(&inv),
        survivability,
        latency,
    })
}
