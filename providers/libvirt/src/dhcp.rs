//! A VM's address in its zone's network: a DHCP host entry (its MAC, name and fixed
//! address), edited one at a time under the provider's lock.

use std::net::Ipv4Addr;

use blueprint::Address;
use virt::sys;

use crate::conn::Rpc;
use crate::ctx::{Ctx, network};
use crate::error::LibvirtError;
use crate::spec::{VmSpec, ZoneSpec};
use crate::vm::Parts;
use crate::xml;

/// Gives the VM its address in its zone's network: the one it already has there, its
/// fixed address, or the first free one of the lower half.
pub fn add(
    rpc: &Rpc,
    ctx: &Ctx,
    address: &Address,
    vm: &VmSpec,
    p: &Parts,
) -> Result<Ipv4Addr, LibvirtError> {
    let _held = ctx
        .dhcp
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let net = network(rpc, &p.network, &vm.zone)?;
    let read = crate::parse::network(&rpc.on(|| net.xml_desc(sys::VIR_NETWORK_XML_INACTIVE))?)?;
    if let Some(mine) = read.hosts.iter().find(|h| h.mac == p.mac) {
        if vm.address.is_none_or(|a| a == mine.ip) {
            return Ok(mine.ip);
        }
        remove_entry(rpc, &net, &p.mac, &p.name, mine.ip)?;
    }
    let cidr = read
        .cidr
        .ok_or_else(|| LibvirtError::Call(format!("network {} has no IPv4 range", p.network)))?;
    let zone = ZoneSpec {
        cidr,
        forward: crate::spec::Forward::Isolated,
    };
    let taken = |ip: Ipv4Addr| read.hosts.iter().any(|h| h.ip == ip && h.mac != p.mac);
    let ip = match vm.address {
        Some(ip) => {
            if !cidr.contains(&ip)
                || ip == zone.gateway()
                || ip == cidr.network()
                || ip == cidr.broadcast()
            {
                return Err(LibvirtError::Call(format!(
                    "{address}: address {ip} is not a VM address of {cidr} (the host has {}, DHCP hands out {}-{})",
                    zone.gateway(),
                    zone.dhcp_range().0,
                    zone.dhcp_range().1
                )));
            }
            if taken(ip) {
                return Err(LibvirtError::Call(format!(
                    "{address}: address {ip} is already another VM's in network {}",
                    p.network
                )));
            }
            ip
        }
        None => zone.static_range().find(|ip| !taken(*ip)).ok_or_else(|| {
            LibvirtError::Call(format!(
                "network {} ({cidr}) has no free address left for {address}",
                p.network
            ))
        })?,
    };
    let flags = live_flags(rpc, &net)?;
    rpc.on(|| {
        net.update(
            sys::VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
            sys::VIR_NETWORK_SECTION_IP_DHCP_HOST,
            -1,
            &xml::dhcp_host(&p.mac, &p.name, ip),
            flags,
        )
    })?;
    Ok(ip)
}

/// An edit's flags: the running network's too when it runs.
fn live_flags(rpc: &Rpc, net: &virt::network::Network) -> Result<u32, LibvirtError> {
    Ok(if rpc.on(|| net.is_active())? {
        sys::VIR_NETWORK_UPDATE_AFFECT_LIVE | sys::VIR_NETWORK_UPDATE_AFFECT_CONFIG
    } else {
        sys::VIR_NETWORK_UPDATE_AFFECT_CONFIG
    })
}

/// Removes one host entry.
pub fn remove_entry(
    rpc: &Rpc,
    net: &virt::network::Network,
    mac: &str,
    name: &str,
    ip: Ipv4Addr,
) -> Result<(), LibvirtError> {
    let flags = live_flags(rpc, net)?;
    rpc.on(|| {
        net.update(
            sys::VIR_NETWORK_UPDATE_COMMAND_DELETE,
            sys::VIR_NETWORK_SECTION_IP_DHCP_HOST,
            -1,
            &xml::dhcp_host(mac, name, ip),
            flags,
        )
    })
}
