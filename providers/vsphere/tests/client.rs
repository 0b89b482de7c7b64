//! The SOAP client against the vSphere simulator: sessions, re-login, faults, bulk
//! retrieval, certificates.

use std::time::Duration;

use vsphere::collector::{Props, Start};
use vsphere::soap::{El, Moref};
use vsphere::vcsim::{PASSWORD, USER, Vcsim};
use vsphere::{Client, Connection, VsphereError};

fn at(url: &str) -> Connection {
    Connection {
        url: url.to_string(),
        user: USER.into(),
        password: PASSWORD.into(),
        insecure: false,
        ca_file: None,
        max_concurrent: 4,
        call_timeout: Duration::from_secs(30),
    }
}

#[tokio::test]
async fn logs_in_and_reads_the_service_content() {
    let Some(sim) = Vcsim::start("logs_in_and_reads_the_service_content", &[]) else {
        return;
    };
    let client = Client::connect(&at(&sim.url)).await.unwrap();
    assert_eq!(client.content().api_type, "VirtualCenter");
    assert!(client.content().full_name.contains("vCenter"));
    assert_eq!(client.calls(), 2, "RetrieveServiceContent and Login");
    assert!(!client.session_key().is_empty());
    client.logout().await;
}

#[tokio::test]
async fn wrong_credentials_name_the_user_not_the_password() {
    let Some(sim) = Vcsim::start("wrong_credentials_name_the_user_not_the_password", &[]) else {
        return;
    };
    let mut c = at(&sim.url);
    c.password = "not-the-password-4711".into();
    let e = Client::connect(&c).await.unwrap_err();
    assert!(matches!(e, VsphereError::Login { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("refused the login of user \"user\""),
        "{text}"
    );
    assert!(text.contains("Login failure"), "vCenter's text: {text}");
    assert!(!text.contains("4711"), "{text}");
}

#[tokio::test]
async fn an_unreachable_vcenter_says_what_to_check() {
    let e = Client::connect(&at("http://127.0.0.1:1/sdk"))
        .await
        .unwrap_err();
    assert!(e.is_unreachable(), "{e:?}");
    assert!(e.to_string().contains("nothing listens there"), "{e}");
}

/// An administrator ends the session (as vCenter does to an idle one): the next call logs
/// in again and succeeds.
#[tokio::test]
async fn a_terminated_session_logs_in_again() {
    let Some(sim) = Vcsim::start("a_terminated_session_logs_in_again", &[]) else {
        return;
    };
    let client = Client::connect(&at(&sim.url)).await.unwrap();
    let admin = Client::connect(&at(&sim.url)).await.unwrap();
    let key = client.session_key();
    admin
        .call(
            "TerminateSession",
            &admin.content().session_manager,
            &[El::text("sessionId", &key)],
        )
        .await
        .unwrap();
    let before = client.calls();
    let root = client.content().root_folder.clone();
    let name = client.property(&root, "name").await.unwrap();
    assert_eq!(name.map(|n| n.text).as_deref(), Some("Datacenters"));
    assert_ne!(client.session_key(), key, "a new session");
    assert_eq!(
        client.calls() - before,
        3,
        "refused call, login, the call again"
    );
    admin.logout().await;
    client.logout().await;
}

/// Sessions idle longer than the server allows expire; the client logs in again.
#[tokio::test]
async fn an_expired_session_logs_in_again() {
    let Some(sim) = Vcsim::start("an_expired_session_logs_in_again", &["-idle", "1s"]) else {
        return;
    };
    let client = Client::connect(&at(&sim.url)).await.unwrap();
    let key = client.session_key();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let root = client.content().root_folder.clone();
    assert!(client.property(&root, "name").await.unwrap().is_some());
    assert_ne!(client.session_key(), key, "a new session");
}

#[tokio::test]
async fn retrieval_skips_objects_that_are_gone() {
    let Some(sim) = Vcsim::start("retrieval_skips_objects_that_are_gone", &[]) else {
        return;
    };
    let client = Client::connect(&at(&sim.url)).await.unwrap();
    let root = client.content().root_folder.clone();
    let hosts = client
        .contents(
            &root,
            &[Props {
                kind: "HostSystem",
                paths: &["name", "summary.hardware.numCpuCores"],
            }],
        )
        .await
        .unwrap();
    assert!(hosts.len() >= 4, "{hosts:?}");
    assert!(
        hosts
            .iter()
            .all(|h| h.int("summary.hardware.numCpuCores").is_some())
    );
    let mut starts: Vec<Start> = hosts
        .iter()
        .map(|h| Start::object(h.obj.clone().unwrap()))
        .collect();
    starts.insert(1, Start::object(Moref::new("HostSystem", "host-gone")));
    let props = [Props {
        kind: "HostSystem",
        paths: &["name"],
    }];
    let e = client.retrieve(&starts, &props).await.unwrap_err();
    assert_eq!(
        e.fault().map(|f| f.kind.as_str()),
        Some("ManagedObjectNotFound")
    );
    let got = client.retrieve_existing(&starts, &props).await.unwrap();
    assert_eq!(got.len(), hosts.len());
    client.logout().await;
}

#[tokio::test]
async fn a_failed_task_carries_vcenters_text() {
    let Some(sim) = Vcsim::start("a_failed_task_carries_vcenters_text", &[]) else {
        return;
    };
    let client = Client::connect(&at(&sim.url)).await.unwrap();
    let root = client.content().root_folder.clone();
    let templates = client
        .contents(
            &root,
            &[Props {
                kind: "VirtualMachine",
                paths: &["name", "config.template"],
            }],
        )
        .await
        .unwrap();
    let template = templates
        .iter()
        .find(|v| v.text("name") == Some("template-linux"))
        .and_then(|v| v.obj.clone())
        .expect("the simulator's template");
    let e = client
        .run_task("PowerOffVM_Task", &template, &[], Duration::from_secs(10))
        .await
        .unwrap_err();
    assert!(matches!(e, VsphereError::Task { .. }), "{e:?}");
    assert!(e.to_string().starts_with("PowerOffVM_Task failed: "), "{e}");
    client.logout().await;
}

#[tokio::test]
async fn certificates_are_verified() {
    let Some(sim) = Vcsim::start("certificates_are_verified", &["-tls"]) else {
        return;
    };
    let Some(other) = Vcsim::start("certificates_are_verified", &["-tls"]) else {
        return;
    };
    assert!(sim.url.starts_with("https://"));
    let e = Client::connect(&at(&sim.url)).await.unwrap_err();
    assert!(matches!(e, VsphereError::Certificate { .. }), "{e:?}");
    assert!(e.to_string().contains("ca_file"), "{e}");
    let mut wrong = at(&sim.url);
    wrong.ca_file = Some(other.ca_file());
    let e = Client::connect(&wrong).await.unwrap_err();
    assert!(matches!(e, VsphereError::Certificate { .. }), "{e:?}");
    let mut right = at(&sim.url);
    right.ca_file = Some(sim.ca_file());
    Client::connect(&right).await.unwrap().logout().await;
    let mut lab = at(&sim.url);
    lab.insecure = true;
    Client::connect(&lab).await.unwrap().logout().await;
}
