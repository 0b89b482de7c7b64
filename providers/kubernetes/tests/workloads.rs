//! The mapping of services, jobs, routes and environments, on blueprints written inline
//! and checked by hand: spread to topology spread constraints, quorum to a
//! PodDisruptionBudget, stateful kinds and volumes to StatefulSets with claims.

mod common;

use common::{find, has, load, rendered};
use kubernetes::{Ctx, MapError, render};
use serde_json::{Value, json};

#[test]
fn spread_becomes_topology_spread_constraints() {
    let all = rendered(
        r#"
service "a" {
  cluster = kubernetes_cluster.c
  image   = "a:1"
  spread  = "node"
}
service "b" {
  cluster = kubernetes_cluster.c
  image   = "b:1"
}
service "n" {
  cluster = kubernetes_cluster.c
  image   = "n:1"
  spread  = "none"
}
"#,
    );
    let constraints = |name| {
        find(&all, "Deployment", "app", name)["spec"]["template"]["spec"]["topologySpreadConstraints"].clone()
    };
    let select = |name: &str| json!({ "matchLabels": { "app.kubernetes.io/name": name } });
    assert_eq!(
        constraints("a"),
        json!([{ "labelSelector": select("a"), "maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule" }])
    );
    // `host` is the default: different nodes, and hosts as far as nodes say theirs.
    assert_eq!(
        constraints("b"),
        json!([
            { "labelSelector": select("b"), "maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule" },
            { "labelSelector": select("b"), "maxSkew": 1, "topologyKey": "topology.strata.dev/host", "whenUnsatisfiable": "ScheduleAnyway" },
        ])
    );
    assert_eq!(constraints("n"), Value::Null);
}

#[test]
fn quorum_becomes_the_disruption_budget() {
    let all = rendered(
        r#"
service "db" {
  cluster = kubernetes_cluster.c
  kind    = "database"
  zone    = network_zone.data
  image   = "postgres:16"
}
service "five" {
  cluster  = kubernetes_cluster.c
  kind     = "rabbitmq"
  replicas = 5
  quorum   = 5
  image    = "rabbitmq:3"
}
service "web" {
  cluster = kubernetes_cluster.c
  image   = "web:1"
}
service "single" {
  cluster  = kubernetes_cluster.c
  replicas = 1
  image    = "one:1"
}
"#,
    );
    let min =
        |ns, name| find(&all, "PodDisruptionBudget", ns, name)["spec"]["minAvailable"].clone();
    assert_eq!(min("data", "db"), json!(2)); // the catalog's quorum of 3 database replicas
    assert_eq!(min("app", "five"), json!(5));
    assert_eq!(min("app", "web"), json!(1)); // an application: 2 replicas, 1 must run
    assert!(!has(&all, "PodDisruptionBudget", "single"));
    assert_eq!(kubernetes::workload::min_available(1, Some(1)), None);
    assert_eq!(kubernetes::workload::min_available(3, Some(9)), Some(3));
}

#[test]
fn stateful_kinds_and_volumes_become_stateful_sets_with_claims() {
    let all = rendered(
        r#"
service "kafka" {
  cluster = kubernetes_cluster.c
  kind    = "kafka"
  zone    = network_zone.data
  image   = "apache/kafka:3.8.0"
}
service "cache" {
  cluster = kubernetes_cluster.c
  image   = "cache:1"
  volume {
    size = "10GiB"
    path = "/cache"
  }
}
service "web" {
  cluster = kubernetes_cluster.c
  image   = "web:1"
  cpu     = "250m"
  memory  = "1536MiB"
}
"#,
    );
    let kafka = find(&all, "StatefulSet", "data", "kafka");
    assert_eq!(kafka["spec"]["replicas"], json!(3));
    assert_eq!(kafka["spec"]["serviceName"], json!("kafka"));
    let claim = &kafka["spec"]["volumeClaimTemplates"][0]["spec"];
    assert_eq!(claim["storageClassName"], json!("fast"));
    assert_eq!(claim["resources"]["requests"]["storage"], json!("500Gi")); // the catalog's
    assert_eq!(
        find(&all, "Service", "data", "kafka")["spec"]["clusterIP"],
        json!("None")
    );
    let cache = find(&all, "StatefulSet", "app", "cache");
    assert_eq!(
        cache["spec"]["template"]["spec"]["containers"][0]["volumeMounts"][0]["mountPath"],
        json!("/cache")
    );
    let web = find(&all, "Deployment", "app", "web");
    let resources = &web["spec"]["template"]["spec"]["containers"][0]["resources"];
    assert_eq!(
        resources["requests"],
        json!({ "cpu": "250m", "memory": "1536Mi" })
    );
    assert_eq!(resources["limits"], resources["requests"]);
    assert!(!has(&all, "StatefulSet", "web"));
    assert_eq!(
        find(&all, "Service", "app", "web")["spec"]["clusterIP"],
        Value::Null
    );
    let ns = find(&all, "Namespace", "", "data");
    assert_eq!(
        ns["metadata"]["labels"]["strata.dev/lineage"],
        json!("0f0e0d0c-aaaa-4bbb-8ccc-000000000001")
    );
    assert_eq!(
        kafka["metadata"]["annotations"]["strata.dev/address"],
        json!("service.kafka")
    );
}

#[test]
fn jobs_environments_and_routes() {
    let all = rendered(
        r#"
service "gw" {
  cluster = kubernetes_cluster.c
  kind    = "api_gateway"
  zone    = network_zone.dmz
  image   = "kong:3"
}
service "web" {
  cluster = kubernetes_cluster.c
  image   = "web:1"
  expose {
    gateway = service.gw
    host    = "web.example"
    path    = "/shop"
  }
}
job "nightly" {
  cluster     = kubernetes_cluster.c
  schedule    = "0 2 * * *"
  duration    = "1h"
  parallelism = 3
  retries     = 2
  image       = "batch:1"
}
job "once" {
  cluster  = kubernetes_cluster.c
  duration = "10m"
  image    = "batch:1"
}
environment "sit" {
  cluster  = kubernetes_cluster.c
  ttl      = "72h"
  services = [service.web]
  quota {
    cpu    = 4
    memory = "8GiB"
  }
}
"#,
    );
    let cron = find(&all, "CronJob", "app", "nightly");
    assert_eq!(cron["spec"]["schedule"], json!("0 2 * * *"));
    assert_eq!(cron["spec"]["concurrencyPolicy"], json!("Forbid"));
    let spec = &cron["spec"]["jobTemplate"]["spec"];
    assert_eq!(
        (
            spec["parallelism"].clone(),
            spec["completions"].clone(),
            spec["backoffLimit"].clone()
        ),
        (json!(3), json!(3), json!(2))
    );
    assert_eq!(spec["ttlSecondsAfterFinished"], json!(3600));
    assert_eq!(
        find(&all, "Job", "app", "once")["spec"]["template"]["spec"]["restartPolicy"],
        json!("Never")
    );

    let route = find(&all, "HTTPRoute", "app", "web");
    assert_eq!(route["apiVersion"], json!("gateway.networking.k8s.io/v1"));
    assert_eq!(route["spec"]["parentRefs"][0]["name"], json!("gw"));
    assert_eq!(route["spec"]["parentRefs"][0]["namespace"], json!("dmz"));
    assert_eq!(route["spec"]["hostnames"], json!(["web.example"]));
    assert_eq!(
        route["spec"]["rules"][0]["matches"][0]["path"],
        json!({ "type": "PathPrefix", "value": "/shop" })
    );
    assert_eq!(
        route["spec"]["rules"][0]["backendRefs"][0],
        json!({ "name": "web", "port": 8080 })
    );
    let gateway = find(&all, "Gateway", "dmz", "gw");
    assert_eq!(gateway["spec"]["listeners"][0]["protocol"], json!("HTTPS"));

    let ns = find(&all, "Namespace", "", "env-sit");
    assert_eq!(ns["metadata"]["annotations"]["strata.dev/ttl"], json!("3d"));
    let quota = find(&all, "ResourceQuota", "env-sit", "quota");
    assert_eq!(
        quota["spec"]["hard"],
        json!({ "requests.cpu": "4", "limits.cpu": "4", "requests.memory": "8Gi", "limits.memory": "8Gi" })
    );
    let copy = find(&all, "Deployment", "env-sit", "web");
    assert_eq!(
        copy["metadata"]["annotations"]["strata.dev/copy-of"],
        json!("service.web")
    );
    assert_eq!(
        copy["metadata"]["annotations"]["strata.dev/address"],
        json!("environment.sit")
    );
    assert!(
        !all.iter()
            .any(|m| m.kind() == "HTTPRoute" && m.namespace() == "env-sit")
    );
}

#[test]
fn a_service_without_an_image_is_an_error_naming_it() {
    let config = load("service \"x\" {\n  cluster = kubernetes_cluster.c\n}\n");
    let ctx = Ctx {
        config: &config,
        lineage: None,
    };
    let errors = render::render(&ctx, &|_| true).unwrap_err();
    assert_eq!(
        errors,
        vec![MapError::attribute(
            &"service.x".parse().unwrap(),
            "image",
            "a pod needs a container image: set `image`"
        )]
    );
}
