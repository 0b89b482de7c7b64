//! `strata providers`: the provider configurations a blueprint uses, their resolved
//! settings (sensitive ones hidden) and which resources each manages.

use std::collections::BTreeMap;

use blueprint::providers::{Resolution, Resolved, resolve, schema_of, used};

use crate::cli::ProvidersArgs;
use crate::printer::Printer;

/// One configuration and what uses it.
struct Entry {
    name: String,
    resolved: Result<Resolution, String>,
    built: Result<(), String>,
    resources: Vec<String>,
    state_only: Vec<String>,
}

pub fn run(args: &ProvidersArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let (config, diags, sources) = super::load(&args.dir, &args.vars, printer);
    printer.diagnostics(&diags, &sources);
    if diags.has_errors() {
        return Ok(1);
    }
    let state =
        super::runtime()?.block_on(crate::reading::read_state(&args.dir, &args.state, printer))?;
    let mut by_provider: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for inst in config.instances.iter().filter(|i| i.managed) {
        by_provider
            .entry(planner::plan::attrs::provider_of(inst))
            .or_default()
            .push(inst.address.to_string());
    }
    let mut state_only: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for object in &state.objects {
        if config.instance(&object.address).is_none() {
            state_only
                .entry(object.provider.clone())
                .or_default()
                .push(object.address.to_string());
        }
    }
    let env = |var: &str| std::env::var(var).ok();
    for name in used(&config, state.objects.iter().map(|o| o.provider.clone())) {
        if let Ok(Resolution::Ready(resolved)) = resolve(&config, &name, &env) {
            printer.protect(&crate::registry::secrets(&resolved));
        }
    }
    let entries: Vec<Entry> = used(&config, state.objects.iter().map(|o| o.provider.clone()))
        .into_iter()
        .map(|name| Entry {
            resolved: resolve(&config, &name, &env),
            built: crate::registry::available(&name),
            resources: by_provider.remove(&name).unwrap_or_default(),
            state_only: state_only.remove(&name).unwrap_or_default(),
            name,
        })
        .collect();
    if args.json {
        printer.json(&serde_json::Value::Array(
            entries.iter().map(json).collect(),
        ));
    } else {
        printer.text(&entries.iter().map(text).collect::<Vec<_>>().join("\n"));
        printer.line("");
    }
    Ok(0)
}

fn text(entry: &Entry) -> String {
    let mut out = format!("provider {}", entry.name);
    if let Some(schema) = schema_of(&entry.name) {
        out.push_str(&format!(": {}", schema.doc));
    }
    out.push('\n');
    if let Err(e) = &entry.built {
        out.push_str(&format!("  ! {e}\n"));
    }
    match &entry.resolved {
        Err(e) => out.push_str(&format!("  ! {e}\n")),
        Ok(Resolution::Deferred(deferred)) => out.push_str(&format!("  ~ {deferred}\n")),
        Ok(Resolution::Ready(resolved)) => {
            let width = resolved.settings.keys().map(String::len).max().unwrap_or(0);
            for (name, setting) in &resolved.settings {
                let value = if setting.sensitive {
                    setting.shown().to_string()
                } else {
                    blueprint::literal::quote(&setting.value)
                };
                out.push_str(&format!(
                    "  {name:width$} = {value}  # {}\n",
                    setting.source
                ));
            }
        }
    }
    if entry.resources.is_empty() && entry.state_only.is_empty() {
        out.push_str("  (no resources)\n");
    }
    for address in &entry.resources {
        out.push_str(&format!("  - {address}\n"));
    }
    for address in &entry.state_only {
        out.push_str(&format!(
            "  - {address} (in the state only: destroyed by the next apply)\n"
        ));
    }
    out
}

fn json(entry: &Entry) -> serde_json::Value {
    let (provider, alias) = match entry.name.split_once('.') {
        Some((p, a)) => (p, Some(a)),
        None => (entry.name.as_str(), None),
    };
    let deferred = match &entry.resolved {
        Ok(Resolution::Deferred(d)) => serde_json::json!({
            "settings": d.settings,
            "waits_for": d.waits_for.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }),
        _ => serde_json::Value::Null,
    };
    let settings: serde_json::Map<String, serde_json::Value> = entry
        .resolved
        .as_ref()
        .ok()
        .and_then(ready)
        .map(|r| {
            r.settings
                .iter()
                .map(|(name, s)| {
                    (
                        name.clone(),
                        serde_json::json!({ "value": s.shown(), "source": s.source.to_string(), "sensitive": s.sensitive }),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({
        "name": entry.name,
        "provider": provider,
        "alias": alias,
        "available": entry.built.is_ok(),
        "error": entry.resolved.as_ref().err().or(entry.built.as_ref().err()),
        "settings": settings,
        "deferred": deferred,
        "resources": entry.resources,
        "state_only": entry.state_only,
    })
}

/// The settings of a configuration connected before the plan; none for a deferred one.
fn ready(resolution: &Resolution) -> Option<&Resolved> {
    match resolution {
        Resolution::Ready(resolved) => Some(resolved),
        Resolution::Deferred(_) => None,
    }
}
