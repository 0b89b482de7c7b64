//! Reading libvirt's XML back: what a network, pool, filter or volume is now.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use roxmltree::{Document, Node};

use crate::xml::{NAMESPACE, Owner};

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
#[error("libvirt returned XML Strata cannot read: {0}")]
pub struct XmlError(String);

fn doc(xml: &str) -> Result<Document<'_>, XmlError> {
    Document::parse(xml).map_err(|e| XmlError(e.to_string()))
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name(name))
}

/// Strata's metadata element of a domain's XML.
pub fn domain_owner(xml: &str) -> Result<Option<Owner>, XmlError> {
    Ok(owner(doc(xml)?.root_element()))
}

/// Strata's metadata element, when the object has one.
fn owner(root: Node) -> Option<Owner> {
    let object = child(root, "metadata")?
        .children()
        .find(|c| c.tag_name().namespace() == Some(NAMESPACE))?;
    let field = |name: &str| {
        object
            .children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    Some(Owner {
        address: field("address"),
        lineage: field("lineage"),
        key: field("key"),
        attrs: field("attrs"),
    })
}

/// One DHCP host entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    /// The NIC's MAC.
    pub mac: String,
    /// The VM's name.
    pub name: String,
    /// Its address.
    pub ip: Ipv4Addr,
}

/// A network as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    /// Its range (the host's address with the prefix, truncated).
    pub cidr: Option<Ipv4Net>,
    /// `nat`, `isolated`, or another libvirt forward mode.
    pub forward: String,
    /// Its DHCP host entries.
    pub hosts: Vec<Host>,
    /// Its Linux bridge.
    pub bridge: Option<String>,
    /// Who created it.
    pub owner: Option<Owner>,
}

/// Reads a network's XML.
pub fn network(xml: &str) -> Result<Network, XmlError> {
    let doc = doc(xml)?;
    let root = doc.root_element();
    let forward = child(root, "forward")
        .map(|f| f.attribute("mode").unwrap_or("nat").to_string())
        .unwrap_or_else(|| "isolated".to_string());
    let ip = root
        .children()
        .find(|c| c.has_tag_name("ip") && c.attribute("family").is_none_or(|f| f == "ipv4"));
    let cidr = ip.and_then(|ip| {
        let address: Ipv4Addr = ip.attribute("address")?.parse().ok()?;
        let prefix = match (ip.attribute("prefix"), ip.attribute("netmask")) {
            (Some(p), _) => p.parse().ok()?,
            (None, Some(mask)) => u32::from(mask.parse::<Ipv4Addr>().ok()?).count_ones() as u8,
            (None, None) => return None,
        };
        Ipv4Net::new(address, prefix).ok().map(|n| n.trunc())
    });
    let hosts = ip
        .and_then(|ip| child(ip, "dhcp"))
        .map(|dhcp| {
            dhcp.children()
                .filter(|c| c.has_tag_name("host"))
                .filter_map(|h| {
                    Some(Host {
                        mac: h.attribute("mac")?.to_ascii_lowercase(),
                        name: h.attribute("name").unwrap_or_default().to_string(),
                        ip: h.attribute("ip")?.parse().ok()?,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Network {
        cidr,
        forward,
        hosts,
        bridge: child(root, "bridge")
            .and_then(|b| b.attribute("name"))
            .map(str::to_string),
        owner: owner(root),
    })
}

/// Where a domain's disk and NIC are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DomainParts {
    /// The first disk's pool and volume.
    pub disk: Option<(String, String)>,
    /// The first NIC's network and MAC.
    pub nic: Option<(String, String)>,
    /// The Linux bridge the first NIC is plugged into (a running domain's live XML only).
    pub bridge: Option<String>,
    /// vCPUs it runs with (or will boot with: the inactive XML).
    pub vcpus: Option<u64>,
    /// vCPUs at most.
    pub max_vcpus: Option<u64>,
    /// Memory in KiB.
    pub memory_kib: Option<u64>,
}

/// Reads where a domain's disk and NIC are, and its size.
pub fn domain_parts(xml: &str) -> Result<DomainParts, XmlError> {
    let doc = doc(xml)?;
    let root = doc.root_element();
    let number = |node: Option<Node>| node.and_then(|n| n.text()?.trim().parse::<u64>().ok());
    let vcpu = child(root, "vcpu");
    let max_vcpus = number(vcpu);
    let vcpus = vcpu
        .and_then(|v| v.attribute("current")?.parse().ok())
        .or(max_vcpus);
    // libvirt writes memory in KiB whatever unit it was given.
    let memory_kib = number(child(root, "memory"));
    let Some(devices) = child(root, "devices") else {
        return Ok(DomainParts {
            vcpus,
            max_vcpus,
            memory_kib,
            ..DomainParts::default()
        });
    };
    let disk = devices
        .children()
        .filter(|c| c.has_tag_name("disk"))
        .find_map(|d| {
            let source = child(d, "source")?;
            Some((
                source.attribute("pool")?.to_string(),
                source.attribute("volume")?.to_string(),
            ))
        });
    let nic = devices.children().find(|c| c.has_tag_name("interface"));
    Ok(DomainParts {
        disk,
        nic: nic.and_then(|i| {
            Some((
                child(i, "source")?.attribute("network")?.to_string(),
                child(i, "mac")?.attribute("address")?.to_ascii_lowercase(),
            ))
        }),
        bridge: nic
            .and_then(|i| child(i, "source")?.attribute("bridge"))
            .map(str::to_string),
        vcpus,
        max_vcpus,
        memory_kib,
    })
}

/// A storage pool as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    /// `dir`, `netfs`, ...
    pub kind: String,
    /// Its target directory.
    pub path: String,
    /// For netfs: `HOST:/EXPORT`.
    pub server: Option<String>,
}

/// Reads a pool's XML.
pub fn pool(xml: &str) -> Result<Pool, XmlError> {
    let doc = doc(xml)?;
    let root = doc.root_element();
    let path = child(root, "target")
        .and_then(|t| child(t, "path"))
        .and_then(|p| p.text())
        .unwrap_or_default()
        .to_string();
    let source = child(root, "source");
    let server = source.and_then(|s| {
        let host = child(s, "host")?.attribute("name")?;
        let dir = child(s, "dir")?.attribute("path")?;
        Some(format!("{host}:{dir}"))
    });
    Ok(Pool {
        kind: root.attribute("type").unwrap_or_default().to_string(),
        path,
        server,
    })
}

/// The filters a filter references, in order.
pub fn filter_refs(xml: &str) -> Result<Vec<String>, XmlError> {
    let doc = doc(xml)?;
    Ok(doc
        .root_element()
        .children()
        .filter(|c| c.has_tag_name("filterref"))
        .filter_map(|c| c.attribute("filter").map(str::to_string))
        .collect())
}

/// A volume's format (`qcow2`, `raw`).
pub fn volume_format(xml: &str) -> Result<String, XmlError> {
    let doc = doc(xml)?;
    Ok(child(doc.root_element(), "target")
        .and_then(|t| child(t, "format"))
        .and_then(|f| f.attribute("type"))
        .unwrap_or("raw")
        .to_string())
}

/// True when the host's capabilities offer KVM for some guest.
pub fn offers_kvm(capabilities: &str) -> Result<bool, XmlError> {
    let doc = doc(capabilities)?;
    Ok(doc
        .descendants()
        .any(|n| n.has_tag_name("domain") && n.attribute("type") == Some("kvm")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Forward, ZoneSpec};

    #[test]
    fn a_written_network_reads_back() {
        let zone = ZoneSpec {
            cidr: "10.77.0.0/24".parse().unwrap(),
            forward: Forward::Nat,
        };
        let owner = Owner {
            address: "network_zone.app".into(),
            lineage: "lin".into(),
            key: "network_zone.app".into(),
            attrs: "{}".into(),
        };
        let mut xml = crate::xml::network("n", "u", "stb0", &owner, &zone);
        let host = crate::xml::dhcp_host("52:54:00:AA:bb:cc", "vm1", "10.77.0.2".parse().unwrap());
        xml = xml.replace("</dhcp>", &format!("{host}</dhcp>"));
        let read = network(&xml).unwrap();
        assert_eq!(read.cidr, Some(zone.cidr));
        assert_eq!(read.bridge.as_deref(), Some("stb0"));
        assert_eq!(read.forward, "nat");
        assert_eq!(read.owner, Some(owner));
        assert_eq!(read.hosts[0].mac, "52:54:00:aa:bb:cc");
        assert_eq!(read.hosts[0].ip.to_string(), "10.77.0.2");
        let isolated = network(&crate::xml::network(
            "n",
            "u",
            "stb0",
            &read.owner.unwrap(),
            &ZoneSpec {
                forward: Forward::Isolated,
                ..zone
            },
        ))
        .unwrap();
        assert_eq!(isolated.forward, "isolated");
    }

    #[test]
    fn a_written_domain_reads_back_with_its_size_and_nic() {
        let attrs = serde_json::json!({
            "cpu": 1, "max_cpu": 3, "memory": "96MiB", "disk": "16MiB",
            "zone": "network_zone.a", "storage": "storage.local"
        });
        let vm = crate::spec::VmSpec::read(&"vm.web".parse().unwrap(), attrs.as_object().unwrap())
            .unwrap();
        let owner = Owner {
            address: "vm.web".into(),
            lineage: "lin".into(),
            key: "vm.web".into(),
            attrs: "{}".into(),
        };
        let at = crate::xml::Placement {
            domain_type: "kvm",
            pool: "p",
            volume: "web.qcow2",
            network: "n",
            mac: "52:54:00:AA:bb:cc",
            filter: "f",
        };
        let read = domain_parts(&crate::xml::domain("web", "u", &owner, &vm, &at)).unwrap();
        assert_eq!(read.vcpus, Some(1));
        assert_eq!(read.max_vcpus, Some(3));
        assert_eq!(read.memory_kib, Some(96 * 1024));
        assert_eq!(read.disk, Some(("p".into(), "web.qcow2".into())));
        assert_eq!(read.nic, Some(("n".into(), "52:54:00:aa:bb:cc".into())));
        assert_eq!(read.bridge, None);
        // What libvirt says of a running domain: no `current` when all vCPUs run, and the
        // bridge its NIC is on.
        let live = "<domain><vcpu placement='static'>2</vcpu><memory unit='KiB'>65536</memory>\
<devices><interface type='network'><mac address='52:54:00:00:00:01'/>\
<source network='n' portid='x' bridge='stb0'/></interface></devices></domain>";
        let read = domain_parts(live).unwrap();
        assert_eq!((read.vcpus, read.max_vcpus), (Some(2), Some(2)));
        assert_eq!(read.memory_kib, Some(65536));
        assert_eq!(read.bridge.as_deref(), Some("stb0"));
    }

    #[test]
    fn filters_list_their_references() {
        let xml = crate::xml::zone_filter("z", "u", &["p1".into(), "p2".into()]);
        assert_eq!(filter_refs(&xml).unwrap(), vec!["p1", "p2"]);
    }
}
