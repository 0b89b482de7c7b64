//! The live provider's settings, from a resolved `provider "kubernetes"` block, and the
//! kube-rs client they make.

use std::path::PathBuf;
use std::time::Duration;

use blueprint::providers::Resolved;
use kube::config::{KubeConfigOptions, Kubeconfig};

/// How one Kubernetes configuration (one cluster) connects and behaves.
#[derive(Clone)]
pub struct Settings {
    /// `kubernetes`, `kubernetes.lab`: how diagnostics name the configuration.
    pub key: String,
    /// The kubeconfig file; kube-rs's default (`KUBECONFIG`, `~/.kube/config`) when unset.
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context; the file's current context when unset.
    pub context: Option<String>,
    /// The pod's service account instead of a kubeconfig.
    pub in_cluster: bool,
    /// The API server's URL, overriding the kubeconfig's.
    pub host: Option<String>,
    /// A bearer token, overriding the kubeconfig's user (never printed).
    pub token: Option<String>,
    /// Take fields another field manager owns (Terraform's `field_manager.force_conflicts`,
    /// false by default).
    pub force_conflicts: bool,
    /// How long a Deployment or StatefulSet may take to become available.
    pub rollout_timeout: Duration,
    /// The state's lineage, the label the provider lists its objects by.
    pub lineage: String,
}

/// Never shows the token.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("key", &self.key)
            .field("kubeconfig", &self.kubeconfig)
            .field("context", &self.context)
            .field("in_cluster", &self.in_cluster)
            .field("host", &self.host)
            .field("token", &self.token.as_ref().map(|_| "(sensitive)"))
            .field("force_conflicts", &self.force_conflicts)
            .field("rollout_timeout", &self.rollout_timeout)
            .finish()
    }
}

impl Settings {
    /// The settings of a resolved configuration, for the state with `lineage`; the error
    /// says which setting is wrong.
    pub fn from_resolved(resolved: &Resolved, lineage: &str) -> Result<Settings, String> {
        let get = |name: &str| {
            resolved
                .get(name)
                .map(str::to_string)
                .filter(|v| !v.is_empty())
        };
        let rollout = get("rollout_timeout").unwrap_or_else(|| "10m".into());
        let rollout_timeout = blueprint::units::parse_duration(&rollout)
            .map(Duration::from_millis)
            .map_err(|e| format!("rollout_timeout: {}", e.message))?;
        Ok(Settings {
            key: resolved.key(),
            kubeconfig: get("kubeconfig").map(PathBuf::from),
            context: get("context"),
            in_cluster: get("in_cluster").as_deref() == Some("true"),
            host: get("host"),
            token: get("token"),
            force_conflicts: get("force_conflicts").as_deref() == Some("true"),
            rollout_timeout,
            lineage: lineage.to_string(),
        })
    }

    /// The kube-rs configuration: in-cluster, or the kubeconfig's context, with `host`
    /// and `token` over it.
    pub async fn kube_config(&self) -> Result<kube::Config, String> {
        let mut config = if self.in_cluster {
            kube::Config::incluster().map_err(|e| format!("in-cluster configuration: {e}"))?
        } else if self.kubeconfig.is_none() && self.context.is_none() && self.host.is_some() {
            let host = self.host.as_deref().unwrap_or_default();
            kube::Config::new(host.parse().map_err(|e| format!("host \"{host}\": {e}"))?)
        } else {
            let options = KubeConfigOptions {
                context: self.context.clone(),
                ..KubeConfigOptions::default()
            };
            let file = match &self.kubeconfig {
                Some(path) => Kubeconfig::read_from(path)
                    .map_err(|e| format!("kubeconfig {}: {e}", path.display()))?,
                None => Kubeconfig::read().map_err(|e| format!("kubeconfig: {e}"))?,
            };
            kube::Config::from_custom_kubeconfig(file, &options)
                .await
                .map_err(|e| match &self.context {
                    Some(c) => format!("kubeconfig context \"{c}\": {e}"),
                    None => format!("kubeconfig: {e}"),
                })?
        };
        if let Some(host) = &self.host {
            config.cluster_url = host.parse().map_err(|e| format!("host \"{host}\": {e}"))?;
        }
        if let Some(token) = &self.token {
            config.auth_info = kube::config::AuthInfo {
                token: Some(token.clone().into()),
                ..kube::config::AuthInfo::default()
            };
        }
        config.connect_timeout = Some(Duration::from_secs(10));
        config.read_timeout = Some(Duration::from_secs(60));
        Ok(config)
    }
}
