//! Resource instances as the JSON plan names them, and the module trees of
//! `planned_values` and `prior_state` (Terraform's "values representation").

use std::collections::BTreeMap;

use blueprint::address::ModuleStep;
use blueprint::{Address, InstanceKey};
use serde_json::{Value, json};

use super::values::Masks;

/// The fields that name an instance: `address`, `module_address` (inside a module),
/// `mode`, `type` (the kind), `name`, `index` (its key, when it has one) and
/// `provider_name`.
pub fn header(address: &Address, kind: &str, provider: &str) -> Value {
    let mut entry = json!({
        "address": address.to_string(),
        "mode": "managed",
        "type": kind,
        "name": address.name,
        "provider_name": provider,
    });
    if !address.module.is_empty() {
        entry["module_address"] = module_address(&address.module).into();
    }
    match &address.key {
        Some(InstanceKey::Index(i)) => entry["index"] = (*i).into(),
        Some(InstanceKey::Key(k)) => entry["index"] = k.clone().into(),
        None => {}
    }
    entry
}

/// `module.a["x"].module.b`.
fn module_address(steps: &[ModuleStep]) -> String {
    let address = Address {
        module: steps.to_vec(),
        kind: "k".into(),
        name: "n".into(),
        key: None,
    }
    .to_string();
    address.strip_suffix(".k.n").unwrap_or(&address).to_string()
}

/// One instance in a module tree.
pub struct Instance {
    address: Address,
    entry: Value,
}

impl Instance {
    /// The instance at `address` with its (masked) values and their masks.
    pub fn new(
        address: &Address,
        kind: &str,
        provider: &str,
        values: Value,
        sensitive: Masks,
    ) -> Instance {
        let mut entry = header(address, kind, provider);
        if let Some(map) = entry.as_object_mut() {
            map.remove("module_address");
        }
        entry["schema_version"] = 0.into();
        entry["values"] = values;
        entry["sensitive_values"] = sensitive.into();
        Instance {
            address: address.clone(),
            entry,
        }
    }
}

/// The root module of a values representation: its `resources`, and `child_modules` for
/// the instances inside module calls, each with its `address`, nested as the calls are.
pub fn module_tree(instances: &[Instance]) -> Value {
    fn build(depth: usize, path: &[ModuleStep], instances: &[&Instance]) -> Value {
        let mut resources = Vec::new();
        let mut children: BTreeMap<String, (Vec<ModuleStep>, Vec<&Instance>)> = BTreeMap::new();
        for inst in instances {
            if inst.address.module.len() == depth {
                resources.push(inst.entry.clone());
            } else {
                let steps = inst.address.module[..=depth].to_vec();
                children
                    .entry(module_address(&steps))
                    .or_insert_with(|| (steps, Vec::new()))
                    .1
                    .push(inst);
            }
        }
        let mut module = json!({});
        if !resources.is_empty() {
            module["resources"] = resources.into();
        }
        if !children.is_empty() {
            module["child_modules"] = children
                .into_values()
                .map(|(steps, inner)| build(depth + 1, &steps, &inner))
                .collect();
        }
        if !path.is_empty() {
            module["address"] = module_address(path).into();
        }
        module
    }
    let all: Vec<&Instance> = instances.iter().collect();
    build(0, &[], &all)
}
