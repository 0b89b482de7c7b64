//! Reading many objects at once. Every kind is listed once per refresh, however many
//! objects there are: the domains in two calls (see `crate::stats`), networks, pools and
//! filters in one list each, a network's XML and a pool's volumes once each.
//!
//! Three things libvirt gives only one object at a time, so they cost calls per VM, made
//! a few at once (see `crate::fanout`), each answered from libvirtd's own records or a
//! file header, never a QEMU query: a running domain's live XML (the vCPUs it runs with,
//! the bridge its NIC is on) and its inactive XML (what it boots with next: a
//! `setvcpus --config` or `setmaxmem --config`), and each VM's volume's size.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use planner::Attrs;
use planner::provider::{ReadRequest, ReadResponse};
use serde_json::Value;
use virt::domain::Domain;
use virt::storage_vol::StorageVol;
use virt::sys;

use crate::conn::Rpc;
use crate::ctx::Ctx;
use crate::error::LibvirtError;
use crate::parse::{DomainParts, Network};
use crate::spec::VmSpec;
use crate::stats::DomainStats;

mod own;
use own::{OwnRead, own};

/// A pool's volumes by name.
type Volumes = Arc<HashMap<String, StorageVol>>;

/// What the listings found, filled as the kinds asked for need them.
#[derive(Default)]
struct Seen {
    domains: Option<HashMap<String, (DomainStats, Domain)>>,
    networks: Option<HashMap<String, (String, Network)>>,
    pools: Option<HashSet<String>>,
    volumes: HashMap<String, Option<Volumes>>,
    filters: Option<HashSet<String>>,
    host: Option<Attrs>,
}

impl Seen {
    fn domains(
        &mut self,
        rpc: &Rpc,
    ) -> Result<&HashMap<String, (DomainStats, Domain)>, LibvirtError> {
        if self.domains.is_none() {
            // Which domains exist comes from the first call alone: a domain started or
            // stopped between the two keeps its recorded figures rather than vanishing.
            let mut all: HashMap<_, _> = rpc
                .call(crate::stats::all)?
                .into_iter()
                .map(|d| (d.0.uuid.clone(), d))
                .collect();
            for stopped in rpc.call(crate::stats::stopped_figures)? {
                if let Some(d) = all.get_mut(&stopped.0.uuid) {
                    *d = stopped;
                }
            }
            self.domains = Some(all);
        }
        Ok(self.domains.get_or_insert_default())
    }

    /// Networks by UUID, with their names and what their XML says.
    fn networks(
        &mut self,
        rpc: &Rpc,
        prefix: &str,
    ) -> Result<&HashMap<String, (String, Network)>, LibvirtError> {
        if self.networks.is_none() {
            let mut out = HashMap::new();
            for net in rpc.call(|c| c.list_all_networks(0))? {
                // The handle's name and UUID come with the listing (no round trip).
                let uuid = net.uuid_string().unwrap_or_default();
                let name = net.name().unwrap_or_default();
                if !name.starts_with(prefix) {
                    continue;
                }
                let read = crate::parse::network(
                    &rpc.on(|| net.xml_desc(sys::VIR_NETWORK_XML_INACTIVE))?,
                )?;
                out.insert(uuid, (name, read));
            }
            self.networks = Some(out);
        }
        Ok(self.networks.get_or_insert_default())
    }

    /// The network called `name`, when it exists.
    fn network(
        &mut self,
        rpc: &Rpc,
        prefix: &str,
        name: &str,
    ) -> Result<Option<&Network>, LibvirtError> {
        Ok(self
            .networks(rpc, prefix)?
            .values()
            .find(|(n, _)| n == name)
            .map(|(_, net)| net))
    }

    fn pools(&mut self, rpc: &Rpc) -> Result<&HashSet<String>, LibvirtError> {
        if self.pools.is_none() {
            let pools = rpc.call(|c| c.list_all_storage_pools(0))?;
            self.pools = Some(pools.iter().filter_map(|p| p.uuid_string().ok()).collect());
        }
        Ok(self.pools.get_or_insert_default())
    }

    /// The volumes of pool `name` by name; `None` when the pool is missing or stopped.
    fn volumes(&mut self, rpc: &Rpc, name: &str) -> Result<Option<Volumes>, LibvirtError> {
        if !self.volumes.contains_key(name) {
            let listed = match crate::ctx::lookup(rpc, |c| c.lookup_storage_pool_by_name(name))? {
                Some(pool) if rpc.on(|| pool.is_active())? => Some(Arc::new(
                    rpc.on(|| pool.list_all_volumes(0))?
                        .into_iter()
                        .filter_map(|v| Some((v.name().ok()?, v)))
                        .collect(),
                )),
                _ => None,
            };
            self.volumes.insert(name.to_string(), listed);
        }
        Ok(self.volumes.get(name).cloned().flatten())
    }

    fn filters(&mut self, rpc: &Rpc) -> Result<&HashSet<String>, LibvirtError> {
        if self.filters.is_none() {
            let filters = rpc.call(|c| c.list_all_nw_filters(0))?;
            self.filters = Some(
                filters
                    .iter()
                    .filter_map(|f| f.uuid_string().ok())
                    .collect(),
            );
        }
        Ok(self.filters.get_or_insert_default())
    }
}

/// libvirt's states 1 running, 2 blocked, 3 paused: still "on".
fn is_on(state: i64) -> bool {
    matches!(state, 1..=3)
}

/// Reads every request; an object libvirt no longer has reads as `None`.
pub fn read_many(
    rpc: &Rpc,
    ctx: &Ctx,
    requests: &[ReadRequest],
) -> Result<Vec<ReadResponse>, LibvirtError> {
    let mut seen = Seen::default();
    let mut owns = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        if r.kind == "vm"
            && let Some(o) = own(rpc, ctx, &mut seen, r)?
        {
            owns.push((i, o));
        }
    }
    let mut read: HashMap<usize, OwnRead> = HashMap::new();
    for (found, (i, _)) in crate::fanout::each(&owns, |(_, o)| o.read(rpc))
        .into_iter()
        .zip(&owns)
    {
        read.insert(*i, found?);
    }
    let mut out = Vec::with_capacity(requests.len());
    for (i, r) in requests.iter().enumerate() {
        let attrs = match r.kind.as_str() {
            "vm" => vm(rpc, ctx, &mut seen, r, read.remove(&i).unwrap_or_default())?,
            "network_zone" => seen
                .networks(rpc, &ctx.settings.name_prefix)?
                .get(&r.id)
                .map(|(_, net)| zone(&r.prior, net)),
            "storage" => seen.pools(rpc)?.contains(&r.id).then(|| r.prior.clone()),
            "network_policy" => seen.filters(rpc)?.contains(&r.id).then(|| r.prior.clone()),
            "host_pool" => {
                if seen.host.is_none() {
                    seen.host = Some(crate::host::read(rpc, &Attrs::new())?);
                }
                let mut attrs = r.prior.clone();
                attrs.extend(seen.host.clone().unwrap_or_default());
                Some(attrs)
            }
            _ => Some(r.prior.clone()),
        };
        out.push(ReadResponse {
            attrs,
            diagnostics: Vec::new(),
        });
    }
    Ok(out)
}

fn zone(prior: &Attrs, net: &Network) -> Attrs {
    let mut attrs = prior.clone();
    if let Some(cidr) = net.cidr {
        attrs.insert("cidr".into(), cidr.to_string().into());
    }
    match net.forward.as_str() {
        "isolated" if !prior.contains_key("forward") => {}
        other => {
            attrs.insert("forward".into(), other.into());
        }
    }
    attrs
}

/// Sets `name` to the first of `read` (what the domain runs with, then what it boots with
/// next) that differs from what Strata recorded, so that a change to either is drift.
fn overlay(attrs: &mut Attrs, prior: &Attrs, name: &str, read: [Option<Value>; 2]) {
    let [now, next] = read;
    let recorded = prior.get(name);
    let shown = [now.clone(), next.clone()]
        .into_iter()
        .flatten()
        .find(|v| Some(v) != recorded)
        .or(now)
        .or(next);
    if let Some(v) = shown {
        attrs.insert(name.into(), v);
    }
}

fn vm(
    rpc: &Rpc,
    ctx: &Ctx,
    seen: &mut Seen,
    r: &ReadRequest,
    own: OwnRead,
) -> Result<Option<Attrs>, LibvirtError> {
    let Some((stats, _)) = seen.domains(rpc)?.get(&r.id) else {
        return Ok(None);
    };
    let stats = stats.clone();
    let mut attrs = r.prior.clone();
    let on = is_on(stats.state);
    attrs.insert("running".into(), on.into());
    // A running domain: what it runs with (its live XML; its memory from the bulk call)
    // and what it boots with next (its inactive XML). A stopped one: the bulk figures.
    let (now, next) = match (&own.live, &own.config) {
        (Some(live), config) => (
            DomainParts {
                memory_kib: stats.memory_kib.or(live.memory_kib),
                ..live.clone()
            },
            config.clone().unwrap_or_default(),
        ),
        _ => (
            DomainParts {
                vcpus: stats.vcpus,
                max_vcpus: stats.max_vcpus,
                memory_kib: stats.memory_kib,
                ..DomainParts::default()
            },
            DomainParts::default(),
        ),
    };
    let number = |n: Option<u64>| n.map(Value::from);
    let size = |kib: Option<u64>| kib.map(|k| Value::from(blueprint::units::format_size(k * 1024)));
    overlay(
        &mut attrs,
        &r.prior,
        "cpu",
        [number(now.vcpus), number(next.vcpus)],
    );
    overlay(
        &mut attrs,
        &r.prior,
        "max_cpu",
        [number(now.max_vcpus), number(next.max_vcpus)],
    );
    overlay(
        &mut attrs,
        &r.prior,
        "memory",
        [size(now.memory_kib), size(next.memory_kib)],
    );
    let Ok(spec) = VmSpec::read(&r.address, &r.prior) else {
        return Ok(Some(attrs));
    };
    // A volume that is gone reads as no disk; one resized, as its size.
    let volume = own
        .volume
        .clone()
        .unwrap_or_else(|| crate::names::volume(&stats.name));
    let pool = ctx.name(&spec.storage, "");
    match (own.capacity, seen.volumes(rpc, &pool)?) {
        (Some(bytes), _) => {
            attrs.insert("disk".into(), blueprint::units::format_size(bytes).into());
        }
        (None, listed) if listed.as_ref().is_none_or(|v| !v.contains_key(&volume)) => {
            attrs.remove("disk");
        }
        _ => {}
    }
    // A VM is in its zone when its network has its DHCP host entry and, while it runs,
    // its NIC is on the network's bridge. A network made again after it was deleted has
    // neither (libvirt leaves the running domains' interfaces off the new bridge): the
    // VM reads as in no zone, and the update plugs it in again (see `crate::vm::update`).
    let mac = own.mac.clone().unwrap_or_else(|| crate::names::mac(&r.id));
    let network = ctx.name(&spec.zone, "");
    let net = seen.network(rpc, &ctx.settings.name_prefix, &network)?;
    let entry = net.and_then(|n| n.hosts.iter().find(|h| h.mac == mac));
    let plugged = !on
        || own
            .live
            .is_some_and(|l| l.bridge.is_some() && l.bridge == net.and_then(|n| n.bridge.clone()));
    match entry {
        Some(h) => {
            attrs.insert("address".into(), h.ip.to_string().into());
        }
        None => {
            attrs.remove("address");
        }
    }
    if entry.is_none() || !plugged {
        attrs.remove("zone");
    }
    Ok(Some(attrs))
}
