//! Drift read from listed objects, without a server: every attribute a hand can change
//! (figures compared as quantities), and nothing Strata does not declare: labels and
//! annotations others add, status, sidecars, and the defaults a real API server fills in.

mod common;

use common::{find, rendered};
use kubernetes::Manifest;
use kubernetes::live::drift::{Drift, approved_fields, drift, set};
use kubernetes::quantity;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const PLATFORM: &str = r#"
service "gw" {
  cluster  = kubernetes_cluster.c
  kind     = "api_gateway"
  zone     = network_zone.dmz
  replicas = 2
  image    = "kong:3"
}
service "orders" {
  cluster  = kubernetes_cluster.c
  replicas = 3
  quorum   = 2
  cpu      = "500m"
  memory   = "1GiB"
  port     = 8080
  image    = "orders:1"
  volume {
    size = "10GiB"
  }
}
network_policy "gw_to_orders" {
  from  = service.gw
  to    = service.orders
  ports = [8080, 8443]
}
job "nightly" {
  cluster  = kubernetes_cluster.c
  schedule = "0 2 * * *"
  duration = "1h"
  cpu      = 1
  memory   = "2GiB"
  image    = "batch:1"
}
environment "sit" {
  cluster  = kubernetes_cluster.c
  ttl      = "72h"
  services = [service.orders]
  quota {
    cpu    = 8
    memory = "16GiB"
  }
}
"#;

/// A quantity spelled as a real server or a person might write the same figure.
fn respell(q: &str) -> String {
    if let Some(milli) = q.strip_suffix('m') {
        return format!("{}", milli.parse::<f64>().unwrap() / 1000.0);
    }
    if let Some(gi) = q.strip_suffix("Gi") {
        return format!("{}Mi", gi.parse::<u64>().unwrap() * 1024);
    }
    match q.parse::<u64>() {
        Ok(n) => format!("{}m", n * 1000),
        Err(_) => q.to_string(),
    }
}

/// Every string in `value` that is a quantity at a figure's place, respelled.
fn respell_all(value: &mut Value, key: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                respell_all(v, k);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| respell_all(v, key)),
        Value::String(s) if key.ends_with("cpu") || key.ends_with("memory") || key == "storage" => {
            *s = respell(s)
        }
        _ => {}
    }
}

/// `manifest` as a real API server lists it: metadata it adds, labels and annotations of
/// other tools, status, defaulted fields, a sidecar injected by a webhook, and figures
/// spelled differently.
fn served(manifest: &Manifest) -> Value {
    let mut live = manifest.object.clone();
    let meta = &mut live["metadata"];
    meta["uid"] = json!("5e0b6a8e-0000-4000-8000-000000000001");
    meta["resourceVersion"] = json!("42");
    meta["generation"] = json!(3);
    meta["labels"]["team"] = json!("payments");
    meta["annotations"]["deployment.kubernetes.io/revision"] = json!("7");
    live["status"] = json!({"observedGeneration": 3, "replicas": 3});
    respell_all(&mut live, "");
    match manifest.kind() {
        "Deployment" | "StatefulSet" => {
            let spec = &mut live["spec"];
            spec["revisionHistoryLimit"] = json!(10);
            let pod = &mut spec["template"]["spec"];
            pod["dnsPolicy"] = json!("ClusterFirst");
            let containers = pod["containers"].as_array_mut().unwrap();
            for c in containers.iter_mut() {
                c["terminationMessagePath"] = json!("/dev/termination-log");
                c["imagePullPolicy"] = json!("IfNotPresent");
                if let Some(ports) = c["ports"].as_array_mut() {
                    ports.iter_mut().for_each(|p| p["protocol"] = json!("TCP"));
                }
            }
            // A mesh's webhook injects its proxy first.
            containers.insert(0, json!({"name": "istio-proxy", "image": "proxyv2:1.22"}));
        }
        "Service" => {
            live["spec"]["clusterIP"] = json!("10.96.0.17");
            live["spec"]["sessionAffinity"] = json!("None");
            for p in live["spec"]["ports"].as_array_mut().unwrap() {
                p["protocol"] = json!("TCP");
            }
        }
        "NetworkPolicy" => {
            // The rule's ports in another order.
            if let Some(ports) = live.pointer_mut("/spec/ingress/0/ports") {
                ports.as_array_mut().unwrap().reverse();
            }
        }
        _ => {}
    }
    live
}

fn prior() -> Map<String, Value> {
    Map::from_iter([("from".to_string(), json!("service.gw"))])
}

fn manifest(all: &[Manifest], kind: &str, namespace: &str, name: &str) -> Manifest {
    Manifest {
        cluster: "c".into(),
        object: find(all, kind, namespace, name).clone(),
    }
}

#[test]
fn what_strata_does_not_declare_is_no_drift() {
    let all = rendered(PLATFORM);
    for m in &all {
        let found = drift(m, &served(m), &prior());
        assert!(found.is_empty(), "{}: {found:?}", m.path());
    }
}

fn one(attribute: &str, live: Value) -> Vec<Drift> {
    vec![Drift::new(attribute, live)]
}

#[test]
fn a_workloads_figures_changed_by_hand_are_drift() {
    let all = rendered(PLATFORM);
    let set_ = manifest(&all, "StatefulSet", "app", "orders");
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut live = served(&set_);
        f(&mut live);
        drift(&set_, &live, &prior())
    };
    let main = "/spec/template/spec/containers/1";
    let put = |p: &'static str, value: Value| {
        move |v: &mut Value| *v.pointer_mut(&format!("{main}{p}")).unwrap() = value.clone()
    };
    assert_eq!(
        edit(&put("/resources/limits/cpu", json!("1"))),
        one("cpu", json!(1))
    );
    assert_eq!(
        edit(&put("/resources/requests/cpu", json!("250m"))),
        one("cpu", json!(0.25))
    );
    assert_eq!(
        edit(&put("/resources/limits/memory", json!("1536Mi"))),
        one("memory", json!("1536MiB"))
    );
    assert_eq!(
        edit(&put("/image", json!("orders:2"))),
        one("image", json!("orders:2"))
    );
    assert_eq!(
        edit(&put("/ports/0/containerPort", json!(9090))),
        one("port", json!(9090))
    );
    assert_eq!(
        edit(&|v: &mut Value| v["spec"]["replicas"] = json!(5)),
        one("replicas", json!(5))
    );
    // The container `main` removed: each of its figures reads as unset.
    let gone = edit(&|v: &mut Value| {
        v.pointer_mut("/spec/template/spec/containers")
            .unwrap()
            .as_array_mut()
            .unwrap()
            .remove(1);
    });
    let names: Vec<&str> = gone.iter().map(|d| d.attribute.as_str()).collect();
    assert_eq!(names, ["image", "cpu", "memory", "port"]);
    assert!(gone.iter().all(|d| d.live.is_null()));
    let claim = "/spec/volumeClaimTemplates/0/spec/resources/requests/storage";
    assert_eq!(
        edit(&|v: &mut Value| *v.pointer_mut(claim).unwrap() = json!("20Gi")),
        one("volume.0.size", json!("20GiB"))
    );

    let service = manifest(&all, "Service", "app", "orders");
    let mut live = served(&service);
    live["spec"]["ports"][0]["port"] = json!(80);
    assert_eq!(drift(&service, &live, &prior()), one("port", json!(80)));
    let budget = manifest(&all, "PodDisruptionBudget", "app", "orders");
    let mut live = served(&budget);
    live["spec"]["minAvailable"] = json!(1);
    assert_eq!(drift(&budget, &live, &prior()), one("quorum", json!(1)));
}

#[test]
fn a_jobs_schedule_and_an_environments_quota_changed_by_hand_are_drift() {
    let all = rendered(PLATFORM);
    let cron = manifest(&all, "CronJob", "app", "nightly");
    let mut live = served(&cron);
    live["spec"]["schedule"] = json!("*/5 * * * *");
    live["spec"]["jobTemplate"]["spec"]["backoffLimit"] = json!(6);
    live["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]
        ["memory"] = json!("4Gi");
    assert_eq!(
        drift(&cron, &live, &prior()),
        [
            Drift::new("schedule", json!("*/5 * * * *")),
            Drift::new("retries", json!(6)),
            Drift::new("memory", json!("4GiB")),
        ]
    );

    let quota = manifest(&all, "ResourceQuota", "env-sit", "quota");
    let mut live = served(&quota);
    live["spec"]["hard"]["limits.cpu"] = json!("16");
    live["spec"]["hard"]["pods"] = json!("20");
    assert_eq!(
        drift(&quota, &live, &prior()),
        one("quota.0.cpu", json!(16))
    );
    let limits = manifest(&all, "LimitRange", "env-sit", "limits");
    let mut live = served(&limits);
    live["spec"]["limits"][0]["max"]["memory"] = json!("32Gi");
    assert_eq!(
        drift(&limits, &live, &prior()),
        one("quota.0.memory", json!("32GiB"))
    );
    // An environment's copy of a service is not the environment's attributes.
    let copy = manifest(&all, "StatefulSet", "env-sit", "orders");
    let mut live = served(&copy);
    live["spec"]["replicas"] = json!(9);
    assert!(drift(&copy, &live, &prior()).is_empty());
}

#[test]
fn a_network_policy_rule_added_or_deleted_by_hand_is_drift() {
    let all = rendered(PLATFORM);
    let policy = manifest(&all, "NetworkPolicy", "app", "gw-to-orders");
    let mut live = served(&policy);
    let anywhere = json!({"ipBlock": {"cidr": "0.0.0.0/0"}});
    live["spec"]["ingress"][0]["from"]
        .as_array_mut()
        .unwrap()
        .push(anywhere);
    assert_eq!(
        drift(&policy, &live, &prior()),
        one(
            "from",
            json!([
                "service.gw",
                "added by hand: {\"ipBlock\":{\"cidr\":\"0.0.0.0/0\"}}"
            ])
        )
    );

    let mut live = served(&policy);
    live["spec"]["ingress"] = json!([]);
    let found = drift(&policy, &live, &prior());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].attribute, "from");
    assert!(
        found[0].live[1]
            .as_str()
            .unwrap()
            .starts_with("deleted by hand: ")
    );

    // A second rule opening port 22 to the same sources.
    let mut live = served(&policy);
    let mut rule = live["spec"]["ingress"][0].clone();
    rule["ports"] = json!([{"protocol": "TCP", "port": 22}]);
    live["spec"]["ingress"].as_array_mut().unwrap().push(rule);
    assert_eq!(
        drift(&policy, &live, &prior()),
        one("ports", json!([22, 8080, 8443]))
    );
    let mut live = served(&policy);
    live["spec"]["ingress"][0]["ports"][0]["protocol"] = json!("UDP");
    assert_eq!(
        drift(&policy, &live, &prior()),
        one("protocol", json!("any"))
    );
}

#[test]
fn drift_sets_the_attribute_and_nested_block_it_names() {
    let mut attrs = Map::from_iter([
        ("cpu".to_string(), json!(0.5)),
        ("quota".to_string(), json!([{"cpu": 8, "memory": "16GiB"}])),
    ]);
    set(&mut attrs, "quota.0.cpu", json!(16));
    set(&mut attrs, "cpu", Value::Null);
    set(&mut attrs, "volume.0.size", json!("20GiB"));
    assert_eq!(
        Value::Object(attrs),
        json!({"quota": [{"cpu": 16, "memory": "16GiB"}]})
    );
}

#[test]
fn only_fields_whose_change_the_plan_shows_may_be_taken_back() {
    let attrs = |pairs: &[(&str, Value)]| {
        Map::from_iter(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())))
    };
    let before = attrs(&[("cpu", json!(1)), ("schedule", json!("0 2 * * *"))]);
    assert!(approved_fields(&before, &before).is_empty());
    let after = attrs(&[("cpu", json!(0.5)), ("schedule", json!("0 2 * * *"))]);
    assert_eq!(
        approved_fields(&before, &after),
        [
            ".spec.jobTemplate.spec.template.spec.containers",
            ".spec.template.spec.containers"
        ]
    );
    let quota = attrs(&[("quota", json!([{"cpu": 16}]))]);
    assert_eq!(
        approved_fields(&quota, &attrs(&[("quota", json!([{"cpu": 8}]))])),
        [".spec.hard", ".spec.limits"]
    );
    // `spread` is not read back as drift: a conflict on it is never taken.
    let spread = attrs(&[("spread", json!("node"))]);
    assert!(approved_fields(&spread, &attrs(&[("spread", json!("host"))])).is_empty());
}

/// A Deployment whose container asks for `cpu` and `memory`, as requests and limits.
fn deployment(cpu: &str, memory: &str) -> Manifest {
    let resources = json!({"cpu": cpu, "memory": memory});
    Manifest {
        cluster: "c".into(),
        object: json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "app"},
            "spec": {"replicas": 1, "template": {"spec": {"containers": [{
                "name": "main", "image": "web:1",
                "resources": {"requests": resources, "limits": resources}
            }]}}}
        }),
    }
}

proptest! {
    #[test]
    fn a_quantity_and_its_equivalent_spellings_never_read_as_drift(
        milli in 1u64..1_000_000,
        kib in 1u64..(1 << 32),
        spelling in 0usize..3,
    ) {
        let manifest = deployment(
            &quantity::cpu(milli as f64 / 1000.0).0,
            &quantity::bytes(kib << 10).0,
        );
        let cpu = [
            format!("{milli}m"),
            bigdecimal::BigDecimal::new(milli.into(), 3).normalized().to_plain_string(),
            format!("{}u", milli * 1000),
        ];
        let memory = [format!("{kib}Ki"), format!("{}", kib << 10), format!("{}e0", kib << 10)];
        let live = deployment(&cpu[spelling], &memory[(spelling + 1) % 3]);
        prop_assert!(drift(&manifest, &live.object, &Map::new()).is_empty());
        let more = deployment(&format!("{}m", milli + 1), &memory[spelling]);
        let found = drift(&manifest, &more.object, &Map::new());
        prop_assert_eq!(found.len(), 1);
        prop_assert_eq!(found[0].attribute.as_str(), "cpu");
    }
}
