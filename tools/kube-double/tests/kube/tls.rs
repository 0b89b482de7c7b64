//! The double over HTTPS, through kube-rs as a real cluster is reached: the kubeconfig
//! carries the CA as `certificate-authority-data` and a bearer token. A client trusting
//! another CA fails at the TLS handshake; a wrong or missing token gets the server's 401
//! Status body.

use base64::Engine;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube_double::KubeDouble;
use serde_json::Value;

/// A client from a kubeconfig's text.
async fn client(kubeconfig: &str) -> kube::Client {
    let kc = Kubeconfig::from_yaml(kubeconfig).expect("a kubeconfig");
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("a client configuration");
    kube::Client::try_from(config).expect("a client")
}

/// The whole text of an error and its sources.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[tokio::test]
async fn kube_rs_trusts_the_double_through_its_kubeconfig_ca() {
    let double = KubeDouble::start_tls().unwrap();
    assert!(
        double.url().starts_with("https://127.0.0.1:"),
        "{}",
        double.url()
    );
    let pem = double.ca_pem().expect("a CA with TLS");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    assert_eq!(
        std::fs::read_to_string(double.ca_path().unwrap()).unwrap(),
        pem
    );
    let text = std::fs::read_to_string(double.kubeconfig_path()).unwrap();
    let kc = Kubeconfig::from_yaml(&text).unwrap();
    let data = kc.clusters[0]
        .cluster
        .as_ref()
        .and_then(|c| c.certificate_authority_data.clone())
        .expect("certificate-authority-data");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(data)
        .unwrap();
    assert_eq!(decoded, pem.as_bytes());

    let names: Vec<String> = Api::<Namespace>::all(client(&text).await)
        .list(&ListParams::default())
        .await
        .expect("a list over TLS")
        .items
        .into_iter()
        .filter_map(|n| n.metadata.name)
        .collect();
    assert_eq!(
        names,
        ["default", "kube-node-lease", "kube-public", "kube-system"]
    );
    // A localhost URL matches the certificate too.
    let localhost = text.replace("https://127.0.0.1:", "https://localhost:");
    Api::<ConfigMap>::namespaced(client(&localhost).await, "default")
        .list(&ListParams::default())
        .await
        .expect("a list through localhost");
}

#[tokio::test]
async fn a_client_trusting_another_ca_fails_at_the_handshake() {
    let double = KubeDouble::start_tls().unwrap();
    let other = KubeDouble::start_tls().unwrap();
    let encode = |pem: &str| base64::engine::general_purpose::STANDARD.encode(pem);
    let mistrusting = double.kubeconfig().replace(
        &encode(double.ca_pem().unwrap()),
        &encode(other.ca_pem().unwrap()),
    );
    assert_ne!(mistrusting, double.kubeconfig());
    let result = Api::<ConfigMap>::namespaced(client(&mistrusting).await, "default")
        .list(&ListParams::default())
        .await;
    let error = match result {
        Err(kube::Error::Api(s)) => panic!("the server answered: {s:?}"),
        Err(e) => chain(&e),
        Ok(_) => panic!("a client trusting another CA got an answer"),
    };
    // Both CAs are named kube-double-ca: rustls finds the issuer by name, and its
    // signature does not verify (BadSignature; UnknownIssuer for a CA of another name).
    assert!(error.contains("invalid peer certificate"), "{error}");
    assert!(double.requests().is_empty(), "{:?}", double.requests());
}

#[tokio::test]
async fn a_wrong_or_missing_token_gets_the_servers_401_status() {
    let double = KubeDouble::builder()
        .tls()
        .token("right-token")
        .start()
        .unwrap();
    assert_eq!(double.token(), "right-token");
    let expected: Value = serde_json::from_str(
        r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#,
    )
    .unwrap();
    let wrong = double.kubeconfig().replace("right-token", "wrong-token");
    let missing = double
        .kubeconfig()
        .replace("    token: right-token\n", "    {}\n");
    assert!(!missing.contains("right-token"));
    for (what, kubeconfig) in [("wrong", wrong), ("missing", missing)] {
        let request = hyper::Request::get("/api/v1/namespaces/default/configmaps")
            .body(Vec::new())
            .unwrap();
        let response = client(&kubeconfig)
            .await
            .send(request.map(Into::into))
            .await
            .expect("a response");
        assert_eq!(response.status(), 401, "{what}");
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body, expected, "{what}");
    }
    // The right token is let in.
    Api::<ConfigMap>::namespaced(client(&double.kubeconfig()).await, "default")
        .list(&ListParams::default())
        .await
        .expect("the right token");
}
