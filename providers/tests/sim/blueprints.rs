//! The example blueprints, evaluated and created in order, fit the simulated datacenter.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use planner::Provider;
use planner::provider::{Attrs, CreateRequest};
use providers::SimProvider;
use serde_json::Value;

use crate::common::{attrs, open};

/// Evaluates `dir` as a blueprint and creates every managed instance in order.
async fn apply_blueprint(sim: &SimProvider, dir: &Path) -> BTreeMap<String, Attrs> {
    let mut sources = blueprint::SourceMap::default();
    let (config, diags) = blueprint::load(dir, &Default::default(), &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    let mut created = BTreeMap::new();
    for instance in config.instances.iter().filter(|i| i.managed) {
        let request = CreateRequest {
            key: String::new(),
            address: instance.address.clone(),
            kind: instance.kind.to_string(),
            attrs: attrs(instance.fields.to_json()),
            sensitive: instance.sensitive.clone(),
            progress: Default::default(),
        };
        let response = sim.create(request).await;
        assert!(
            response.diagnostics.is_empty(),
            "{}: {:?}",
            instance.address,
            response.diagnostics
        );
        created.insert(instance.address.to_string(), response.attrs);
    }
    created
}

#[tokio::test]
async fn example_blueprints_apply_to_the_simulated_datacenter() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../blueprints");
    for name in ["minimal", "reference-platform"] {
        let dir = tempfile::tempdir().unwrap();
        let sim = open(dir.path());
        let created = apply_blueprint(&sim, &root.join(name)).await;
        assert_eq!(sim.objects().len(), created.len(), "{name}");
        let every: BTreeSet<String> = sim.objects().iter().map(|o| o.0.to_string()).collect();
        assert_eq!(every, created.keys().cloned().collect(), "{name}");
        // Every node and VM address is unique.
        let mut seen = HashSet::new();
        for attrs in created.values() {
            if let Some(nodes) = attrs.get("nodes").and_then(Value::as_array) {
                for n in nodes {
                    assert!(seen.insert(n["address"].as_str().unwrap().to_string()));
                }
            }
        }
        let minimal = &created.get("service.hello");
        if let Some(hello) = minimal {
            assert_eq!(hello["placement"].as_array().unwrap().len(), 2);
        }
    }
}
