//! Provider configurations whose settings read resources (a cluster's endpoint handed to
//! the provider of the services on it): what each setting reads is recorded, and a setting
//! known only after apply defers the configuration to the apply instead of falling back
//! to the environment, naming the settings and the instances it waits for.

use std::collections::HashMap;
use std::sync::Arc;

use blueprint::providers::{Deferred, Resolution, resolve};
use blueprint::{Address, Inputs, SourceMap};

const PLATFORM: &str = r#"site "dc1" {}

network_zone "app" {
  cidr = "10.10.0.0/24"
}
"#;

fn load(files: &[(&str, &str)], inputs: &Inputs) -> blueprint::Config {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let mut sources = SourceMap::default();
    let (config, diags) = blueprint::load(dir.path(), inputs, &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    config
}

fn config(main: &str) -> blueprint::Config {
    load(&[("main.hcl", main)], &Inputs::default())
}

fn addresses(list: &[&str]) -> Vec<Address> {
    list.iter().map(|a| a.parse().unwrap()).collect()
}

/// The environment sets every configuration's `host`, `token` and `latency`: a deferred
/// setting must not fall back to them.
fn everything(var: &str) -> Option<String> {
    let set = ["_HOST", "_TOKEN"].iter().any(|s| var.ends_with(s));
    set.then(|| "https://from-the-environment:6443".to_string())
        .or_else(|| var.ends_with("_LATENCY").then(|| "1s".to_string()))
}

fn deferred(config: &blueprint::Config, name: &str) -> Deferred {
    match resolve(config, name, &everything).unwrap() {
        Resolution::Deferred(d) => d,
        Resolution::Ready(r) => panic!("{name} is ready: {r:?}"),
    }
}

fn storage(name: &str, meta: &str) -> String {
    format!("storage \"{name}\" {{\n  {meta}\n  type     = \"local\"\n  capacity = \"1GiB\"\n}}\n")
}

#[test]
fn a_setting_known_only_after_apply_defers_the_configuration_to_what_it_reads() {
    let config = config(&format!(
        r#"provider "kubernetes" {{
  host    = "https://${{storage.a.id}}:6443"
  token   = storage.b.id
  context = "lab"
}}
{PLATFORM}{}{}{}"#,
        storage("a", ""),
        storage("b", ""),
        storage("unread", "")
    ));
    let d = deferred(&config, "kubernetes");
    assert_eq!(d.key, "kubernetes");
    assert_eq!(d.settings, ["host", "token"]);
    assert_eq!(d.waits_for, addresses(&["storage.a", "storage.b"]));
    let text = d.to_string();
    assert!(text.contains("after storage.a, storage.b"), "{text}");
    assert!(text.contains("`host`, `token`"), "{text}");
    // `ready` is the error of commands that cannot wait for an apply.
    let err = Resolution::Deferred(d).ready().unwrap_err();
    assert!(
        err.starts_with("provider kubernetes: configured during apply"),
        "{err}"
    );
}

#[test]
fn an_alias_is_deferred_alone() {
    let config = config(&format!(
        r#"provider "kubernetes" {{
  context = "lab"
}}
provider "kubernetes" {{
  alias = "prod"
  host  = storage.a.id
}}
{PLATFORM}{}"#,
        storage("a", "")
    ));
    assert!(matches!(
        resolve(&config, "kubernetes", &everything).unwrap(),
        Resolution::Ready(_)
    ));
    assert_eq!(deferred(&config, "kubernetes.prod").key, "kubernetes.prod");
}

#[test]
fn count_and_for_each_references_wait_for_the_instances_read() {
    let config = config(&format!(
        r#"provider "kubernetes" {{
  host  = storage.counted[1].id
  token = storage.keyed["b"].id
}}
provider "kubernetes" {{
  alias = "all"
  host  = join(",", [for s in storage.keyed : s.id])
}}
{PLATFORM}{}{}"#,
        storage("counted", "count = 3"),
        storage("keyed", "for_each = toset([\"a\", \"b\"])"),
    ));
    assert_eq!(
        deferred(&config, "kubernetes").waits_for,
        addresses(&["storage.counted[1]", "storage.keyed[\"b\"]"])
    );
    assert_eq!(
        deferred(&config, "kubernetes.all").waits_for,
        addresses(&["storage.keyed[\"a\"]", "storage.keyed[\"b\"]"])
    );
}

#[test]
fn a_module_output_waits_for_the_instance_inside_the_module() {
    let config = load(
        &[
            (
                "main.hcl",
                &format!(
                    "provider \"kubernetes\" {{\n  host = module.cluster.endpoint\n}}\nmodule \"cluster\" {{\n  source = \"./cluster\"\n}}\n{PLATFORM}"
                ),
            ),
            (
                "cluster/main.hcl",
                &format!(
                    "{}output \"endpoint\" {{\n  value = \"https://${{storage.api.id}}\"\n}}\n",
                    storage("api", "")
                ),
            ),
        ],
        &Inputs::default(),
    );
    assert_eq!(
        deferred(&config, "kubernetes").waits_for,
        addresses(&["module.cluster.storage.api"])
    );
}

#[test]
fn once_what_it_reads_exists_the_configuration_is_ready_with_its_values() {
    let main = format!(
        "provider \"kubernetes\" {{\n  host = \"https://${{storage.a.id}}:6443\"\n}}\n{PLATFORM}{}",
        storage("a", "")
    );
    let address: Address = "storage.a".parse().unwrap();
    let attrs = serde_json::json!({ "id": "pool-7" });
    let known = HashMap::from([(address.clone(), attrs.as_object().unwrap().clone())]);
    let inputs = Inputs {
        known: Arc::new(known),
        ..Inputs::default()
    };
    let config = load(&[("main.hcl", &main)], &inputs);
    // What the setting reads is recorded whether or not it is known yet.
    let block = &config.providers[0];
    assert_eq!(block.references["host"], vec![address]);
    assert!(!block.references.contains_key("token"));
    let ready = resolve(&config, "kubernetes", &everything)
        .unwrap()
        .ready()
        .unwrap();
    assert_eq!(ready.get("host"), Some("https://pool-7:6443"));
}

#[test]
fn the_simulated_datacenter_cannot_wait_for_the_apply() {
    let config = config(&format!(
        "provider \"sim\" {{\n  latency = storage.a.id\n}}\n{PLATFORM}{}",
        storage("a", "")
    ));
    let err = resolve(&config, "sim", &everything).unwrap_err();
    assert!(
        err.contains("setting `latency` is known only after apply"),
        "{err}"
    );
    assert!(
        err.contains("simulated datacenter is configured before the plan"),
        "{err}"
    );
}

#[test]
fn a_sensitive_value_the_state_keeps_only_as_a_digest_is_refused_unless_the_environment_gives_it() {
    let main = format!(
        "provider \"kubernetes\" {{\n  host  = \"https://api:6443\"\n  token = storage.a.id\n}}\n{PLATFORM}{}",
        storage("a", "")
    );
    let address: Address = "storage.a".parse().unwrap();
    let attrs = serde_json::json!({ "id": { "digest": "9f86d081884c7d65" } });
    let known = HashMap::from([(address, attrs.as_object().unwrap().clone())]);
    let inputs = Inputs {
        known: Arc::new(known),
        ..Inputs::default()
    };
    let config = load(&[("main.hcl", &main)], &inputs);
    let nothing = |_: &str| None;
    let err = resolve(&config, "kubernetes", &nothing).unwrap_err();
    for part in [
        "setting `token` reads storage.a",
        "only as a digest",
        "STRATA_KUBERNETES_TOKEN",
        "STRATA_STATE_KEY",
    ] {
        assert!(err.contains(part), "{part:?} missing from: {err}");
    }
    assert!(!err.contains("9f86d081884c7d65"), "{err}");
    let ready = resolve(&config, "kubernetes", &everything)
        .unwrap()
        .ready()
        .unwrap();
    assert_eq!(
        ready.get("token"),
        Some("https://from-the-environment:6443"),
        "the environment's value, never the digest"
    );
}
