//! Deletes without repeated LISTs: a destroy lists each kind Strata writes once for all
//! its deletes (kept coherent as objects go), and each zone namespace it empties once per
//! kind for other writers' objects, however many resources it destroys; deletes running
//! in parallel in one namespace delete it once, after the last; an object of another
//! tool keeps its namespace.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::lab::{Lab, text};

/// The lab with `workers` more services in the app zone, applied.
async fn with_workers(workers: usize) -> Lab {
    let lab = Lab::new("").await;
    if let Some(double) = &lab.cluster.double {
        double.knobs().rollout_delay = Duration::from_millis(20);
    }
    lab.add_workers(workers);
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    lab
}

/// The LISTs a destroy of the lab with `workers` more services makes, by path, with how
/// many times each; `None` on a real cluster.
async fn destroy_lists(workers: usize) -> Option<BTreeMap<String, usize>> {
    let lab = with_workers(workers).await;
    let double = lab.cluster.double.as_ref()?;
    double.clear_requests();
    let out = lab.strata(&["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let mut lists = BTreeMap::new();
    for r in double.requests().into_iter().filter(|r| r.verb == "list") {
        *lists.entry(r.path).or_default() += 1;
    }
    assert_eq!(lab.everything().await, Vec::<String>::new());
    Some(lists)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_destroy_lists_each_kind_a_bounded_number_of_times_however_many_services() {
    let Some(one) = destroy_lists(1).await else {
        eprintln!("skipped: counting requests needs the double");
        return;
    };
    let kinds = kubernetes::live::objects::KINDS.len();
    let (cluster_wide, namespaced): (Vec<_>, Vec<_>) = one
        .iter()
        .partition(|(path, _)| !path.contains("/namespaces/"));
    // Once for the refresh, once for all the deletes.
    for (path, n) in &cluster_wide {
        assert!(**n <= 2, "{path} listed {n} times: {one:?}");
    }
    assert!(cluster_wide.len() <= kinds, "{one:?}");
    // Each zone namespace emptied (dmz, app, data), once per kind but Namespace, for
    // other writers' objects before it goes.
    for (path, n) in &namespaced {
        assert_eq!(**n, 1, "{path} listed {n} times: {one:?}");
    }
    assert_eq!(namespaced.len(), 3 * (kinds - 1), "{one:?}");
    assert_eq!(
        destroy_lists(5).await,
        Some(one),
        "more services, more LISTs"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn another_tools_object_keeps_its_namespace_and_parallel_deletes_empty_the_rest() {
    let lab = with_workers(4).await;
    // Another tool's ConfigMap in the data zone's namespace.
    let config_maps = lab.namespaced("v1", "ConfigMap", "data");
    let theirs = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "theirs", "namespace": "data"},
        "data": {"owner": "another tool"}
    }))
    .unwrap();
    config_maps
        .create(&kube::api::PostParams::default(), &theirs)
        .await
        .unwrap();
    let out = lab.strata(&["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    // The app zone's six services and policies went in parallel: its namespace went
    // after the last; the data zone's is kept for the ConfigMap, with its default deny
    // (the zone's, which goes with its namespace).
    let left = lab.everything().await;
    assert_eq!(
        left,
        ["NetworkPolicy data/default-deny", "Namespace /data"],
        "{}",
        text(&out)
    );
    assert!(config_maps.get_opt("theirs").await.unwrap().is_some());
}
