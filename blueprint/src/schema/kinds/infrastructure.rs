//! The kinds of the datacenter: site, rack, host pool, network zone and policy, storage, VM.

use super::super::AttrType::*;
use super::super::{KindSchema, attr, block};
use super::{RESTART_PRIORITIES, WORKLOAD_TARGETS, body, description, kind};

pub(super) fn site() -> KindSchema {
    kind(
        "site",
        "A datacenter: the largest failure domain.",
        body()
            .with(description())
            .with(attr("location", String, "Where it is, for people.")),
    )
}

pub(super) fn rack() -> KindSchema {
    kind(
        "rack",
        "A rack of hosts inside a site: a failure domain.",
        body()
            .with(
                attr("site", Ref(&["site"]), "The site the rack stands in.")
                    .required()
                    .force_new(),
            )
            .with(description()),
    )
}

pub(super) fn host_pool() -> KindSchema {
    let host = body()
        .with(
            attr("cpu", Integer, "Physical cores per host.")
                .required()
                .min(1.0),
        )
        .with(attr("memory", Size, "Memory per host.").required().min(1.0))
        .with(
            attr(
                "ghz",
                Number,
                "Clock per core in GHz, for slot-based HA admission.",
            )
            .min(0.1),
        )
        .with(attr("disk", Size, "Local disk per host."));
    let overcommit = body()
        .with(
            attr("cpu", Number, "vCPUs per physical core.")
                .default(1.0)
                .min(1.0)
                .max(64.0),
        )
        .with(
            attr("memory", Number, "Memory overcommit ratio.")
                .default(1.0)
                .min(1.0)
                .max(4.0),
        );
    let ha = body()
        .with(
            attr(
                "admission",
                Enum(&["percentage", "slots", "failover_hosts", "disabled"]),
                "vSphere HA admission control policy.",
            )
            .default("percentage"),
        )
        .with(
            attr(
                "reserve",
                Ratio,
                "Share of resources reserved for failover (percentage policy).",
            )
            .default(0.25)
            .min(0.0)
            .max(1.0),
        )
        .with(
            attr(
                "host_failures",
                Integer,
                "Host failures to tolerate (slot policy).",
            )
            .default(1)
            .min(0.0),
        )
        .with(
            attr(
                "failover_hosts",
                Integer,
                "Hosts kept empty for failover (failover_hosts policy).",
            )
            .default(1)
            .min(0.0),
        );
    kind(
        "host_pool",
        "A cluster of identical virtualisation hosts (a vSphere-style cluster).",
        body()
            .with(
                attr("site", Ref(&["site"]), "The site the hosts stand in.")
                    .required()
                    .force_new(),
            )
            .with(attr(
                "racks",
                Refs(&["rack"]),
                "Racks the hosts are spread over, round-robin.",
            ))
            .with(
                attr("hosts", Integer, "Number of hosts.")
                    .required()
                    .min(1.0)
                    .max(100_000.0),
            )
            .with(
                attr(
                    "cost",
                    Number,
                    "Cost of one host per year, in the organisation's currency.",
                )
                .min(0.0),
            )
            .with(description())
            .with(
                attr(
                    "node_count",
                    Integer,
                    "Hosts the provider found (a vSphere cluster's), read at apply and refresh.",
                )
                .computed(),
            )
            .with(
                attr(
                    "node_cpus",
                    Integer,
                    "Cores per host as the provider read them from the hosts.",
                )
                .computed(),
            )
            .with(
                attr(
                    "node_memory",
                    Size,
                    "Memory per host as the provider read it from the hosts.",
                )
                .computed(),
            )
            .with(
                attr(
                    "ha_enabled",
                    Bool,
                    "Whether the cluster's HA is on, as vCenter reports it.",
                )
                .computed(),
            )
            .with(
                attr(
                    "ha_admission_control",
                    String,
                    "The cluster's HA admission control policy as vCenter reports it (failover_level, resource_percentage, failover_hosts, disabled, other).",
                )
                .computed(),
            )
            .with(
                attr(
                    "ha_failover_level",
                    Integer,
                    "Host failures the cluster's HA tolerates (failover_level policy), as vCenter reports it.",
                )
                .computed(),
            )
            .with(
                attr(
                    "ha_cpu_reserve_percent",
                    Integer,
                    "CPU the cluster's HA reserves for failover, in percent (resource_percentage policy), as vCenter reports it.",
                )
                .computed(),
            )
            .with(
                attr(
                    "ha_memory_reserve_percent",
                    Integer,
                    "Memory the cluster's HA reserves for failover, in percent (resource_percentage policy), as vCenter reports it.",
                )
                .computed(),
            )
            .with(
                attr(
                    "ha_failover_hosts",
                    Integer,
                    "Hosts the cluster's HA keeps empty for failover (failover_hosts policy), as vCenter reports it.",
                )
                .computed(),
            )
            .nest(block("host", "The size of each host.", host).required())
            .nest(block(
                "overcommit",
                "How far virtual resources may exceed physical ones.",
                overcommit,
            ))
            .nest(block("ha", "HA admission control.", ha)),
    )
}

pub(super) fn network_zone() -> KindSchema {
    kind(
        "network_zone",
        "A network segment (DMZ, application, data, management) with its CIDR.",
        body()
            .with(
                attr("cidr", Cidr, "The zone's address range.")
                    .required()
                    .force_new(),
            )
            .with(attr(
                "site",
                Ref(&["site"]),
                "The site the segment is in, if only one.",
            ))
            .with(attr("vlan", Integer, "VLAN id.").min(1.0).max(4094.0))
            .with(attr(
                "forward",
                Enum(&["nat", "isolated"]),
                "Traffic to other networks: nat (through the host's address) or isolated (none); isolated when unset.",
            ))
            .with(description()),
    )
}

pub(super) fn network_policy() -> KindSchema {
    kind(
        "network_policy",
        "Traffic allowed (or denied) from zones or services to others.",
        body()
            .with(attr("from", Refs(WORKLOAD_TARGETS), "Where traffic comes from.").required())
            .with(attr("to", Refs(WORKLOAD_TARGETS), "Where traffic goes.").required())
            .with(
                attr(
                    "ports",
                    List(Box::new(Port)),
                    "Destination ports; empty means all.",
                )
                .required(),
            )
            .with(
                attr(
                    "protocol",
                    Enum(&["tcp", "udp", "icmp", "any"]),
                    "The protocol.",
                )
                .default("tcp"),
            )
            .with(attr("action", Enum(&["allow", "deny"]), "Allow or deny.").default("allow"))
            .with(description()),
    )
}

pub(super) fn storage() -> KindSchema {
    kind(
        "storage",
        "Storage external to containers: Ceph, NFS or local disks.",
        body()
            .with(
                attr(
                    "type",
                    Enum(&["ceph", "nfs", "local"]),
                    "The storage system.",
                )
                .required()
                .force_new(),
            )
            .with(attr(
                "pool",
                Ref(&["host_pool"]),
                "Hosts that carry the storage (Ceph OSDs, local disks).",
            ))
            .with(
                attr("capacity", Size, "Usable capacity.")
                    .required()
                    .min(1.0),
            )
            .with(
                attr("replicas", Integer, "Ceph replica count (pool size).")
                    .min(1.0)
                    .max(10.0),
            )
            .with(
                attr(
                    "min_size",
                    Integer,
                    "Ceph min_size: replicas needed to serve I/O.",
                )
                .min(1.0)
                .max(10.0),
            )
            .with(attr(
                "zone",
                Ref(&["network_zone"]),
                "The network zone it is reached in.",
            ))
            .with(attr("server", String, "The NFS server."))
            .with(attr("cost", Number, "Cost per TiB per year.").min(0.0))
            .with(description()),
    )
}

pub(super) fn vm() -> KindSchema {
    kind(
        "vm",
        "A virtual machine on a host pool.",
        body()
            .with(
                attr("pool", Ref(&["host_pool"]), "The host pool it runs on.")
                    .required()
                    .force_new(),
            )
            .with(
                attr("cpu", Integer, "vCPUs.")
                    .required()
                    .min(1.0)
                    .max(768.0),
            )
            .with(attr("memory", Size, "Memory.").required().min(1.0))
            .with(
                attr(
                    "max_cpu",
                    Integer,
                    "The most vCPUs it can be given while it runs (hot-plug); its cpu when unset.",
                )
                .min(1.0)
                .max(768.0)
                .computed(),
            )
            .with(attr("disk", Size, "System disk.").default("50GiB").min(1.0))
            .with(attr(
                "storage",
                Ref(&["storage"]),
                "The storage its disk is kept in; the provider's choice when unset.",
            ))
            .with(
                attr(
                    "image",
                    String,
                    "The base image its disk starts from (copy-on-write); a blank disk when unset.",
                )
                .force_new(),
            )
            .with(attr("running", Bool, "Whether it is powered on.").default(true))
            .with(
                attr(
                    "zone",
                    Ref(&["network_zone"]),
                    "The network zone it is attached to.",
                )
                .required(),
            )
            .with(
                attr(
                    "address",
                    Ip,
                    "Its IP address; given from the zone when unset.",
                )
                .computed(),
            )
            .with(attr(
                "anti_affinity",
                String,
                "VMs with the same group run on different hosts.",
            ))
            .with(attr("os", String, "Guest operating system."))
            .with(description())
            .nest(block(
                "ha",
                "vSphere HA settings of this VM.",
                body().with(
                    attr(
                        "restart_priority",
                        Enum(RESTART_PRIORITIES),
                        "The order HA restarts it in after a host failure; disabled never restarts it.",
                    )
                    .default("medium"),
                ),
            )),
    )
}
