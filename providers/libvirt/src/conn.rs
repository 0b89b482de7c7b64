//! One libvirt connection shared by every call of a run: opened with the configuration's
//! URI and credentials, reopened after the daemon went away, every call counted (the
//! benchmark reports calls per plan) and run off the async threads (libvirt's calls
//! block).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use virt::connect::{Connect, ConnectAuth, ConnectCredential, ConnectCredentialType};

use crate::error::{LibvirtError, connect_hint};
use crate::settings::Settings;

/// A live connection and the counter of its calls, handed to the work of one operation.
pub struct Rpc<'a> {
    conn: &'a Connect,
    calls: &'a AtomicU64,
    /// The connection URI, for messages.
    pub uri: &'a str,
}

impl Rpc<'_> {
    /// Makes one libvirt call (one round trip to the daemon), counted.
    pub fn call<T>(
        &self,
        f: impl FnOnce(&Connect) -> Result<T, virt::error::Error>,
    ) -> Result<T, LibvirtError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        f(self.conn).map_err(|e| LibvirtError::Call(e.message().to_string()))
    }

    /// Counts calls made on objects (a domain's, a pool's) rather than the connection.
    pub fn on<T>(
        &self,
        f: impl FnOnce() -> Result<T, virt::error::Error>,
    ) -> Result<T, LibvirtError> {
        self.call(|_| f())
    }
}

/// The connection of one provider configuration.
pub struct Conn {
    settings: Settings,
    live: Mutex<Option<Arc<Connect>>>,
    calls: AtomicU64,
}

/// The credentials the authentication callback hands out. The bindings take a plain
/// function, so they reach it through this slot, filled only while a connection opens.
static CREDENTIALS: Mutex<Option<(Option<String>, Option<String>)>> = Mutex::new(None);

fn answer(creds: &mut Vec<ConnectCredential>) {
    let held = CREDENTIALS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
        .unwrap_or_default();
    for cred in creds {
        cred.result = match cred.typed {
            ConnectCredentialType::UserName | ConnectCredentialType::AuthName => held.0.clone(),
            ConnectCredentialType::Passphrase | ConnectCredentialType::NoEchoPrompt => {
                held.1.clone()
            }
            _ => None,
        };
    }
}

impl Conn {
    /// Opens the connection (blocking).
    pub fn open(settings: Settings) -> Result<Conn, LibvirtError> {
        // libvirt prints every error to standard error by default; Strata reports them
        // itself, as diagnostics.
        virt::error::clear_error_callback();
        let conn = Conn {
            live: Mutex::new(None),
            calls: AtomicU64::new(0),
            settings,
        };
        conn.connection()?;
        Ok(conn)
    }

    /// libvirt calls made so far.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    fn connection(&self) -> Result<Arc<Connect>, LibvirtError> {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(conn) = live.as_ref() {
            return Ok(conn.clone());
        }
        let uri = &self.settings.uri;
        self.calls.fetch_add(1, Ordering::Relaxed);
        let opened = if self.settings.username.is_some() || self.settings.password.is_some() {
            let mut slot = CREDENTIALS.lock().unwrap_or_else(PoisonError::into_inner);
            *slot = Some((
                self.settings.username.clone(),
                self.settings.password.clone(),
            ));
            drop(slot);
            let mut auth = ConnectAuth::new(
                vec![
                    ConnectCredentialType::UserName,
                    ConnectCredentialType::AuthName,
                    ConnectCredentialType::Passphrase,
                    ConnectCredentialType::NoEchoPrompt,
                ],
                answer,
            );
            let opened = Connect::open_auth(Some(uri), &mut auth, 0);
            *CREDENTIALS.lock().unwrap_or_else(PoisonError::into_inner) = None;
            opened
        } else {
            Connect::open(Some(uri))
        };
        let conn = Arc::new(opened.map_err(|e| LibvirtError::Connect {
            uri: uri.clone(),
            message: e.message().to_string(),
            hint: connect_hint(e.message()),
        })?);
        *live = Some(conn.clone());
        Ok(conn)
    }

    /// Runs `work` with the connection on a blocking thread. When the connection failed
    /// under it, the next run opens a new one.
    pub async fn run<T, F>(self: &Arc<Self>, work: F) -> Result<T, LibvirtError>
    where
        T: Send + 'static,
        F: FnOnce(&Rpc) -> Result<T, LibvirtError> + Send + 'static,
    {
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let conn = me.connection()?;
            let rpc = Rpc {
                conn: &conn,
                calls: &me.calls,
                uri: &me.settings.uri,
            };
            let result = work(&rpc);
            if let Err(e) = &result
                && e.is_connection()
            {
                // Closing a connection whose daemon went away can fail, and the bindings
                // panic when a close fails: the dead handle is left unclosed instead.
                if let Some(dead) = me
                    .live
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take()
                {
                    std::mem::forget(dead);
                }
            }
            result
        })
        .await
        .unwrap_or_else(|e| Err(LibvirtError::Call(format!("a libvirt call stopped: {e}"))))
    }
}

/// For the benchmark: when `STRATA_LIBVIRT_CALLS_FILE` names a file, the number of libvirt
/// calls the run made is appended to it as the connection closes.
impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(path) = std::env::var_os("STRATA_LIBVIRT_CALLS_FILE") {
            use std::io::Write;
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
            {
                let _ = writeln!(f, "{}", self.calls());
            }
        }
    }
}
