//! The live provider's settings for a cluster handed over by reference (Terraform's names):
//! `cluster_ca_certificate` PEM read into the DER kube-rs trusts, a client certificate and
//! key as kube-rs's user, `insecure`, and errors that name the setting and never quote the
//! key or the token.

use std::collections::BTreeMap;

use blueprint::providers::{Resolved, Setting, Source};
use kubernetes::live::Settings;

fn resolved(settings: &[(&str, &str)]) -> Resolved {
    Resolved {
        name: "kubernetes".into(),
        alias: None,
        settings: settings
            .iter()
            .map(|(name, value)| {
                let setting = Setting {
                    value: value.to_string(),
                    source: Source::Blueprint,
                    sensitive: matches!(*name, "token" | "client_key"),
                };
                (name.to_string(), setting)
            })
            .collect::<BTreeMap<_, _>>(),
    }
}

fn pem(tag: &str, contents: &[u8]) -> String {
    pem::encode(&pem::Pem::new(tag, contents.to_vec()))
}

const KEY: &str =
    "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n";

#[tokio::test]
async fn a_handed_over_cluster_is_trusted_by_its_ca_and_reached_with_its_credentials() {
    // Two certificates (a chain) and something else, as a CA bundle may hold.
    let bundle = format!(
        "{}{}{}",
        pem("CERTIFICATE", b"first-der"),
        pem("X509 CRL", b"not-a-certificate"),
        pem("CERTIFICATE", b"second-der")
    );
    let certificate = pem("CERTIFICATE", b"client-der");
    let settings = Settings::from_resolved(
        &resolved(&[
            ("host", "https://10.40.1.10:6443"),
            ("cluster_ca_certificate", &bundle),
            ("token", "t0ken-canary"),
            ("client_certificate", &certificate),
            ("client_key", KEY),
        ]),
        "lineage",
    )
    .unwrap();
    assert_eq!(
        settings.cluster_ca,
        Some(vec![b"first-der".to_vec(), b"second-der".to_vec()])
    );
    let shown = format!("{settings:?}");
    assert!(
        !shown.contains("t0ken-canary") && !shown.contains("c2VjcmV0"),
        "{shown}"
    );
    let config = settings.kube_config().await.unwrap();
    assert_eq!(config.cluster_url.to_string(), "https://10.40.1.10:6443/");
    assert_eq!(
        config.root_cert,
        Some(vec![b"first-der".to_vec(), b"second-der".to_vec()])
    );
    assert!(!config.accept_invalid_certs);
    let user = &config.auth_info;
    assert!(user.token.is_some());
    use base64::Engine;
    let decode = |b64: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap()
    };
    let cert = user.client_certificate_data.as_deref().unwrap();
    assert_eq!(decode(cert), certificate.as_bytes());
    assert!(user.client_key_data.is_some());
}

#[tokio::test]
async fn insecure_accepts_any_certificate() {
    let settings = Settings::from_resolved(
        &resolved(&[("host", "https://10.40.1.10:6443"), ("insecure", "true")]),
        "lineage",
    )
    .unwrap();
    assert!(settings.kube_config().await.unwrap().accept_invalid_certs);
}

#[test]
fn bad_pem_is_an_error_naming_the_setting_and_never_quoting_the_key() {
    let error = |settings: &[(&str, &str)]| {
        let mut all = vec![("host", "https://10.40.1.10:6443")];
        all.extend_from_slice(settings);
        Settings::from_resolved(&resolved(&all), "l").unwrap_err()
    };
    let e = error(&[("cluster_ca_certificate", "kubernetes-cluster-id-42")]);
    assert!(e.starts_with("cluster_ca_certificate "), "{e}");
    let e = error(&[("cluster_ca_certificate", &pem("PRIVATE KEY", b"k"))]);
    assert!(
        e.contains("cluster_ca_certificate holds no certificate"),
        "{e}"
    );
    let certificate = pem("CERTIFICATE", b"client-der");
    let e = error(&[("client_certificate", &certificate)]);
    assert!(e.contains("client_certificate needs client_key"), "{e}");
    let e = error(&[("client_key", KEY)]);
    assert!(e.contains("client_key needs client_certificate"), "{e}");
    let not_a_key = "s3cret-but-not-pem";
    let e = error(&[
        ("client_certificate", &certificate),
        ("client_key", not_a_key),
    ]);
    assert!(e.contains("client_key is not a PEM private key"), "{e}");
    assert!(!e.contains(not_a_key), "{e}");
    let e = error(&[("client_certificate", "junk"), ("client_key", KEY)]);
    assert!(e.starts_with("client_certificate "), "{e}");
}
