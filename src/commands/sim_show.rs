//! `strata sim show`: the simulated datacenter as tables for people (host pools and their
//! hosts, clusters, storage, zones, objects), with CPU in cores and sizes in IEC units;
//! `-json` prints the summary as the provider gives it (CPU in cores, sizes in bytes).

use ::sim::capacity::bytes;
use serde_json::Value;

use crate::table::table;

/// CPU in cores, to two decimals at most: `12`, `0.5`.
fn cores(v: &Value) -> String {
    let text = format!("{:.2}", v.as_f64().unwrap_or(0.0));
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `used / total` of a `{ used, total }` figure, CPU in cores.
fn cpu(v: &Value) -> String {
    format!("{} / {}", cores(&v["used"]), cores(&v["total"]))
}

/// `used / total` of a `{ used, total }` figure in bytes.
fn size(v: &Value) -> String {
    let of = |k: &str| bytes(v[k].as_f64().unwrap_or(0.0));
    format!("{} / {}", of("used"), of("total"))
}

/// A string or number cell; `-` when absent.
fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

fn items(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

/// One titled table, or nothing when it has no rows.
fn section(out: &mut String, title: &str, headers: &[&str], rows: Vec<Vec<String>>) {
    if rows.is_empty() {
        return;
    }
    out.push_str(title);
    out.push('\n');
    out.push_str(&table(headers, &rows));
    out.push('\n');
}

/// The tables of `strata sim show`, from the summary and the objects.
pub fn render(summary: &Value, objects: &[(String, String, String)]) -> String {
    let mut out = String::new();
    let pools = items(&summary["pools"]);
    section(
        &mut out,
        "Host pools (vCPU after overcommit)",
        &[
            "POOL",
            "ID",
            "HOSTS",
            "CPU USED / TOTAL",
            "MEMORY USED / TOTAL",
        ],
        pools
            .iter()
            .map(|p| {
                vec![
                    cell(&p["address"]),
                    cell(&p["id"]),
                    items(&p["hosts"]).len().to_string(),
                    cpu(&p["cpu"]),
                    size(&p["memory"]),
                ]
            })
            .collect(),
    );
    section(
        &mut out,
        "Hosts",
        &[
            "POOL",
            "HOST",
            "RACK",
            "GUESTS",
            "CPU USED / TOTAL",
            "MEMORY USED / TOTAL",
        ],
        pools
            .iter()
            .flat_map(|p| {
                items(&p["hosts"]).iter().map(|h| {
                    vec![
                        cell(&p["address"]),
                        cell(&h["name"]),
                        cell(&h["rack"]),
                        cell(&h["guests"]),
                        cpu(&h["cpu"]),
                        size(&h["memory"]),
                    ]
                })
            })
            .collect(),
    );
    section(
        &mut out,
        "Kubernetes clusters (pod requests on worker nodes)",
        &[
            "CLUSTER",
            "NODES",
            "WORKERS",
            "WORKLOADS",
            "CPU REQUESTED / TOTAL",
            "MEMORY REQUESTED / TOTAL",
            "ENDPOINT",
        ],
        items(&summary["clusters"])
            .iter()
            .map(|c| {
                vec![
                    cell(&c["address"]),
                    cell(&c["nodes"]),
                    cell(&c["workers"]),
                    cell(&c["workloads"]),
                    cpu(&c["cpu_requests"]),
                    size(&c["memory_requests"]),
                    cell(&c["endpoint"]),
                ]
            })
            .collect(),
    );
    section(
        &mut out,
        "Storage",
        &["STORAGE", "TYPE", "VOLUMES", "CLAIMED / CAPACITY"],
        items(&summary["storage"])
            .iter()
            .map(|s| {
                vec![
                    cell(&s["address"]),
                    cell(&s["type"]),
                    cell(&s["volumes"]),
                    size(&s["capacity"]),
                ]
            })
            .collect(),
    );
    section(
        &mut out,
        "Network zones",
        &["ZONE", "CIDR", "ADDRESSES USED"],
        items(&summary["zones"])
            .iter()
            .map(|z| {
                vec![
                    cell(&z["address"]),
                    cell(&z["cidr"]),
                    cell(&z["addresses_used"]),
                ]
            })
            .collect(),
    );
    section(
        &mut out,
        "Objects",
        &["ADDRESS", "KIND", "ID"],
        objects
            .iter()
            .map(|(a, k, i)| vec![a.clone(), k.clone(), i.clone()])
            .collect(),
    );
    if out.is_empty() {
        out.push_str("The simulated datacenter is empty: nothing has been applied.\n");
    }
    out
}
