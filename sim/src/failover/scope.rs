//! Failure models by scope: which block of a class each unit takes (the matching block of
//! the most specific scope, else the block without a scope, else none), and the warning
//! for a block that no unit takes (docs/simulation.md, "Failures by scope").

use blueprint::{Diagnostic, Fields};

use super::scenario::{Class, ClassFailures, FailureModel, ScenarioError, units};
use crate::distribution::{Distribution, Shape};
use crate::time::SimTime;
use crate::topology::{On, StorageKind, Topology};

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
pub(super) fn class_failures(
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
