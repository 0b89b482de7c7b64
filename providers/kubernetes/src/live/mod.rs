//! The live provider: the manifests of [`crate::manifests`] applied to a cluster with
//! kube-rs ([`KubernetesProvider`]). See docs/providers/kubernetes.md, "Live provider".

pub mod apply;
pub mod delete;
pub mod drift;
pub mod error;
pub mod import;
pub mod known;
pub mod objects;
pub mod provider;
pub mod refresh;
pub mod rollout;
pub mod settings;

pub use error::{LiveError, ObjectRef};
pub use provider::KubernetesProvider;
pub use settings::Settings;
