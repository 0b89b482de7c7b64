//! A blueprint's `scenario` block, read against a [`Topology`]: failure models per class
//! and scope (each unit takes the block of its most specific scope, else the class's
//! block without a scope, else does not fail), injected failures resolved to what they take
//! down, failover timings, maintenance, horizon, replications and seed.

use blueprint::{Address, Config, Diagnostic, Fields, Instance};
use thiserror::Error;

use crate::distribution::{Distribution, DistributionError, Shape};
use crate::time::SimTime;
use crate::topology::{On, StorageKind, Topology};

/// The classes of things that fail, as the scenario's `failures {}` block names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// A datacenter: every host in it goes down.
    Site,
    /// A rack: every host in it goes down.
    Rack,
    /// A host: its VMs stop; vSphere HA restarts them elsewhere.
    Host,
    /// A VM's guest (node VMs included): down for the repair, on its host.
    Vm,
    /// A Kubernetes node (kubelet, runtime): NotReady; its pods stop.
    Node,
    /// One pod of a service: restarted in place after the repair.
    Replica,
    /// A storage unit: one Ceph OSD host's disks, or an NFS server.
    Storage,
}

impl Class {
    /// Every class, in `failures {}` order.
    pub const ALL: [Class; 7] = [
        Class::Site,
        Class::Rack,
        Class::Host,
        Class::Vm,
        Class::Node,
        Class::Replica,
        Class::Storage,
    ];

    /// The block name.
    pub fn name(self) -> &'static str {
        match self {
            Class::Site => "site",
            Class::Rack => "rack",
            Class::Host => "host",
            Class::Vm => "vm",
            Class::Node => "node",
            Class::Replica => "replica",
            Class::Storage => "storage",
        }
    }

    /// Position in [`Class::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// What one unit of the class is, for messages.
    pub fn unit_name(self) -> &'static str {
        match self {
            Class::Site => "site",
            Class::Rack => "rack",
            Class::Host => "host",
            Class::Vm => "VM",
            Class::Node => "Kubernetes node",
            Class::Replica => "replica",
            Class::Storage => "storage unit (Ceph OSD host or NFS server)",
        }
    }
}

/// How one class fails and is repaired.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureModel {
    /// Time from a unit's start or repair to its next failure: Weibull (with `shape`) when
    /// the distribution is `weibull`, else exponential, with mean `mtbf`.
    pub time_to_failure: Distribution,
    /// Time a repair takes once a crew starts it, with mean `mttr`.
    pub time_to_repair: Distribution,
    /// Repairs of the block's units that proceed at once; `None` for unlimited.
    pub repair_crews: Option<u32>,
    /// The block's scope as written (`pool = host_pool.gpu`), empty for the default.
    pub scope: String,
}

/// The failure models of one class: its blocks, and the block each unit takes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClassFailures {
    /// One per block, in blueprint order.
    pub models: Vec<FailureModel>,
    /// The block (index into `models`) of each unit of the class; `None`: it does not fail.
    pub unit: Vec<Option<u32>>,
}

impl ClassFailures {
    /// Every one of `units` units fails by `model`.
    pub fn every(model: FailureModel, units: usize) -> ClassFailures {
        ClassFailures {
            models: vec![model],
            unit: vec![Some(0); units],
        }
    }

    /// The failure model of `unit`, if it fails.
    pub fn model(&self, unit: u32) -> Option<&FailureModel> {
        let m = (*self.unit.get(unit as usize)?)?;
        self.models.get(m as usize)
    }

    /// The block most units take (the first on ties).
    pub fn main_model(&self) -> Option<&FailureModel> {
        let mut counts = vec![0usize; self.models.len()];
        for m in self.unit.iter().flatten() {
            counts[*m as usize] += 1;
        }
        let best = (0..counts.len()).rev().max_by_key(|&m| counts[m])?;
        (counts[best] > 0).then(|| &self.models[best])
    }

    /// True when some unit of the class fails.
    pub fn any(&self) -> bool {
        self.unit.iter().any(Option::is_some)
    }
}

/// What an injection takes down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Units of one class: sites, racks, hosts (a pool, or one host of it), VMs, the
    /// nodes of a cluster, or the replicas of a service.
    Units(Class, Vec<u32>),
    /// A whole storage system: no I/O.
    Storage(u32),
}

/// A scheduled failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Injection {
    /// When it starts.
    pub at: SimTime,
    /// How long the units stay down.
    pub duration: SimTime,
    /// What fails.
    pub target: Target,
}

/// How fast HA, Kubernetes and Ceph react (the scenario's `timings {}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timings {
    /// vSphere HA: time to declare a host dead.
    pub ha_detection: SimTime,
    /// Time for a restarted VM to boot.
    pub vm_boot: SimTime,
    /// Kubernetes: time to mark a node NotReady.
    pub node_monitor_grace: SimTime,
    /// Kubernetes: tolerationSeconds before the pods of a NotReady node are evicted.
    pub pod_eviction: SimTime,
    /// Time for a (re)started pod to become ready.
    pub pod_start: SimTime,
    /// Ceph: time before a down OSD is marked out and its data re-replicated.
    pub ceph_rereplication: SimTime,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            ha_detection: SimTime::from_secs(15),
            vm_boot: SimTime::from_secs(120),
            node_monitor_grace: SimTime::from_secs(50),
            pod_eviction: SimTime::from_secs(300),
            pod_start: SimTime::from_secs(30),
            ceph_rereplication: SimTime::from_secs(600),
        }
    }
}

/// Planned maintenance: every host of every pool is drained, one host of a pool at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Maintenance {
    /// How often each host is patched.
    pub every: SimTime,
    /// How long one host is out.
    pub duration: SimTime,
}

/// A scenario; see the module documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Its name.
    pub name: String,
    /// Simulated time per replication.
    pub horizon: SimTime,
    /// Replications.
    pub replications: u64,
    /// The seed.
    pub seed: u64,
    /// Failure models, by [`Class::index`].
    pub failures: [ClassFailures; 7],
    /// Scheduled failures.
    pub injections: Vec<Injection>,
    /// Failover timings.
    pub timings: Timings,
    /// Planned maintenance.
    pub maintenance: Option<Maintenance>,
    /// Warnings about the scenario (a failure model's scope that no unit takes).
    pub warnings: Vec<Diagnostic>,
}

/// Why a scenario cannot be simulated.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ScenarioError {
    /// No scenario of that name.
    #[error("the blueprint has no scenario \"{name}\"{}", available(.known))]
    Unknown {
        /// The name asked for.
        name: String,
        /// The scenarios there are.
        known: Vec<String>,
    },
    /// The blueprint has no scenario.
    #[error("the blueprint has no scenario to simulate: add a `scenario` block")]
    None,
    /// No name given and several scenarios.
    #[error("name the scenario to simulate with --scenario{}", available(.known))]
    Ambiguous {
        /// The scenarios there are.
        known: Vec<String>,
    },
    /// A failure model with parameters a distribution cannot take.
    #[error("the {class} failure model: {source}")]
    Distribution {
        /// The class.
        class: &'static str,
        /// Why.
        source: DistributionError,
    },
    /// An injection that names nothing in the topology.
    #[error("inject {index}: `fail` names {target}, which the simulation does not have")]
    Target {
        /// The injection's position.
        index: usize,
        /// What it names.
        target: String,
    },
}

fn available(known: &[String]) -> String {
    if known.is_empty() {
        "; it has none: add a `scenario` block".into()
    } else {
        format!(" (it has {})", known.join(", "))
    }
}

fn ms(value: Option<u64>, default: SimTime) -> SimTime {
    value.map_or(default, SimTime::from_millis)
}

impl Scenario {
    /// The scenario named `name` (its name label or its full address), or the only one.
    pub fn from_config(
        config: &Config,
        topology: &Topology,
        name: Option<&str>,
    ) -> Result<Scenario, ScenarioError> {
        let scenarios: Vec<&Instance> = config
            .instances
            .iter()
            .filter(|i| i.kind == "scenario")
            .collect();
        let known = || scenarios.iter().map(|s| s.address.name.clone()).collect();
        let instance = match name {
            Some(name) => scenarios
                .iter()
                .find(|s| s.address.name == name || s.address.to_string() == name)
                .ok_or_else(|| ScenarioError::Unknown {
                    name: name.to_string(),
                    known: known(),
                })?,
            None if scenarios.len() == 1 => &scenarios[0],
            None if scenarios.is_empty() => return Err(ScenarioError::None),
            None => return Err(ScenarioError::Ambiguous { known: known() }),
        };
        Self::from_instance(topology, instance)
    }

    fn from_instance(topology: &Topology, instance: &Instance) -> Result<Scenario, ScenarioError> {
        let f = &instance.fields;
        let mut failures: [ClassFailures; 7] = Default::default();
        let mut warnings = Vec::new();
        if let Some(block) = f.block("failures") {
            for class in Class::ALL {
                failures[class.index()] = class_failures(
                    topology,
                    class,
                    block.fields.blocks(class.name()),
                    &mut warnings,
                )?;
            }
        }
        let mut injections = Vec::new();
        for (index, inject) in f.blocks("inject").iter().enumerate() {
            let i = &inject.fields;
            let (Some(at), Some(duration), Some(fail)) =
                (i.duration("at"), i.duration("for"), i.reference("fail"))
            else {
                continue;
            };
            let target =
                resolve(topology, fail, i.int("host")).ok_or_else(|| ScenarioError::Target {
                    index,
                    target: fail.to_string(),
                })?;
            injections.push(Injection {
                at: SimTime::from_millis(at),
                duration: SimTime::from_millis(duration),
                target,
            });
        }
        let defaults = Timings::default();
        let t = f.block("timings").map(|b| &b.fields);
        let get = |name: &str, default| ms(t.and_then(|t| t.duration(name)), default);
        let timings = Timings {
            ha_detection: get("ha_detection", defaults.ha_detection),
            vm_boot: get("vm_boot", defaults.vm_boot),
            node_monitor_grace: get("node_monitor_grace", defaults.node_monitor_grace),
            pod_eviction: get("pod_eviction", defaults.pod_eviction),
            pod_start: get("pod_start", defaults.pod_start),
            ceph_rereplication: get("ceph_rereplication", defaults.ceph_rereplication),
        };
        let maintenance = f.block("maintenance").and_then(|m| {
            Some(Maintenance {
                every: SimTime::from_millis(m.fields.duration("every")?),
                duration: SimTime::from_millis(m.fields.duration("duration")?),
            })
        });
        Ok(Scenario {
            name: instance.address.name.clone(),
            horizon: ms(f.duration("horizon"), SimTime::from_days(365)),
            replications: f.int("replications").unwrap_or(1000).max(1) as u64,
            seed: f.int("seed").unwrap_or(1).max(0) as u64,
            failures,
            injections,
            timings,
            maintenance,
            warnings,
        })
    }
}

/// The units of `class` in `topology`.
pub fn units(topology: &Topology, class: Class) -> usize {
    match class {
        Class::Site => topology.sites.len(),
        Class::Rack => topology.racks.len(),
        Class::Host => topology.hosts.len(),
        Class::Vm => topology.vms.len(),
        Class::Node => topology.nodes.len(),
        Class::Replica => topology.replicas.len(),
        Class::Storage => topology
            .storages
            .iter()
            .map(|s| match &s.kind {
                StorageKind::Ceph { hosts, .. } => hosts.len(),
                StorageKind::Nfs => 1,
                StorageKind::Local => 0,
            })
            .sum(),
    }
}

/// True when the name of a unit (`vm.core[1]`) is the instance `target` names, or one of
/// its instances when it names the whole resource (`vm.core`).
fn named(name: &str, target: &str) -> bool {
    name == target
        || name
            .strip_prefix(target)
            .is_some_and(|r| r.starts_with('['))
}

/// Whether unit `u` of `class` is within the scope `attr` = `targets`.
fn in_scope(t: &Topology, class: Class, u: usize, attr: &str, targets: &[String]) -> bool {
    let any = |name: &str| targets.iter().any(|target| named(name, target));
    let host = |h: u32| {
        let host = &t.hosts[h as usize];
        match attr {
            "pool" => any(&t.pools[host.pool as usize].address),
            "rack" => host.rack.is_some_and(|r| any(&t.racks[r as usize].address)),
            _ => any(&t.sites[host.site as usize].address),
        }
    };
    match class {
        Class::Site => any(&t.sites[u].address),
        Class::Rack => match attr {
            "rack" => any(&t.racks[u].address),
            _ => any(&t.sites[t.racks[u].site as usize].address),
        },
        Class::Host => host(u as u32),
        Class::Vm => {
            let vm = &t.vms[u];
            match attr {
                "vm" => any(&vm.name),
                "cluster" => vm.node.is_some_and(|n| {
                    any(&t.clusters[t.nodes[n as usize].cluster as usize].address)
                }),
                _ => any(&t.pools[vm.pool as usize].address),
            }
        }
        Class::Node => any(&t.clusters[t.nodes[u].cluster as usize].address),
        Class::Replica => {
            let service = &t.services[t.replicas[u].service as usize];
            match attr {
                "service" => any(&service.address),
                _ => match t.replicas[u].on {
                    On::Node(n) => any(&t.clusters[t.nodes[n as usize].cluster as usize].address),
                    On::Vm(_) => false,
                },
            }
        }
        Class::Storage => {
            let mut first = 0;
            for s in &t.storages {
                let n = match &s.kind {
                    StorageKind::Ceph { hosts, .. } => hosts.len(),
                    StorageKind::Nfs => 1,
                    StorageKind::Local => 0,
                };
                if u < first + n {
                    return any(&s.address);
                }
                first += n;
            }
            false
        }
    }
}

/// The blocks of one class and the block each unit takes: the matching block of the most
/// specific scope (the first such block), else the first block without a scope. A block
/// that no unit takes is a warning.
fn class_failures(
    topology: &Topology,
    class: Class,
    blocks: &[blueprint::NestedBlock],
    warnings: &mut Vec<Diagnostic>,
) -> Result<ClassFailures, ScenarioError> {
    let scopes: &[(&str, &str)] = blueprint::schema::FAILURE_SCOPES
        .iter()
        .find(|(c, _)| *c == class.name())
        .map_or(&[], |(_, s)| s);
    let mut models = Vec::new();
    // (rank: position of the scope attribute, or the number of scopes for the default;
    // the attribute and its targets)
    let mut blocks_scope = Vec::new();
    for block in blocks {
        let scope = scopes
            .iter()
            .enumerate()
            .find(|(_, (a, _))| block.fields.get(a).is_some());
        let (rank, attr, targets) = match scope {
            Some((rank, (attr, _))) => {
                let targets: Vec<String> = block
                    .fields
                    .references(attr)
                    .iter()
                    .map(|r| r.to_string())
                    .collect();
                (rank, Some(*attr), targets)
            }
            None => (scopes.len(), None, Vec::new()),
        };
        let mut model = failure_model(class, &block.fields)?;
        model.scope = attr.map_or_else(String::new, |a| format!("{a} = {}", targets.join(", ")));
        models.push(model);
        blocks_scope.push((rank, attr, targets));
    }
    let n = units(topology, class);
    let mut unit = vec![None; n];
    let mut taken = vec![false; blocks.len()];
    let mut matched = vec![false; blocks.len()];
    for (u, slot) in unit.iter_mut().enumerate() {
        let mut best: Option<(usize, usize)> = None;
        for (b, (rank, attr, targets)) in blocks_scope.iter().enumerate() {
            let hit = match attr {
                Some(a) => in_scope(topology, class, u, a, targets),
                None => true,
            };
            if hit {
                matched[b] = true;
                if best.is_none_or(|(r, _)| *rank < r) {
                    best = Some((*rank, b));
                }
            }
        }
        if let Some((_, b)) = best {
            taken[b] = true;
            *slot = Some(b as u32);
        }
    }
    for (b, block) in blocks.iter().enumerate() {
        if taken[b] {
            continue;
        }
        let (_, attr, _) = &blocks_scope[b];
        let span = attr
            .and_then(|a| block.fields.span(a))
            .unwrap_or(block.span);
        let scope = if models[b].scope.is_empty() {
            "without a scope".to_string()
        } else {
            format!("for {}", models[b].scope)
        };
        let why = if matched[b] {
            format!(
                "every {} it matches takes a more specific block",
                class.name()
            )
        } else {
            format!("the simulation has no {} there", class.unit_name())
        };
        warnings.push(Diagnostic::warning(
            span,
            format!("The {} failure model {scope} applies to nothing", class.name()),
            format!("No unit takes this block: {why}, so it changes nothing. Remove it, or scope it to something that fails."),
        ));
    }
    Ok(ClassFailures { models, unit })
}

fn failure_model(class: Class, f: &Fields) -> Result<FailureModel, ScenarioError> {
    let err = |source| ScenarioError::Distribution {
        class: class.name(),
        source,
    };
    let mtbf = SimTime::from_millis(f.duration("mtbf").unwrap_or(1));
    let mttr = SimTime::from_millis(f.duration("mttr").unwrap_or(1));
    let (life, repair) = match f.str("distribution").unwrap_or("exponential") {
        "weibull" => {
            let shape = Shape::Weibull {
                shape: f.num("shape").unwrap_or(1.0),
            };
            (shape, shape)
        }
        "lognormal" => (
            Shape::Exponential,
            Shape::Lognormal {
                sigma: f.num("sigma").unwrap_or(1.0),
            },
        ),
        "fixed" => (Shape::Exponential, Shape::Fixed),
        _ => (Shape::Exponential, Shape::Exponential),
    };
    Ok(FailureModel {
        time_to_failure: Distribution::new(life, mtbf).map_err(err)?,
        time_to_repair: Distribution::new(repair, mttr).map_err(err)?,
        repair_crews: f.int("repair_crews").map(|c| c.max(1) as u32),
        scope: String::new(),
    })
}

/// What `fail` (with `host` for a host pool) takes down.
fn resolve(topology: &Topology, fail: &Address, host: Option<i64>) -> Option<Target> {
    let name = fail.to_string();
    fn find<'a>(mut names: impl Iterator<Item = &'a String>, name: &str) -> Option<u32> {
        names.position(|a| a == name).map(|i| i as u32)
    }
    let units = |class, ids: Vec<u32>| Some(Target::Units(class, ids));
    match fail.kind.as_str() {
        "site" => units(
            Class::Site,
            vec![find(topology.sites.iter().map(|s| &s.address), &name)?],
        ),
        "rack" => units(
            Class::Rack,
            vec![find(topology.racks.iter().map(|r| &r.address), &name)?],
        ),
        "host_pool" => {
            let pool =
                &topology.pools[find(topology.pools.iter().map(|p| &p.address), &name)? as usize];
            let hosts: Vec<u32> = match host {
                Some(h) => vec![pool.hosts.clone().nth(usize::try_from(h).ok()?)?],
                None => pool.hosts.clone().collect(),
            };
            units(Class::Host, hosts)
        }
        "vm" => units(
            Class::Vm,
            vec![find(topology.vms.iter().map(|v| &v.name), &name)?],
        ),
        "kubernetes_cluster" => {
            let c = find(topology.clusters.iter().map(|c| &c.address), &name)?;
            units(
                Class::Node,
                topology.clusters[c as usize].nodes.clone().collect(),
            )
        }
        "service" => {
            let s = find(topology.services.iter().map(|s| &s.address), &name)?;
            units(
                Class::Replica,
                topology.services[s as usize].replicas.clone().collect(),
            )
        }
        "storage" => Some(Target::Storage(find(
            topology.storages.iter().map(|s| &s.address),
            &name,
        )?)),
        _ => None,
    }
}
