//! The drift of a `network_policy`'s NetworkPolicy: its ingress rules' sources (`from`)
//! and ports (`ports`, `protocol`). A peer added or deleted by hand reads as `from` with
//! a note per peer (`added by hand: {"ipBlock":{"cidr":"0.0.0.0/0"}}`), since a peer has
//! no blueprint address; the rules are compared as sets of peers and ports, so their
//! order and a real server's default `protocol: TCP` are no drift. The pod selector (the
//! policy's `to`) is not read.

use planner::Attrs;
use serde_json::Value;

use super::Drift;

/// A rule without `from` admits every source.
const EVERY_SOURCE: &str = "every source";

/// The ingress rules of a NetworkPolicy.
fn rules(policy: &Value) -> &[Value] {
    policy
        .pointer("/spec/ingress")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Every peer of every rule, once each.
fn peers(policy: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for rule in rules(policy) {
        let from = rule["from"].as_array().filter(|f| !f.is_empty());
        let every = [Value::from(EVERY_SOURCE)];
        for peer in from.map_or(&every[..], Vec::as_slice) {
            if !out.contains(peer) {
                out.push(peer.clone());
            }
        }
    }
    out
}

/// The policy's ports as the blueprint writes them (`[]`: every port) and its protocol
/// (`tcp`, `udp`, `any`), over all its rules.
fn ports(policy: &Value) -> (Vec<i64>, String) {
    let mut numbers = Vec::new();
    let mut every_port = false;
    let mut protocols = std::collections::BTreeSet::new();
    for rule in rules(policy) {
        let Some(entries) = rule["ports"].as_array().filter(|p| !p.is_empty()) else {
            every_port = true;
            protocols.extend(["TCP", "UDP"].map(String::from));
            continue;
        };
        for entry in entries {
            protocols.insert(entry["protocol"].as_str().unwrap_or("TCP").to_string());
            match entry["port"].as_i64() {
                Some(n) if !numbers.contains(&n) => numbers.push(n),
                Some(_) => {}
                None => every_port = true,
            }
        }
    }
    let protocol = match protocols.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["TCP"] => "tcp".to_string(),
        ["UDP"] => "udp".to_string(),
        ["TCP", "UDP"] => "any".to_string(),
        ref other => other.join(",").to_lowercase(),
    };
    if every_port {
        numbers.clear();
    }
    numbers.sort_unstable();
    (numbers, protocol)
}

/// `from` as the blueprint writes it: one address or a list.
fn sources(prior: &Attrs) -> Vec<Value> {
    match prior.get("from") {
        Some(Value::Array(items)) => items.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    }
}

/// The drift of a NetworkPolicy Strata applies as `want`, on the cluster as `have`, of
/// the policy whose attributes were `prior`.
pub fn drift(want: &Value, have: &Value, prior: &Attrs) -> Vec<Drift> {
    let mut out = Vec::new();
    let (wanted, live) = (peers(want), peers(have));
    let note = |what: &str, peer: &Value| match peer {
        Value::String(s) => Value::from(format!("{what} by hand: {s}")),
        other => Value::from(format!("{what} by hand: {other}")),
    };
    let added = live.iter().filter(|p| !wanted.contains(p));
    let deleted = wanted.iter().filter(|p| !live.contains(p));
    let notes: Vec<Value> = added
        .map(|p| note("added", p))
        .chain(deleted.map(|p| note("deleted", p)))
        .collect();
    if !notes.is_empty() {
        out.push(Drift::new(
            "from",
            sources(prior).into_iter().chain(notes).collect(),
        ));
    }
    if rules(have).is_empty() {
        return out;
    }
    let ((want_ports, want_protocol), (have_ports, have_protocol)) = (ports(want), ports(have));
    if want_ports != have_ports {
        out.push(Drift::new("ports", have_ports.into()));
    }
    if want_protocol != have_protocol {
        out.push(Drift::new("protocol", have_protocol.into()));
    }
    out
}
