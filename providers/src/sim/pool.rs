//! Host pools: `hosts` hosts of `cpu × overcommit.cpu` vCPU and `memory × overcommit.memory`,
//! spread round-robin over the pool's racks.
//!
//! An update may grow or shrink the hosts and change their size. Hosts taken away are
//! evacuated first (VMs and cluster nodes move to the remaining hosts, as maintenance mode
//! would move them); a host that would hold less than runs on it refuses the change.

use blueprint::{Address, Diagnostic};
use planner::Attrs;
use serde_json::Value;

use super::attrs::Reader;
use super::cluster::render_nodes;
use super::format::{cores, size};
use super::hosts::{Need, PoolView};
use super::record::{Alloc, Change, Host, Record};
use super::world::World;

/// The hosts the blueprint asks for.
fn read_hosts(world: &World, owner: &Address, attrs: &Attrs) -> Result<Vec<Host>, Diagnostic> {
    let r = Reader::new(owner, attrs);
    let site = r.required("site", r.reference("site"))?;
    world.target(owner, "site", &site, "site")?;
    let racks = r.strings("racks")?;
    let mut rack_addresses = Vec::with_capacity(racks.len());
    for rack in &racks {
        let text = rack
            .parse::<Address>()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| rack.clone());
        world.target(owner, "racks", &text, "rack")?;
        rack_addresses.push(text);
    }
    let count = r.required("hosts", r.count("hosts"))? as usize;
    let host = r.block("host");
    let host = r.required("host", Ok(host))?;
    let cpu = host.required("cpu", host.count("cpu"))?;
    let memory = host.required("memory", host.size("memory"))?;
    let overcommit = r.block("overcommit");
    let ratio = |name: &str| -> Result<f64, Diagnostic> {
        Ok(match overcommit {
            Some(o) => o.number(name)?.unwrap_or(1.0).max(1.0),
            None => 1.0,
        })
    };
    let (cpu_ratio, memory_ratio) = (ratio("cpu")?, ratio("memory")?);
    let cpu_m = placement::demand::host_cpu(cpu as f64, cpu_ratio);
    let memory = placement::demand::host_memory(memory, memory_ratio);
    Ok((0..count)
        .map(|i| Host {
            name: format!("host-{i}"),
            rack: (!rack_addresses.is_empty())
                .then(|| rack_addresses[i % rack_addresses.len()].clone()),
            cpu_m,
            memory,
        })
        .collect())
}

/// Creates a host pool.
pub(crate) fn create(
    world: &World,
    address: &Address,
    attrs: &Attrs,
    now_ms: u64,
) -> Result<Change, Diagnostic> {
    let hosts = read_hosts(world, address, attrs)?;
    let id = world.new_id("host_pool");
    let mut attrs = attrs.clone();
    attrs.insert("id".into(), Value::String(id.clone()));
    Ok(Change::put(Record {
        id,
        address: address.clone(),
        kind: "host_pool".into(),
        attrs,
        created_ms: now_ms,
        key: None,
        sensitive: Vec::new(),
        alloc: Alloc::Pool { hosts },
    }))
}

/// Resizes a host pool, evacuating hosts it loses.
pub(crate) fn update(world: &World, old: &Record, attrs: &Attrs) -> Result<Change, Diagnostic> {
    let address = &old.address;
    let pool_text = address.to_string();
    let hosts = read_hosts(world, address, attrs)?;
    let kept = hosts.len();
    let mut view = PoolView::new(world, address, "pool", &pool_text)?.with_hosts(hosts.clone());
    for (h, host) in hosts.iter().enumerate() {
        let (cpu, mem) = view.free(h);
        if cpu < 0 || mem < 0 {
            return Err(Diagnostic::error(
                None,
                format!("Hosts of {address} would be too small for what runs on them"),
                format!(
                    "After the change host-{h} would hold {} vCPU and {}, but its VMs and nodes use {} vCPU and {} more than that. Keep the hosts larger or the overcommit higher, or move VMs away first.",
                    cores(host.cpu_m as i64),
                    size(host.memory),
                    cores(-cpu.min(0)),
                    size((-mem.min(0)) as u64)
                ),
            ));
        }
    }
    let mut change = Change::default();
    if let Some(usage) = world.pool_use(&pool_text) {
        let leaving = usage.hosts.iter().skip(kept).any(|h| h.guests > 0);
        if leaving {
            for user in &usage.users {
                if let Some(record) = world.at_text(user) {
                    evacuate(&mut view, record, kept, &mut change)?;
                }
            }
        }
    }
    let mut attrs = attrs.clone();
    attrs.insert("id".into(), Value::String(old.id.clone()));
    change.put.push(Record {
        attrs,
        alloc: Alloc::Pool { hosts },
        ..old.clone()
    });
    Ok(change)
}

/// Moves a VM's or a cluster's nodes off hosts `kept..`, adding the moved record to `change`.
fn evacuate(
    view: &mut PoolView,
    record: &Record,
    kept: usize,
    change: &mut Change,
) -> Result<(), Diagnostic> {
    let mut moved = record.clone();
    match &mut moved.alloc {
        Alloc::Vm {
            host,
            cpu_m,
            memory,
            group,
            ..
        } if *host >= kept => {
            let need = Need {
                cpu_m: *cpu_m,
                memory: *memory,
            };
            let what = format!("{} (moving off host-{host})", record.address);
            let target = view
                .choose(need, group.as_deref(), None, |_| 0)
                .map_err(|s| view.no_room(&s, &what, need, group.as_deref()))?;
            view.take(target, need, group.as_deref());
            *host = target;
            moved
                .attrs
                .insert("host".into(), Value::String(view.host_name(target)));
        }
        Alloc::Cluster { nodes, .. } if nodes.iter().any(|n| n.host >= kept) => {
            let mut per_host = vec![0u64; view.len()];
            for node in nodes.iter().filter(|n| n.host < kept) {
                per_host[node.host] += 1;
            }
            for node in nodes.iter_mut().filter(|n| n.host >= kept) {
                let need = Need {
                    cpu_m: node.cpu_m,
                    memory: node.memory,
                };
                let what = format!(
                    "node {} of {} (moving off host-{})",
                    node.name, record.address, node.host
                );
                let target = view
                    .choose(need, None, None, |h| per_host[h])
                    .map_err(|s| view.no_room(&s, &what, need, None))?;
                view.take(target, need, None);
                per_host[target] += 1;
                node.host = target;
            }
            let rendered = render_nodes(nodes, |h| view.host_name(h));
            moved.attrs.insert("nodes".into(), rendered);
        }
        _ => return Ok(()),
    }
    change.put.push(moved);
    Ok(())
}
