//! `configuration`: the blueprint as Terraform's JSON plan describes a configuration,
//! module by module (resources with their expressions, module calls, outputs).
//!
//! Strata evaluates the blueprint before it plans and keeps evaluated values, not
//! expression text: an attribute that refers to another resource is given as
//! `references` (its address and the resource block, as Terraform lists them), and any
//! other as the `constant_value` the block's first instance evaluated to. Sensitive values
//! are left out.

use std::collections::BTreeMap;

use blueprint::config::{Fields, Typed};
use blueprint::{Address, Config, Instance};
use serde_json::{Map, Value, json};

/// The `configuration` object of the JSON plan for the evaluated blueprint.
pub fn configuration(config: &Config) -> Value {
    let mut providers: Map<String, Value> = Map::new();
    for inst in config.instances.iter().filter(|i| i.managed) {
        let name = crate::plan::attrs::provider_of(inst);
        providers
            .entry(name.clone())
            .or_insert_with(|| json!({ "name": name, "full_name": name }));
    }
    let mut root = Module::default();
    for resource in &config.resources {
        let path: Vec<String> = resource.module.iter().map(|s| s.name.clone()).collect();
        let module = root.at(&path);
        let key = format!("{}.{}", resource.kind, resource.name);
        if module.resources.contains_key(&key) {
            continue;
        }
        let first = config.instances.iter().find(|i| {
            i.address.module == resource.module
                && i.address.kind == resource.kind
                && i.address.name == resource.name
        });
        module
            .resources
            .insert(key, resource_entry(resource.kind, &resource.name, first));
    }
    let mut root_json = root.to_json();
    let outputs: Map<String, Value> = config
        .outputs
        .iter()
        .map(|o| {
            let mut entry = json!({ "expression": {} });
            if o.sensitive {
                entry["sensitive"] = true.into();
            } else if !o.value.is_unknown() {
                entry["expression"] = json!({ "constant_value": o.value.to_json() });
            }
            if let Some(d) = &o.description {
                entry["description"] = d.clone().into();
            }
            (o.name.clone(), entry)
        })
        .collect();
    if !outputs.is_empty() {
        root_json["outputs"] = outputs.into();
    }
    json!({ "provider_config": providers, "root_module": root_json })
}

/// One module of the configuration: its resource blocks and the modules it calls.
#[derive(Default)]
struct Module {
    resources: BTreeMap<String, Value>,
    calls: BTreeMap<String, Module>,
}

impl Module {
    fn at(&mut self, path: &[String]) -> &mut Module {
        match path.split_first() {
            None => self,
            Some((first, rest)) => self.calls.entry(first.clone()).or_default().at(rest),
        }
    }

    fn to_json(&self) -> Value {
        let mut module = json!({});
        if !self.resources.is_empty() {
            module["resources"] = self.resources.values().cloned().collect();
        }
        if !self.calls.is_empty() {
            module["module_calls"] = self
                .calls
                .iter()
                .map(|(name, m)| (name.clone(), json!({ "module": m.to_json() })))
                .collect::<Map<_, _>>()
                .into();
        }
        module
    }
}

/// A resource block: its first instance's attributes as expressions.
fn resource_entry(kind: &str, name: &str, first: Option<&Instance>) -> Value {
    let mut entry = json!({
        "address": format!("{kind}.{name}"),
        "mode": "managed",
        "type": kind,
        "name": name,
        "provider_config_key": first.map_or_else(|| "sim".to_string(), crate::plan::attrs::provider_of),
        "schema_version": 0,
        "expressions": {},
    });
    if let Some(inst) = first {
        entry["expressions"] = expressions(&inst.fields, &inst.sensitive);
        if inst.lifecycle.prevent_destroy || inst.lifecycle.create_before_destroy {
            entry["lifecycle"] = json!({
                "prevent_destroy": inst.lifecycle.prevent_destroy,
                "create_before_destroy": inst.lifecycle.create_before_destroy,
            });
        }
    }
    entry
}

/// The expressions of a block body: attributes by name, nested blocks as lists of bodies.
fn expressions(fields: &Fields, sensitive: &[String]) -> Value {
    let mut out = Map::new();
    for (name, field) in &fields.attrs {
        if sensitive.contains(name) || fields.implied.contains(name) {
            continue;
        }
        out.insert(name.clone(), expression(&field.value));
    }
    for (name, blocks) in fields.blocks.iter().filter(|(n, _)| !sensitive.contains(n)) {
        let bodies: Vec<Value> = blocks.iter().map(|b| expressions(&b.fields, &[])).collect();
        out.insert(name.clone(), bodies.into());
    }
    Value::Object(out)
}

/// `{"references": [...]}` for a value that names resources, else `{"constant_value": v}`
/// (`{}` when known only after apply).
fn expression(value: &Typed) -> Value {
    let mut refs = Vec::new();
    collect_refs(value, &mut refs);
    if !refs.is_empty() {
        let mut listed: Vec<String> = Vec::new();
        for address in refs {
            let instance = address.to_string();
            let block = Address {
                key: None,
                ..address.clone()
            }
            .to_string();
            for r in [instance, block] {
                if !listed.contains(&r) {
                    listed.push(r);
                }
            }
        }
        return json!({ "references": listed });
    }
    if matches!(value, Typed::Unknown) {
        return json!({});
    }
    json!({ "constant_value": value.to_json() })
}

fn collect_refs<'a>(value: &'a Typed, out: &mut Vec<&'a Address>) {
    match value {
        Typed::Ref(a) => out.push(a),
        Typed::List(items) => items.iter().for_each(|f| collect_refs(&f.value, out)),
        Typed::Map(items) => items.values().for_each(|f| collect_refs(&f.value, out)),
        _ => {}
    }
}
