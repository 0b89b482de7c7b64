//! Reading many objects at once: every kind is listed once per refresh (the domains in two
//! calls, see `crate::stats`; networks, pools and filters in one list each; a network's
//! XML and a pool's volumes once each), however many objects there are.

use std::collections::{HashMap, HashSet};

use planner::Attrs;
use planner::provider::{ReadRequest, ReadResponse};
use virt::sys;

use crate::conn::Rpc;
use crate::ctx::Ctx;
use crate::error::LibvirtError;
use crate::parse::Network;
use crate::spec::VmSpec;
use crate::stats::DomainStats;

/// What the listings found, filled as the kinds asked for need them.
#[derive(Default)]
struct Seen {
    domains: Option<HashMap<String, DomainStats>>,
    networks: Option<HashMap<String, (String, Network)>>,
    pools: Option<HashSet<String>>,
    volumes: HashMap<String, Option<HashSet<String>>>,
    filters: Option<HashSet<String>>,
    host: Option<Attrs>,
}

impl Seen {
    fn domains(&mut self, rpc: &Rpc) -> Result<&HashMap<String, DomainStats>, LibvirtError> {
        if self.domains.is_none() {
            // Which domains exist comes from the first call alone: a domain started or
            // stopped between the two keeps its recorded figures rather than vanishing.
            let mut all: HashMap<_, _> = rpc
                .call(crate::stats::states)?
                .into_iter()
                .map(|d| (d.uuid.clone(), d))
                .collect();
            for stopped in rpc.call(crate::stats::stopped_figures)? {
                if let Some(d) = all.get_mut(&stopped.uuid) {
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

    fn pools(&mut self, rpc: &Rpc) -> Result<&HashSet<String>, LibvirtError> {
        if self.pools.is_none() {
            let pools = rpc.call(|c| c.list_all_storage_pools(0))?;
            self.pools = Some(pools.iter().filter_map(|p| p.uuid_string().ok()).collect());
        }
        Ok(self.pools.get_or_insert_default())
    }

    /// The volumes of pool `name`; `None` when the pool is missing or stopped.
    fn volumes(&mut self, rpc: &Rpc, name: &str) -> Result<Option<&HashSet<String>>, LibvirtError> {
        if !self.volumes.contains_key(name) {
            let listed = match crate::ctx::lookup(rpc, |c| c.lookup_storage_pool_by_name(name))? {
                Some(pool) if rpc.on(|| pool.is_active())? => Some(
                    rpc.on(|| pool.list_all_volumes(0))?
                        .iter()
                        .filter_map(|v| v.name().ok())
                        .collect(),
                ),
                _ => None,
            };
            self.volumes.insert(name.to_string(), listed);
        }
        Ok(self.volumes.get(name).and_then(Option::as_ref))
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

/// Reads every request; an object libvirt no longer has reads as `None`.
pub fn read_many(
    rpc: &Rpc,
    ctx: &Ctx,
    requests: &[ReadRequest],
) -> Result<Vec<ReadResponse>, LibvirtError> {
    let mut seen = Seen::default();
    let mut out = Vec::with_capacity(requests.len());
    for r in requests {
        let attrs = match r.kind.as_str() {
            "vm" => vm(rpc, ctx, &mut seen, r)?,
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

fn vm(
    rpc: &Rpc,
    ctx: &Ctx,
    seen: &mut Seen,
    r: &ReadRequest,
) -> Result<Option<Attrs>, LibvirtError> {
    let Some(stats) = seen.domains(rpc)?.get(&r.id).cloned() else {
        return Ok(None);
    };
    let mut attrs = r.prior.clone();
    // libvirt's states: 1 running, 2 blocked, 3 paused (still "on").
    attrs.insert("running".into(), matches!(stats.state, 1..=3).into());
    if let Some(n) = stats.vcpus {
        attrs.insert("cpu".into(), n.into());
    }
    if let Some(n) = stats.max_vcpus {
        attrs.insert("max_cpu".into(), n.into());
    }
    if let Some(kib) = stats.memory_kib {
        attrs.insert(
            "memory".into(),
            blueprint::units::format_size(kib * 1024).into(),
        );
    }
    let Ok(spec) = VmSpec::read(&r.address, &r.prior) else {
        return Ok(Some(attrs));
    };
    // The disk's size is the recorded one; only the volume's existence is read (from the
    // pool's listing): its capacity would be a call per volume, or a QEMU query per domain.
    let volume = crate::names::volume(&stats.name);
    if seen
        .volumes(rpc, &ctx.name(&spec.storage, ""))?
        .is_none_or(|v| !v.contains(&volume))
    {
        attrs.remove("disk");
    }
    let mac = crate::names::mac(&r.id);
    let network = ctx.name(&spec.zone, "");
    let entry = seen
        .networks(rpc, &ctx.settings.name_prefix)?
        .values()
        .find(|(name, _)| *name == network)
        .and_then(|(_, net)| net.hosts.iter().find(|h| h.mac == mac));
    match entry {
        Some(h) => {
            attrs.insert("address".into(), h.ip.to_string().into());
        }
        None => {
            attrs.remove("address");
        }
    }
    Ok(Some(attrs))
}
