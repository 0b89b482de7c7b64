//! `strata import` with the Kubernetes provider, as a Terraform user does it: a service's
//! Namespace, Deployment and Service created by hand (as `kubectl apply` makes them)
//! imported by the Deployment's `NAMESPACE/NAME`; the plan then shows no change while the
//! block matches, an in-place update once it differs; a wrong id, a missing object and an
//! address already in the state refused; destroy removes the imported objects.

use kube::api::{DynamicObject, PostParams};
use serde_json::json;

use crate::lab::{Lab, text};

/// The blueprint around the service: a simulated cluster with a zone `app`.
const PLATFORM: &str = r#"
strata {
  default_provider {
    service = kubernetes
  }
}
site "lab" {}
host_pool "lab" {
  site  = site.lab
  hosts = 3
  host {
    cpu    = 32
    memory = "256GiB"
  }
}
network_zone "app" {
  cidr = "10.40.1.0/24"
}
kubernetes_cluster "lab" {
  pool = host_pool.lab
  zone = network_zone.app
  control_plane {
    count = 1
  }
  node_group "general" {
    count  = 3
    cpu    = 16
    memory = "64GiB"
  }
}
"#;

/// Writes the blueprint: the platform, and service `web` (one replica) when `image` is
/// given.
fn write(lab: &Lab, provider: &str, image: Option<&str>) {
    let service = image.map_or(String::new(), |image| {
        format!(
            "service \"web\" {{\n  cluster  = kubernetes_cluster.lab\n  zone     = network_zone.app\n  replicas = 1\n  image    = \"{image}\"\n  port     = 8080\n}}\n"
        )
    });
    lab.write(provider, |text| {
        let start = text.find("provider \"kubernetes\"").unwrap();
        let end = start + text[start..].find("\n}\n").unwrap() + 3;
        format!("{}{PLATFORM}{service}", &text[start..end])
    });
}

/// Creates `object` (JSON) as `kubectl create` would.
async fn create(
    lab: &Lab,
    api_version: &str,
    kind: &str,
    namespace: Option<&str>,
    object: serde_json::Value,
) {
    let object: DynamicObject = serde_json::from_value(object).unwrap();
    let params = PostParams {
        field_manager: Some("kubectl-create".into()),
        ..PostParams::default()
    };
    let api = match namespace {
        Some(ns) => lab.namespaced(api_version, kind, ns),
        None => lab.api(api_version, kind),
    };
    api.create(&params, &object).await.unwrap();
}

/// The service's objects as an operator writes them, without any of Strata's labels.
async fn create_by_hand(lab: &Lab) {
    let labels = json!({"app.kubernetes.io/name": "web"});
    create(
        lab,
        "v1",
        "Namespace",
        None,
        json!({
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "app"}
        }),
    )
    .await;
    create(
        lab,
        "apps/v1",
        "Deployment",
        Some("app"),
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "app"},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {"containers": [{
                        "name": "main", "image": "nginx:1.27",
                        "ports": [{"name": "serve", "containerPort": 8080}],
                        // The service's default figures, as its block leaves them.
                        "resources": {
                            "requests": {"cpu": "500m", "memory": "1Gi"},
                            "limits": {"cpu": "500m", "memory": "1Gi"}
                        }
                    }]}
                }
            }
        }),
    )
    .await;
    create(lab, "v1", "Service", Some("app"), json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web", "namespace": "app"},
        "spec": {"selector": labels, "ports": [{"name": "serve", "port": 8080, "targetPort": 8080}]}
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn objects_made_by_hand_are_imported_then_planned_and_updated_in_place() {
    let lab = Lab::new("").await;
    write(&lab, "", None);
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    write(&lab, "", Some("nginx:1.27"));

    // Nothing there yet: the object looked for is named.
    let out = lab.strata(&["import", "service.web", "app/web"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("service.web: cannot import \"app/web\"")
            && shown.contains("Deployment app/web does not exist on the cluster"),
        "{shown}"
    );

    create_by_hand(&lab).await;
    // An id that is not the name Strata gives the address: which one it is.
    let out = lab.strata(&["import", "service.web", "default/web"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains(
            "service.web is Deployment app/web on its cluster: its import id is \"app/web\""
        ),
        "{shown}"
    );

    let out = lab.strata(&["import", "service.web", "app/web"]);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains("Imported app/web (id \"service.web\") into service.web"),
        "{shown}"
    );
    // Labelled as Strata's, so that a refresh's one LIST per kind finds them.
    assert!(
        lab.ours("apps/v1", "Deployment")
            .await
            .contains(&"app/web".to_string())
    );
    assert!(
        lab.ours("v1", "Service")
            .await
            .contains(&"app/web".to_string())
    );
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = lab.strata(&["import", "service.web", "app/web"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("service.web is already managed"), "{shown}");

    // The block differs: an in-place update. Fields the hand's field manager owns with
    // other values (the container's resources) are taken with force_conflicts.
    write(&lab, "  force_conflicts = true", Some("nginx:1.28"));
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("service.web will be updated in-place")
            && shown.contains("\"nginx:1.27\" -> \"nginx:1.28\""),
        "{shown}"
    );
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let web = lab
        .namespaced("apps/v1", "Deployment", "app")
        .get("web")
        .await
        .unwrap();
    assert_eq!(
        web.data.pointer("/spec/template/spec/containers/0/image"),
        Some(&json!("nginx:1.28"))
    );
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = lab.strata(&["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lab.everything().await, Vec::<String>::new());
}
