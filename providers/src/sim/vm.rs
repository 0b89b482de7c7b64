//! VMs: a host of their pool with room (anti-affinity honoured) and an address of their zone.
//!
//! An update resizes the VM in place when its host still has room and moves it to another
//! host (as vMotion would) when not; a new pool of the same site moves it there live (an
//! update, not a replacement); a new zone or an explicit address changes its address.

use std::net::IpAddr;

use blueprint::{Address, Diagnostic};
use planner::Attrs;
use serde_json::Value;

use super::attrs::Reader;
use super::hosts::{Need, PoolView};
use super::ipam::Allocator;
use super::record::{Alloc, Change, Lease, Record};
use super::world::World;

/// What the blueprint asks of a VM.
struct VmSpec {
    pool: String,
    zone: String,
    need: Need,
    group: Option<String>,
    address: Option<IpAddr>,
}

impl VmSpec {
    fn read(owner: &Address, attrs: &Attrs) -> Result<VmSpec, Diagnostic> {
        let r = Reader::new(owner, attrs);
        Ok(VmSpec {
            pool: r.required("pool", r.reference("pool"))?,
            zone: r.required("zone", r.reference("zone"))?,
            need: Need {
                cpu_m: r.required("cpu", r.count("cpu"))?.saturating_mul(1000),
                memory: r.required("memory", r.size("memory"))?,
            },
            group: r.string("anti_affinity")?.map(str::to_string),
            address: r.ip("address")?,
        })
    }
}

/// Creates a VM.
pub(crate) fn create(
    world: &World,
    address: &Address,
    attrs: &Attrs,
    now_ms: u64,
) -> Result<Change, Diagnostic> {
    let spec = VmSpec::read(address, attrs)?;
    let pool = PoolView::new(world, address, "pool", &spec.pool)?;
    let group = spec.group.as_deref();
    let host = pool
        .choose(spec.need, group, None, |_| 0)
        .map_err(|s| pool.no_room(&s, &address.to_string(), spec.need, group))?;
    let mut zone = Allocator::new(world, address, "zone", &spec.zone)?;
    let ip = zone.take(address, spec.address)?;
    let id = world.new_id("vm");
    Ok(Change::put(record(
        id, address, attrs, now_ms, &pool, host, &spec, ip,
    )))
}

/// Whether a VM moves from pool `from` to pool `to` by live migration (as vMotion does
/// between clusters of one vCenter datacenter): both pools exist in the simulated
/// datacenter and stand in the same site. Otherwise the move is a replacement.
pub(crate) fn live_migrates(world: &World, from: Option<&Value>, to: Option<&Value>) -> bool {
    let site = |pool: Option<&Value>| {
        let record = world.at_text(pool?.as_str()?)?;
        (record.kind == "host_pool").then(|| record.attrs.get("site").cloned())?
    };
    matches!((site(from), site(to)), (Some(a), Some(b)) if a == b && !a.is_null())
}

/// Changes a VM in place; a change of pool moves it to a host of the new pool (a live
/// migration, which [`live_migrates`] allows within a site).
pub(crate) fn update(world: &World, old: &Record, attrs: &Attrs) -> Result<Change, Diagnostic> {
    let address = &old.address;
    let spec = VmSpec::read(address, attrs)?;
    let Alloc::Vm {
        pool: old_pool,
        host: old_host,
        cpu_m,
        memory,
        group: old_group,
        lease,
    } = &old.alloc
    else {
        return Err(not_a_vm(old));
    };
    let mut pool = PoolView::new(world, address, "pool", &spec.pool)?;
    let mut prefer = None;
    if *old_pool == spec.pool {
        let old_need = Need {
            cpu_m: *cpu_m,
            memory: *memory,
        };
        pool.give(*old_host, old_need, old_group.as_deref());
        prefer = Some(*old_host);
    }
    let group = spec.group.as_deref();
    let host = pool
        .choose(spec.need, group, prefer, |_| 0)
        .map_err(|s| pool.no_room(&s, &address.to_string(), spec.need, group))?;
    let mut zone = Allocator::new(world, address, "zone", &spec.zone)?;
    let mut wanted = spec.address;
    match lease {
        Some(lease) if lease.zone == zone.zone() => {
            zone.free(lease.ip);
            wanted = wanted.or(Some(lease.ip));
        }
        // A new zone: the address it had in the old one comes along in the attributes
        // (it was computed), but is no request; the VM gets one of the new zone.
        Some(lease) if wanted == Some(lease.ip) => wanted = None,
        _ => {}
    }
    let ip = zone.take(address, wanted)?;
    Ok(Change::put(record(
        old.id.clone(),
        address,
        attrs,
        old.created_ms,
        &pool,
        host,
        &spec,
        ip,
    )))
}

#[allow(clippy::too_many_arguments)]
fn record(
    id: String,
    address: &Address,
    attrs: &Attrs,
    created_ms: u64,
    pool: &PoolView,
    host: usize,
    spec: &VmSpec,
    ip: IpAddr,
) -> Record {
    let mut attrs = attrs.clone();
    attrs.insert("id".into(), Value::String(id.clone()));
    attrs.insert("address".into(), Value::String(ip.to_string()));
    attrs.insert("host".into(), Value::String(pool.host_name(host)));
    Record {
        id,
        address: address.clone(),
        kind: "vm".into(),
        attrs,
        created_ms,
        key: None,
        sensitive: Vec::new(),
        alloc: Alloc::Vm {
            pool: spec.pool.clone(),
            host,
            cpu_m: spec.need.cpu_m,
            memory: spec.need.memory,
            group: spec.group.clone(),
            lease: Some(Lease {
                zone: spec.zone.clone(),
                ip,
            }),
        },
    }
}

fn not_a_vm(record: &Record) -> Diagnostic {
    Diagnostic::error(
        None,
        format!("{} is not recorded as a VM", record.address),
        format!(
            "The simulated datacenter holds {} ({}) without a host; delete it and create it again.",
            record.address, record.id
        ),
    )
}
