//! LIST with label and field selectors, across namespaces and in pages; WATCH from a
//! resourceVersion; the rollout and job waits the provider builds on `await_condition`.

use crate::common::{apply, cluster, config_map, deployment, drop_namespace, namespace, scratch};
use futures_util::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::ResourceExt;
use kube::api::{Api, ListParams, WatchEvent, WatchParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::runtime::watcher;
use serde_json::json;
use std::time::Duration;

async fn names(api: &Api<ConfigMap>, selector: &str) -> Vec<String> {
    let list = api
        .list(&ListParams::default().labels(selector))
        .await
        .expect("listed");
    list.items.iter().map(|o| o.name_any()).collect()
}

#[tokio::test]
async fn label_selectors_filter_lists_in_one_namespace_and_across_all() {
    let c = cluster().await;
    let (ns1, ns2) = (namespace(&c.client).await, namespace(&c.client).await);
    let api1: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns1);
    let api2: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns2);
    apply(
        &api1,
        "a",
        config_map("a", json!({"tier": "web", "env": "sit"})),
    )
    .await
    .unwrap();
    apply(
        &api1,
        "b",
        config_map("b", json!({"tier": "db", "env": "uat"})),
    )
    .await
    .unwrap();
    apply(&api1, "c", config_map("c", json!({"tier": "web"})))
        .await
        .unwrap();
    apply(
        &api2,
        "d",
        config_map("d", json!({"tier": "web", "env": "sit", "kd-test": ns1})),
    )
    .await
    .unwrap();

    assert_eq!(names(&api1, "tier=web").await, ["a", "c"]);
    assert_eq!(names(&api1, "tier==web,env=sit").await, ["a"]);
    assert_eq!(names(&api1, "tier!=web").await, ["b"]);
    assert_eq!(names(&api1, "env in (sit, uat)").await, ["a", "b"]);
    assert_eq!(names(&api1, "env notin (uat)").await, ["a", "c"]);
    assert_eq!(names(&api1, "env").await, ["a", "b"]);
    assert_eq!(names(&api1, "!env").await, ["c"]);

    let all: Api<ConfigMap> = Api::all(c.client.clone());
    let everywhere = all
        .list(&ListParams::default().labels(&format!("kd-test={ns1}")))
        .await
        .unwrap();
    assert_eq!(
        everywhere
            .items
            .iter()
            .map(|o| (o.namespace().unwrap(), o.name_any()))
            .collect::<Vec<_>>(),
        [(ns2.clone(), "d".into())]
    );
    let by_name = api1
        .list(&ListParams::default().fields("metadata.name=b"))
        .await
        .unwrap();
    assert_eq!(by_name.items.len(), 1);
    let rv: u64 = by_name
        .metadata
        .resource_version
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();
    assert!(rv > 0);

    let page = api1.list(&ListParams::default().limit(2)).await.unwrap();
    assert_eq!(page.items.len(), 2);
    let token = page.metadata.continue_.clone().expect("a continue token");
    let rest = api1
        .list(&ListParams::default().limit(2).continue_token(&token))
        .await
        .unwrap();
    assert_eq!(
        rest.items.iter().map(|o| o.name_any()).collect::<Vec<_>>(),
        ["c"]
    );
    drop_namespace(&c.client, &ns1).await;
    drop_namespace(&c.client, &ns2).await;
}

#[tokio::test]
async fn a_watch_from_a_resource_version_sees_each_change_once() {
    let (c, ns, api) = scratch::<ConfigMap>().await;
    apply(&api, "before", config_map("before", json!({})))
        .await
        .unwrap();
    let rv = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let stream = api
        .watch(&WatchParams::default().timeout(5), &rv)
        .await
        .expect("watching");
    apply(&api, "w", config_map("w", json!({"v": "1"})))
        .await
        .unwrap();
    apply(&api, "w", config_map("w", json!({"v": "2"})))
        .await
        .unwrap();
    api.delete("w", &Default::default()).await.unwrap();
    let events: Vec<String> = stream
        .take(3)
        .map_ok(|e| match e {
            WatchEvent::Added(o) => format!("ADDED {}", o.name_any()),
            WatchEvent::Modified(o) => format!("MODIFIED {} {}", o.name_any(), o.labels()["v"]),
            WatchEvent::Deleted(o) => format!("DELETED {}", o.name_any()),
            other => format!("{other:?}"),
        })
        .try_collect()
        .await
        .expect("events");
    assert_eq!(events, ["ADDED w", "MODIFIED w 2", "DELETED w"]);
    drop_namespace(&c.client, &ns).await;
}

#[tokio::test]
async fn a_deployment_rollout_completes_and_a_job_finishes() {
    let (c, ns, api) = scratch::<Deployment>().await;
    apply(&api, "web", deployment("web", 3)).await.unwrap();
    // Progress as the provider shows it: the ready count of each update until complete.
    let progress = watcher::watch_object(api.clone(), "web")
        .map_ok(|d| {
            d.and_then(|d| d.status)
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0)
        })
        .try_take_while(|ready| futures_util::future::ready(Ok(*ready < 3)))
        .try_collect::<Vec<i32>>();
    let mut seen = tokio::time::timeout(Duration::from_secs(60), progress)
        .await
        .expect("in time")
        .unwrap();
    seen.dedup();
    if c.is_double() {
        assert_eq!(seen, [0, 1, 2], "one replica at a time");
    }
    let wait = await_condition(api.clone(), "web", conditions::is_deployment_completed());
    let done = tokio::time::timeout(Duration::from_secs(60), wait)
        .await
        .expect("in time")
        .unwrap()
        .unwrap();
    let s = done.status.expect("status");
    assert_eq!(
        (
            s.observed_generation,
            s.available_replicas,
            s.updated_replicas
        ),
        (Some(1), Some(3), Some(3))
    );

    let jobs: Api<Job> = Api::namespaced(c.client.clone(), &ns);
    let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "nightly"},
        "spec": {"template": {"spec": {"restartPolicy": "Never",
            "containers": [{"name": "run", "image": "registry.local/busybox:1", "command": ["true"]}]}}}});
    apply(&jobs, "nightly", job).await.unwrap();
    let wait = await_condition(jobs.clone(), "nightly", conditions::is_job_completed());
    let done = tokio::time::timeout(Duration::from_secs(60), wait)
        .await
        .expect("in time")
        .unwrap()
        .unwrap();
    assert_eq!(done.status.and_then(|s| s.succeeded), Some(1));
    drop_namespace(&c.client, &ns).await;
}

#[tokio::test]
async fn a_held_deployment_never_becomes_available_so_waits_time_out() {
    let c = cluster().await;
    let Some(double) = &c.double else {
        eprintln!("skipped: holding a rollout needs the double");
        return;
    };
    let ns = namespace(&c.client).await;
    double.knobs().hold("deployments", &ns, "stuck");
    let api: Api<Deployment> = Api::namespaced(c.client.clone(), &ns);
    apply(&api, "stuck", deployment("stuck", 2)).await.unwrap();
    let wait = await_condition(api.clone(), "stuck", conditions::is_deployment_completed());
    assert!(
        tokio::time::timeout(Duration::from_millis(800), wait)
            .await
            .is_err(),
        "never completes"
    );
    let s = api
        .get("stuck")
        .await
        .unwrap()
        .status
        .expect("status written");
    let available = s
        .conditions
        .unwrap()
        .into_iter()
        .find(|c| c.type_ == "Available")
        .unwrap();
    assert_eq!(
        (available.status.as_str(), available.reason.as_deref()),
        ("False", Some("MinimumReplicasUnavailable"))
    );
}

#[tokio::test]
async fn a_watch_with_a_label_selector_sees_objects_enter_and_leave_it() {
    let (c, ns, api) = scratch::<ConfigMap>().await;
    let stream = api
        .watch(&WatchParams::default().labels("tier=web").timeout(5), "0")
        .await
        .expect("watching");
    apply(&api, "m", config_map("m", json!({"tier": "db"})))
        .await
        .unwrap();
    apply(&api, "m", config_map("m", json!({"tier": "web"})))
        .await
        .unwrap();
    apply(&api, "m", config_map("m", json!({"tier": "web", "x": "1"})))
        .await
        .unwrap();
    apply(&api, "m", config_map("m", json!({"tier": "db"})))
        .await
        .unwrap();
    let events: Vec<&str> = stream
        .take(3)
        .map_ok(|e| match e {
            WatchEvent::Added(_) => "ADDED",
            WatchEvent::Modified(_) => "MODIFIED",
            WatchEvent::Deleted(_) => "DELETED",
            _ => "other",
        })
        .try_collect()
        .await
        .expect("events");
    assert_eq!(events, ["ADDED", "MODIFIED", "DELETED"]);
    drop_namespace(&c.client, &ns).await;
}
