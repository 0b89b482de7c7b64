//! The mapping of blueprints written inline, checked by hand: spread to topology spread
//! constraints, quorum to a PodDisruptionBudget, stateful kinds and volumes to
//! StatefulSets with claims, flows to NetworkPolicy rules; and, for arbitrary names and
//! instance keys, that rendering never panics and every name is a DNS label.

use blueprint::Config;
use kubernetes::{Ctx, Manifest, MapError, names, render};
use proptest::prelude::*;
use serde_json::{Value, json};

const BASE: &str = r#"
network_zone "dmz" { cidr = "10.9.0.0/24" }
network_zone "app" { cidr = "10.9.1.0/24" }
network_zone "data" { cidr = "10.9.2.0/24" }
site "s" {}
host_pool "p" {
  site  = site.s
  hosts = 3
  host {
    cpu    = 64
    memory = "256GiB"
  }
}
storage "fast" {
  type     = "local"
  capacity = "10TiB"
}
kubernetes_cluster "c" {
  pool    = host_pool.p
  zone    = network_zone.app
  storage = storage.fast
  control_plane {}
  node_group "g" {
    count  = 3
    cpu    = 16
    memory = "64GiB"
  }
}
"#;

fn load(extra: &str) -> Config {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), format!("{BASE}\n{extra}")).unwrap();
    let mut sources = blueprint::SourceMap::default();
    let (config, diags) = blueprint::load(dir.path(), &Default::default(), &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    config
}

fn rendered(extra: &str) -> Vec<Manifest> {
    let config = load(extra);
    let ctx = Ctx {
        config: &config,
        lineage: Some("0f0e0d0c-aaaa-4bbb-8ccc-000000000001"),
    };
    render::render(&ctx).unwrap()
}

fn find<'a>(all: &'a [Manifest], kind: &str, namespace: &str, name: &str) -> &'a Value {
    &all.iter()
        .find(|m| m.kind() == kind && m.namespace() == namespace && m.name() == name)
        .unwrap_or_else(|| {
            panic!(
                "no {kind} {namespace}/{name} in {:?}",
                all.iter().map(Manifest::path).collect::<Vec<_>>()
            )
        })
        .object
}

fn has(all: &[Manifest], kind: &str, name: &str) -> bool {
    all.iter().any(|m| m.kind() == kind && m.name() == name)
}

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
fn flows_become_network_policies_with_default_deny() {
    let all = rendered(
        r#"
vm "bastion" {
  pool    = host_pool.p
  zone    = network_zone.dmz
  cpu     = 1
  memory  = "1GiB"
  address = "10.9.0.10"
}
service "api" {
  cluster = kubernetes_cluster.c
  image   = "api:1"
}
service "db" {
  cluster = kubernetes_cluster.c
  kind    = "database"
  zone    = network_zone.data
  image   = "postgres:16"
}
network_policy "api_to_db" {
  from  = service.api
  to    = service.db
  ports = [5432]
}
network_policy "dmz_in" {
  from     = [network_zone.dmz, vm.bastion]
  to       = network_zone.app
  ports    = [53]
  protocol = "any"
}
network_policy "no_dmz_to_data" {
  from   = network_zone.dmz
  to     = network_zone.data
  ports  = []
  action = "deny"
}
network_policy "to_vms_only" {
  from  = network_zone.app
  to    = vm.bastion
  ports = [22]
}
"#,
    );
    let policy = find(&all, "NetworkPolicy", "data", "api-to-db");
    assert_eq!(
        policy["spec"],
        json!({
            "podSelector": { "matchLabels": { "app.kubernetes.io/name": "db" } },
            "policyTypes": ["Ingress"],
            "ingress": [{
                "from": [{
                    "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": "app" } },
                    "podSelector": { "matchLabels": { "app.kubernetes.io/name": "api" } },
                }],
                "ports": [{ "port": 5432, "protocol": "TCP" }],
            }],
        })
    );
    let dmz = find(&all, "NetworkPolicy", "app", "dmz-in");
    assert_eq!(dmz["spec"]["podSelector"], json!({}));
    assert_eq!(
        dmz["spec"]["ingress"][0]["from"],
        json!([
            { "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": "dmz" } } },
            { "ipBlock": { "cidr": "10.9.0.0/24" } },
            { "ipBlock": { "cidr": "10.9.0.10/32" } },
        ])
    );
    assert_eq!(
        dmz["spec"]["ingress"][0]["ports"],
        json!([{ "port": 53, "protocol": "TCP" }, { "port": 53, "protocol": "UDP" }])
    );
    let deny = |ns| find(&all, "NetworkPolicy", ns, "default-deny")["spec"].clone();
    assert_eq!(
        deny("app"),
        json!({ "podSelector": {}, "policyTypes": ["Ingress"] })
    );
    assert_eq!(deny("data"), deny("app"));
    // A deny admits nothing; a policy to VMs only is the VM providers'.
    assert!(!has(&all, "NetworkPolicy", "no-dmz-to-data"));
    assert!(!has(&all, "NetworkPolicy", "to-vms-only"));
    assert_eq!(
        all.iter().filter(|m| m.kind() == "NetworkPolicy").count(),
        4
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
    let errors = render::render(&ctx).unwrap_err();
    assert_eq!(
        errors,
        vec![MapError::attribute(
            &"service.x".parse().unwrap(),
            "image",
            "a pod needs a container image: set `image`"
        )]
    );
}

/// An HCL string literal of `text`.
fn quoted(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap()
        .replace("${", "$${")
        .replace("%{", "%%{")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Arbitrary block names and `for_each` keys: rendering does not panic, every object
    /// name is a DNS label, and two objects share a name only where a collision is
    /// reported.
    #[test]
    fn rendering_arbitrary_names_gives_dns_labels(
        name in "[a-zA-Z_][a-zA-Z0-9_-]{0,70}",
        keys in proptest::collection::btree_set("\\PC{0,40}", 1..5),
    ) {
        let keys: Vec<String> = keys.iter().map(|k| quoted(k)).collect();
        let config = load(&format!(
            "service \"{name}\" {{\n  for_each = toset([{}])\n  cluster = kubernetes_cluster.c\n  image = \"x:1\"\n}}\nenvironment \"{name}\" {{\n  cluster = kubernetes_cluster.c\n  ttl = \"1h\"\n  services = values(service.{name})\n}}\n",
            keys.join(", ")
        ));
        let ctx = Ctx { config: &config, lineage: None };
        match render::render(&ctx) {
            Ok(all) => {
                for m in &all {
                    prop_assert!(names::is_valid(m.name()), "{}", m.name());
                    prop_assert!(m.namespace().is_empty() || names::is_valid(m.namespace()), "{}", m.namespace());
                }
                let mut ids: Vec<_> = all.iter().map(Manifest::identity).collect();
                let before = ids.len();
                ids.dedup();
                prop_assert_eq!(before, ids.len());
            }
            Err(errors) => {
                for e in errors {
                    prop_assert!(matches!(e, MapError::Collision { .. }), "{}", e);
                }
            }
        }
    }
}
