//! `network_zone` → a libvirt network (NAT or isolated, started and autostarted) and the
//! network filter its VMs' interfaces reference.

use blueprint::Address;
use planner::Attrs;

use crate::conn::Rpc;
use crate::ctx::{Ctx, lookup};
use crate::error::LibvirtError;
use crate::names;
use crate::spec::ZoneSpec;
use crate::xml;

/// The UUID of a zone's filter.
pub fn filter_uuid(ctx: &Ctx, zone: &Address) -> String {
    ctx.uuid(&format!("filter:{zone}"))
}

/// Creates the zone's network and filter (or finishes creating them).
pub fn create(
    rpc: &Rpc,
    ctx: &Ctx,
    address: &Address,
    key: &str,
    attrs: &Attrs,
) -> Result<(String, Attrs), LibvirtError> {
    let zone = ZoneSpec::read(address, attrs).map_err(|d| LibvirtError::Call(d.detail))?;
    let name = ctx.name(address, key);
    let uuid = ctx.uuid(key);
    let filter = names::zone_filter(&ctx.settings.name_prefix, address);
    if lookup(rpc, |c| c.lookup_nwfilter_by_name(&filter))?.is_none() {
        rpc.call(|c| {
            c.define_nwfilter_xml(&xml::zone_filter(&filter, &filter_uuid(ctx, address), &[]))
        })?;
    }
    let net = match lookup(rpc, |c| c.lookup_network_by_uuid_string(&uuid))? {
        Some(net) => net,
        None => {
            if lookup(rpc, |c| c.lookup_network_by_name(&name))?.is_some() {
                return Err(LibvirtError::Call(format!(
                    "a network named {name} exists and was not created by this blueprint's state: remove it, or set another name_prefix"
                )));
            }
            // A generation of its own: a network made again gets another bridge.
            let generation = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            rpc.call(|c| {
                c.define_network_xml(&xml::network(
                    &name,
                    &uuid,
                    &names::bridge(&uuid, generation),
                    &ctx.owner(address, key, attrs),
                    &zone,
                ))
            })?
        }
    };
    rpc.on(|| net.set_autostart(true))?;
    if !rpc.on(|| net.is_active())? {
        rpc.on(|| net.create())?;
    }
    Ok((uuid, attrs.clone()))
}

/// Deletes the zone's network and filter.
pub fn delete(rpc: &Rpc, ctx: &Ctx, address: &Address, uuid: &str) -> Result<(), LibvirtError> {
    if let Some(net) = lookup(rpc, |c| c.lookup_network_by_uuid_string(uuid))? {
        if rpc.on(|| net.is_active())? {
            rpc.on(|| net.destroy())?;
        }
        rpc.on(|| net.undefine())?;
    }
    let filter = names::zone_filter(&ctx.settings.name_prefix, address);
    if let Some(f) = lookup(rpc, |c| c.lookup_nwfilter_by_name(&filter))? {
        rpc.on(|| f.undefine())?;
    }
    Ok(())
}
