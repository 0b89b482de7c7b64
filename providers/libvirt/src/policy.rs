//! `network_policy` → a network filter of its flows, referenced by the filters of the
//! zones it lets traffic into: those zones' VMs then drop every other inbound packet
//! (default deny for the zones a policy names).

use blueprint::Address;
use planner::Attrs;

use crate::conn::Rpc;
use crate::ctx::{Ctx, lookup, network};
use crate::error::LibvirtError;
use crate::names;
use crate::spec::PolicySpec;
use crate::xml;

/// Creates or redefines the policy's filter and hooks it into its zones' filters
/// (unhooking it from zones it no longer goes to).
pub fn apply(
    rpc: &Rpc,
    ctx: &Ctx,
    address: &Address,
    key: &str,
    attrs: &Attrs,
    before: Option<&Attrs>,
) -> Result<(String, Attrs), LibvirtError> {
    let spec = PolicySpec::read(address, attrs).map_err(|d| LibvirtError::Call(d.detail))?;
    let name = names::policy_filter(&ctx.settings.name_prefix, address, key);
    let uuid = ctx.uuid(key);
    let mut sources = Vec::new();
    for zone in &spec.from {
        let net = network(rpc, &ctx.name(zone, ""), zone)?;
        let read = crate::parse::network(&rpc.on(|| net.xml_desc(0))?)?;
        sources.extend(read.cidr);
    }
    rpc.call(|c| c.define_nwfilter_xml(&xml::policy_filter(&name, &uuid, &spec, &sources)))?;
    let _held = ctx
        .filters
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let old_to = before
        .and_then(|b| PolicySpec::read(address, b).ok())
        .map(|p| p.to)
        .unwrap_or_default();
    for zone in old_to.iter().filter(|z| !spec.to.contains(z)) {
        edit_zone(rpc, ctx, zone, &name, false)?;
    }
    for zone in &spec.to {
        edit_zone(rpc, ctx, zone, &name, true)?;
    }
    Ok((uuid, attrs.clone()))
}

/// Adds the policy's filter to a zone's filter, or removes it.
fn edit_zone(
    rpc: &Rpc,
    ctx: &Ctx,
    zone: &Address,
    policy: &str,
    add: bool,
) -> Result<(), LibvirtError> {
    let filter = names::zone_filter(&ctx.settings.name_prefix, zone);
    let mut refs = match lookup(rpc, |c| c.lookup_nwfilter_by_name(&filter))? {
        Some(f) => crate::parse::filter_refs(&rpc.on(|| f.xml_desc(0))?)?,
        None => Vec::new(),
    };
    refs.retain(|r| r != policy);
    if add {
        refs.push(policy.to_string());
    }
    let uuid = crate::zone::filter_uuid(ctx, zone);
    rpc.call(|c| c.define_nwfilter_xml(&xml::zone_filter(&filter, &uuid, &refs)))?;
    Ok(())
}

/// Runs a filter edit again when libvirt fails it without a reason, which its network
/// filter driver does while it rebuilds the rules of a domain that is starting or
/// stopping at the same moment.
pub fn retried<T>(mut edit: impl FnMut() -> Result<T, LibvirtError>) -> Result<T, LibvirtError> {
    let mut tries = 0;
    loop {
        match edit() {
            Err(LibvirtError::Call(m)) if tries < 10 && m.contains("cause is unknown") => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

/// Unhooks the policy's filter from every zone filter of this configuration, then deletes it.
pub fn delete(rpc: &Rpc, ctx: &Ctx, uuid: &str) -> Result<(), LibvirtError> {
    let Some(filter) = lookup(rpc, |c| c.lookup_nwfilter_by_uuid_string(uuid))? else {
        return Ok(());
    };
    let name = rpc.on(|| filter.name())?;
    let _held = ctx
        .filters
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let prefix = &ctx.settings.name_prefix;
    let zones: Vec<String> = rpc
        .call(|c| c.list_nw_filters())?
        .into_iter()
        .filter(|n| n.starts_with(prefix.as_str()) && n.ends_with("-in"))
        .collect();
    for zname in zones {
        let Some(zone_filter) = lookup(rpc, |c| c.lookup_nwfilter_by_name(&zname))? else {
            continue;
        };
        let mut refs = crate::parse::filter_refs(&rpc.on(|| zone_filter.xml_desc(0))?)?;
        if refs.contains(&name) {
            refs.retain(|r| r != &name);
            let zuuid = rpc.on(|| zone_filter.uuid_string())?;
            rpc.call(|c| c.define_nwfilter_xml(&xml::zone_filter(&zname, &zuuid, &refs)))?;
        }
    }
    rpc.on(|| filter.undefine())
}
