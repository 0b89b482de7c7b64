//! What the API server answered, as a diagnostic naming the resource, the Kubernetes
//! object and, where the server says it, the field.

use blueprint::{Address, Diagnostic};

/// One Kubernetes object, as errors name it: `Deployment shop/web`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectRef {
    /// `apps/v1`.
    pub api_version: String,
    /// `Deployment`.
    pub kind: String,
    /// Its namespace; empty for cluster-scoped objects.
    pub namespace: String,
    /// Its name.
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.namespace.as_str() {
            "" => write!(f, "{} {}", self.kind, self.name),
            ns => write!(f, "{} {ns}/{}", self.kind, self.name),
        }
    }
}

/// A failed call or wait of the live provider.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The API server answered with a failure Status.
    #[error("{object}: {}", describe(.status))]
    Api {
        /// The object the call was about.
        object: ObjectRef,
        /// The server's Status.
        status: Box<kube::core::Status>,
    },
    /// The API server could not be reached, or the exchange failed.
    #[error("{object}: the API server could not be reached: {message}")]
    Unreachable {
        /// The object the call was about.
        object: ObjectRef,
        /// kube-rs's account of it.
        message: String,
    },
    /// A rollout that did not become available in time.
    #[error(
        "{object}: the rollout did not become available within {timeout}: {progress}; raise rollout_timeout in the provider block if it is only slow"
    )]
    Rollout {
        /// The Deployment or StatefulSet.
        object: ObjectRef,
        /// The timeout, as the blueprint writes durations.
        timeout: String,
        /// The last progress seen: `1/3 replicas available`.
        progress: String,
    },
    /// Something the mapping or the configuration cannot do.
    #[error("{0}")]
    Other(String),
}

fn describe(status: &kube::core::Status) -> String {
    let causes: Vec<String> = status
        .details
        .iter()
        .flat_map(|d| &d.causes)
        .filter(|c| !c.field.is_empty())
        .map(|c| format!("field {}: {}", c.field, c.message))
        .collect();
    let mut text = format!("{} ({} {})", status.message, status.code, status.reason);
    if !causes.is_empty() {
        text.push_str(&format!("; {}", causes.join("; ")));
    }
    match status.code {
        401 => text.push_str(
            "; the credentials were refused: check the kubeconfig's user or the token setting",
        ),
        403 => text.push_str("; the user lacks the permission: ask for a Role that grants it"),
        409 if status.message.contains("conflict with") => text.push_str(
            "; another field manager owns these fields: set force_conflicts = true in the provider block to take them (as Terraform's field_manager.force_conflicts), or align the blueprint with the cluster",
        ),
        _ => {}
    }
    text
}

impl LiveError {
    /// The error of a call about `object`.
    pub fn call(object: &ObjectRef, error: kube::Error) -> LiveError {
        match error {
            kube::Error::Api(status) => LiveError::Api {
                object: object.clone(),
                status,
            },
            other => LiveError::Unreachable {
                object: object.clone(),
                message: other.to_string(),
            },
        }
    }

    /// The server's Status, when it answered one.
    pub fn status(&self) -> Option<&kube::core::Status> {
        match self {
            LiveError::Api { status, .. } => Some(status),
            _ => None,
        }
    }

    /// True for a 404.
    pub fn is_not_found(&self) -> bool {
        self.status().is_some_and(|s| s.code == 404)
    }

    /// The fields of a server-side apply conflict (`.spec.replicas`), empty otherwise.
    pub fn conflict_fields(&self) -> Vec<String> {
        match self.status() {
            Some(s) if s.code == 409 => s
                .details
                .iter()
                .flat_map(|d| &d.causes)
                .filter(|c| c.reason == "FieldManagerConflict")
                .map(|c| c.field.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// As a diagnostic about the resource at `address`.
    pub fn at(&self, address: &Address) -> Diagnostic {
        let summary = match self {
            LiveError::Api { status, .. } => match status.code {
                401 => "The Kubernetes API server refused the credentials",
                403 => "The Kubernetes API server forbade the change",
                404 => "A Kubernetes object was not found",
                409 => "The Kubernetes API server reported a conflict",
                422 => "The Kubernetes API server found the object invalid",
                _ => "The Kubernetes API server refused the change",
            },
            LiveError::Unreachable { .. } => "The Kubernetes API server could not be reached",
            LiveError::Rollout { .. } => "A rollout did not become available",
            LiveError::Other(_) => "The Kubernetes provider cannot do this",
        };
        Diagnostic::error(None, summary, format!("{address}: {self}"))
    }
}
