//! Consolidation: the services of each cluster run as one VM per replica (the way before
//! containers) against as pods on Kubernetes nodes, on hosts like the cluster's pool.
//!
//! - **VMs**: each replica becomes a VM of `⌈cpu request⌉ + vm_overhead.cpu` vCPUs and
//!   `memory request + vm_overhead.memory` (the cluster's `vm_overhead` block; by default
//!   1 vCPU, the smallest whole vCPU for the guest OS and its agents, and 2 GiB, the memory
//!   Red Hat recommends for an installed RHEL 9 instance in "Performing a standard RHEL 9
//!   installation", system requirements), packed first-fit decreasing on hosts; the
//!   replicas of a service that spreads (`spread` other than `none`) on different hosts,
//!   as a VM-VM anti-affinity rule keeps them.
//! - **Containers**: the pods are packed first-fit decreasing on nodes the size of the
//!   cluster's largest node group, by their allocatable (replicas that spread on different
//!   nodes); those nodes and the control plane are packed on hosts, the control-plane nodes
//!   on different hosts, and two nodes that hold replicas of one `spread = "host"` service
//!   on different hosts too.
//!
//! Both designs then get the pool's HA reserve on top (percentage: hosts / (1 − reserve);
//! slots and failover hosts: that many more hosts), and cost the pool's `cost` per host per
//! year. Utilisation is what the services request over what the hosts offer.

use std::collections::HashSet;

use serde::Serialize;

use super::allocation::percent;
use super::inventory::{Inventory, Res, Spread, WorkloadKind};
use super::reserve::Allocatable;
use super::{Amount, Percent, round};

/// First-fit decreasing: bins of size `bin` needed for `items`, where items of one group
/// (`Some(g)`) go to different bins. An item larger than a bin gets a bin of its own.
pub fn pack(items: &[(Res, Option<usize>)], bin: Res) -> usize {
    let items: Vec<(Res, Vec<usize>)> = items
        .iter()
        .map(|(need, group)| (*need, group.iter().copied().collect()))
        .collect();
    pack_groups(&items, bin).len()
}

/// First-fit decreasing where an item may belong to several groups, and two items that
/// share a group go to different bins. Returns the groups each bin holds, one entry per
/// bin.
pub fn pack_groups(items: &[(Res, Vec<usize>)], bin: Res) -> Vec<HashSet<usize>> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (items[a].0, items[b].0);
        rb.memory
            .total_cmp(&ra.memory)
            .then(rb.cpu.total_cmp(&ra.cpu))
            .then(a.cmp(&b))
    });
    let mut bins: Vec<(Res, HashSet<usize>)> = Vec::new();
    for i in order {
        let (need, groups) = &items[i];
        let found = bins
            .iter_mut()
            .find(|(free, held)| free.holds(*need) && groups.iter().all(|g| !held.contains(g)));
        match found {
            Some((free, held)) => {
                *free -= *need;
                held.extend(groups);
            }
            None => bins.push((bin - *need, groups.iter().copied().collect())),
        }
    }
    bins.into_iter().map(|(_, held)| held).collect()
}

/// One design's figures.
#[derive(Clone, Debug, Serialize)]
pub struct Design {
    /// VMs (one per replica) or Kubernetes nodes (workers and control plane).
    pub guests: usize,
    /// vCPUs and memory of those guests.
    pub allocated: Amount,
    /// Hosts needed, HA reserve included.
    pub hosts: usize,
    /// Guests' vCPUs and memory over what the hosts offer, in percent.
    pub allocated_percent: Percent,
    /// Service requests over what the hosts offer, in percent.
    pub useful_percent: Percent,
    /// Cost of the hosts per year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_per_year: Option<f64>,
}

/// What containers save over VMs.
#[derive(Clone, Debug, Serialize)]
pub struct Savings {
    /// Hosts fewer (negative when containers need more).
    pub hosts: i64,
    /// Cost saved per year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_per_year: Option<f64>,
    /// Saved, in percent of the VM design's hosts (of its cost, when there is one).
    pub percent: f64,
}

impl Savings {
    fn between(vms: (usize, Option<f64>), containers: (usize, Option<f64>)) -> Savings {
        let hosts = vms.0 as i64 - containers.0 as i64;
        let cost = vms.1.zip(containers.1).map(|(a, b)| round(a - b, 2));
        let percent = match (cost, vms.1) {
            (Some(saved), Some(total)) if total > 0.0 => percent(saved, total),
            _ => percent(hosts as f64, vms.0 as f64),
        };
        Savings {
            hosts,
            cost_per_year: cost,
            percent,
        }
    }
}

/// One cluster's comparison.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterConsolidation {
    /// The cluster.
    pub cluster: String,
    /// The pool whose hosts both designs use.
    pub pool: String,
    /// Services compared.
    pub services: usize,
    /// Their replicas.
    pub replicas: usize,
    /// What they request in all.
    pub requests: Amount,
    /// Guest OS overhead per VM.
    pub vm_overhead: Amount,
    /// One VM per replica.
    pub vms: Design,
    /// The node group whose node size the container design uses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_group: Option<String>,
    /// Pods on Kubernetes nodes.
    pub containers: Design,
    /// What containers save.
    pub savings: Savings,
}

/// Totals over every cluster.
#[derive(Clone, Debug, Serialize)]
pub struct Totals {
    /// Hosts for one VM per replica.
    pub vm_hosts: usize,
    /// Hosts for containers.
    pub container_hosts: usize,
    /// Cost per year of the VM design.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm_cost_per_year: Option<f64>,
    /// Cost per year of the container design.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_cost_per_year: Option<f64>,
    /// What containers save.
    pub savings: Savings,
}

/// The comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Consolidation {
    /// Per cluster with services.
    pub clusters: Vec<ClusterConsolidation>,
    /// Over all of them.
    pub total: Totals,
}

fn design(
    guests: usize,
    allocated: Res,
    requests: Res,
    bins: usize,
    inv: &Inventory,
    pool: usize,
) -> Design {
    let pool = &inv.pools[pool];
    let hosts = if guests == 0 {
        0
    } else {
        pool.ha.hosts_for(bins)
    };
    let offer = pool.per_host().times(hosts as f64);
    Design {
        guests,
        allocated: Amount::of(allocated),
        hosts,
        allocated_percent: Percent {
            cpu: percent(allocated.cpu, offer.cpu),
            memory: percent(allocated.memory, offer.memory),
        },
        useful_percent: Percent {
            cpu: percent(requests.cpu, offer.cpu),
            memory: percent(requests.memory, offer.memory),
        },
        cost_per_year: pool.cost.map(|c| round(c * hosts as f64, 2)),
    }
}

/// Compares the two designs for every cluster that runs services.
pub fn compare(inv: &Inventory) -> Consolidation {
    let mut clusters = Vec::new();
    for (c, cluster) in inv.clusters.iter().enumerate() {
        let services: Vec<usize> = (0..inv.workloads.len())
            .filter(|&w| {
                let w = &inv.workloads[w];
                w.cluster == c && w.kind == WorkloadKind::Service && w.replicas > 0
            })
            .collect();
        if services.is_empty() {
            continue;
        }
        let host = inv.pools[cluster.pool].per_host();
        let overhead = cluster.vm_overhead;
        let mut requests = Res::default();
        let mut vm_items = Vec::new();
        let mut pod_items = Vec::new();
        let mut vm_alloc = Res::default();
        let mut host_spread = HashSet::new();
        for (i, &w) in services.iter().enumerate() {
            let w = &inv.workloads[w];
            let vm = Res::new(
                (w.request.cpu - 1e-9).ceil().max(0.0) + overhead.cpu,
                w.request.memory + overhead.memory,
            );
            let group = (w.spread != Spread::None).then_some(i);
            if w.spread == Spread::Host {
                host_spread.insert(i);
            }
            for _ in 0..w.replicas {
                requests += w.request;
                vm_alloc += vm;
                vm_items.push((vm, group));
                pod_items.push((w.request, group.into_iter().collect::<Vec<_>>()));
            }
        }
        let vm_bins = pack(&vm_items, host);
        let vms = design(
            vm_items.len(),
            vm_alloc,
            requests,
            vm_bins,
            inv,
            cluster.pool,
        );
        let group = cluster.growth_group();
        let node_size = group.map_or(Res::default(), |g| g.size);
        // Each worker node carries the host-spread services it holds a replica of: two
        // such nodes go to different hosts. Control-plane nodes share a group of their own.
        let workers = pack_groups(&pod_items, cluster.reserved.allocatable_res(node_size));
        let nodes = workers.len();
        let mut node_items: Vec<(Res, Vec<usize>)> = workers
            .into_iter()
            .map(|held| {
                let mut spread: Vec<usize> = held.intersection(&host_spread).copied().collect();
                spread.sort_unstable();
                (node_size, spread)
            })
            .collect();
        node_items.extend(vec![
            (cluster.control_plane_size, vec![usize::MAX]);
            cluster.control_plane
        ]);
        let node_alloc = node_size.times(nodes as f64)
            + cluster
                .control_plane_size
                .times(cluster.control_plane as f64);
        let node_bins = pack_groups(&node_items, host).len();
        let containers = design(
            node_items.len(),
            node_alloc,
            requests,
            node_bins,
            inv,
            cluster.pool,
        );
        let savings = Savings::between(
            (vms.hosts, vms.cost_per_year),
            (containers.hosts, containers.cost_per_year),
        );
        clusters.push(ClusterConsolidation {
            cluster: cluster.address.clone(),
            pool: inv.pools[cluster.pool].address.clone(),
            services: services.len(),
            replicas: vm_items.len(),
            requests: Amount::of(requests),
            vm_overhead: Amount::of(overhead),
            vms,
            node_group: group.map(|g| g.name.clone()),
            containers,
            savings,
        });
    }
    let sum_cost = |f: &dyn Fn(&ClusterConsolidation) -> Option<f64>| {
        clusters
            .iter()
            .map(f)
            .try_fold(0.0, |a, c| c.map(|c| a + c))
            .map(|c| round(c, 2))
    };
    let vm_hosts = clusters.iter().map(|c| c.vms.hosts).sum();
    let container_hosts = clusters.iter().map(|c| c.containers.hosts).sum();
    let vm_cost = sum_cost(&|c| c.vms.cost_per_year);
    let container_cost = sum_cost(&|c| c.containers.cost_per_year);
    Consolidation {
        total: Totals {
            vm_hosts,
            container_hosts,
            vm_cost_per_year: vm_cost,
            container_cost_per_year: container_cost,
            savings: Savings::between((vm_hosts, vm_cost), (container_hosts, container_cost)),
        },
        clusters,
    }
}
