//! What goes wrong talking to libvirt, and how it reaches the user: a diagnostic naming
//! the object and the attribute, with libvirt's own message.

use blueprint::{Address, Diagnostic};

/// A failure of a libvirt connection or call.
#[derive(Debug, thiserror::Error)]
pub enum LibvirtError {
    /// The connection could not be opened.
    #[error("cannot connect to {uri}: {message}. {hint}")]
    Connect {
        /// The URI tried.
        uri: String,
        /// libvirt's message.
        message: String,
        /// What to check.
        hint: String,
    },
    /// A call failed.
    #[error("{0}")]
    Call(String),
    /// Something the blueprint names is not on the host.
    #[error("{what} \"{name}\"{of} does not exist on {uri}; {present}")]
    Missing {
        /// `storage pool`, `base image`, `network`.
        what: &'static str,
        /// The name looked for.
        name: String,
        /// Whose it is, as ` (storage.local)`, or empty (boxed: a smaller error).
        of: Box<str>,
        /// The connection (boxed, as `of`).
        uri: Box<str>,
        /// What exists instead.
        present: String,
    },
    /// libvirt returned XML that could not be read.
    #[error(transparent)]
    Xml(#[from] crate::parse::XmlError),
}

impl LibvirtError {
    /// The error as a diagnostic about `field` of `address`. A connection lost in the
    /// middle of the work says so, and what the next apply does about it.
    pub fn at(&self, address: &Address, field: &str) -> Diagnostic {
        if matches!(self, LibvirtError::Call(_)) && self.is_connection() {
            return Diagnostic::error(
                None,
                "lost the connection to libvirtd",
                format!(
                    "{address}: {self}. Once libvirtd answers again, run apply again: it adopts what this run created"
                ),
            );
        }
        let summary = if field.is_empty() {
            "libvirt refused".to_string()
        } else {
            format!("libvirt refused {field}")
        };
        Diagnostic::error(None, summary, format!("{address}: {self}"))
    }

    /// True when the connection itself failed (the daemon went away), so that the next
    /// call opens a new one.
    pub fn is_connection(&self) -> bool {
        match self {
            LibvirtError::Connect { .. } => true,
            LibvirtError::Call(m) => {
                let m = m.to_ascii_lowercase();
                m.contains("client socket is closed")
                    || m.contains("connection reset")
                    || m.contains("broken pipe")
                    || m.contains("end of file while reading")
                    || m.contains("no connection driver")
                    || m.contains("failed to connect socket")
                    || m.contains("cannot recv data")
                    || m.contains("cannot write data")
            }
            _ => false,
        }
    }
}

/// "pools there: a, b" or "there are none".
pub fn listing(kind: &str, names: &[String]) -> String {
    if names.is_empty() {
        format!("there are no {kind} there")
    } else {
        format!("{kind} there: {}", names.join(", "))
    }
}

/// What to check when a connection fails, from libvirt's message.
pub fn connect_hint(message: &str) -> String {
    let m = message.to_ascii_lowercase();
    if m.contains("no such file") || m.contains("failed to connect socket") {
        "libvirtd is not running there (or its socket is elsewhere): start it (`libvirtd -d`, or `systemctl start libvirtd`), or set uri in the provider block or LIBVIRT_DEFAULT_URI".into()
    } else if m.contains("connection refused") {
        "the host refused the connection: check that libvirtd listens there (for TCP or TLS, its listen_tcp/listen_tls settings) and that no firewall is in the way".into()
    } else if m.contains("auth") || m.contains("permission denied") || m.contains("access denied") {
        "the connection was not authorised: check username and password (or STRATA_LIBVIRT_USERNAME / STRATA_LIBVIRT_PASSWORD), or the user's access to the socket".into()
    } else if m.contains("no route")
        || m.contains("timed out")
        || m.contains("name or service not known")
        || m.contains("unreachable")
    {
        "the host cannot be reached: check the host name in uri and the network path to it".into()
    } else {
        "check the uri setting".into()
    }
}
