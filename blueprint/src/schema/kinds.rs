//! The resource kinds of the domain and their schemas (see docs/language.md).

use super::AttrType::*;
use super::catalog::SERVICE_KINDS;
use super::{BlockSchema, KindSchema, attr, block};

const WORKLOAD_TARGETS: &[&str] = &["network_zone", "service", "vm", "kubernetes_cluster"];
/// The failure classes of a scenario, each with the attributes that scope one of its
/// blocks to some units, most specific first (docs/simulation.md, "Failures by scope").
pub const FAILURE_SCOPES: &[(&str, &[(&str, &str)])] = &[
    ("site", &[("site", "site")]),
    ("rack", &[("rack", "rack"), ("site", "site")]),
    (
        "host",
        &[("pool", "host_pool"), ("rack", "rack"), ("site", "site")],
    ),
    (
        "vm",
        &[
            ("vm", "vm"),
            ("cluster", "kubernetes_cluster"),
            ("pool", "host_pool"),
        ],
    ),
    ("node", &[("cluster", "kubernetes_cluster")]),
    (
        "replica",
        &[("service", "service"), ("cluster", "kubernetes_cluster")],
    ),
    ("storage", &[("storage", "storage")]),
];

/// A VM's HA restart priorities, from the first restarted.
pub const RESTART_PRIORITIES: &[&str] = &["highest", "high", "medium", "low", "lowest", "disabled"];
const FAIL_TARGETS: &[&str] = &[
    "site",
    "rack",
    "host_pool",
    "vm",
    "kubernetes_cluster",
    "service",
    "storage",
];

fn body() -> BlockSchema {
    BlockSchema::default()
}

fn description() -> super::AttrSchema {
    attr("description", String, "What this is for, in a sentence.")
}

fn kind(kind: &'static str, doc: &'static str, body: BlockSchema) -> KindSchema {
    KindSchema {
        kind,
        doc,
        managed: true,
        body,
    }
}

/// Every kind, in documentation order.
pub(super) fn all() -> Vec<KindSchema> {
    vec![
        site(),
        rack(),
        host_pool(),
        network_zone(),
        network_policy(),
        storage(),
        vm(),
        kubernetes_cluster(),
        service(),
        job(),
        environment(),
        scenario(),
        policy(),
    ]
}

fn site() -> KindSchema {
    kind(
        "site",
        "A datacenter: the largest failure domain.",
        body()
            .with(description())
            .with(attr("location", String, "Where it is, for people.")),
    )
}

fn rack() -> KindSchema {
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

fn host_pool() -> KindSchema {
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
                    "The cluster's HA admission control policy as vCenter reports it (failover_level, resource_percentage, failover_hosts, disabled).",
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
            .nest(block("host", "The size of each host.", host).required())
            .nest(block(
                "overcommit",
                "How far virtual resources may exceed physical ones.",
                overcommit,
            ))
            .nest(block("ha", "HA admission control.", ha)),
    )
}

fn network_zone() -> KindSchema {
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

fn network_policy() -> KindSchema {
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

fn storage() -> KindSchema {
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

fn vm() -> KindSchema {
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

fn kubernetes_cluster() -> KindSchema {
    let control_plane = body()
        .with(
            attr("count", Integer, "Control-plane nodes (etcd members).")
                .default(1)
                .min(1.0)
                .max(9.0),
        )
        .with(attr("cpu", Integer, "vCPUs per node.").default(4).min(1.0))
        .with(
            attr("memory", Size, "Memory per node.")
                .default("16GiB")
                .min(1.0),
        )
        .with(
            attr("disk", Size, "Disk per node.")
                .default("100GiB")
                .min(1.0),
        );
    let node_group = body()
        .with(
            attr("count", Integer, "Worker nodes in the group.")
                .required()
                .min(0.0)
                .max(10_000.0),
        )
        .with(attr("cpu", Integer, "vCPUs per node.").required().min(1.0))
        .with(attr("memory", Size, "Memory per node.").required().min(1.0))
        .with(
            attr("disk", Size, "Disk per node.")
                .default("100GiB")
                .min(1.0),
        )
        .with(attr("gpu", Integer, "GPUs per node.").default(0).min(0.0))
        .with(attr("labels", Map(Box::new(String)), "Node labels."));
    let reserved = body()
        .with(
            attr(
                "kube_cpu",
                Cpu,
                "kube-reserved CPU per node; the GKE/AKS tiers when unset.",
            )
            .min(0.0),
        )
        .with(
            attr(
                "kube_memory",
                Size,
                "kube-reserved memory per node; the GKE/AKS tiers when unset.",
            )
            .min(0.0),
        )
        .with(
            attr("system_cpu", Cpu, "system-reserved CPU per node.")
                .default(0.0)
                .min(0.0),
        )
        .with(
            attr("system_memory", Size, "system-reserved memory per node.")
                .default("0B")
                .min(0.0),
        )
        .with(
            attr(
                "eviction",
                Size,
                "Hard eviction threshold (memory.available) per node.",
            )
            .default("100MiB")
            .min(0.0),
        );
    let vm_overhead = body()
        .with(
            attr("cpu", Number, "Extra vCPUs per VM for its guest OS.")
                .default(1.0)
                .min(0.0),
        )
        .with(
            attr("memory", Size, "Extra memory per VM for its guest OS.")
                .default("2GiB")
                .min(0.0),
        );
    kind(
        "kubernetes_cluster",
        "A Kubernetes cluster whose nodes are VMs on a host pool.",
        body()
            .with(
                attr(
                    "pool",
                    Ref(&["host_pool"]),
                    "The host pool its nodes run on.",
                )
                .required()
                .force_new(),
            )
            .with(
                attr(
                    "zone",
                    Ref(&["network_zone"]),
                    "The network zone of its nodes.",
                )
                .required(),
            )
            .with(attr(
                "storage",
                Ref(&["storage"]),
                "Default storage for volumes.",
            ))
            .with(
                attr(
                    "purpose",
                    Enum(&["dev", "test", "staging", "prod", "gpu"]),
                    "What the cluster is for.",
                )
                .default("dev"),
            )
            .with(attr("version", String, "Kubernetes version.").default("1.31"))
            .with(attr("pod_cidr", Cidr, "Pod network.").default("10.244.0.0/16"))
            .with(attr("service_cidr", Cidr, "Service network.").default("10.96.0.0/12"))
            .with(attr("endpoint", String, "API server URL, known after apply.").computed())
            .with(description())
            .nest(block("control_plane", "The control-plane nodes.", control_plane).required())
            .nest(
                block(
                    "node_group",
                    "A group of identical worker nodes.",
                    node_group,
                )
                .labelled("name")
                .required(),
            )
            .nest(block(
                "reserved",
                "What each node keeps back from pods (capacity planning).",
                reserved,
            ))
            .nest(block(
                "vm_overhead",
                "Guest OS overhead of one VM per service replica, for the consolidation comparison.",
                vm_overhead,
            )),
    )
}

fn requests() -> BlockSchema {
    body()
        .with(attr("cpu", Cpu, "CPU request per replica.").min(0.001))
        .with(attr("memory", Size, "Memory request per replica.").min(1.0))
}

fn service() -> KindSchema {
    let volume = body()
        .with(attr("size", Size, "Size per replica.").required().min(1.0))
        .with(attr(
            "storage",
            Ref(&["storage"]),
            "Where; the cluster's storage when unset.",
        ))
        .with(attr("path", String, "Mount path."));
    let expose = body()
        .with(
            attr(
                "gateway",
                Ref(&["service"]),
                "The API gateway that routes to it.",
            )
            .required(),
        )
        .with(attr("host", String, "Host name routed to it."))
        .with(attr("path", String, "Path prefix routed to it.").default("/"));
    let load = body()
        .with(
            attr("rps", Number, "Requests per second at peak.")
                .required()
                .min(0.0),
        )
        .with(
            attr(
                "service_time",
                Duration,
                "Mean time one replica spends on a request.",
            )
            .required()
            .min(1.0),
        )
        .with(
            attr(
                "concurrency",
                Integer,
                "Requests one replica serves at once (worker threads); the queue has replicas × concurrency servers.",
            )
            .default(1)
            .min(1.0),
        );
    let mut schema = requests()
        .with(attr("cluster", Ref(&["kubernetes_cluster"]), "The cluster it runs on; or `vms` for an application on VMs.").force_new())
        .with(attr("vms", Refs(&["vm"]), "The VMs an application runs on instead of a cluster (a legacy application): one replica per VM, restarted by vSphere HA.").force_new())
        .with(attr("migrates_to", Refs(&["service"]), "The services this application becomes after migration, for the report's before-and-after comparison."))
        .with(attr("kind", Enum(SERVICE_KINDS), "A platform service from the catalog, or an application.").default("application"))
        .with(attr("replicas", Integer, "Desired replicas; the catalog's default when unset.").min(0.0).max(10_000.0))
        .with(attr("quorum", Integer, "Replicas that must run for the service to be up; the catalog's default when unset.").min(1.0))
        .with(attr("stateful", Bool, "Keeps data on its replicas; the catalog's default when unset."))
        .with(attr("port", Port, "The port it serves on; the catalog's default when unset."))
        .with(attr("requires", Refs(&["service"]), "Services it cannot work without."))
        .with(attr("zone", Ref(&["network_zone"]), "Its network zone; the cluster's when unset."))
        .with(attr("spread", Enum(&["host", "node", "none"]), "Replicas run on different hosts, nodes, or anywhere.").default("host"))
        .with(attr("target", Ratio, "Availability target, such as \"99.95%\".").min(0.0).max(1.0))
        .with(attr("image", String, "Container image."))
        .with(description())
        .nest(block("volume", "A persistent volume per replica.", volume))
        .nest(block("expose", "North-south exposure through an API gateway.", expose))
        .nest(block("load", "Peak load, for latency under failure.", load));
    schema.attrs.sort_by_key(|a| a.name != "cluster");
    kind(
        "service",
        "A platform service from the catalog, or an application.",
        schema,
    )
}

fn job() -> KindSchema {
    kind(
        "job",
        "A one-time or scheduled batch job: created, run, released.",
        requests()
            .with(
                attr(
                    "cluster",
                    Ref(&["kubernetes_cluster"]),
                    "The cluster it runs on.",
                )
                .required()
                .force_new(),
            )
            .with(
                attr("duration", Duration, "How long one run takes.")
                    .required()
                    .min(1.0),
            )
            .with(attr(
                "schedule",
                String,
                "A cron expression; unset means run once.",
            ))
            .with(
                attr("parallelism", Integer, "Pods running at once.")
                    .default(1)
                    .min(1.0),
            )
            .with(
                attr("retries", Integer, "Retries before the job fails.")
                    .default(0)
                    .min(0.0),
            )
            .with(attr(
                "requires",
                Refs(&["service"]),
                "Services it reads from or writes to.",
            ))
            .with(attr("image", String, "Container image."))
            .with(description()),
    )
}

fn environment() -> KindSchema {
    kind(
        "environment",
        "A temporary sandbox (SIT, UAT) cloned from services, released after its ttl.",
        body()
            .with(
                attr(
                    "cluster",
                    Ref(&["kubernetes_cluster"]),
                    "The cluster it is created on.",
                )
                .required()
                .force_new(),
            )
            .with(
                attr(
                    "ttl",
                    Duration,
                    "Time to live: destroyed once this has passed since creation.",
                )
                .required()
                .min(60_000.0),
            )
            .with(
                attr(
                    "services",
                    Refs(&["service"]),
                    "The services cloned into it.",
                )
                .default_list(),
            )
            .with(attr(
                "purpose",
                Enum(&["sit", "uat", "dev", "perf"]),
                "What it is for.",
            ))
            .with(attr("owner", String, "Who asked for it."))
            .with(description())
            .nest(block("quota", "Resources it may use at most.", requests())),
    )
}

fn failure_model() -> BlockSchema {
    body()
        .with(
            attr("mtbf", Duration, "Mean time between failures.")
                .required()
                .min(1.0),
        )
        .with(
            attr("mttr", Duration, "Mean time to repair.")
                .required()
                .min(1.0),
        )
        .with(
            attr(
                "distribution",
                Enum(&["exponential", "weibull", "lognormal", "fixed"]),
                "Distribution of repair times (and of lifetimes for weibull).",
            )
            .default("exponential"),
        )
        .with(attr("shape", Number, "Weibull shape.").min(0.01))
        .with(attr("sigma", Number, "Lognormal sigma.").min(0.0))
        .with(
            attr(
                "repair_crews",
                Integer,
                "Repairs of this class that proceed at once; unlimited when unset.",
            )
            .min(1.0),
        )
}

fn scenario() -> KindSchema {
    let mut failures = body();
    for (class, scopes) in FAILURE_SCOPES {
        let mut model = failure_model();
        for (attr_name, kind) in *scopes {
            let kinds: &'static [&'static str] = match *kind {
                "site" => &["site"],
                "rack" => &["rack"],
                "host_pool" => &["host_pool"],
                "vm" => &["vm"],
                "kubernetes_cluster" => &["kubernetes_cluster"],
                "service" => &["service"],
                _ => &["storage"],
            };
            model = model.with(attr(
                attr_name,
                Refs(kinds),
                "Only the units of these: the block's scope (the most specific block wins).",
            ));
        }
        failures = failures.nest(
            block(
                class,
                "Failure model of this class; one block per scope.",
                model,
            )
            .repeated(),
        );
    }
    let inject = body()
        .with(attr("at", Duration, "When, from the start of the simulation.").required())
        .with(attr("fail", Ref(FAIL_TARGETS), "What fails.").required())
        .with(attr("host", Integer, "Which host of a host pool, from 0.").min(0.0))
        .with(
            attr("for", Duration, "How long it stays down.")
                .required()
                .min(1.0),
        );
    let growth = body()
        .with(
            attr("rate", Ratio, "Growth per period.")
                .required()
                .min(0.0)
                .max(10.0),
        )
        .with(
            attr(
                "per",
                Enum(&["day", "week", "month", "year"]),
                "The period.",
            )
            .default("month"),
        )
        .with(
            attr(
                "model",
                Enum(&["compound", "linear"]),
                "Compound or linear growth.",
            )
            .default("compound"),
        )
        .with(
            attr("ceiling", Ratio, "Utilisation that counts as full.")
                .default(0.8)
                .min(0.01)
                .max(1.0),
        );
    let timings = body()
        .with(
            attr(
                "ha_detection",
                Duration,
                "vSphere HA: time to declare a host dead.",
            )
            .default("15s"),
        )
        .with(attr("vm_boot", Duration, "Time for a restarted VM to boot.").default("120s"))
        .with(
            attr(
                "node_monitor_grace",
                Duration,
                "Kubernetes: time to mark a node NotReady.",
            )
            .default("50s"),
        )
        .with(
            attr(
                "pod_eviction",
                Duration,
                "Kubernetes: tolerationSeconds before pods are evicted.",
            )
            .default("300s"),
        )
        .with(
            attr(
                "pod_start",
                Duration,
                "Time for a rescheduled pod to start.",
            )
            .default("30s"),
        )
        .with(
            attr(
                "ceph_rereplication",
                Duration,
                "Ceph: time before re-replication starts.",
            )
            .default("600s"),
        );
    let maintenance = body()
        .with(
            attr("every", Duration, "How often each host is patched.")
                .required()
                .min(60_000.0),
        )
        .with(
            attr("duration", Duration, "How long one host is drained.")
                .required()
                .min(1.0),
        );
    KindSchema {
        kind: "scenario",
        doc: "A simulation: failure models, injected faults, growth, horizon, replications, seed.",
        managed: false,
        body: body()
            .with(
                attr("horizon", Duration, "Simulated time per replication.")
                    .default("365d")
                    .min(1.0),
            )
            .with(
                attr("replications", Integer, "Independent runs.")
                    .default(1000)
                    .min(1.0)
                    .max(100_000_000.0),
            )
            .with(attr("seed", Integer, "Random seed.").default(1).min(0.0))
            .with(description())
            .nest(block("failures", "Failure models per class.", failures))
            .nest(block("inject", "A scheduled failure.", inject).repeated())
            .nest(block("growth", "Load growth over time.", growth))
            .nest(block("timings", "Failover timings.", timings))
            .nest(block(
                "maintenance",
                "Planned maintenance that drains hosts one at a time.",
                maintenance,
            )),
    }
}

fn policy() -> KindSchema {
    KindSchema {
        kind: "policy",
        doc: "Rego policies every plan of this blueprint is checked against (docs/policy.md).",
        managed: false,
        body: body()
            .with(
                attr(
                    "source",
                    String,
                    "The folder of .rego files, relative to the blueprint folder.",
                )
                .required(),
            )
            .with(attr(
                "namespaces",
                List(Box::new(String)),
                "The packages whose deny and warn rules count (default: [\"main\"]).",
            ))
            .with(description()),
    }
}

impl super::AttrSchema {
    fn default_list(mut self) -> Self {
        self.default = Some(crate::value::Value::list(Vec::new()));
        self
    }
}
