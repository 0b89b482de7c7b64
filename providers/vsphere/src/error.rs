//! What goes wrong talking to vCenter, and how it reaches the user: a diagnostic naming
//! the object and the attribute, with vCenter's own fault text.

use std::time::Duration;

use blueprint::{Address, Diagnostic};

use crate::soap::{Fault, XmlError};

/// A failure of a vCenter connection or call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum VsphereError {
    /// The server could not be reached.
    #[error("cannot reach vCenter at {url}: {message}. {hint}")]
    Unreachable {
        /// The SDK URL tried.
        url: String,
        /// What the connection reported.
        message: String,
        /// What to check.
        hint: &'static str,
    },
    /// The server's certificate was refused.
    #[error(
        "the certificate of {url} is not trusted: {message}. Give the provider the CA that issued it (ca_file = \"...\"), or, for a lab only, insecure = true"
    )]
    Certificate {
        /// The SDK URL tried.
        url: String,
        /// Why the certificate was refused.
        message: String,
    },
    /// The credentials were refused.
    #[error(
        "vCenter at {url} refused the login of user \"{user}\": {message}. Check user and password (or STRATA_VSPHERE_USER / STRATA_VSPHERE_PASSWORD)"
    )]
    Login {
        /// The SDK URL.
        url: String,
        /// The user name tried.
        user: String,
        /// vCenter's message.
        message: String,
    },
    /// A call failed with a fault.
    #[error("{method}: {fault}")]
    Fault {
        /// The method called.
        method: String,
        /// The fault (boxed: it is the largest part of the error).
        fault: Box<Fault>,
    },
    /// A task ended in error.
    #[error("{task} failed: {fault}")]
    Task {
        /// What the task was doing (`CreateVM_Task`).
        task: String,
        /// The task's error (boxed, as above).
        fault: Box<Fault>,
    },
    /// A task did not finish in time.
    #[error(
        "{task} did not finish within {}s (last progress {progress}%); it may still finish in vCenter: the next plan reads what it did",
        after.as_secs()
    )]
    Timeout {
        /// What the task was doing.
        task: String,
        /// How long was waited.
        after: Duration,
        /// Its last reported progress, in percent.
        progress: i64,
    },
    /// The server answered outside the protocol (an HTTP error without a SOAP fault).
    #[error("{method}: HTTP status {status} from {url}: {body}")]
    Http {
        /// The method called.
        method: String,
        /// The SDK URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// Something the blueprint or the provider names does not exist.
    #[error("{what} \"{name}\" does not exist in {place}; {present}")]
    Missing {
        /// `datacenter`, `cluster`, `datastore`, `network`, `folder`, `template`.
        what: &'static str,
        /// The name looked for.
        name: String,
        /// Where it was looked for (`vCenter at URL`, `datacenter "DC0"`).
        place: String,
        /// What exists instead.
        present: String,
    },
    /// A response was not XML, or not the shape the method returns.
    #[error("{0}")]
    Response(String),
    /// The request is not something this provider does (a disk shrunk).
    #[error("{0}")]
    Unsupported(String),
}

impl From<XmlError> for VsphereError {
    fn from(e: XmlError) -> Self {
        VsphereError::Response(e.to_string())
    }
}

impl VsphereError {
    /// The error as a diagnostic about `field` of `address` (the whole object when empty).
    pub fn at(&self, address: &Address, field: &str) -> Diagnostic {
        let summary = if field.is_empty() {
            "vCenter refused the change".to_string()
        } else {
            format!("vCenter refused {field}")
        };
        Diagnostic::error(None, summary, format!("{address}: {self}"))
    }

    /// The fault of a failed call or task, if it was one.
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            VsphereError::Fault { fault, .. } | VsphereError::Task { fault, .. } => Some(fault),
            _ => None,
        }
    }

    /// True when the server could not be reached (so that the object's state is unknown,
    /// not changed).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, VsphereError::Unreachable { .. })
    }
}

/// "clusters there: a, b" or "there are none".
pub fn listing(kind: &str, names: &[String]) -> String {
    if names.is_empty() {
        format!("there are no {kind} there")
    } else {
        format!("{kind} there: {}", names.join(", "))
    }
}
