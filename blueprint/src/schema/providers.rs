//! The settings each provider's `provider "NAME" { ... }` block takes: their types,
//! defaults, the environment variables that can set them, and which are sensitive.
//!
//! One table for every provider, so that the blueprint checks settings when it is
//! evaluated (`strata validate` catches a misspelt `uri`), `strata providers` lists them,
//! and no printer ever shows a sensitive one. A new real provider adds its entry here; see
//! docs/providers/README.md.

use super::AttrType;

/// One setting of a provider block.
#[derive(Clone, Debug)]
pub struct SettingSchema {
    /// Its name in the block.
    pub name: &'static str,
    /// What it is for, in a sentence.
    pub doc: &'static str,
    /// The values it accepts: a string, an enum, a duration, a ratio, a whole number or a
    /// boolean.
    pub ty: AttrType,
    /// Its value when neither the block nor the environment sets it.
    pub default: Option<&'static str>,
    /// Conventional environment variables that set it, after Strata's own
    /// `STRATA_<PROVIDER>[_<ALIAS>]_<SETTING>` (such as libvirt's `LIBVIRT_DEFAULT_URI`);
    /// they apply to the configuration without an alias only.
    pub env: &'static [&'static str],
    /// Never printed, in any output, and never written anywhere by Strata.
    pub sensitive: bool,
}

/// The settings of one provider.
#[derive(Clone, Debug)]
pub struct ProviderSchema {
    /// The provider's name, as `provider "NAME"` writes it.
    pub name: &'static str,
    /// What it provisions.
    pub doc: &'static str,
    /// False for a provider Strata names but does not have yet: its blocks are accepted
    /// and a plan that needs it says it is missing.
    pub available: bool,
    /// Its settings (`alias` is common to all and not listed).
    pub settings: Vec<SettingSchema>,
}

impl ProviderSchema {
    /// The setting called `name`.
    pub fn setting(&self, name: &str) -> Option<&SettingSchema> {
        self.settings.iter().find(|s| s.name == name)
    }
}

fn setting(name: &'static str, ty: AttrType, doc: &'static str) -> SettingSchema {
    SettingSchema {
        name,
        doc,
        ty,
        default: None,
        env: &[],
        sensitive: false,
    }
}

impl SettingSchema {
    fn default(mut self, value: &'static str) -> Self {
        self.default = Some(value);
        self
    }

    fn env(mut self, vars: &'static [&'static str]) -> Self {
        self.env = vars;
        self
    }

    fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
}

/// Every provider Strata knows, the built-in `sim` first.
pub fn providers() -> &'static [ProviderSchema] {
    static ALL: std::sync::LazyLock<Vec<ProviderSchema>> = std::sync::LazyLock::new(|| {
        vec![
            ProviderSchema {
                name: "sim",
                doc: "The built-in simulated datacenter; the provider of every resource that names no other.",
                available: true,
                settings: vec![
                    setting("latency", AttrType::Duration, "Time each create, update and delete takes.").default("0s"),
                    setting("failure_rate", AttrType::Ratio, "Share of create, update and delete calls that fail with an injected fault.").default("0"),
                    setting("seed", AttrType::Integer, "Seed of the injected faults.").default("0"),
                ],
            },
            ProviderSchema {
                name: "libvirt",
                doc: "KVM/QEMU machines, networks, storage pools and network filters through libvirt.",
                available: true,
                settings: vec![
                    setting("uri", AttrType::String, "The libvirt connection URI, such as qemu:///system or qemu+ssh://admin@host/system.")
                        .default("qemu:///system")
                        .env(&["LIBVIRT_DEFAULT_URI"]),
                    setting("username", AttrType::String, "User name for connections that ask for credentials (SASL, TLS with authentication)."),
                    setting("password", AttrType::String, "Password for connections that ask for credentials.").sensitive(),
                    setting("name_prefix", AttrType::String, "Prefix of the name of every domain, network, pool and filter Strata creates, so that several blueprints share one host.")
                        .default("strata-"),
                    setting("pool_root", AttrType::String, "Directory under which `storage` of type local gets a folder per pool, on the libvirt host.")
                        .default("/var/lib/libvirt/strata"),
                    setting("domain_type", AttrType::Enum(&["auto", "kvm", "qemu"]), "kvm (hardware virtualisation), qemu (emulation), or auto: kvm where the host offers it.")
                        .default("auto"),
                    setting("shutdown_timeout", AttrType::Duration, "How long a restart waits for a guest to shut down before powering it off.")
                        .default("60s"),
                ],
            },
            ProviderSchema {
                name: "vsphere",
                doc: "VMware vSphere (not in Strata yet).",
                available: false,
                settings: Vec::new(),
            },
            ProviderSchema {
                name: "kubernetes",
                doc: "Kubernetes clusters' workloads (not in Strata yet).",
                available: false,
                settings: Vec::new(),
            },
        ]
    });
    &ALL
}

/// The provider called `name`.
pub fn provider(name: &str) -> Option<&'static ProviderSchema> {
    providers().iter().find(|p| p.name == name)
}

/// Checks a setting's value, given as text (as an environment variable gives it); the
/// error says what the setting accepts.
pub fn check_setting(schema: &SettingSchema, value: &str) -> Result<(), String> {
    let ok = match &schema.ty {
        AttrType::Duration => crate::units::parse_duration(value).is_ok(),
        AttrType::Ratio => {
            crate::units::parse_ratio(value).is_ok_and(|r| (0.0..=1.0).contains(&r))
                || value.parse::<f64>().is_ok_and(|r| (0.0..=1.0).contains(&r))
        }
        AttrType::Integer => value.parse::<i64>().is_ok(),
        AttrType::Bool => matches!(value, "true" | "false"),
        AttrType::Enum(values) => values.contains(&value),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{} takes {}", schema.name, schema.ty.describe()))
    }
}
