//! The providers this build of Strata has, and how each real one is connected from its
//! resolved configuration. `sim`, `vsphere` and `kubernetes` (pure Rust) are always there;
//! `libvirt` links libvirt's C library and is built with `--features libvirt`.

use std::sync::Arc;

use blueprint::providers::{Resolution, Resolved, schema_of};
use planner::Provider;

/// Ok when this build can run provider configuration `name` (`libvirt.lab`); otherwise
/// what to do about it.
pub fn available(name: &str) -> Result<(), String> {
    let provider = name.split('.').next().unwrap_or(name);
    match provider {
        "sim" | "vsphere" | "kubernetes" => Ok(()),
        "libvirt" if cfg!(feature = "libvirt") => Ok(()),
        "libvirt" => Err(
            "this build of strata has no libvirt provider: rebuild with `cargo build --release --features libvirt` (it needs libvirt's development files: apt-get install libvirt-dev pkg-config)"
                .to_string(),
        ),
        other => match schema_of(other) {
            Some(schema) if !schema.available => Err(format!(
                "the {other} provider is not in Strata yet; its resources can be planned and applied on the simulated datacenter (`provider = sim`) meanwhile"
            )),
            _ => Err(format!("there is no provider \"{other}\"")),
        },
    }
}

/// The sensitive settings of a configuration (a password), for the Printer to mask
/// wherever they could show (a server's error message quoting one).
pub fn secrets(resolved: &Resolved) -> blueprint::redact::Redactor {
    let mut redactor = blueprint::redact::Redactor::default();
    for setting in resolved.settings.values().filter(|s| s.sensitive) {
        redactor.add_text(&setting.value);
    }
    redactor
}

/// Connects a real provider configuration (not `sim`, which the session opens itself).
/// `lineage` is the state's, which the provider writes on what it creates; `config` is the
/// blueprint, which the kubernetes provider maps resources from.
pub async fn connect(
    resolved: &Resolved,
    lineage: &str,
    config: &Arc<blueprint::Config>,
) -> anyhow::Result<Arc<dyn Provider>> {
    available(&resolved.key()).map_err(|e| anyhow::anyhow!("provider {}: {e}", resolved.key()))?;
    match resolved.name.as_str() {
        #[cfg(feature = "libvirt")]
        "libvirt" => {
            let settings = libvirt::Settings::from_resolved(resolved, lineage)
                .map_err(|e| anyhow::anyhow!("provider {}: {e}", resolved.key()))?;
            let provider = libvirt::LibvirtProvider::connect(settings)
                .await
                .map_err(|e| anyhow::anyhow!("provider {}: {e}", resolved.key()))?;
            Ok(Arc::new(provider))
        }
        "vsphere" => {
            let settings = vsphere::Settings::from_resolved(resolved, lineage)
                .map_err(|e| anyhow::anyhow!("provider {}: {e}", resolved.key()))?;
            let provider = vsphere::VsphereProvider::connect(settings)
                .await
                .map_err(|e| anyhow::anyhow!("provider {}: {e}", resolved.key()))?;
            Ok(Arc::new(provider))
        }
        "kubernetes" => {
            let settings = kubernetes::live::Settings::from_resolved(resolved, lineage)
                .map_err(|e| anyhow::anyhow!("provider {}: {e}", resolved.key()))?;
            let provider = kubernetes::live::KubernetesProvider::connect(settings, config.clone())
                .await
                .map_err(|e| anyhow::anyhow!("provider {}: {e}", resolved.key()))?;
            Ok(Arc::new(provider))
        }
        other => {
            anyhow::bail!("provider {}: no real provider \"{other}\"", resolved.key())
        }
    }
}

/// Connects the provider configurations an apply configures late (their settings read
/// what it creates), with the settings of the blueprint evaluated then. The sensitive
/// values of that evaluation and the configuration's sensitive settings join `secrets`,
/// what the Printer and the progress display mask, before the connection is tried, so
/// that no error or progress line can show them.
pub struct LateConnector {
    /// The state's lineage (see [`connect`]).
    pub lineage: String,
    /// What the run's output masks.
    pub secrets: crate::printer::Secrets,
}

#[async_trait::async_trait]
impl planner::apply::Connect for LateConnector {
    async fn connect(
        &self,
        name: &str,
        config: &blueprint::Config,
    ) -> Result<Arc<dyn Provider>, String> {
        let env = |var: &str| std::env::var(var).ok();
        let resolved = match blueprint::providers::resolve(config, name, &env)? {
            Resolution::Ready(resolved) => resolved,
            Resolution::Deferred(d) => {
                return Err(format!(
                    "its setting(s) {} are still known only after apply, although what they read ({}) was applied first: check what they read",
                    d.settings.join(", "),
                    d.waits_for
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        };
        {
            let mut masked = self
                .secrets
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            masked.extend(&config.redactor);
            masked.extend(&secrets(&resolved));
        }
        connect(&resolved, &self.lineage, &Arc::new(config.clone()))
            .await
            .map_err(|e| format!("{e:#}"))
    }
}

#[cfg(test)]
mod tests {
    use planner::apply::Connect;

    use super::*;

    /// The blueprint of `provider`'s block, evaluated.
    fn config(provider: &str) -> blueprint::Config {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("provider \"kubernetes\" {{\n{provider}\n}}\nsite \"dc1\" {{}}\n");
        std::fs::write(dir.path().join("main.hcl"), text).unwrap();
        let mut sources = blueprint::SourceMap::default();
        let inputs = blueprint::Inputs::default();
        let (config, diags) = blueprint::load(dir.path(), &inputs, &mut sources);
        assert!(!diags.has_errors(), "{}", diags.render(&sources));
        config
    }

    #[tokio::test]
    async fn a_late_token_is_masked_before_the_connection_is_tried() {
        let secrets = crate::printer::Secrets::default();
        let connector = LateConnector {
            lineage: "l".into(),
            secrets: secrets.clone(),
        };
        // The host is no URL: the connection fails before any request.
        let config = config("  host  = \"not a url\"\n  token = \"late-t0ken-canary\"");
        let error = connector
            .connect("kubernetes", &config)
            .await
            .err()
            .unwrap();
        assert!(error.contains("host \"not a url\""), "{error}");
        let masked = secrets.read().unwrap();
        let text = masked.scrub("Authorization: Bearer late-t0ken-canary");
        assert!(!text.contains("late-t0ken-canary"), "{text}");
    }

    #[tokio::test]
    async fn a_setting_still_unknown_is_an_error_naming_it_and_what_it_reads() {
        let connector = LateConnector {
            lineage: "l".into(),
            secrets: crate::printer::Secrets::default(),
        };
        let config = config("  host = site.dc1.id");
        let error = connector
            .connect("kubernetes", &config)
            .await
            .err()
            .unwrap();
        assert!(
            error.contains("its setting(s) host are still known only after apply"),
            "{error}"
        );
        assert!(error.contains("(site.dc1)"), "{error}");
    }
}
