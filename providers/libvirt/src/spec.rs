//! What the blueprint asks of each kind, read from its attributes into the figures libvirt
//! takes. Errors are diagnostics naming the object and the attribute.

use std::net::Ipv4Addr;

use blueprint::{Address, Diagnostic};
use ipnet::Ipv4Net;
use planner::Attrs;

/// A bad or missing attribute of `address`.
pub fn invalid(address: &Address, field: &str, detail: impl Into<String>) -> Diagnostic {
    Diagnostic::error(None, format!("{address}: {field}"), detail)
}

fn text<'a>(attrs: &'a Attrs, name: &str) -> Option<&'a str> {
    attrs.get(name).and_then(|v| v.as_str())
}

fn size(address: &Address, attrs: &Attrs, name: &str) -> Result<u64, Diagnostic> {
    let value = text(attrs, name).ok_or_else(|| {
        invalid(
            address,
            name,
            format!("{name} is required by the libvirt provider"),
        )
    })?;
    blueprint::units::parse_size(value).map_err(|e| invalid(address, name, e.message))
}

fn reference(address: &Address, attrs: &Attrs, name: &str) -> Result<Option<Address>, Diagnostic> {
    match text(attrs, name) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| invalid(address, name, format!("\"{s}\" is not an address"))),
    }
}

fn references(attrs: &Attrs, name: &str) -> Vec<Address> {
    match attrs.get(name) {
        Some(serde_json::Value::String(s)) => s.parse().into_iter().collect(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str()?.parse().ok())
            .collect(),
        _ => Vec::new(),
    }
}

/// A `vm` as a domain.
#[derive(Clone, Debug, PartialEq)]
pub struct VmSpec {
    /// vCPUs it runs with.
    pub cpu: u32,
    /// vCPUs it may be given while it runs.
    pub max_cpu: u32,
    /// Memory, in KiB (libvirt's unit).
    pub memory_kib: u64,
    /// Its disk volume's capacity, in bytes.
    pub disk: u64,
    /// The zone whose network its NIC joins.
    pub zone: Address,
    /// Its fixed address, when the blueprint gives one.
    pub address: Option<Ipv4Addr>,
    /// The storage whose pool keeps its disk.
    pub storage: Address,
    /// The base image: a volume of that pool, or an absolute path on the host.
    pub image: Option<String>,
    /// Powered on.
    pub running: bool,
}

impl VmSpec {
    /// Reads a VM's attributes.
    pub fn read(address: &Address, attrs: &Attrs) -> Result<VmSpec, Diagnostic> {
        let int = |name: &str| attrs.get(name).and_then(serde_json::Value::as_u64);
        let cpu = int("cpu").ok_or_else(|| invalid(address, "cpu", "cpu is required"))? as u32;
        let max_cpu = int("max_cpu").map_or(cpu, |m| m as u32);
        if max_cpu < cpu {
            return Err(invalid(
                address,
                "max_cpu",
                format!("max_cpu ({max_cpu}) is below cpu ({cpu}); raise it or leave it unset"),
            ));
        }
        let zone = reference(address, attrs, "zone")?.ok_or_else(|| {
            invalid(
                address,
                "zone",
                "a VM needs a zone: its NIC joins that zone's network",
            )
        })?;
        let storage = reference(address, attrs, "storage")?.ok_or_else(|| {
            invalid(
                address,
                "storage",
                "the libvirt provider keeps a VM's disk as a volume in a storage pool: set storage = storage.NAME (a storage of type local or nfs managed by this provider)",
            )
        })?;
        let address_ip = match text(attrs, "address") {
            None => None,
            Some(s) => Some(s.parse::<Ipv4Addr>().map_err(|_| {
                invalid(
                    address,
                    "address",
                    format!("\"{s}\" is not an IPv4 address; libvirt networks here are IPv4"),
                )
            })?),
        };
        Ok(VmSpec {
            cpu,
            max_cpu,
            memory_kib: size(address, attrs, "memory")? / 1024,
            disk: size(address, attrs, "disk")?,
            zone,
            address: address_ip,
            storage,
            image: text(attrs, "image").map(str::to_string),
            running: attrs
                .get("running")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(true),
        })
    }
}

/// How a zone's network reaches other networks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forward {
    /// Through the host's address.
    Nat,
    /// Not at all.
    Isolated,
}

impl Forward {
    /// As the blueprint writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Forward::Nat => "nat",
            Forward::Isolated => "isolated",
        }
    }
}

/// A `network_zone` as a libvirt network.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneSpec {
    /// Its range: the host takes the first address, DHCP hands out the upper half.
    pub cidr: Ipv4Net,
    /// NAT or isolated.
    pub forward: Forward,
}

impl ZoneSpec {
    /// Reads a zone's attributes.
    pub fn read(address: &Address, attrs: &Attrs) -> Result<ZoneSpec, Diagnostic> {
        let cidr =
            text(attrs, "cidr").ok_or_else(|| invalid(address, "cidr", "cidr is required"))?;
        let cidr: Ipv4Net = cidr.parse().map_err(|_| {
            invalid(
                address,
                "cidr",
                format!(
                    "\"{cidr}\" is not an IPv4 network; the libvirt provider makes IPv4 networks"
                ),
            )
        })?;
        if cidr.prefix_len() > 29 {
            return Err(invalid(
                address,
                "cidr",
                format!(
                    "{cidr} is too small for a libvirt network: it needs the host's address, VMs and a DHCP range (a /29 at least)"
                ),
            ));
        }
        let forward = match text(attrs, "forward") {
            Some("nat") => Forward::Nat,
            _ => Forward::Isolated,
        };
        Ok(ZoneSpec { cidr, forward })
    }

    /// The host's own address on the network: the range's first.
    pub fn gateway(&self) -> Ipv4Addr {
        nth(self.cidr, 1)
    }

    /// The dynamic DHCP range: the upper half of the usable addresses.
    pub fn dhcp_range(&self) -> (Ipv4Addr, Ipv4Addr) {
        let hosts = (1u64 << (32 - self.cidr.prefix_len())) - 2;
        (nth(self.cidr, 1 + hosts / 2 + 1), nth(self.cidr, hosts))
    }

    /// Addresses VMs get when they have none of their own: the lower half, after the
    /// host's.
    pub fn static_range(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        let hosts = (1u64 << (32 - self.cidr.prefix_len())) - 2;
        (2..=1 + hosts / 2).map(|i| nth(self.cidr, i))
    }
}

fn nth(net: Ipv4Net, i: u64) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(net.network()).wrapping_add(i as u32))
}

/// What a `storage` is in libvirt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolSpec {
    /// type = "local": a directory pool.
    Dir,
    /// type = "nfs": a netfs pool of `server = "HOST:/EXPORT"`.
    NetFs {
        /// The NFS server's host.
        host: String,
        /// The exported directory.
        export: String,
    },
}

impl PoolSpec {
    /// Reads a storage's attributes.
    pub fn read(address: &Address, attrs: &Attrs) -> Result<PoolSpec, Diagnostic> {
        match text(attrs, "type") {
            Some("local") => Ok(PoolSpec::Dir),
            Some("nfs") => {
                let server = text(attrs, "server").unwrap_or_default();
                match server.split_once(':') {
                    Some((host, export)) if !host.is_empty() && export.starts_with('/') => {
                        Ok(PoolSpec::NetFs {
                            host: host.into(),
                            export: export.into(),
                        })
                    }
                    _ => Err(invalid(
                        address,
                        "server",
                        format!(
                            "an nfs storage on libvirt needs server = \"HOST:/EXPORT\", not \"{server}\""
                        ),
                    )),
                }
            }
            other => Err(invalid(
                address,
                "type",
                format!(
                    "the libvirt provider makes storage pools of type local (a directory) and nfs (netfs), not {}",
                    other.unwrap_or("(unset)")
                ),
            )),
        }
    }
}

/// The transport protocol of a policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP.
    Icmp,
    /// Any IP traffic.
    Any,
}

/// A `network_policy` as flows into zones.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicySpec {
    /// Zones the traffic comes from.
    pub from: Vec<Address>,
    /// Zones the traffic goes to: their VMs' filters carry the rules.
    pub to: Vec<Address>,
    /// Destination ports; empty means all.
    pub ports: Vec<u16>,
    /// The protocol.
    pub protocol: Protocol,
    /// Allow (true) or deny.
    pub allow: bool,
}

impl PolicySpec {
    /// Reads a policy's attributes. Endpoints other than zones (services, clusters, VMs)
    /// are not the libvirt provider's; the error says so.
    pub fn read(address: &Address, attrs: &Attrs) -> Result<PolicySpec, Diagnostic> {
        let from = references(attrs, "from");
        let to = references(attrs, "to");
        if let Some(other) = from.iter().chain(&to).find(|a| a.kind != "network_zone") {
            return Err(invalid(
                address,
                if from.contains(other) { "from" } else { "to" },
                format!(
                    "the libvirt provider enforces flows between network zones (network filters on the VMs' interfaces); {other} is a {}: give this policy's service and cluster flows to the Kubernetes provider",
                    other.kind
                ),
            ));
        }
        let ports = attrs
            .get("ports")
            .and_then(|v| v.as_array())
            .map(|ports| {
                ports
                    .iter()
                    .filter_map(|p| p.as_u64())
                    .map(|p| p as u16)
                    .collect()
            })
            .unwrap_or_default();
        let protocol = match text(attrs, "protocol") {
            Some("udp") => Protocol::Udp,
            Some("icmp") => Protocol::Icmp,
            Some("any") => Protocol::Any,
            _ => Protocol::Tcp,
        };
        Ok(PolicySpec {
            from,
            to,
            ports,
            protocol,
            allow: text(attrs, "action") != Some("deny"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(json: serde_json::Value) -> Attrs {
        json.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn zone_ranges_split_the_cidr() {
        let a: Address = "network_zone.app".parse().unwrap();
        let z = ZoneSpec::read(&a, &attrs(serde_json::json!({"cidr": "10.9.0.0/24"}))).unwrap();
        assert_eq!(z.gateway().to_string(), "10.9.0.1");
        assert_eq!(z.dhcp_range().0.to_string(), "10.9.0.129");
        assert_eq!(z.dhcp_range().1.to_string(), "10.9.0.254");
        assert_eq!(z.static_range().next().unwrap().to_string(), "10.9.0.2");
        assert_eq!(z.static_range().last().unwrap().to_string(), "10.9.0.128");
        assert_eq!(z.forward, Forward::Isolated);
        let small = ZoneSpec::read(&a, &attrs(serde_json::json!({"cidr": "10.9.0.0/30"})));
        assert!(small.unwrap_err().detail.contains("/29"));
    }

    #[test]
    fn vm_needs_storage_and_sane_maximum() {
        let a: Address = "vm.web".parse().unwrap();
        let base = serde_json::json!({"cpu": 2, "memory": "128MiB", "disk": "16MiB", "zone": "network_zone.app"});
        let e = VmSpec::read(&a, &attrs(base.clone())).unwrap_err();
        assert_eq!(e.summary, "vm.web: storage");
        let mut with = attrs(base);
        with.insert("storage".into(), "storage.local".into());
        let vm = VmSpec::read(&a, &with).unwrap();
        assert_eq!(
            (vm.cpu, vm.max_cpu, vm.memory_kib, vm.disk),
            (2, 2, 131072, 16 << 20)
        );
        with.insert("max_cpu".into(), 1.into());
        assert_eq!(
            VmSpec::read(&a, &with).unwrap_err().summary,
            "vm.web: max_cpu"
        );
    }

    #[test]
    fn policies_between_zones_only() {
        let a: Address = "network_policy.p".parse().unwrap();
        let ok = PolicySpec::read(
            &a,
            &attrs(serde_json::json!({"from": ["network_zone.a"], "to": "network_zone.b", "ports": [443, 80], "protocol": "tcp"})),
        )
        .unwrap();
        assert_eq!(ok.ports, vec![443, 80]);
        assert!(ok.allow);
        let bad = PolicySpec::read(
            &a,
            &attrs(
                serde_json::json!({"from": ["service.x"], "to": ["network_zone.b"], "ports": []}),
            ),
        );
        assert_eq!(bad.unwrap_err().summary, "network_policy.p: from");
    }
}
