//! `strata providers`: every configuration a blueprint uses, each setting with where it
//! came from, sensitive ones hidden, and the resources each manages; and a build without
//! the libvirt feature refusing a libvirt blueprint with what to do.

use std::process::{Command, Output};

const BLUEPRINT: &str = r#"provider "libvirt" {
  name_prefix = "t-"
}

provider "libvirt" {
  alias = "lab"
  uri   = "qemu+ssh://admin@lab/system"
}

strata {
  default_provider {
    network_zone = libvirt
  }
}

site "dc1" {}

network_zone "app" {
  cidr = "10.10.0.0/24"
}

network_zone "lab" {
  cidr     = "10.20.0.0/24"
  provider = libvirt.lab
}
"#;

const PASSWORD: &str = "pw-Never-Shown-71";

fn providers(args: &[&str]) -> (Output, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), BLUEPRINT).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("providers")
        .args(args)
        .arg(dir.path())
        .env("STRATA_LIBVIRT_LAB_PASSWORD", PASSWORD)
        .env("STRATA_LIBVIRT_URI", "qemu:///session")
        .env_remove("LIBVIRT_DEFAULT_URI")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, all)
}

#[test]
fn providers_lists_configurations_settings_and_resources() {
    let (out, all) = providers(&[]);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(!all.contains(PASSWORD), "{all}");
    // What a build without the libvirt feature adds (a line saying how to rebuild) is
    // pinned below; the rest is the same in both builds.
    let shown: String = all
        .lines()
        .filter(|l| !l.starts_with("  ! this build of strata has no libvirt provider"))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!("providers_text", shown);
    assert_eq!(
        all.contains("rebuild with `cargo build --release --features libvirt`"),
        cfg!(not(feature = "libvirt")),
        "{all}"
    );
}

#[test]
fn providers_json_names_sources_and_hides_secrets() {
    let (out, all) = providers(&["--json"]);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(!all.contains(PASSWORD), "{all}");
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lab = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "libvirt.lab")
        .unwrap();
    assert_eq!(lab["alias"], "lab");
    assert_eq!(lab["settings"]["uri"]["source"], "blueprint");
    assert_eq!(lab["settings"]["password"]["value"], "(sensitive)");
    assert_eq!(
        lab["settings"]["password"]["source"],
        "environment STRATA_LIBVIRT_LAB_PASSWORD"
    );
    assert_eq!(lab["resources"], serde_json::json!(["network_zone.lab"]));
    assert_eq!(lab["available"], cfg!(feature = "libvirt"));
    let plain = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "libvirt")
        .unwrap();
    assert_eq!(plain["settings"]["uri"]["value"], "qemu:///session");
    assert_eq!(
        plain["settings"]["uri"]["source"],
        "environment STRATA_LIBVIRT_URI"
    );
    assert_eq!(plain["resources"], serde_json::json!(["network_zone.app"]));
}

#[cfg(not(feature = "libvirt"))]
#[test]
fn a_build_without_libvirt_refuses_a_libvirt_blueprint_saying_how_to_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), BLUEPRINT).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("plan")
        .arg(dir.path())
        .output()
        .unwrap();
    let all = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("provider libvirt: this build of strata has no libvirt provider"),
        "{all}"
    );
    assert!(all.contains("--features libvirt"), "{all}");
}
