//! Formatting never changes what a blueprint means: every example blueprint and module, and
//! randomly laid-out variants of a blueprint, evaluate to the same configuration before
//! and after `format`, and formatting twice changes nothing more.

use std::path::{Path, PathBuf};

use blueprint::{Config, Inputs, SourceMap};
use proptest::prelude::*;

/// What a configuration means, without spans: every instance with its fields and
/// dependencies, and every output.
fn meaning(config: &Config) -> serde_json::Value {
    let instances: Vec<serde_json::Value> = config
        .instances
        .iter()
        .map(|i| {
            let deps: Vec<String> = i.deps.iter().map(|d| config.instances[*d].address.to_string()).collect();
            serde_json::json!({ "address": i.address.to_string(), "fields": i.fields.to_json(), "deps": deps })
        })
        .collect();
    let outputs: Vec<serde_json::Value> = config
        .outputs
        .iter()
        .map(|o| serde_json::json!([o.name, o.value.to_json()]))
        .collect();
    serde_json::json!({ "instances": instances, "outputs": outputs })
}

fn load(dir: &Path) -> serde_json::Value {
    let mut sources = SourceMap::default();
    let (config, diags) = blueprint::load(dir, &Inputs::default(), &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    meaning(&config)
}

/// Copies a folder tree, formatting every .hcl file on the way.
fn copy_formatted(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_formatted(&path, &target);
        } else if path.extension().is_some_and(|e| e == "hcl") {
            let text = std::fs::read_to_string(&path).unwrap();
            let once = blueprint::format::format(&text).unwrap();
            assert_eq!(
                blueprint::format::format(&once).unwrap(),
                once,
                "{} is not idempotent",
                path.display()
            );
            std::fs::write(target, once).unwrap();
        }
    }
}

#[test]
fn example_blueprints_mean_the_same_after_formatting() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let copy = tempfile::tempdir().unwrap();
    // Blueprints refer to ../../modules, so copy both side by side.
    copy_formatted(&root.join("blueprints"), &copy.path().join("blueprints"));
    copy_formatted(&root.join("modules"), &copy.path().join("modules"));
    for name in ["minimal", "reference-platform"] {
        let before = load(&root.join("blueprints").join(name));
        let after = load(&copy.path().join("blueprints").join(name));
        assert_eq!(before, after, "{name} changed meaning");
    }
}

const BLUEPRINT: &[&str] = &[
    "variable \"n\" {",
    "type = number",
    "default = 3",
    "}",
    "locals {",
    "zones = {",
    "app = \"10.1.0.0/16\"",
    "data = \"10.2.0.0/16\"",
    "}",
    "}",
    "site \"dc\" {}",
    "host_pool \"p\" {",
    "site = site.dc",
    "hosts = 4",
    "host {",
    "cpu = 32",
    "memory = \"256GiB\"",
    "}",
    "}",
    "network_zone \"z\" {",
    "for_each = local.zones",
    "cidr = each.value",
    "}",
    "vm \"v\" {",
    "count = var.n",
    "pool = host_pool.p",
    "zone = network_zone.z[\"app\"]",
    "cpu = 1 + count.index % 2",
    "memory = \"${4 * (count.index + 1)}GiB\"",
    "address = cidrhost(network_zone.z[\"app\"].cidr, count.index + 10)",
    "}",
    "output \"ips\" {",
    "value = [for v in vm.v : v.address if v.cpu > 1]",
    "}",
];

/// The blueprint with random indentation, spacing around `=`, blank lines and comments.
fn messy() -> impl Strategy<Value = String> {
    let line_layout = (0..6usize, 0..4usize, 1..4usize, 0..3usize, any::<bool>());
    prop::collection::vec(line_layout, BLUEPRINT.len()).prop_map(|layout| {
        BLUEPRINT
            .iter()
            .zip(layout)
            .map(|(line, (indent, before, after, blank, comment))| {
                let equals = format!("{}={}", " ".repeat(before), " ".repeat(after));
                let line = line.replacen(" = ", &equals, 1);
                let comment = if comment && !line.ends_with('{') {
                    " # note"
                } else {
                    ""
                };
                format!(
                    "{}{line}{comment}\n{}",
                    " ".repeat(indent),
                    "\n".repeat(blank)
                )
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_layouts_mean_the_same_after_formatting(text in messy()) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.hcl"), &text).unwrap();
        let before = load(dir.path());
        let once = blueprint::format::format(&text).unwrap();
        prop_assert_eq!(&blueprint::format::format(&once).unwrap(), &once);
        std::fs::write(dir.path().join("main.hcl"), &once).unwrap();
        prop_assert_eq!(before, load(dir.path()));
    }
}
