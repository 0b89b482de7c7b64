//! Kubernetes clusters: control-plane and node-group nodes as VMs on the cluster's pool.
//!
//! Nodes spread over the pool's hosts (control-plane nodes first on hosts without one, so
//! etcd keeps quorum when a host fails) and take addresses from the cluster's zone. The
//! API endpoint is the first control-plane node on port 6443. An update adds, removes and
//! resizes nodes; pods on removed nodes are rescheduled on the remaining workers (as a
//! drain would), and a node that would be smaller than its pods request refuses the change.
//! A cluster gets its CA certificate and token when created and keeps them through
//! updates (`credentials`).

use std::collections::HashMap;
use std::net::IpAddr;

use blueprint::units::format_size;
use blueprint::{Address, Diagnostic};
use planner::Attrs;
use serde_json::{Value, json};

use super::attrs::Reader;
use super::credentials::{Credentials, ENDPOINT_ATTR};
use super::format::{cores, signed_size};
use super::hosts::{Need, PoolView};
use super::ipam::Allocator;
use super::nodes::{NodeView, PodNeed, Spread, render_placement, reservations};
use super::record::{Alloc, Change, Node, Record};
use super::world::World;

/// One node the blueprint asks for.
struct NodeSpec {
    name: String,
    control_plane: bool,
    need: Need,
}

/// What the blueprint asks of a cluster.
struct ClusterSpec {
    pool: String,
    zone: String,
    nodes: Vec<NodeSpec>,
}

impl ClusterSpec {
    fn read(world: &World, owner: &Address, attrs: &Attrs) -> Result<ClusterSpec, Diagnostic> {
        let r = Reader::new(owner, attrs);
        if let Some(storage) = r.reference("storage")? {
            world.target(owner, "storage", &storage, "storage")?;
        }
        let mut nodes = Vec::new();
        let (count, cpu, memory) = match r.block("control_plane") {
            Some(cp) => (
                cp.count("count")?.unwrap_or(1),
                cp.count("cpu")?.unwrap_or(4),
                cp.size("memory")?.unwrap_or(16 << 30),
            ),
            None => (1, 4, 16 << 30),
        };
        for i in 0..count {
            nodes.push(NodeSpec {
                name: format!("cp-{i}"),
                control_plane: true,
                need: Need {
                    cpu_m: cpu.saturating_mul(1000),
                    memory,
                },
            });
        }
        for (g, group) in r.blocks("node_group").into_iter().enumerate() {
            let label = group
                .label()
                .map_or_else(|| format!("group{g}"), str::to_string);
            let count = group.required("count", group.count("count"))?;
            let cpu = group.required("cpu", group.count("cpu"))?;
            let memory = group.required("memory", group.size("memory"))?;
            for i in 0..count {
                nodes.push(NodeSpec {
                    name: format!("{label}-{i}"),
                    control_plane: false,
                    need: Need {
                        cpu_m: cpu.saturating_mul(1000),
                        memory,
                    },
                });
            }
        }
        Ok(ClusterSpec {
            pool: r.required("pool", r.reference("pool"))?,
            zone: r.required("zone", r.reference("zone"))?,
            nodes,
        })
    }
}

/// Creates a cluster and its nodes.
pub(crate) fn create(
    world: &World,
    address: &Address,
    attrs: &Attrs,
    now_ms: u64,
) -> Result<Change, Diagnostic> {
    let spec = ClusterSpec::read(world, address, attrs)?;
    let mut pool = PoolView::new(world, address, "pool", &spec.pool)?;
    let mut zone = Allocator::new(world, address, "zone", &spec.zone)?;
    let nodes = place(&mut pool, &mut zone, address, &spec.nodes, None)?;
    let credentials = Credentials::generate(address)?;
    let id = world.new_id("kubernetes_cluster");
    let mut record = record(id, address, attrs, now_ms, &pool, spec, nodes);
    Credentials::write(
        Value::String(credentials.ca_certificate),
        Value::String(credentials.token),
        &mut record.attrs,
    );
    Ok(Change::put(record))
}

/// Changes a cluster: adds, removes and resizes nodes, and reschedules pods of removed ones.
pub(crate) fn update(world: &World, old: &Record, attrs: &Attrs) -> Result<Change, Diagnostic> {
    let address = &old.address;
    let spec = ClusterSpec::read(world, address, attrs)?;
    let Alloc::Cluster {
        pool: old_pool,
        zone: old_zone,
        nodes: old_nodes,
    } = &old.alloc
    else {
        return Err(Diagnostic::error(
            None,
            format!("{address} is not recorded as a cluster"),
            format!(
                "The simulated datacenter holds {address} ({}) without nodes; delete it and create it again.",
                old.id
            ),
        ));
    };
    let mut pool = PoolView::new(world, address, "pool", &spec.pool)?;
    let mut zone = Allocator::new(world, address, "zone", &spec.zone)?;
    let before = Before {
        nodes: old_nodes,
        same_pool: *old_pool == spec.pool,
        same_zone: *old_zone == spec.zone,
    };
    let nodes = place(&mut pool, &mut zone, address, &spec.nodes, Some(before))?;

    let cluster_text = address.to_string();
    let usage = world.cluster_use(&cluster_text);
    let reserved = reservations(address, attrs)?;
    let mut view = NodeView::new(&cluster_text, &nodes, &reserved, usage);
    if let Some((node, cpu, mem)) = view.overcommitted() {
        return Err(Diagnostic::error(
            None,
            format!("Node {node} of {address} would be too small for its pods"),
            format!(
                "After the change its pods would request {} CPU and {} more than it holds. Keep the node group's size, or lower the requests of the services on it first.",
                cores(-cpu.min(0)),
                signed_size(-mem.min(0))
            ),
        ));
    }
    let mut change = Change::default();
    for user in usage.map(|u| u.users.iter()).into_iter().flatten() {
        let Some(record) = world.at_text(user) else {
            continue;
        };
        if let Some(moved) = reschedule(world, &mut view, record)? {
            change.put.push(moved);
        }
    }
    let mut updated = record(
        old.id.clone(),
        address,
        attrs,
        old.created_ms,
        &pool,
        spec,
        nodes,
    );
    // An update keeps the cluster's credentials (its token as the record keeps it); a
    // cluster recorded before clusters had them gets them now.
    let (ca, token) = match Credentials::of(&old.attrs) {
        Some(kept) => kept,
        None => {
            let made = Credentials::generate(address)?;
            (
                Value::String(made.ca_certificate),
                Value::String(made.token),
            )
        }
    };
    Credentials::write(ca, token, &mut updated.attrs);
    change.put.push(updated);
    Ok(change)
}

/// A workload with pods on removed nodes, its pods moved to remaining ones.
fn reschedule(
    world: &World,
    view: &mut NodeView,
    record: &Record,
) -> Result<Option<Record>, Diagnostic> {
    let Alloc::Workload { pods, .. } = &record.alloc else {
        return Ok(None);
    };
    if !world.is_running(&record.id) || pods.iter().all(|p| view.has(&p.node)) {
        return Ok(None);
    }
    let (kept, lost): (Vec<_>, Vec<_>) = pods.iter().cloned().partition(|p| view.has(&p.node));
    let need = PodNeed {
        cpu_m: lost[0].cpu_m,
        memory: lost[0].memory,
    };
    let spread = Spread::parse(record.attrs.get("spread").and_then(Value::as_str));
    let placed = view.place(&record.address, lost.len(), need, spread, &kept)?;
    let mut moved = record.clone();
    let all: Vec<_> = kept.into_iter().chain(placed).collect();
    moved
        .attrs
        .insert("placement".into(), render_placement(&all));
    if let Alloc::Workload { pods, .. } = &mut moved.alloc {
        *pods = all;
    }
    Ok(Some(moved))
}

/// The nodes of a cluster before an update.
struct Before<'a> {
    nodes: &'a [Node],
    same_pool: bool,
    same_zone: bool,
}

/// Puts every node on a host and gives it an address; unchanged nodes stay where they are.
fn place(
    pool: &mut PoolView,
    zone: &mut Allocator,
    owner: &Address,
    specs: &[NodeSpec],
    before: Option<Before>,
) -> Result<Vec<Node>, Diagnostic> {
    let (old, same_pool, same_zone) = match &before {
        Some(b) => (b.nodes, b.same_pool, b.same_zone),
        None => (&[][..], false, false),
    };
    let old_by_name: HashMap<&str, &Node> = old.iter().map(|n| (n.name.as_str(), n)).collect();
    let wanted: HashMap<&str, &NodeSpec> = specs.iter().map(|s| (s.name.as_str(), s)).collect();
    let hosts = pool.len();
    let unchanged = |n: &Node| {
        same_pool
            && n.host < hosts
            && wanted
                .get(n.name.as_str())
                .is_some_and(|s| s.need.cpu_m == n.cpu_m && s.need.memory == n.memory)
    };
    let mut per_host = vec![(0u64, 0u64); hosts];
    for n in old {
        if unchanged(n) {
            per_host[n.host].0 += u64::from(n.control_plane);
            per_host[n.host].1 += 1;
        } else if same_pool && n.host < hosts {
            let need = Need {
                cpu_m: n.cpu_m,
                memory: n.memory,
            };
            pool.give(n.host, need, None);
        }
        if same_zone && !wanted.contains_key(n.name.as_str()) {
            zone.free(n.ip);
        }
    }
    let mut nodes = Vec::with_capacity(specs.len());
    for (placed, spec) in specs.iter().enumerate() {
        let previous = old_by_name.get(spec.name.as_str()).copied();
        let host = match previous {
            Some(n) if unchanged(n) => n.host,
            _ => {
                let prefer = previous.filter(|_| same_pool).map(|n| n.host);
                let cp = spec.control_plane;
                let host = pool
                    .choose(spec.need, None, prefer, |h| {
                        let (cps, all) = per_host[h];
                        placement::host::node_penalty(cp, cps, all)
                    })
                    .map_err(|s| {
                        let what = format!("node {} of {owner}", spec.name);
                        let mut d = pool.no_room(&s, &what, spec.need, None);
                        d.detail.push_str(&format!(
                            " {placed} of the {} nodes of {owner} fit.",
                            specs.len()
                        ));
                        d
                    })?;
                pool.take(host, spec.need, None);
                per_host[host].0 += u64::from(cp);
                per_host[host].1 += 1;
                host
            }
        };
        let keep_ip = previous.filter(|_| same_zone).map(|n| n.ip);
        let ip: IpAddr = match keep_ip {
            Some(ip) => ip,
            None => zone.take(owner, None)?,
        };
        nodes.push(Node {
            name: spec.name.clone(),
            control_plane: spec.control_plane,
            host,
            cpu_m: spec.need.cpu_m,
            memory: spec.need.memory,
            ip,
        });
    }
    Ok(nodes)
}

fn record(
    id: String,
    address: &Address,
    attrs: &Attrs,
    created_ms: u64,
    pool: &PoolView,
    spec: ClusterSpec,
    nodes: Vec<Node>,
) -> Record {
    let mut attrs = attrs.clone();
    attrs.insert("id".into(), Value::String(id.clone()));
    if let Some(endpoint) = endpoint(&nodes) {
        attrs.insert(ENDPOINT_ATTR.into(), Value::String(endpoint));
    }
    attrs.insert("nodes".into(), render_nodes(&nodes, |h| pool.host_name(h)));
    Record {
        id,
        address: address.clone(),
        kind: "kubernetes_cluster".into(),
        attrs,
        created_ms,
        key: None,
        sensitive: Vec::new(),
        alloc: Alloc::Cluster {
            pool: spec.pool,
            zone: spec.zone,
            nodes,
        },
    }
}

/// The API server URL: the first control-plane node, port 6443.
fn endpoint(nodes: &[Node]) -> Option<String> {
    let ip = nodes.iter().find(|n| n.control_plane)?.ip;
    Some(match ip {
        IpAddr::V4(v4) => format!("https://{v4}:6443"),
        IpAddr::V6(v6) => format!("https://[{v6}]:6443"),
    })
}

/// The `nodes` attribute: name, role, host, address, cpu and memory of each node.
pub(crate) fn render_nodes(nodes: &[Node], host_name: impl Fn(usize) -> String) -> Value {
    Value::Array(
        nodes
            .iter()
            .map(|n| {
                json!({
                    "name": n.name,
                    "role": if n.control_plane { "control-plane" } else { "worker" },
                    "host": host_name(n.host),
                    "address": n.ip.to_string(),
                    "cpu": n.cpu_m / 1000,
                    "memory": format_size(n.memory),
                })
            })
            .collect(),
    )
}
