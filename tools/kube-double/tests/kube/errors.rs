//! Failures as `kube::Error::Api` with the server's codes, reasons and details:
//! NotFound, AlreadyExists, Conflict, Invalid, Forbidden, Unauthorized.

use crate::common::{apply, cluster, config_map, deployment, drop_namespace, scratch, status};
use http_body_util::BodyExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Service};
use kube::api::{Api, PostParams};
use serde_json::{Value, json};

#[tokio::test]
async fn not_found_is_the_servers_status_body() {
    let c = cluster().await;
    let api: Api<Deployment> = Api::namespaced(c.client.clone(), "default");
    let s = status(api.get("x").await);
    assert_eq!(
        (s.code, s.reason.as_str(), s.message.as_str()),
        (404, "NotFound", "deployments.apps \"x\" not found")
    );
    let request = hyper::Request::get("/apis/apps/v1/namespaces/default/deployments/x")
        .body(Vec::new())
        .unwrap();
    let response = c
        .client
        .send(request.map(Into::into))
        .await
        .expect("a response");
    assert_eq!(response.status(), 404);
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let expected = json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"deployments.apps \"x\" not found","reason":"NotFound",
        "details":{"name":"x","group":"apps","kind":"deployments"},"code":404});
    assert_eq!(body, expected);
}

#[tokio::test]
async fn create_twice_is_already_exists_and_a_stale_replace_is_a_conflict() {
    let (c, ns, api) = scratch::<ConfigMap>().await;
    let cm: ConfigMap = serde_json::from_value(config_map("cm", json!({}))).unwrap();
    let created = api
        .create(&PostParams::default(), &cm)
        .await
        .expect("created");
    let s = status(api.create(&PostParams::default(), &cm).await);
    assert_eq!(
        (s.code, s.reason.as_str(), s.message.as_str()),
        (409, "AlreadyExists", "configmaps \"cm\" already exists")
    );

    let mut fresh = created.clone();
    fresh.data = Some([("k".to_string(), "new".to_string())].into());
    api.replace("cm", &PostParams::default(), &fresh)
        .await
        .expect("replaced at the current version");
    let mut stale = created;
    stale.data = Some([("k".to_string(), "stale".to_string())].into());
    let s = status(api.replace("cm", &PostParams::default(), &stale).await);
    assert_eq!((s.code, s.reason.as_str()), (409, "Conflict"));
    assert!(
        s.message.starts_with(
            "Operation cannot be fulfilled on configmaps \"cm\": the object has been modified"
        ),
        "{}",
        s.message
    );
    drop_namespace(&c.client, &ns).await;
}

#[tokio::test]
async fn invalid_objects_name_the_field() {
    let (c, ns, cms) = scratch::<ConfigMap>().await;
    let s = status(apply(&cms, "Bad_Name", config_map("Bad_Name", json!({}))).await);
    assert_eq!((s.code, s.reason.as_str()), (422, "Invalid"));
    let fields = |s: &kube::core::Status| {
        s.details
            .as_ref()
            .unwrap()
            .causes
            .iter()
            .map(|c| c.field.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(fields(&s), ["metadata.name"]);
    assert!(
        s.message.starts_with(
            "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\""
        ),
        "{}",
        s.message
    );

    let deployments: Api<Deployment> = Api::namespaced(c.client.clone(), &ns);
    let mut no_selector = deployment("web", 1);
    no_selector["spec"]
        .as_object_mut()
        .unwrap()
        .remove("selector");
    let s = status(apply(&deployments, "web", no_selector).await);
    assert_eq!(
        (s.code, fields(&s)),
        (422, vec!["spec.selector".to_string()])
    );
    assert_eq!(s.details.unwrap().causes[0].reason, "FieldValueRequired");

    let mut mismatch = deployment("web", 1);
    mismatch["spec"]["selector"]["matchLabels"]["app"] = json!("other");
    let s = status(apply(&deployments, "web", mismatch).await);
    assert_eq!(
        (s.code, fields(&s)),
        (422, vec!["spec.template.metadata.labels".to_string()])
    );

    let services: Api<Service> = Api::namespaced(c.client.clone(), &ns);
    let no_ports = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}}});
    let s = status(apply(&services, "web", no_ports).await);
    assert_eq!((s.code, fields(&s)), (422, vec!["spec.ports".to_string()]));
    drop_namespace(&c.client, &ns).await;
}

#[tokio::test]
async fn forbidden_namespaces_and_missing_credentials_are_refused() {
    let c = cluster().await;
    let Some(double) = &c.double else {
        eprintln!("skipped: forbidding a namespace needs the double");
        return;
    };
    double.knobs().forbid_namespace("locked");
    let api: Api<Deployment> = Api::namespaced(c.client.clone(), "locked");
    let s = status(apply(&api, "web", deployment("web", 1)).await);
    assert_eq!((s.code, s.reason.as_str()), (403, "Forbidden"));
    assert_eq!(
        s.message,
        "deployments.apps \"web\" is forbidden: User \"strata-test\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"locked\""
    );

    let config = kube::Config::new(double.url().parse().unwrap());
    let anonymous = kube::Client::try_from(config).unwrap();
    let s = status(
        Api::<ConfigMap>::namespaced(anonymous, "default")
            .list(&Default::default())
            .await,
    );
    assert_eq!((s.code, s.reason.as_str()), (401, "Unauthorized"));
}
