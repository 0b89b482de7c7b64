//! The libvirt XML documents Strata writes: domains, networks, storage pools, volumes and
//! network filters. Every value is escaped; readers are in [`crate::parse`].

use std::fmt::Write;

use quick_xml::escape::escape;

use crate::spec::{Forward, PolicySpec, Protocol, VmSpec, ZoneSpec};

/// The XML namespace of Strata's metadata element on domains and networks.
pub const NAMESPACE: &str = "https://strata.dev/libvirt/1";

/// Who created an object: written into domains' and networks' `<metadata>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// The address, such as `vm.web[0]`.
    pub address: String,
    /// The state's lineage.
    pub lineage: String,
    /// The idempotency key it was created with.
    pub key: String,
    /// The attributes it was created with, as JSON (for adopting it after a crash).
    pub attrs: String,
}

fn metadata(owner: &Owner) -> String {
    format!(
        "<metadata><strata:object xmlns:strata=\"{NAMESPACE}\"><strata:address>{}</strata:address><strata:lineage>{}</strata:lineage><strata:key>{}</strata:key><strata:attrs>{}</strata:attrs></strata:object></metadata>",
        escape(&owner.address),
        escape(&owner.lineage),
        escape(&owner.key),
        escape(&owner.attrs)
    )
}

/// Where a domain's disk and NIC go.
#[derive(Clone, Debug)]
pub struct Placement<'a> {
    /// `kvm` or `qemu`.
    pub domain_type: &'a str,
    /// The pool of its disk.
    pub pool: &'a str,
    /// Its disk volume.
    pub volume: &'a str,
    /// The network of its NIC.
    pub network: &'a str,
    /// Its NIC's MAC.
    pub mac: &'a str,
    /// The zone's network filter.
    pub filter: &'a str,
}

/// A domain definition.
pub fn domain(name: &str, uuid: &str, owner: &Owner, vm: &VmSpec, at: &Placement) -> String {
    format!(
        "<domain type='{}'><name>{}</name><uuid>{uuid}</uuid>{}\
<memory unit='KiB'>{mem}</memory><currentMemory unit='KiB'>{mem}</currentMemory>\
<vcpu placement='static' current='{}'>{}</vcpu>\
<os><type>hvm</type><boot dev='hd'/></os><features><acpi/></features>\
<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>\
<devices><disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>\
<source pool='{}' volume='{}'/><target dev='vda' bus='virtio'/></disk>\
{}<console type='pty'/><memballoon model='none'/></devices></domain>",
        escape(at.domain_type),
        escape(name),
        metadata(owner),
        vm.cpu,
        vm.max_cpu,
        escape(at.pool),
        escape(at.volume),
        interface(at),
        mem = vm.memory_kib,
    )
}

/// A domain's NIC: written in its definition, and given to libvirt alone to plug a
/// running domain into its network's bridge again.
pub fn interface(at: &Placement) -> String {
    format!(
        "<interface type='network'><mac address='{}'/><source network='{}'/><model type='virtio'/>\
<filterref filter='{}'/></interface>",
        escape(at.mac),
        escape(at.network),
        escape(at.filter),
    )
}

/// A network definition, without DHCP host entries (added one by one as VMs join), on
/// `bridge` (see [`crate::names::bridge`]).
pub fn network(name: &str, uuid: &str, bridge: &str, owner: &Owner, zone: &ZoneSpec) -> String {
    let forward = match zone.forward {
        Forward::Nat => "<forward mode='nat'/>",
        Forward::Isolated => "",
    };
    let (start, end) = zone.dhcp_range();
    format!(
        "<network><name>{}</name><uuid>{uuid}</uuid>{}{forward}<bridge name='{}' stp='on' delay='0'/>\
<ip address='{}' prefix='{}'><dhcp><range start='{start}' end='{end}'/></dhcp></ip></network>",
        escape(name),
        metadata(owner),
        escape(bridge),
        zone.gateway(),
        zone.cidr.prefix_len(),
    )
}

/// A DHCP host entry: the VM's name, MAC and fixed address.
pub fn dhcp_host(mac: &str, name: &str, ip: std::net::Ipv4Addr) -> String {
    format!(
        "<host mac='{}' name='{}' ip='{ip}'/>",
        escape(mac),
        escape(name)
    )
}

/// A storage pool definition: a directory, or an NFS export mounted at `path`.
pub fn pool(name: &str, uuid: &str, spec: &crate::spec::PoolSpec, path: &str) -> String {
    let (kind, source) = match spec {
        crate::spec::PoolSpec::Dir => ("dir", String::new()),
        crate::spec::PoolSpec::NetFs { host, export } => (
            "netfs",
            format!(
                "<source><host name='{}'/><dir path='{}'/><format type='nfs'/></source>",
                escape(host),
                escape(export)
            ),
        ),
    };
    format!(
        "<pool type='{kind}'><name>{}</name><uuid>{uuid}</uuid>{source}<target><path>{}</path></target></pool>",
        escape(name),
        escape(path)
    )
}

/// A qcow2 volume of `capacity` bytes, over a base image (`path`, `format`) when given.
pub fn volume(name: &str, capacity: u64, base: Option<(&str, &str)>) -> String {
    let backing = base.map_or(String::new(), |(path, format)| {
        format!(
            "<backingStore><path>{}</path><format type='{}'/></backingStore>",
            escape(path),
            escape(format)
        )
    });
    format!(
        "<volume><name>{}</name><capacity unit='bytes'>{capacity}</capacity><target><format type='qcow2'/></target>{backing}</volume>",
        escape(name)
    )
}

/// A zone's filter: its policies' filters, then (when it has any) outbound traffic and
/// DHCP replies allowed and every other inbound packet dropped. libvirt's state matching
/// lets replies to allowed connections through.
pub fn zone_filter(name: &str, uuid: &str, policies: &[String]) -> String {
    let mut out = format!(
        "<filter name='{}' chain='root'><uuid>{uuid}</uuid>",
        escape(name)
    );
    for policy in policies {
        let _ = write!(out, "<filterref filter='{}'/>", escape(policy));
    }
    if !policies.is_empty() {
        out.push_str(
            "<rule action='accept' direction='out' priority='500'><all/></rule>\
<rule action='accept' direction='in' priority='500'><udp srcportstart='67' dstportstart='68'/></rule>\
<rule action='drop' direction='in' priority='1000'><all/></rule>",
        );
    }
    out.push_str("</filter>");
    out
}

/// A policy's filter: one rule per source network and port, accepting (or, for a deny,
/// dropping before the accepts) inbound traffic to the VMs of the zones it goes to.
pub fn policy_filter(
    name: &str,
    uuid: &str,
    policy: &PolicySpec,
    sources: &[ipnet::Ipv4Net],
) -> String {
    let (action, priority) = if policy.allow {
        ("accept", 500)
    } else {
        ("drop", 400)
    };
    let proto = match policy.protocol {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Icmp => "icmp",
        Protocol::Any => "all",
    };
    let with_ports =
        matches!(policy.protocol, Protocol::Tcp | Protocol::Udp) && !policy.ports.is_empty();
    let ports: Vec<Option<u16>> = if with_ports {
        policy.ports.iter().copied().map(Some).collect()
    } else {
        vec![None]
    };
    let mut out = format!(
        "<filter name='{}' chain='root'><uuid>{uuid}</uuid>",
        escape(name)
    );
    for net in sources {
        for port in &ports {
            let port = port.map_or(String::new(), |p| format!(" dstportstart='{p}'"));
            let _ = write!(
                out,
                "<rule action='{action}' direction='in' priority='{priority}'><{proto} srcipaddr='{}' srcipmask='{}'{port}/></rule>",
                net.network(),
                net.prefix_len()
            );
        }
    }
    out.push_str("</filter>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        let owner = Owner {
            address: "vm.web[\"<a>&'\"]".into(),
            lineage: "l".into(),
            key: "k".into(),
            attrs: "{\"a\":\"<b>\"}".into(),
        };
        let xml = metadata(&owner);
        assert!(roxmltree::Document::parse(&xml).is_ok(), "{xml}");
        assert!(xml.contains("&lt;a&gt;&amp;"));
    }
}
