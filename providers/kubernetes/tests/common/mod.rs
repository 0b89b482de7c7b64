//! What the mapping tests share: a cluster in three zones, and the blueprint written
//! after it, loaded and rendered.

#![allow(dead_code)]

use blueprint::Config;
use kubernetes::{Ctx, Manifest, render};
use serde_json::Value;

pub const BASE: &str = r#"
network_zone "dmz" { cidr = "10.9.0.0/24" }
network_zone "app" { cidr = "10.9.1.0/24" }
network_zone "data" { cidr = "10.9.2.0/24" }
site "s" {}
host_pool "p" {
  site  = site.s
  hosts = 3
  host {
    cpu    = 64
    memory = "256GiB"
  }
}
storage "fast" {
  type     = "local"
  capacity = "10TiB"
}
kubernetes_cluster "c" {
  pool    = host_pool.p
  zone    = network_zone.app
  storage = storage.fast
  control_plane {}
  node_group "g" {
    count  = 3
    cpu    = 16
    memory = "64GiB"
  }
}
"#;

pub fn load(extra: &str) -> Config {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), format!("{BASE}\n{extra}")).unwrap();
    let mut sources = blueprint::SourceMap::default();
    let (config, diags) = blueprint::load(dir.path(), &Default::default(), &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    config
}

pub fn rendered(extra: &str) -> Vec<Manifest> {
    let config = load(extra);
    let ctx = Ctx {
        config: &config,
        lineage: Some("0f0e0d0c-aaaa-4bbb-8ccc-000000000001"),
    };
    render::render(&ctx, &|_| true).unwrap()
}

pub fn find<'a>(all: &'a [Manifest], kind: &str, namespace: &str, name: &str) -> &'a Value {
    &all.iter()
        .find(|m| m.kind() == kind && m.namespace() == namespace && m.name() == name)
        .unwrap_or_else(|| {
            panic!(
                "no {kind} {namespace}/{name} in {:?}",
                all.iter().map(Manifest::path).collect::<Vec<_>>()
            )
        })
        .object
}

pub fn has(all: &[Manifest], kind: &str, name: &str) -> bool {
    all.iter().any(|m| m.kind() == kind && m.name() == name)
}
