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
                    setting("api_server", AttrType::String, "URL of a real Kubernetes API server (a kind or k3d cluster, the test double) every simulated kubernetes_cluster reports as its endpoint, so that services on it can be applied for real."),
                    setting("api_server_ca_file", AttrType::String, "PEM file of the CA that issued api_server's certificate, reported as every simulated cluster's cluster_ca_certificate; required for https."),
                    setting("api_server_token", AttrType::String, "A bearer token api_server accepts, reported as every simulated cluster's token; required with api_server.").sensitive(),
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
                doc: "VMware vSphere through vCenter's SOAP API: virtual machines, port groups, and existing clusters and datastores read.",
                available: true,
                settings: vec![
                    setting("url", AttrType::String, "vCenter's address: vcenter.example.com (HTTPS and /sdk implied) or a full SDK URL such as http://127.0.0.1:8989/sdk.")
                        .env(&["VSPHERE_SERVER", "GOVC_URL"]),
                    setting("user", AttrType::String, "The user name, such as administrator@vsphere.local.")
                        .env(&["VSPHERE_USER", "GOVC_USERNAME"]),
                    setting("password", AttrType::String, "The password.")
                        .env(&["VSPHERE_PASSWORD", "GOVC_PASSWORD"])
                        .sensitive(),
                    setting("datacenter", AttrType::String, "The datacenter; the only one when unset."),
                    setting("cluster", AttrType::String, "The cluster VMs run on and host pools read; the only one in the datacenter when unset."),
                    setting("datastore", AttrType::String, "The datastore of VMs whose storage is unset; the first of the cluster's when unset."),
                    setting("folder", AttrType::String, "The VM folder, as a path below the datacenter's VM folder (strata/lab); the VM folder itself when unset."),
                    setting("template", AttrType::String, "The template VMs whose image is unset are cloned from; a new empty VM when unset."),
                    setting("insecure", AttrType::Bool, "Accept any certificate (a lab with a self-signed one; never in production).")
                        .default("false")
                        .env(&["VSPHERE_ALLOW_UNVERIFIED_SSL", "GOVC_INSECURE"]),
                    setting("ca_file", AttrType::String, "A PEM file of the CA certificates that issued vCenter's (its VMCA root), trusted besides the system's."),
                    setting("name_prefix", AttrType::String, "Prefix of the name of every VM and port group Strata creates.")
                        .default("strata-"),
                    setting("task_timeout", AttrType::Duration, "How long one vCenter task (a create, clone, reconfigure, power change) may take.")
                        .default("10m"),
                    setting("max_concurrent", AttrType::Integer, "vCenter calls in flight at once, at most.")
                        .default("8"),
                ],
            },
            ProviderSchema {
                name: "kubernetes",
                doc: "Services, network policies, jobs and environments on a Kubernetes cluster: server-side applied with the field manager `strata`; `strata render` writes the same manifests for review.",
                available: true,
                settings: vec![
                    setting("kubeconfig", AttrType::String, "The kubeconfig file; the usual ~/.kube/config when unset.")
                        .env(&["KUBECONFIG"]),
                    setting("context", AttrType::String, "The kubeconfig context, that is the cluster and user; the file's current context when unset."),
                    setting("in_cluster", AttrType::Bool, "Use the service account of the pod Strata runs in instead of a kubeconfig.")
                        .default("false"),
                    setting("host", AttrType::String, "The API server's URL, such as a kubernetes_cluster's endpoint; overrides the kubeconfig's."),
                    setting("token", AttrType::String, "A bearer token for the API server; overrides the kubeconfig's user.").sensitive(),
                    setting("cluster_ca_certificate", AttrType::String, "PEM text of the CA certificate(s) the API server's certificate is checked against, such as a kubernetes_cluster's cluster_ca_certificate; overrides the kubeconfig's."),
                    setting("client_certificate", AttrType::String, "PEM text of a client certificate for TLS authentication (with client_key); overrides the kubeconfig's user."),
                    setting("client_key", AttrType::String, "PEM text of client_certificate's private key.").sensitive(),
                    setting("insecure", AttrType::Bool, "Accept any certificate from the API server (a lab with a self-signed one; never in production).")
                        .default("false"),
                    setting("force_conflicts", AttrType::Bool, "Take fields another field manager owns instead of failing (Terraform's field_manager.force_conflicts).")
                        .default("false"),
                    setting("rollout_timeout", AttrType::Duration, "How long a Deployment or StatefulSet may take to become available after an apply.")
                        .default("10m"),
                ],
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
