//! A Kubernetes API server double on loopback for the kubernetes provider's tests.
//!
//! It speaks the real REST protocol for the resource types the provider writes
//! (discovery, server-side apply with managed fields, get, list with selectors, watch,
//! delete with propagation, `resourceVersion` conflicts, `Status` bodies) over HTTP or
//! HTTPS (a CA it generates, [`Builder::tls`]) on 127.0.0.1, with a bearer token, and is
//! kept small: no scheduler, no pods, simplified field ownership. docs/providers/kubernetes-double.md says exactly what it
//! does and does not do.
//!
//! ```no_run
//! # fn main() -> std::io::Result<()> {
//! let double = kube_double::KubeDouble::start()?;
//! println!("{} {}", double.url(), double.kubeconfig_path().display());
//! # Ok(()) }
//! ```

mod apply;
mod catalog;
mod commit;
mod controllers;
mod delete;
mod discovery;
mod fields;
mod managed;
mod read;
mod route;
mod selector;
mod server;
mod state;
mod status;
mod store;
mod testing;
mod tls;
mod validate;
mod writes;

pub use state::{Knobs, Request};
pub use testing::{TestCluster, TestClusterError, test_cluster};

use serde_json::json;
use state::State;
use std::path::{Path, PathBuf};
use std::sync::{Arc, MutexGuard};
use std::thread::JoinHandle;

/// The user the double's token authenticates.
const USER: &str = "strata-test";

/// The namespaces every cluster starts with.
const INITIAL_NAMESPACES: &[&str] = &["default", "kube-node-lease", "kube-public", "kube-system"];

/// A running double; it stops (and its kubeconfig is removed) when dropped.
pub struct KubeDouble {
    url: String,
    state: Arc<State>,
    ca_pem: Option<String>,
    dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// How to start a double: [`KubeDouble::builder`], then [`Builder::start`].
#[derive(Default)]
pub struct Builder {
    port: u16,
    tls: bool,
    token: Option<String>,
}

/// Never shows the token.
impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("token", &self.token.as_ref().map(|_| "(sensitive)"))
            .finish()
    }
}

impl Builder {
    /// Serves on 127.0.0.1:`port` (0, the default, for any free port).
    pub fn port(mut self, port: u16) -> Builder {
        self.port = port;
        self
    }

    /// Serves HTTPS with a CA and a server certificate for 127.0.0.1 and localhost
    /// generated now (see [`KubeDouble::ca_pem`]); plain HTTP otherwise.
    pub fn tls(mut self) -> Builder {
        self.tls = true;
        self
    }

    /// The bearer token every request must carry (a random one by default): a request
    /// without it, or with another, gets 401 Unauthorized.
    pub fn token(mut self, token: impl Into<String>) -> Builder {
        self.token = Some(token.into());
        self
    }

    /// Starts the double on its own thread and tokio runtime, and writes its kubeconfig
    /// (and, with TLS, its CA's PEM) into a temporary directory.
    pub fn start(self) -> std::io::Result<KubeDouble> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", self.port))?;
        listener.set_nonblocking(true)?;
        let tls = if self.tls {
            Some(tls::Tls::generate()?)
        } else {
            None
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{}", listener.local_addr()?);
        let token = self
            .token
            .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
        let state = Arc::new(State::new(token, USER.into()));
        seed(&state);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        let served = Arc::clone(&state);
        let acceptor = tls.as_ref().map(|t| t.acceptor.clone());
        let thread = std::thread::Builder::new()
            .name("kube-double".into())
            .spawn(move || runtime.block_on(server::serve(listener, served, acceptor, rx)))?;
        let dir = tempfile::tempdir()?;
        let double = KubeDouble {
            url,
            state,
            ca_pem: tls.map(|t| t.ca_pem),
            dir,
            shutdown: Some(tx),
            thread: Some(thread),
        };
        std::fs::write(double.kubeconfig_path(), double.kubeconfig())?;
        if let (Some(path), Some(pem)) = (double.ca_path(), &double.ca_pem) {
            std::fs::write(path, pem)?;
        }
        Ok(double)
    }
}

impl KubeDouble {
    /// Starts a plain-HTTP double on a free port of 127.0.0.1 and writes its kubeconfig.
    pub fn start() -> std::io::Result<KubeDouble> {
        KubeDouble::builder().start()
    }

    /// Starts an HTTPS double on a free port of 127.0.0.1 (see [`Builder::tls`]).
    pub fn start_tls() -> std::io::Result<KubeDouble> {
        KubeDouble::builder().tls().start()
    }

    /// Starts a plain-HTTP double on 127.0.0.1:`port` (0 for any free port).
    pub fn start_on(port: u16) -> std::io::Result<KubeDouble> {
        KubeDouble::builder().port(port).start()
    }

    /// Options for a double: port, TLS, token.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The server's URL, `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bearer token every request must carry.
    pub fn token(&self) -> &str {
        &self.state.token
    }

    /// The PEM certificate of the CA that issued the server's certificate (TLS only).
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// A file holding [`KubeDouble::ca_pem`] (TLS only), removed with the double.
    pub fn ca_path(&self) -> Option<PathBuf> {
        self.ca_pem.as_ref().map(|_| self.dir.path().join("ca.pem"))
    }

    /// The kubeconfig file (context `kube-double`, namespace `default`, bearer token,
    /// and with TLS the CA as `certificate-authority-data`).
    pub fn kubeconfig_path(&self) -> PathBuf {
        self.dir.path().join("kubeconfig")
    }

    /// The kubeconfig's text.
    pub fn kubeconfig(&self) -> String {
        kubeconfig_yaml(&self.url, &self.state.token, self.ca_pem.as_deref())
    }

    /// The requests to resources received so far (discovery is not logged), in order:
    /// tests count the LISTs and GETs a command makes. Cleared by
    /// [`KubeDouble::clear_requests`].
    pub fn requests(&self) -> Vec<Request> {
        self.state.requests().clone()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.state.requests().clear();
    }

    /// The test knobs (delays, held objects, forbidden namespaces), locked.
    pub fn knobs(&self) -> MutexGuard<'_, Knobs> {
        self.state.knobs()
    }
}

/// Shows the URL and the kubeconfig's place, never the token.
impl std::fmt::Debug for KubeDouble {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KubeDouble")
            .field("url", &self.url)
            .field("kubeconfig", &self.kubeconfig_path())
            .finish_non_exhaustive()
    }
}

impl Drop for KubeDouble {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            // The server may already be gone; there is nothing left to stop then.
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Creates the namespaces a new cluster has.
fn seed(state: &Arc<State>) {
    let rt = catalog::find("", "v1", "namespaces").expect("namespaces are served");
    let mut store = state.store();
    for ns in INITIAL_NAMESPACES {
        let mut obj =
            json!({"metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}}});
        managed::record_update(&mut obj, &serde_json::Value::Null, "kube-apiserver", "v1");
        commit::commit(
            state,
            &mut store,
            rt,
            None,
            obj,
            &commit::WriteOptions::default(),
        )
        .expect("the initial namespaces are valid");
    }
}

/// A kubeconfig for a server URL, bearer token and CA (PEM, for HTTPS), as
/// JSON-compatible YAML.
fn kubeconfig_yaml(url: &str, token: &str, ca_pem: Option<&str>) -> String {
    use base64::Engine;
    let authority = ca_pem.map_or_else(String::new, |pem| {
        let data = base64::engine::general_purpose::STANDARD.encode(pem);
        format!("    certificate-authority-data: {data}\n")
    });
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: kube-double
  cluster:
    server: {url}
{authority}users:
- name: {USER}
  user:
    token: {token}
contexts:
- name: kube-double
  context:
    cluster: kube-double
    user: {USER}
    namespace: default
current-context: kube-double
"
    )
}

/// Copies a kubeconfig to `path` (for the binary, which keeps its own file).
pub fn write_kubeconfig(double: &KubeDouble, path: &Path) -> std::io::Result<()> {
    std::fs::write(path, double.kubeconfig())
}
