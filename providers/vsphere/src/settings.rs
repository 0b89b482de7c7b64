//! The vSphere provider's settings, from a resolved `provider "vsphere"` block.

use std::fmt;
use std::time::Duration;

use blueprint::providers::Resolved;

use crate::connection::Connection;

/// How one vSphere configuration connects, where it puts what it creates, and what it
/// names it.
#[derive(Clone)]
pub struct Settings {
    /// `vsphere`, `vsphere.lab`: how diagnostics name the configuration.
    pub key: String,
    /// The connection (URL, credentials, certificate checks).
    pub connection: Connection,
    /// The datacenter's name; the only one when unset.
    pub datacenter: Option<String>,
    /// The cluster's name; the datacenter's only one when unset.
    pub cluster: Option<String>,
    /// The default datastore's name; the cluster's first when unset.
    pub datastore: Option<String>,
    /// The VM folder, as a path below the datacenter's VM folder (`strata/lab`).
    pub folder: Option<String>,
    /// The template VMs without an `image` are cloned from.
    pub template: Option<String>,
    /// Prefix of every VM and port group name.
    pub name_prefix: String,
    /// How long one task may take.
    pub task_timeout: Duration,
    /// The state's lineage, written on every VM created.
    pub lineage: String,
}

/// Never shows the password (the connection's Debug hides it).
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("key", &self.key)
            .field("connection", &self.connection)
            .field("datacenter", &self.datacenter)
            .field("cluster", &self.cluster)
            .field("datastore", &self.datastore)
            .field("folder", &self.folder)
            .field("template", &self.template)
            .field("name_prefix", &self.name_prefix)
            .field("task_timeout", &self.task_timeout)
            .field("lineage", &self.lineage)
            .finish()
    }
}

impl Settings {
    /// The settings of a resolved configuration, for the state with `lineage`. The
    /// blueprint has checked every value's type; the error says what is missing or wrong.
    pub fn from_resolved(resolved: &Resolved, lineage: &str) -> Result<Settings, String> {
        let get = |name: &str| {
            resolved
                .get(name)
                .map(str::to_string)
                .filter(|v| !v.is_empty())
        };
        let env = |setting: &str| {
            blueprint::providers::env_name(&resolved.name, resolved.alias.as_deref(), setting)
        };
        let required = |name: &str, conventional: &str| {
            get(name).ok_or_else(|| {
                format!(
                    "{name} is not set: write {name} = \"...\" in the provider block, or set {} (or {conventional})",
                    env(name)
                )
            })
        };
        let duration = |name: &str, default: &str| {
            let text = get(name).unwrap_or_else(|| default.into());
            blueprint::units::parse_duration(&text)
                .map(Duration::from_millis)
                .map_err(|e| format!("{name}: {}", e.message))
        };
        let max_concurrent = get("max_concurrent")
            .unwrap_or_else(|| "8".into())
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or("max_concurrent must be a whole number of at least 1")?;
        let name_prefix = get("name_prefix").unwrap_or_else(|| "strata-".into());
        if name_prefix.contains(['/', '\\', '%']) {
            return Err(format!(
                "name_prefix \"{name_prefix}\" may not hold /, \\ or %: vSphere escapes them in inventory names"
            ));
        }
        Ok(Settings {
            key: resolved.key(),
            connection: Connection {
                url: required("url", "VSPHERE_SERVER")?,
                user: required("user", "VSPHERE_USER")?,
                password: required("password", "VSPHERE_PASSWORD")?,
                insecure: get("insecure").as_deref() == Some("true"),
                ca_file: get("ca_file").map(Into::into),
                max_concurrent,
                call_timeout: Duration::from_secs(120),
            },
            datacenter: get("datacenter"),
            cluster: get("cluster"),
            datastore: get("datastore"),
            folder: get("folder"),
            template: get("template"),
            name_prefix,
            task_timeout: duration("task_timeout", "10m")?,
            lineage: lineage.to_string(),
        })
    }
}
