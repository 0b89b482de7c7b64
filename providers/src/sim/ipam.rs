//! Addresses from a zone's CIDR, as a datacenter's IPAM hands them out.
//!
//! The network address, the gateway (the first host address, `.1`) and the broadcast address
//! (the last one) are never given. An explicit address must lie in the zone and be free.
//! The lowest free address is given: the world keeps, per zone, a mark below which every
//! address is taken, so a zone filled in order finds a free one at once, and the search
//! never looks at more than `taken + 1` addresses.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use blueprint::{Address, Diagnostic};
use ipnet::IpNet;

use super::record::Alloc;
use super::world::{World, ZoneUse};

/// Hands out addresses of one zone for one change.
pub(crate) struct Allocator<'w> {
    zone: String,
    net: IpNet,
    used: Option<&'w ZoneUse>,
    taken: HashSet<IpAddr>,
    freed: HashSet<IpAddr>,
}

impl<'w> Allocator<'w> {
    /// The allocator of the zone `owner` names through `attr`.
    pub fn new(
        world: &'w World,
        owner: &Address,
        attr: &str,
        zone: &str,
    ) -> Result<Allocator<'w>, Diagnostic> {
        let record = world.target(owner, attr, zone, "network_zone")?;
        let Alloc::Zone { cidr } = record.alloc else {
            return Err(Diagnostic::error(
                None,
                format!("{zone} has no address range"),
                format!(
                    "The simulated datacenter recorded {zone} without a CIDR, so {owner} cannot take an address from it. Recreate the zone."
                ),
            ));
        };
        Ok(Allocator {
            zone: zone.to_string(),
            net: cidr,
            used: world.zone_use(zone),
            taken: HashSet::new(),
            freed: HashSet::new(),
        })
    }

    /// The zone's address.
    pub fn zone(&self) -> &str {
        &self.zone
    }

    /// Counts an address as free again (the owner gives it back in this change).
    pub fn free(&mut self, ip: IpAddr) {
        self.taken.remove(&ip);
        self.freed.insert(ip);
    }

    fn is_free(&self, ip: &IpAddr) -> bool {
        !self.taken.contains(ip)
            && (self.freed.contains(ip) || self.used.is_none_or(|u| !u.used.contains_key(ip)))
    }

    /// The first and last address given to hosts.
    fn range(&self) -> Option<(u128, u128)> {
        let first = first_host(&self.net);
        let last = to_u128(self.net.broadcast()).checked_sub(1)?;
        (first <= last).then_some((first, last))
    }

    /// Takes `wanted` when given, else the next free address.
    pub fn take(&mut self, owner: &Address, wanted: Option<IpAddr>) -> Result<IpAddr, Diagnostic> {
        let ip = match wanted {
            Some(ip) => self.check(owner, ip)?,
            None => self.next(owner)?,
        };
        self.taken.insert(ip);
        Ok(ip)
    }

    fn check(&self, owner: &Address, ip: IpAddr) -> Result<IpAddr, Diagnostic> {
        let zone = &self.zone;
        let net = self.net;
        if !net.contains(&ip) {
            return Err(Diagnostic::error(
                None,
                format!("Address {ip} of {owner} is outside {zone}"),
                format!(
                    "{zone} is {net}; give {owner} an address inside it, or leave \"address\" unset to get the next free one."
                ),
            ));
        }
        let value = to_u128(ip);
        if self
            .range()
            .is_none_or(|(first, last)| value < first || value > last)
        {
            let role = if ip == net.network() {
                "the network address"
            } else if value == to_u128(net.network()) + 1 {
                "the gateway"
            } else {
                "the broadcast address"
            };
            return Err(Diagnostic::error(
                None,
                format!("Address {ip} of {owner} is reserved in {zone}"),
                format!(
                    "{ip} is {role} of {net}; give {owner} another address, or leave \"address\" unset to get the next free one."
                ),
            ));
        }
        if !self.is_free(&ip) {
            let holder = self
                .used
                .and_then(|u| u.used.get(&ip))
                .map_or("another object", String::as_str);
            return Err(Diagnostic::error(
                None,
                format!("Address {ip} of {owner} is already taken by {holder}"),
                format!(
                    "Each address of {zone} belongs to one object. Give {owner} another address, or leave \"address\" unset to get the next free one."
                ),
            ));
        }
        Ok(ip)
    }

    fn next(&self, owner: &Address) -> Result<IpAddr, Diagnostic> {
        let zone = &self.zone;
        let net = self.net;
        let full = |usable: u128| {
            Diagnostic::error(
                None,
                format!("{zone} has no free address for {owner}"),
                format!(
                    "All {usable} host addresses of {net} are taken (the network address, the gateway and the broadcast address are never given). Use a larger CIDR or another zone."
                ),
            )
        };
        let Some((first, last)) = self.range() else {
            return Err(full(0));
        };
        let size = last - first + 1;
        let busy = self.used.map_or(0, |u| u.used.len()) + self.taken.len();
        // Addresses below `low` are all taken: the lowest free one is at `low` or after.
        let low = self.used.map_or(first, |u| u.low.clamp(first, last));
        let v4 = net.network().is_ipv4();
        for step in 0..size.min(busy as u128 + 1) {
            let ip = from_u128(first + (low - first + step) % size, v4);
            if self.is_free(&ip) {
                return Ok(ip);
            }
        }
        Err(full(size))
    }
}

/// The first address given to hosts: after the network address and the gateway.
pub(crate) fn first_host(net: &IpNet) -> u128 {
    to_u128(net.network()).saturating_add(2)
}

/// An address as a number.
pub(crate) fn to_u128(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

/// A number as an address of the family `v4` says.
pub(crate) fn from_u128(value: u128, v4: bool) -> IpAddr {
    if v4 {
        IpAddr::V4(Ipv4Addr::from(value as u32))
    } else {
        IpAddr::V6(Ipv6Addr::from(value))
    }
}
