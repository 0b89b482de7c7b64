//! Provider configuration: `provider` blocks and aliases, the choice of a provider per
//! resource (`provider = NAME.ALIAS`, `strata { default_provider { ... } }`), settings from
//! the environment, and sensitive settings never shown. Diagnostics are snapshots.

mod common;

use std::collections::HashMap;

use blueprint::providers::{Source, resolve, used};
use blueprint::{Address, Inputs, SourceMap};
use common::load;
use proptest::prelude::*;

const PLATFORM: &str = r#"site "dc1" {}

network_zone "app" {
  cidr = "10.10.0.0/24"
}

storage "local" {
  type     = "local"
  capacity = "1GiB"
}
"#;

fn config(main: &str) -> blueprint::Config {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), main).unwrap();
    let mut sources = SourceMap::default();
    let (config, diags) = blueprint::load(dir.path(), &Inputs::default(), &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    config
}

fn provider_of(config: &blueprint::Config, address: &str) -> Option<String> {
    let address: Address = address.parse().unwrap();
    config.instance(&address).unwrap().provider.clone()
}

#[test]
fn a_resource_names_its_provider_else_its_kind_default_else_sim() {
    let config = config(&format!(
        r#"provider "libvirt" {{}}
provider "libvirt" {{
  alias = "lab"
  uri   = "qemu+ssh://admin@lab/system"
}}
strata {{
  default_provider {{
    network_zone = libvirt
    storage      = libvirt.lab
  }}
}}
{PLATFORM}
network_zone "dmz" {{
  cidr     = "10.20.0.0/24"
  provider = sim
}}
"#
    ));
    assert_eq!(
        provider_of(&config, "network_zone.app").as_deref(),
        Some("libvirt")
    );
    assert_eq!(
        provider_of(&config, "storage.local").as_deref(),
        Some("libvirt.lab")
    );
    assert_eq!(
        provider_of(&config, "network_zone.dmz").as_deref(),
        Some("sim")
    );
    assert_eq!(provider_of(&config, "site.dc1"), None);
    assert_eq!(
        used(&config, ["libvirt.old".to_string()]),
        ["libvirt", "libvirt.lab", "libvirt.old", "sim"]
    );
}

#[test]
fn the_blueprint_wins_over_the_environment_which_wins_over_defaults() {
    let config = config(&format!(
        r#"provider "libvirt" {{
  name_prefix = "bp-"
}}
provider "libvirt" {{
  alias = "lab"
}}
{PLATFORM}"#
    ));
    let vars: HashMap<&str, &str> = [
        ("STRATA_LIBVIRT_NAME_PREFIX", "env-"),
        ("LIBVIRT_DEFAULT_URI", "qemu:///session"),
        ("STRATA_LIBVIRT_LAB_URI", "qemu+tcp://lab/system"),
        ("STRATA_LIBVIRT_LAB_PASSWORD", "s3cret"),
    ]
    .into();
    let env = |name: &str| vars.get(name).map(|v| v.to_string());
    let plain = resolve(&config, "libvirt", &env).unwrap().ready().unwrap();
    assert_eq!(plain.get("name_prefix"), Some("bp-"));
    assert_eq!(plain.settings["name_prefix"].source, Source::Blueprint);
    assert_eq!(plain.get("uri"), Some("qemu:///session"));
    assert_eq!(
        plain.settings["uri"].source,
        Source::Env("LIBVIRT_DEFAULT_URI".into())
    );
    assert_eq!(plain.get("password"), None);
    // An alias reads its own variables only, never the provider's conventional one.
    let lab = resolve(&config, "libvirt.lab", &env)
        .unwrap()
        .ready()
        .unwrap();
    assert_eq!(lab.get("uri"), Some("qemu+tcp://lab/system"));
    assert_eq!(lab.get("password"), Some("s3cret"));
    assert_eq!(lab.settings["name_prefix"].source, Source::Default);
    assert!(!format!("{lab:?}").contains("s3cret"), "{lab:?}");
    // An alias no block declares is an error naming it.
    let err = resolve(&config, "libvirt.prod", &env).unwrap_err();
    assert!(err.contains("alias = \"prod\""), "{err}");
}

proptest! {
    /// Whatever the password, no display of the resolved settings depends on it.
    #[test]
    fn a_sensitive_setting_is_never_shown(password in "[ -~]{1,40}") {
        let config = config(&format!("provider \"libvirt\" {{}}\n{PLATFORM}"));
        let with = |p: String| {
            move |name: &str| (name == "STRATA_LIBVIRT_PASSWORD").then(|| p.clone())
        };
        let resolved = resolve(&config, "libvirt", &with(password.clone())).unwrap().ready().unwrap();
        let other = resolve(&config, "libvirt", &with("x".into())).unwrap().ready().unwrap();
        prop_assert_eq!(resolved.get("password"), Some(password.as_str()));
        prop_assert_eq!(resolved.settings["password"].shown(), "(sensitive)");
        prop_assert_eq!(format!("{resolved:?}"), format!("{other:?}"));
    }
}

#[test]
fn unknown_setting_with_suggestion() {
    let out = load(&format!(
        "provider \"libvirt\" {{\n  url = \"qemu:///system\"\n}}\n{PLATFORM}"
    ));
    out.expect(
        1,
        0,
        &[
            "Provider \"libvirt\" has no setting \"url\"",
            "main.hcl:2:3",
            "Did you mean \"uri\"?",
        ],
    );
    insta::assert_snapshot!("provider_unknown_setting", out.text);
}

#[test]
fn alias_that_is_not_a_name() {
    let out = load(&format!(
        "provider \"libvirt\" {{\n  alias = \"a b\"\n}}\n{PLATFORM}"
    ));
    out.expect(1, 0, &["Invalid provider alias", "main.hcl:2:11"]);
    insta::assert_snapshot!("provider_bad_alias", out.text);
}

#[test]
fn two_blocks_for_one_configuration() {
    let out = load(&format!(
        "provider \"libvirt\" {{}}\nprovider \"libvirt\" {{}}\n{PLATFORM}"
    ));
    out.expect(
        1,
        0,
        &[
            "Duplicate provider configuration libvirt",
            "first declared here",
        ],
    );
    insta::assert_snapshot!("provider_duplicate", out.text);
}

#[test]
fn resource_using_an_undeclared_alias() {
    let out = load(&format!(
        "{PLATFORM}\nnetwork_zone \"lab\" {{\n  cidr     = \"10.30.0.0/24\"\n  provider = libvirt.lab\n}}\n"
    ));
    out.expect(
        1,
        0,
        &[
            "Provider configuration libvirt.lab is not declared",
            "alias = \"lab\"",
        ],
    );
    insta::assert_snapshot!("provider_undeclared_alias", out.text);
}

#[test]
fn provider_reference_in_quotes() {
    let out = load(&format!(
        "{PLATFORM}\nnetwork_zone \"lab\" {{\n  cidr     = \"10.30.0.0/24\"\n  provider = \"libvirt\"\n}}\n"
    ));
    out.expect(1, 0, &["Invalid provider reference", "without quotes"]);
    insta::assert_snapshot!("provider_quoted_reference", out.text);
}

#[test]
fn default_provider_for_what_is_not_a_kind() {
    let out = load(&format!(
        "strata {{\n  default_provider {{\n    vms = libvirt\n  }}\n}}\n{PLATFORM}"
    ));
    out.expect(
        1,
        0,
        &[
            "\"vms\" is not a resource kind",
            "main.hcl:3:5",
            "Did you mean \"vm\"?",
        ],
    );
    insta::assert_snapshot!("provider_default_not_a_kind", out.text);
}

#[test]
fn currency_is_read_from_the_strata_block_and_unset_by_default() {
    let set = config(&format!("strata {{\n  currency = \"EUR\"\n}}\n{PLATFORM}"));
    assert_eq!(set.currency.as_deref(), Some("EUR"));
    assert_eq!(config(PLATFORM).currency, None);
}

#[test]
fn currency_that_is_not_an_iso_code() {
    for bad in ["\"euro\"", "\"EU\"", "\"€\"", "\"EURO\"", "42", "var.x"] {
        let out = load(&format!("strata {{\n  currency = {bad}\n}}\n{PLATFORM}"));
        out.expect(
            1,
            0,
            &["Invalid currency", "main.hcl:2:14", "three capital letters"],
        );
    }
    let out = load(&format!("strata {{\n  curency = \"EUR\"\n}}\n{PLATFORM}"));
    out.expect(
        1,
        0,
        &[
            "Unknown strata setting \"curency\"",
            "Did you mean \"currency\"?",
        ],
    );
    insta::assert_snapshot!("currency_misspelt", out.text);
}
