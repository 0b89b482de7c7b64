//! Provider configurations as a run uses them: each `provider` block's settings with the
//! environment and the defaults filled in, the sensitive ones kept out of every display.
//!
//! A setting's value comes from, in this order: the block (`uri = "..."`), Strata's
//! environment variable `STRATA_<PROVIDER>[_<ALIAS>]_<SETTING>` (`STRATA_LIBVIRT_LAB_URI`),
//! the provider's conventional variable for the configuration without an alias
//! (`LIBVIRT_DEFAULT_URI`), then its default. As in Terraform, what the blueprint writes
//! wins over the environment. A resource's provider is its `provider` meta-argument, else
//! the blueprint's `strata { default_provider { KIND = NAME } }`, else `sim`.

use std::collections::BTreeMap;
use std::fmt;

use crate::address::Address;
use crate::config::{Config, ProviderConfig};
use crate::schema::providers::{ProviderSchema, check_setting, provider};
use crate::value::Value;

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The `provider` block.
    Blueprint,
    /// This environment variable.
    Env(String),
    /// The provider's default.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Blueprint => f.write_str("blueprint"),
            Source::Env(var) => write!(f, "environment {var}"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// One resolved setting.
#[derive(Clone, PartialEq, Eq)]
pub struct Setting {
    /// Its value, as text.
    pub value: String,
    /// Where it came from.
    pub source: Source,
    /// Never shown.
    pub sensitive: bool,
}

impl Setting {
    /// The value as it may be shown: `(sensitive)` for a sensitive one.
    pub fn shown(&self) -> &str {
        if self.sensitive {
            "(sensitive)"
        } else {
            &self.value
        }
    }
}

/// Debug never shows a sensitive value either, so that no `{:?}` can leak one.
impl fmt::Debug for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} ({})", self.shown(), self.source)
    }
}

/// A provider configuration with every setting resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The provider, such as `libvirt`.
    pub name: String,
    /// The alias, such as `lab`.
    pub alias: Option<String>,
    /// Settings by name: those set anywhere, and those with a default.
    pub settings: BTreeMap<String, Setting>,
}

impl Resolved {
    /// The name resources use for it: `libvirt`, or `libvirt.lab` with an alias.
    pub fn key(&self) -> String {
        key(&self.name, self.alias.as_deref())
    }

    /// A setting's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.settings.get(name).map(|s| s.value.as_str())
    }
}

/// `name` or `name.alias`.
pub fn key(name: &str, alias: Option<&str>) -> String {
    match alias {
        Some(alias) => format!("{name}.{alias}"),
        None => name.to_string(),
    }
}

/// Strata's environment variable for a setting: `STRATA_LIBVIRT_URI`,
/// `STRATA_LIBVIRT_LAB_URI` for alias `lab`.
pub fn env_name(provider: &str, alias: Option<&str>, setting: &str) -> String {
    let mut name = format!("STRATA_{provider}");
    if let Some(alias) = alias {
        name.push('_');
        name.push_str(alias);
    }
    name.push('_');
    name.push_str(setting);
    name.to_ascii_uppercase().replace('-', "_")
}

/// A configuration some of whose settings are known only after apply: they read
/// attributes of resources this run creates or replaces. Like Terraform, Strata then
/// configures the provider during the apply, once those resources are written. A plan
/// records it (serde) so that a saved plan orders its apply the same way.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deferred {
    /// The configuration's name: `kubernetes`, `kubernetes.prod`.
    pub key: String,
    /// The settings known only after apply, sorted.
    pub settings: Vec<String>,
    /// The resource instances those settings read, sorted, without repeats.
    pub waits_for: Vec<Address>,
}

impl fmt::Display for Deferred {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |items: Vec<String>| items.join(", ");
        write!(
            f,
            "configured during apply, after {} (its setting(s) {} are known only after apply)",
            list(self.waits_for.iter().map(ToString::to_string).collect()),
            list(self.settings.iter().map(|s| format!("`{s}`")).collect()),
        )
    }
}

/// A configuration as a run can use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Every setting is known: connect it now.
    Ready(Resolved),
    /// Some settings are known only after apply (see [`Deferred`]).
    Deferred(Deferred),
}

impl Resolution {
    /// The resolved configuration; for a deferred one, the error that it is known only
    /// after apply (for commands that cannot wait for an apply).
    pub fn ready(self) -> Result<Resolved, String> {
        match self {
            Resolution::Ready(resolved) => Ok(resolved),
            Resolution::Deferred(d) => Err(format!("provider {}: {d}", d.key)),
        }
    }
}

/// Resolves the configuration `name` (`libvirt`, `libvirt.lab`): its block in `config`,
/// or, for a configuration without an alias, an empty one as Terraform assumes. `env`
/// reads an environment variable. A setting known only after apply makes the
/// configuration [`Resolution::Deferred`]. Errors name the setting and what it accepts,
/// or why a setting known only after apply cannot wait for the apply.
pub fn resolve(
    config: &Config,
    name: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolution, String> {
    let (provider_name, alias) = match name.split_once('.') {
        Some((p, a)) => (p, Some(a)),
        None => (name, None),
    };
    let Some(schema) = provider(provider_name) else {
        return Err(format!("there is no provider \"{provider_name}\""));
    };
    let block = config
        .providers
        .iter()
        .find(|p| p.name == provider_name && p.alias.as_deref() == alias);
    if block.is_none() && alias.is_some() {
        return Err(format!(
            "no provider \"{provider_name}\" block has alias = \"{}\"",
            alias.unwrap_or_default()
        ));
    }
    let mut settings = BTreeMap::new();
    let mut later = Vec::new();
    let mut waits_for = Vec::new();
    for s in &schema.settings {
        let written = block.and_then(|b| b.settings.get(s.name));
        // Never a fall back to the environment or a default for a setting known only
        // after apply: that would reach another endpoint than the one written.
        if written.is_some_and(|v| v.is_unknown()) {
            let read = block
                .and_then(|b| b.references.get(s.name))
                .map_or(&[][..], Vec::as_slice);
            deferrable(provider_name, s.name, read)?;
            later.push(s.name.to_string());
            waits_for.extend(read.iter().cloned());
            continue;
        }
        let strata_var = env_name(provider_name, alias, s.name);
        let from_env = || {
            std::iter::once(strata_var.as_str())
                .chain(s.env.iter().copied().filter(|_| alias.is_none()))
                .find_map(|var| env(var).filter(|v| !v.is_empty()).map(|v| (v, var)))
        };
        if written.is_some_and(is_digest) && from_env().is_none() {
            let read = block
                .and_then(|b| b.references.get(s.name))
                .map(|r| {
                    r.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            return Err(format!(
                "setting `{}` reads {read}, a sensitive attribute the state keeps only as a digest (it was written without STRATA_STATE_KEY), so its value cannot be read back. Give the setting through the environment ({strata_var}), or set STRATA_STATE_KEY and re-create the resource (`strata apply -replace=ADDRESS`) so the state keeps it sealed (docs/state.md)",
                s.name
            ));
        }
        let written = written
            .filter(|v| !is_digest(v))
            .and_then(|v| v.to_template_string());
        let (value, source) = if let Some(v) = written {
            (v, Source::Blueprint)
        } else if let Some((v, var)) = from_env() {
            check_setting(s, &v).map_err(|e| format!("{var}: {e}"))?;
            (v, Source::Env(var.to_string()))
        } else if let Some(d) = s.default {
            (d.to_string(), Source::Default)
        } else {
            continue;
        };
        settings.insert(
            s.name.to_string(),
            Setting {
                value,
                source,
                sensitive: s.sensitive,
            },
        );
    }
    if !later.is_empty() {
        waits_for.sort();
        waits_for.dedup();
        return Ok(Resolution::Deferred(Deferred {
            key: key(provider_name, alias),
            settings: later,
            waits_for,
        }));
    }
    Ok(Resolution::Ready(Resolved {
        name: provider_name.to_string(),
        alias: alias.map(str::to_string),
        settings,
    }))
}

/// Whether setting `setting`, known only after apply and reading the resource instances
/// `read`, can wait for the apply: not on the simulated datacenter (opened before every
/// plan, it manages the resources others read), and not when it reads no resource (an
/// unknown value from nowhere would stay unknown).
fn deferrable(provider: &str, setting: &str, read: &[Address]) -> Result<(), String> {
    if provider == "sim" {
        return Err(format!(
            "setting `{setting}` is known only after apply, and the simulated datacenter is configured before the plan: give it a value known now"
        ));
    }
    if read.is_empty() {
        return Err(format!(
            "setting `{setting}` is known only after apply and reads no resource, so no apply can make it known: give it a value known at plan time"
        ));
    }
    Ok(())
}

/// Every provider configuration a run needs: those the blueprint's resources use (by
/// their `provider` or the defaults), those `extra` names (the state's objects), and those
/// the blueprint configures, sorted and without repeats.
pub fn used(config: &Config, extra: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut names: Vec<String> = config
        .instances
        .iter()
        .filter(|i| i.managed)
        .map(|i| i.provider.clone().unwrap_or_else(|| "sim".to_string()))
        .chain(extra)
        .chain(
            config
                .providers
                .iter()
                .map(|p| key(&p.name, p.alias.as_deref())),
        )
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The schema of configuration `name` (`libvirt.lab` → libvirt's).
pub fn schema_of(name: &str) -> Option<&'static ProviderSchema> {
    provider(name.split('.').next().unwrap_or(name))
}

/// The block of configuration `name`, when the blueprint has one.
pub fn block<'a>(config: &'a Config, name: &str) -> Option<&'a ProviderConfig> {
    config
        .providers
        .iter()
        .find(|p| key(&p.name, p.alias.as_deref()) == name)
}

/// True for a sensitive value the state keeps only as its digest (`{"digest": "..."}`,
/// written without a state key): its value cannot be read back, and [`resolve`] says so.
pub(crate) fn is_digest(value: &Value) -> bool {
    matches!(value, Value::Map(map) if map.len() == 1 && map.contains_key("digest"))
}
