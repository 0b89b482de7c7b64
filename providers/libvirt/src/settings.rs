//! The libvirt provider's settings, from a resolved `provider "libvirt"` block.

use std::fmt;
use std::time::Duration;

use blueprint::providers::Resolved;

/// How one libvirt configuration connects and names what it creates.
#[derive(Clone)]
pub struct Settings {
    /// `libvirt.lab`, `libvirt`: how diagnostics name the configuration.
    pub key: String,
    /// The connection URI (`qemu:///system`).
    pub uri: String,
    /// User name offered when the connection asks for one.
    pub username: Option<String>,
    /// Password offered when the connection asks for one; never printed.
    pub password: Option<String>,
    /// Prefix of every object's name.
    pub name_prefix: String,
    /// Directory under which local storage pools get their folders, on the libvirt host.
    pub pool_root: String,
    /// `kvm`, `qemu`, or `auto` (kvm where the host's capabilities offer it).
    pub domain_type: String,
    /// How long a restart waits for a guest to shut down before powering it off.
    pub shutdown_timeout: Duration,
    /// The state's lineage, written on every object created.
    pub lineage: String,
}

/// Never shows the password.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("key", &self.key)
            .field("uri", &self.uri)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "(sensitive)"))
            .field("name_prefix", &self.name_prefix)
            .field("pool_root", &self.pool_root)
            .field("domain_type", &self.domain_type)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("lineage", &self.lineage)
            .finish()
    }
}

impl Settings {
    /// The settings of a resolved configuration, for the state with `lineage`. The
    /// blueprint has checked every value's type; the error says which one is wrong.
    pub fn from_resolved(resolved: &Resolved, lineage: &str) -> Result<Settings, String> {
        let get = |name: &str| resolved.get(name).map(str::to_string);
        let shutdown = get("shutdown_timeout").unwrap_or_else(|| "60s".into());
        let shutdown_timeout = blueprint::units::parse_duration(&shutdown)
            .map(Duration::from_millis)
            .map_err(|e| format!("shutdown_timeout: {}", e.message))?;
        let name_prefix = get("name_prefix").unwrap_or_default();
        if name_prefix.contains(['/', ' ', '\'', '"']) {
            return Err(format!(
                "name_prefix \"{name_prefix}\" may not hold slashes, spaces or quotes: it starts libvirt object and file names"
            ));
        }
        Ok(Settings {
            key: resolved.key(),
            uri: get("uri").unwrap_or_else(|| "qemu:///system".into()),
            username: get("username"),
            password: get("password"),
            name_prefix,
            pool_root: get("pool_root").unwrap_or_else(|| "/var/lib/libvirt/strata".into()),
            domain_type: get("domain_type").unwrap_or_else(|| "auto".into()),
            shutdown_timeout,
            lineage: lineage.to_string(),
        })
    }
}
