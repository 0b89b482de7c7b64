//! Each resource kind's create, update and delete, and what a read reports.
//!
//! Host pools, VMs, clusters, services and jobs have their own modules. Storage tracks its
//! capacity and network zones their CIDR; sites, racks, network policies and environments
//! are recorded as given. Deleting something still in use (a pool with VMs, a cluster with
//! services, a storage with volumes, a zone with addresses) is refused, as a console would.

use std::collections::BTreeSet;

use blueprint::{Address, Diagnostic};
use planner::Attrs;
use serde_json::Value;

use super::attrs::Reader;
use super::format::size;
use super::record::{Alloc, Change, Record};
use super::world::World;
use super::{cluster, pool, vm, workload};

/// The kinds the simulated datacenter manages.
pub(crate) const KINDS: &[&str] = &[
    "site",
    "rack",
    "host_pool",
    "network_zone",
    "network_policy",
    "storage",
    "vm",
    "kubernetes_cluster",
    "service",
    "job",
    "environment",
];

/// Attributes the simulated datacenter computes beyond the blueprint's own.
pub(crate) fn computed(kind: &str) -> &'static [&'static str] {
    match kind {
        "vm" => &["host"],
        "kubernetes_cluster" => &["nodes"],
        "service" => &["placement"],
        "job" => &["placement", "status"],
        _ => &[],
    }
}

fn unknown_kind(kind: &str, address: &Address) -> Diagnostic {
    Diagnostic::error(
        None,
        format!("The sim provider cannot manage {address}"),
        format!(
            "The simulated datacenter manages {}; \"{kind}\" is not one of them.",
            KINDS.join(", ")
        ),
    )
}

/// The change that creates an object of `kind` at `address`.
pub(crate) fn create(
    world: &World,
    kind: &str,
    address: &Address,
    attrs: &Attrs,
    now_ms: u64,
) -> Result<Change, Diagnostic> {
    match kind {
        "host_pool" => pool::create(world, address, attrs, now_ms),
        "vm" => vm::create(world, address, attrs, now_ms),
        "kubernetes_cluster" => cluster::create(world, address, attrs, now_ms),
        "service" | "job" => workload::create(world, kind, address, attrs, now_ms),
        "site" | "rack" | "network_zone" | "network_policy" | "storage" | "environment" => {
            let alloc = plain_alloc(world, kind, address, attrs)?;
            let id = world.new_id(kind);
            let mut attrs = attrs.clone();
            attrs.insert("id".into(), Value::String(id.clone()));
            Ok(Change::put(Record {
                id,
                address: address.clone(),
                kind: kind.to_string(),
                attrs,
                created_ms: now_ms,
                key: None,
                sensitive: Vec::new(),
                alloc,
            }))
        }
        _ => Err(unknown_kind(kind, address)),
    }
}

/// The change that updates `old` to `attrs`.
pub(crate) fn update(
    world: &World,
    old: &Record,
    attrs: &Attrs,
    now_ms: u64,
) -> Result<Change, Diagnostic> {
    match old.kind.as_str() {
        "host_pool" => pool::update(world, old, attrs),
        "vm" => vm::update(world, old, attrs),
        "kubernetes_cluster" => cluster::update(world, old, attrs),
        "service" | "job" => workload::update(world, old, attrs, now_ms),
        "site" | "rack" | "network_zone" | "network_policy" | "storage" | "environment" => {
            let alloc = plain_alloc(world, &old.kind, &old.address, attrs)?;
            check_shrink(world, old, &alloc)?;
            let mut attrs = attrs.clone();
            attrs.insert("id".into(), Value::String(old.id.clone()));
            Ok(Change::put(Record {
                attrs,
                alloc,
                ..old.clone()
            }))
        }
        kind => Err(unknown_kind(kind, &old.address)),
    }
}

/// What a recorded kind holds: a zone's range, a storage's capacity.
fn plain_alloc(
    world: &World,
    kind: &str,
    address: &Address,
    attrs: &Attrs,
) -> Result<Alloc, Diagnostic> {
    let r = Reader::new(address, attrs);
    Ok(match kind {
        "network_zone" => Alloc::Zone {
            cidr: r.required("cidr", r.cidr("cidr"))?.trunc(),
        },
        "storage" => {
            if let Some(pool) = r.reference("pool")? {
                world.target(address, "pool", &pool, "host_pool")?;
            }
            Alloc::Storage {
                capacity: r.required("capacity", r.size("capacity"))?,
            }
        }
        "rack" => {
            let site = r.required("site", r.reference("site"))?;
            world.target(address, "site", &site, "site")?;
            Alloc::None
        }
        _ => Alloc::None,
    })
}

/// Refuses a zone that would lose addresses in use, or a storage smaller than its claims.
fn check_shrink(world: &World, old: &Record, alloc: &Alloc) -> Result<(), Diagnostic> {
    let address = old.address.to_string();
    match alloc {
        Alloc::Zone { cidr } => {
            let outside: BTreeSet<&str> = world
                .zone_use(&address)
                .map(|u| {
                    u.used
                        .iter()
                        .filter(|(ip, _)| !cidr.contains(*ip))
                        .map(|(_, who)| who.as_str())
                        .collect()
                })
                .unwrap_or_default();
            if !outside.is_empty() {
                return Err(Diagnostic::error(
                    None,
                    format!("{address} cannot change to {cidr}"),
                    format!(
                        "{} have addresses outside {cidr}. Move them to another zone first, or keep the range.",
                        list(outside.iter().copied())
                    ),
                ));
            }
        }
        Alloc::Storage { capacity } => {
            let claimed = world.storage_use(&address).map_or(0, |u| u.claimed);
            if claimed > *capacity {
                return Err(Diagnostic::error(
                    None,
                    format!(
                        "{address} cannot shrink to {} while volumes claim {}",
                        size(*capacity),
                        size(claimed)
                    ),
                    format!(
                        "Volumes of {} claim {} of it. Shrink or move those volumes first.",
                        list(
                            world
                                .storage_use(&address)
                                .into_iter()
                                .flat_map(|u| u.users.iter().map(String::as_str))
                        ),
                        size(claimed)
                    ),
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

/// The change that deletes `record`, unless something still uses it.
pub(crate) fn delete(world: &World, record: &Record) -> Result<Change, Diagnostic> {
    let address = record.address.to_string();
    let users: Vec<&str> = match record.kind.as_str() {
        "host_pool" => world
            .pool_use(&address)
            .map(|u| u.users.iter().map(String::as_str).collect())
            .unwrap_or_default(),
        "kubernetes_cluster" => world
            .cluster_use(&address)
            .map(|u| u.users.iter().map(String::as_str).collect())
            .unwrap_or_default(),
        "storage" => world
            .storage_use(&address)
            .map(|u| u.users.iter().map(String::as_str).collect())
            .unwrap_or_default(),
        "network_zone" => world
            .zone_use(&address)
            .map(|u| {
                let holders: BTreeSet<&str> = u.used.values().map(String::as_str).collect();
                holders.into_iter().collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    if !users.is_empty() {
        let verb = match record.kind.as_str() {
            "host_pool" => "runs",
            "kubernetes_cluster" => "runs",
            "storage" => "holds volumes of",
            _ => "gives addresses to",
        };
        return Err(Diagnostic::error(
            None,
            format!(
                "Cannot delete {address}: it still {verb} {}",
                list(users.iter().copied())
            ),
            format!(
                "The simulated datacenter, like a real console, refuses to delete {address} while something depends on it. Delete or move {} first.",
                list(users.iter().copied())
            ),
        ));
    }
    Ok(Change::delete(&record.id))
}

/// The attributes a read reports: the recorded ones, and a job's status now.
pub(crate) fn render(record: &Record, now_ms: u64) -> Attrs {
    let mut attrs = record.attrs.clone();
    if let Alloc::Workload {
        until_ms: Some(until),
        ..
    } = record.alloc
    {
        let status = if until <= now_ms {
            "completed"
        } else {
            "running"
        };
        attrs.insert("status".into(), Value::String(status.into()));
    }
    attrs
}

/// `a, b and c`, or `a, b, c and 7 more`.
fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    let shown = &items[..items.len().min(5)];
    match (shown.split_last(), items.len() - shown.len()) {
        (None, _) => String::new(),
        (Some((last, [])), 0) => last.to_string(),
        (Some((last, rest)), 0) => format!("{} and {last}", rest.join(", ")),
        (_, more) => format!("{} and {more} more", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::list;

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(list(["a"].into_iter()), "a");
        assert_eq!(list(["a", "b", "c"].into_iter()), "a, b and c");
        assert_eq!(
            list(["a", "b", "c", "d", "e", "f", "g"].into_iter()),
            "a, b, c, d, e and 2 more"
        );
    }
}
