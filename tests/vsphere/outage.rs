//! vCenter out of reach in the middle of an apply, then back: the apply fails saying so,
//! the state records exactly VMs that exist, and the next apply finishes the work without
//! duplicates. The outage is a TCP relay between strata and the simulator that the test
//! closes (connections cut, the port refusing) and opens again on the same port, so that
//! the simulator keeps its inventory (stopping it loses it: main.rs's test).

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use crate::lab::{Lab, text};

/// A TCP relay to `upstream` on a port of its own, which can be closed and opened again.
struct Relay {
    upstream: SocketAddr,
    port: u16,
    serving: Option<JoinHandle<()>>,
}

impl Relay {
    async fn start(upstream: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut relay = Relay {
            upstream,
            port,
            serving: None,
        };
        relay.serve(listener);
        relay
    }

    fn serve(&mut self, listener: TcpListener) {
        let upstream = self.upstream;
        self.serving = Some(tokio::spawn(async move {
            // Dropped with this task when the relay closes: every connection is cut.
            let mut connections = JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                connections.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }

    /// Cuts every connection; the port refuses new ones.
    async fn close(&mut self) {
        if let Some(task) = self.serving.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens on the same port again.
    async fn open(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.serve(listener);
    }
}

/// The VM ids (`VirtualMachine:vm-12`) a state lists, by `strata state pull`.
fn state_vm_ids(lab: &Lab) -> BTreeSet<String> {
    let out = lab.strata(&["state", "pull"]);
    assert!(out.status.success(), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ids = BTreeSet::new();
    collect_ids(&doc, &mut ids);
    ids
}

/// Every string `id` value under `doc` that names a VM.
fn collect_ids(doc: &serde_json::Value, ids: &mut BTreeSet<String>) {
    match doc {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v.as_str() {
                    Some(id) if k == "id" && id.starts_with("VirtualMachine:") => {
                        ids.insert(id.to_string());
                    }
                    _ => collect_ids(v, ids),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_ids(v, ids)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn vcenter_out_of_reach_mid_apply_then_back_finishes_without_duplicates() {
    let Some(lab) = Lab::new("vcenter_out_of_reach_mid_apply") else {
        return;
    };
    let dir = lab.blueprint(24);
    let upstream: SocketAddr = lab
        .sim
        .url
        .trim_start_matches("http://")
        .trim_end_matches("/sdk")
        .parse()
        .unwrap();
    let mut relay = Relay::start(upstream).await;
    let main = std::fs::read_to_string(dir.join("main.hcl")).unwrap();
    let through = format!("http://127.0.0.1:{}/sdk", relay.port);
    std::fs::write(dir.join("main.hcl"), main.replace(&lab.sim.url, &through)).unwrap();
    let client = lab.client().await;

    let child = lab
        .command(&["apply", "-auto-approve"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while crate::on(&lab, &client).await < 4 && start.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    relay.close().await;
    let out = child.wait_with_output().unwrap();
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(shown.contains("cannot reach vCenter"), "{shown}");

    // The state records VMs that exist, and not all of them.
    let recorded = state_vm_ids(&lab);
    let existing: BTreeSet<String> = lab
        .ours(&client, "VirtualMachine", &["name"])
        .await
        .iter()
        .filter_map(|v| Some(v.obj.as_ref()?.to_string()))
        .collect();
    let listed = text(&lab.strata(&["state", "pull"]));
    assert!(
        !recorded.is_empty() && recorded.len() < 24,
        "{recorded:?}\n{listed}\n{shown}"
    );
    assert!(recorded.is_subset(&existing), "{recorded:?} {existing:?}");

    // vCenter back: the next apply adopts what the cut one made and creates the rest.
    relay.open().await;
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let vms = lab.ours(&client, "VirtualMachine", &["name"]).await;
    let names: BTreeSet<&str> = vms.iter().filter_map(|v| v.text("name")).collect();
    assert_eq!(vms.len(), 24, "{names:?}");
    assert_eq!(names.len(), 24, "no duplicates: {names:?}");
    let ids: BTreeSet<String> = vms
        .iter()
        .filter_map(|v| Some(v.obj.as_ref()?.to_string()))
        .collect();
    assert_eq!(state_vm_ids(&lab), ids);
    assert!(existing.is_subset(&ids), "what the cut apply made is kept");
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    relay.close().await;
}
