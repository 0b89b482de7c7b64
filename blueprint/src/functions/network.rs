//! Address arithmetic on CIDR prefixes, with Terraform's semantics: `cidrsubnet`,
//! `cidrsubnets` and `cidrhost` (IPv4 and IPv6; a negative host number counts back from the
//! end of the prefix) and `cidrnetmask` (IPv4 only).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::args::{integer, label, string};
use super::{Arity, Function};
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("cidrsubnet", Arity::Exact(3), cidrsubnet),
    Function::new("cidrhost", Arity::Exact(2), cidrhost),
    Function::new("cidrnetmask", Arity::Exact(1), cidrnetmask),
    Function::new("cidrsubnets", Arity::AtLeast(1), cidrsubnets),
];

/// The prefix at `index`, with any host bits cleared as Terraform clears them.
fn prefix(args: &[Value], index: usize) -> Result<IpNet, String> {
    let text = string(args, index)?;
    text.parse::<IpNet>().map(|net| net.trunc()).map_err(|_| {
        format!(
            "{} is {text:?}, which is not a CIDR prefix such as \"10.0.0.0/16\" or \"fd00::/8\"",
            label(index)
        )
    })
}

/// The network address of a prefix as an integer.
fn network_bits(net: &IpNet) -> u128 {
    match net {
        IpNet::V4(v4) => u128::from(u32::from(v4.network())),
        IpNet::V6(v6) => u128::from(v6.network()),
    }
}

/// An integer as an address of the prefix's family (IPv4 addresses are the low 32 bits).
fn address(net: &IpNet, bits: u128) -> IpAddr {
    match net {
        IpNet::V4(_) => IpAddr::V4(Ipv4Addr::from(bits as u32)),
        IpNet::V6(_) => IpAddr::V6(Ipv6Addr::from(bits)),
    }
}

/// The largest number that fits in `bits` bits.
fn all_ones(bits: u8) -> u128 {
    1u128
        .checked_shl(u32::from(bits))
        .map_or(u128::MAX, |limit| limit - 1)
}

fn cidrsubnet(args: &[Value]) -> Result<Value, String> {
    let net = prefix(args, 0)?;
    let newbits = integer(args, 1)?;
    let netnum = integer(args, 2)?;
    let room = net.max_prefix_len() - net.prefix_len();
    let newbits = u8::try_from(newbits)
        .ok()
        .filter(|bits| *bits <= room)
        .ok_or_else(|| {
            if newbits < 0 {
                format!("argument 2 (the number of new bits) must not be negative, not {newbits}")
            } else {
                format!("the prefix {net} has no room for {newbits} more bits (at most {room})")
            }
        })?;
    let largest = all_ones(newbits);
    let netnum = u128::try_from(netnum)
        .ok()
        .filter(|num| *num <= largest)
        .ok_or_else(|| {
            if netnum < 0 {
                format!("argument 3 (the network number) must not be negative, not {netnum}")
            } else {
                format!(
                    "the network number {netnum} does not fit in {newbits} bits (at most {largest})"
                )
            }
        })?;
    let length = net.prefix_len() + newbits;
    let shift = u32::from(net.max_prefix_len() - length);
    let bits = network_bits(&net) | netnum.checked_shl(shift).unwrap_or(0);
    Ok(Value::string(format!("{}/{length}", address(&net, bits))))
}

fn cidrhost(args: &[Value]) -> Result<Value, String> {
    let net = prefix(args, 0)?;
    let hostnum = integer(args, 1)?;
    let host_mask = all_ones(net.max_prefix_len() - net.prefix_len());
    let magnitude = u128::from(hostnum.unsigned_abs());
    let offset = if hostnum >= 0 {
        (magnitude <= host_mask).then_some(magnitude)
    } else {
        let back = magnitude - 1;
        (back <= host_mask).then(|| host_mask - back)
    };
    let offset = offset.ok_or_else(|| {
        let size = host_mask
            .checked_add(1)
            .map_or_else(|| "2^128".to_string(), |size| size.to_string());
        format!(
            "the prefix {net} has no host number {hostnum}: it has {size} addresses, numbered 0 to {host_mask}, or -{size} to -1 from the end"
        )
    })?;
    Ok(Value::string(
        address(&net, network_bits(&net) | offset).to_string(),
    ))
}

/// Consecutive subnets of a prefix, each `newbits` longer than it, each starting at the
/// first address after the previous one that its own size aligns to.
fn cidrsubnets(args: &[Value]) -> Result<Value, String> {
    let net = prefix(args, 0)?;
    let width = net.max_prefix_len();
    let mut next: u128 = 0;
    let mut out = Vec::new();
    for index in 1..args.len() {
        let newbits = integer(args, index)?;
        if newbits < 1 {
            return Err(format!(
                "{} (new bits) must be at least 1, not {newbits}",
                label(index)
            ));
        }
        let length = i64::from(net.prefix_len()) + newbits;
        let length = u8::try_from(length).ok().filter(|l| *l <= width).ok_or_else(|| {
            format!("{} would make a prefix of {length} bits, longer than the {width} an address has", label(index))
        })?;
        let host_bits = u32::from(width - length);
        let size = 1u128.checked_shl(host_bits).unwrap_or(0);
        let start = if size == 0 {
            0
        } else {
            next.div_ceil(size).saturating_mul(size)
        };
        let room = all_ones(width - net.prefix_len());
        if start > room || (size > 0 && start.saturating_add(size - 1) > room) {
            return Err(format!(
                "{net} has no room left for a /{length} after the subnets before it"
            ));
        }
        let bits = network_bits(&net) | start;
        out.push(Value::string(format!("{}/{length}", address(&net, bits))));
        next = start.saturating_add(size);
    }
    Ok(Value::list(out))
}

fn cidrnetmask(args: &[Value]) -> Result<Value, String> {
    match prefix(args, 0)? {
        IpNet::V4(v4) => Ok(Value::string(v4.netmask().to_string())),
        IpNet::V6(v6) => Err(format!(
            "the prefix {v6} is IPv6, and only IPv4 prefixes have a netmask"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, n, ok, resource, s, strs};

    #[test]
    fn cidrsubnet_ipv4() {
        assert_eq!(
            ok("cidrsubnet", &[s("172.16.0.0/12"), n(4.0), n(2.0)]),
            s("172.18.0.0/16")
        );
        assert_eq!(
            ok("cidrsubnet", &[s("10.1.2.0/24"), n(4.0), n(15.0)]),
            s("10.1.2.240/28")
        );
        assert_eq!(
            ok("cidrsubnet", &[s("10.0.0.0/8"), n(0.0), n(0.0)]),
            s("10.0.0.0/8")
        );
        assert_eq!(
            ok("cidrsubnet", &[s("10.0.0.5/8"), n(8.0), n(3.0)]),
            s("10.3.0.0/16")
        );
        assert_eq!(
            ok("cidrsubnet", &[s("0.0.0.0/0"), n(32.0), n(4294967295.0)]),
            s("255.255.255.255/32")
        );
    }

    #[test]
    fn cidrsubnet_ipv6() {
        assert_eq!(
            ok(
                "cidrsubnet",
                &[s("fd00:fd12:3456:7890::/56"), n(16.0), n(162.0)]
            ),
            s("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(
            ok("cidrsubnet", &[s("2001:db8::/32"), n(32.0), n(1.0)]),
            s("2001:db8:0:1::/64")
        );
        assert_eq!(
            ok("cidrsubnet", &[s("::/0"), n(128.0), n(1.0)]),
            s("::1/128")
        );
    }

    #[test]
    fn cidrsubnet_errors() {
        assert_eq!(
            err("cidrsubnet", &[s("10.0.0.0/30"), n(4.0), n(0.0)]),
            "cidrsubnet: the prefix 10.0.0.0/30 has no room for 4 more bits (at most 2)"
        );
        assert_eq!(
            err("cidrsubnet", &[s("10.0.0.0/16"), n(4.0), n(16.0)]),
            "cidrsubnet: the network number 16 does not fit in 4 bits (at most 15)"
        );
        assert_eq!(
            err("cidrsubnet", &[s("10.0.0.0/16"), n(-1.0), n(0.0)]),
            "cidrsubnet: argument 2 (the number of new bits) must not be negative, not -1"
        );
        assert_eq!(
            err("cidrsubnet", &[s("10.0.0.0/16"), n(4.0), n(-1.0)]),
            "cidrsubnet: argument 3 (the network number) must not be negative, not -1"
        );
        assert_eq!(
            err("cidrsubnet", &[s("10.0.0.0"), n(4.0), n(1.0)]),
            "cidrsubnet: argument 1 is \"10.0.0.0\", which is not a CIDR prefix such as \"10.0.0.0/16\" or \"fd00::/8\""
        );
        assert!(
            err("cidrsubnet", &[s("10.0.0.0/33"), n(1.0), n(1.0)]).contains("not a CIDR prefix")
        );
        assert_eq!(
            err("cidrsubnet", &[s("10.0.0.0/16"), n(300.0), n(1.0)]),
            "cidrsubnet: the prefix 10.0.0.0/16 has no room for 300 more bits (at most 16)"
        );
        assert_eq!(
            err(
                "cidrsubnet",
                &[resource("network.lan", &["cidr"]), n(4.0), n(1.0)]
            ),
            "cidrsubnet: argument 1 must be a string, but the resource network.lan was given; use one of its attributes, e.g. network.lan.cidr"
        );
    }

    #[test]
    fn cidrhost_counts_from_either_end() {
        assert_eq!(
            ok("cidrhost", &[s("10.12.112.0/20"), n(16.0)]),
            s("10.12.112.16")
        );
        assert_eq!(
            ok("cidrhost", &[s("10.12.112.0/20"), n(268.0)]),
            s("10.12.113.12")
        );
        assert_eq!(
            ok("cidrhost", &[s("10.0.0.0/24"), n(-1.0)]),
            s("10.0.0.255")
        );
        assert_eq!(
            ok("cidrhost", &[s("10.0.0.0/24"), n(-256.0)]),
            s("10.0.0.0")
        );
        assert_eq!(ok("cidrhost", &[s("10.0.0.7/32"), n(0.0)]), s("10.0.0.7"));
    }

    #[test]
    fn cidrhost_ipv6() {
        assert_eq!(
            ok("cidrhost", &[s("fd00:fd12:3456:7890:00a2::/72"), n(34.0)]),
            s("fd00:fd12:3456:7890::22")
        );
        assert_eq!(
            ok("cidrhost", &[s("fd00::/64"), n(-1.0)]),
            s("fd00::ffff:ffff:ffff:ffff")
        );
        assert_eq!(
            ok("cidrhost", &[s("::/0"), n(-1.0)]),
            s("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
        );
        assert_eq!(ok("cidrhost", &[s("::/0"), n(5.0)]), s("::5"));
    }

    #[test]
    fn cidrhost_errors() {
        assert_eq!(
            err("cidrhost", &[s("10.0.0.0/30"), n(4.0)]),
            "cidrhost: the prefix 10.0.0.0/30 has no host number 4: it has 4 addresses, numbered 0 to 3, or -4 to -1 from the end"
        );
        assert!(err("cidrhost", &[s("10.0.0.0/30"), n(-5.0)]).contains("no host number -5"));
        assert_eq!(
            err("cidrhost", &[s("10.0.0.0/24"), n(1.5)]),
            "cidrhost: argument 2 must be a whole number, not 1.5"
        );
        assert_eq!(
            err("cidrhost", &[strs(&[]), n(1.0)]),
            "cidrhost: argument 1 must be a string, not a list"
        );
    }

    #[test]
    fn cidrsubnets_allocate_in_order() {
        assert_eq!(
            ok(
                "cidrsubnets",
                &[s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]
            ),
            strs(&[
                "10.1.0.0/20",
                "10.1.16.0/20",
                "10.1.32.0/24",
                "10.1.48.0/20"
            ])
        );
        assert_eq!(
            ok("cidrsubnets", &[s("10.0.0.0/24"), n(2.0), n(1.0)]),
            strs(&["10.0.0.0/26", "10.0.0.128/25"])
        );
        assert!(
            err("cidrsubnets", &[s("10.0.0.0/24"), n(1.0), n(1.0), n(1.0)])
                .contains("no room left")
        );
        assert!(err("cidrsubnets", &[s("10.0.0.0/24"), n(0.0)]).contains("at least 1"));
        assert!(err("cidrsubnets", &[s("10.0.0.0/24"), n(9.0)]).contains("longer than the 32"));
        assert_eq!(ok("cidrsubnets", &[s("::/0"), n(128.0)]), strs(&["::/128"]));
    }

    #[test]
    fn cidrnetmask_ipv4_only() {
        assert_eq!(ok("cidrnetmask", &[s("172.16.0.0/12")]), s("255.240.0.0"));
        assert_eq!(ok("cidrnetmask", &[s("10.0.0.0/32")]), s("255.255.255.255"));
        assert_eq!(ok("cidrnetmask", &[s("0.0.0.0/0")]), s("0.0.0.0"));
        assert_eq!(
            err("cidrnetmask", &[s("fd00::/8")]),
            "cidrnetmask: the prefix fd00::/8 is IPv6, and only IPv4 prefixes have a netmask"
        );
        assert!(err("cidrnetmask", &[s("banana")]).contains("not a CIDR prefix"));
    }
}
