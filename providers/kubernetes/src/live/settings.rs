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
    /// The CA certificates the API server's certificate is checked against, DER, from
    /// the PEM text of `cluster_ca_certificate`; overriding the kubeconfig's.
    pub cluster_ca: Option<Vec<Vec<u8>>>,
    /// A client certificate and its private key, PEM, for TLS authentication, overriding
    /// the kubeconfig's user (the key is never printed).
    pub client_identity: Option<ClientIdentity>,
    /// Accept any certificate from the API server.
    pub insecure: bool,
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
            .field("cluster_ca", &self.cluster_ca.as_ref().map(Vec::len))
            .field("client_identity", &self.client_identity.is_some())
            .field("insecure", &self.insecure)
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
            cluster_ca: get("cluster_ca_certificate")
                .map(|pem| certificates("cluster_ca_certificate", &pem))
                .transpose()?,
            client_identity: ClientIdentity::from_settings(
                get("client_certificate"),
                get("client_key"),
            )?,
            insecure: get("insecure").as_deref() == Some("true"),
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
        if self.token.is_some() || self.client_identity.is_some() {
            config.auth_info = self.auth_info();
        }
        if let Some(certs) = &self.cluster_ca {
            config.root_cert = Some(certs.clone());
        }
        config.accept_invalid_certs |= self.insecure;
        config.connect_timeout = Some(Duration::from_secs(10));
        config.read_timeout = Some(Duration::from_secs(60));
        Ok(config)
    }
}

impl Settings {
    /// The user the settings give: the token and the client certificate, in kube-rs's
    /// kubeconfig form (its `client-certificate-data` and `client-key-data` are base64 of
    /// the PEM text).
    fn auth_info(&self) -> kube::config::AuthInfo {
        use base64::Engine;
        let base64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
        let identity = self.client_identity.as_ref();
        kube::config::AuthInfo {
            token: self.token.clone().map(Into::into),
            client_certificate_data: identity.map(|i| base64(&i.certificate)),
            client_key_data: identity.map(|i| base64(&i.key).into()),
            ..kube::config::AuthInfo::default()
        }
    }
}

/// A client certificate and its private key, PEM text each.
#[derive(Clone)]
pub struct ClientIdentity {
    /// The certificate (chain).
    pub certificate: String,
    /// Its private key: never printed.
    pub key: String,
}

impl ClientIdentity {
    /// The identity of `client_certificate` and `client_key`: both or neither, each PEM
    /// of the right kind. The error names the setting and never quotes the key.
    fn from_settings(
        certificate: Option<String>,
        key: Option<String>,
    ) -> Result<Option<ClientIdentity>, String> {
        match (certificate, key) {
            (None, None) => Ok(None),
            (Some(_), None) => Err("client_certificate needs client_key, its private key".into()),
            (None, Some(_)) => {
                Err("client_key needs client_certificate, the certificate it goes with".into())
            }
            (Some(certificate), Some(key)) => {
                certificates("client_certificate", &certificate)?;
                let is_key = pem::parse_many(key.as_bytes())
                    .is_ok_and(|blocks| blocks.iter().any(|b| b.tag().ends_with("PRIVATE KEY")));
                if !is_key {
                    return Err("client_key is not a PEM private key (-----BEGIN PRIVATE KEY-----, or RSA or EC PRIVATE KEY)".into());
                }
                Ok(Some(ClientIdentity { certificate, key }))
            }
        }
    }
}

/// The DER certificates of setting `setting`'s PEM text (what `kube::Config::root_cert`
/// takes), as kube-rs reads a kubeconfig's `certificate-authority-data`; an error naming
/// the setting when the text has none.
pub fn certificates(setting: &str, text: &str) -> Result<Vec<Vec<u8>>, String> {
    let blocks =
        pem::parse_many(text.as_bytes()).map_err(|e| format!("{setting} is not PEM text: {e}"))?;
    let certs: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(|b| b.tag() == "CERTIFICATE")
        .map(pem::Pem::into_contents)
        .collect();
    if certs.is_empty() {
        return Err(format!(
            "{setting} holds no certificate: give the PEM text, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----"
        ));
    }
    Ok(certs)
}
