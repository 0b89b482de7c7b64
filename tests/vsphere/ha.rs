//! The cluster's HA admission control, read from vCenter, is what `strata capacity` and
//! `strata simulate` count with; changed behind Strata's back (a raw
//! ReconfigureComputeResource_Task, which tools/vcsim's clusters honour), it is drift; a
//! blueprint `ha` block that says otherwise is warned about, naming both.

use std::time::Duration;

use serde_json::Value;
use vsphere::collector::Props;
use vsphere::soap::{El, Moref};

use crate::capacity::cluster_hosts;
use crate::lab::{Lab, text};

/// The simulator's cluster and its hosts.
async fn cluster(client: &vsphere::Client) -> (Moref, Vec<Moref>) {
    let c = client
        .contents(
            &client.content().root_folder.clone(),
            &[Props {
                kind: "ClusterComputeResource",
                paths: &["host"],
            }],
        )
        .await
        .unwrap()
        .remove(0);
    let hosts = c
        .get("host")
        .map(|n| {
            n.all("ManagedObjectReference")
                .filter_map(|m| m.moref())
                .collect()
        })
        .unwrap_or_default();
    (c.obj.unwrap(), hosts)
}

/// Sets the cluster's HA as a vSphere client does: `dasConfig` of a modifying
/// ReconfigureComputeResource_Task.
async fn reconfigure(client: &vsphere::Client, das: El) {
    let (cluster, _) = cluster(client).await;
    let spec = El::typed("spec", "ClusterConfigSpecEx").with(das);
    client
        .run_task(
            "ReconfigureComputeResource_Task",
            &cluster,
            &[spec, El::text("modify", true)],
            Duration::from_secs(30),
        )
        .await
        .unwrap();
}

/// The admission control policy `kind` with `figures`.
fn policy(kind: &str, figures: Vec<El>) -> El {
    El::new("dasConfig").with(El::typed("admissionControlPolicy", kind).with_all(figures))
}

/// The pool's `ha` in `strata capacity --json`, and where its figures came from.
fn capacity_ha(lab: &Lab) -> (Value, String) {
    let out = lab.strata(&["capacity", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pool = &doc["pools"][0];
    (
        pool["ha"].clone(),
        pool["figures_from"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

/// `text` with every run of white space as one space (plans align their `=`).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Applies, asserting success (records what vCenter has now).
fn apply(lab: &Lab) {
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
}

/// Puts an `ha` block into the blueprint's host pool.
fn ha_block(lab: &Lab, block: &str) {
    let file = lab.dir.path().join("main.hcl");
    let hcl = std::fs::read_to_string(&file).unwrap();
    let hcl = hcl.replacen(
        "  host {\n",
        &format!("  ha {{\n{block}\n  }}\n  host {{\n"),
        1,
    );
    std::fs::write(&file, hcl).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn capacity_counts_with_the_cluster_s_admission_control_and_its_changes_drift() {
    let Some(lab) = Lab::with("capacity_counts_with_the_cluster_s_ha", &["-hosts", "3"]) else {
        return;
    };
    lab.blueprint(2);
    let client = lab.client().await;
    let (n, cores, memory) = cluster_hosts(&client).await;
    apply(&lab);

    // tools/vcsim starts its cluster with HA on, failover level 1: the slot policy. A slot
    // is the largest VM (1 vCPU, 64 MiB); a host holds min(cores / 1, memory / 64 MiB)
    // slots; the 2 VMs take 2; losing the largest hosts one by one, n - 1 can fail while
    // 2 slots are left.
    let (ha, from) = capacity_ha(&lab);
    assert_eq!(from, "vSphere cluster \"DC0_C0\"");
    assert_eq!(ha["policy"], "slots", "{ha}");
    assert_eq!(ha["configured_host_failures"], 1, "{ha}");
    let per_host = cores.min(memory / (64 << 20));
    let slots = &ha["slots"];
    assert_eq!(
        slots["per_host"],
        serde_json::json!(vec![per_host; n as usize])
    );
    assert_eq!(slots["total"], n * per_host, "{slots}");
    assert_eq!(slots["used"], 2);
    assert_eq!(slots["failover_capacity"], n - 1, "{slots}");
    let out = lab.strata(&["capacity"]);
    let shown = text(&out);
    assert!(
        shown.contains(
            "HA admission control slots, 1 host failure(s) tolerated, from vSphere cluster \"DC0_C0\""
        ),
        "{shown}"
    );

    // Resource percentage, 25% of CPU and 50% of memory, set behind Strata's back: drift;
    // once applied, the larger share is reserved and the free share is the cluster's.
    reconfigure(
        &client,
        policy(
            "ClusterFailoverResourcesAdmissionControlPolicy",
            vec![
                El::text("cpuFailoverResourcesPercent", 25),
                El::text("memoryFailoverResourcesPercent", 50),
            ],
        ),
    )
    .await;
    let out = lab.strata(&["plan"]);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("host_pool.cluster has changed"), "{shown}");
    let plan = flat(&shown);
    for change in [
        "~ ha_admission_control = \"failover_level\" -> \"resource_percentage\"",
        "+ ha_cpu_reserve_percent = 25",
        "- ha_failover_level = 1 -> null",
        "+ ha_memory_reserve_percent = 50",
    ] {
        assert!(plan.contains(change), "{change}: {shown}");
    }
    apply(&lab);
    let (ha, _) = capacity_ha(&lab);
    assert_eq!(ha["policy"], "percentage", "{ha}");
    assert_eq!(ha["reserve_percent"], 50.0, "{ha}");
    let cpu_free = (n * cores - 2) as f64 / (n * cores) as f64 * 100.0;
    let free = ha["free_percent"]["cpu"].as_f64().unwrap();
    assert!((free - cpu_free).abs() < 0.01, "{free} {cpu_free}");

    // A blueprint `ha` block that says otherwise is warned about, naming both, and the
    // cluster's counts; one that says the same is not.
    ha_block(&lab, "    admission     = \"slots\"\n    host_failures = 2");
    let out = lab.strata(&["capacity", "--json"]);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    let warning = "host_pool.cluster: the blueprint's HA admission control differs from vSphere cluster \"DC0_C0\"'s";
    assert!(shown.contains(warning), "{shown}");
    assert!(shown.contains("The `ha` block says slots, 2 host failure(s) tolerated; vSphere cluster \"DC0_C0\" has percentage, 50% of CPU and memory reserved"), "{shown}");
    assert!(shown.contains("main.hcl:"), "{shown}");
    let (ha, _) = capacity_ha(&lab);
    assert_eq!(ha["policy"], "percentage", "{ha}");
    let out = lab.strata(&["simulate", "--replications", "1"]);
    assert!(text(&out).contains(warning), "{}", text(&out));

    // Dedicated failover hosts: the one named is kept empty.
    let (_, hosts) = cluster(&client).await;
    reconfigure(
        &client,
        policy(
            "ClusterFailoverHostAdmissionControlPolicy",
            vec![El::moref("failoverHosts", &hosts[0])],
        ),
    )
    .await;
    apply(&lab);
    let (ha, _) = capacity_ha(&lab);
    assert_eq!(ha["policy"], "failover_hosts", "{ha}");
    assert_eq!(ha["failover_hosts"].as_array().unwrap().len(), 1, "{ha}");

    // HA turned off: nothing is reserved.
    reconfigure(
        &client,
        El::new("dasConfig").with(El::text("enabled", false)),
    )
    .await;
    let out = lab.strata(&["plan"]);
    assert!(
        flat(&text(&out)).contains("~ ha_enabled = true -> false"),
        "{}",
        text(&out)
    );
    apply(&lab);
    let (ha, _) = capacity_ha(&lab);
    assert_eq!(ha["policy"], "disabled", "{ha}");
}
