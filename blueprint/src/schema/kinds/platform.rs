//! The kinds that run on the datacenter: Kubernetes cluster, service, job, environment.

use super::super::AttrType::*;
use super::super::catalog::SERVICE_KINDS;
use super::super::{BlockSchema, KindSchema, attr, block};
use super::{body, description, kind};

pub(super) fn kubernetes_cluster() -> KindSchema {
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
            .with(
                attr(
                    "cluster_ca_certificate",
                    String,
                    "PEM certificate of the CA that issued the API server's certificate, known after apply.",
                )
                .computed(),
            )
            .with(
                attr(
                    "token",
                    String,
                    "Bearer token for the API server, known after apply; sensitive.",
                )
                .computed()
                .sensitive(),
            )
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

/// An environment's quota: totals over its clones, as a Kubernetes ResourceQuota's
/// `requests.cpu` and `requests.memory` count them.
fn quota() -> BlockSchema {
    body()
        .with(
            attr(
                "cpu",
                Cpu,
                "CPU its clones may request in all: the sum over its services of cpu × replicas.",
            )
            .min(0.001),
        )
        .with(
            attr(
                "memory",
                Size,
                "Memory its clones may request in all: the sum over its services of memory × replicas.",
            )
            .min(1.0),
        )
}

pub(super) fn service() -> KindSchema {
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
        .with(attr("requires", Refs(&["service"]), "Services it cannot work without; their order means nothing.").unordered())
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

pub(super) fn job() -> KindSchema {
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
                "A cron expression of five fields, as a Kubernetes CronJob's, in UTC; unset means run once.",
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
            .with(
                attr(
                    "requires",
                    Refs(&["service"]),
                    "Services it reads from or writes to; their order means nothing.",
                )
                .unordered(),
            )
            .with(attr("image", String, "Container image."))
            .with(description()),
    )
}

pub(super) fn environment() -> KindSchema {
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
                    "The services cloned into it; their order means nothing.",
                )
                .default_list()
                .unordered(),
            )
            .with(attr(
                "purpose",
                Enum(&["sit", "uat", "dev", "perf"]),
                "What it is for.",
            ))
            .with(attr("owner", String, "Who asked for it."))
            .with(description())
            .nest(block(
                "quota",
                "Resources its clones may request in all.",
                quota(),
            )),
    )
}
