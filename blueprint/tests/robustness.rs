//! Robustness: arbitrary input to the parser and evaluator yields diagnostics, never a
//! panic. Inputs are random text, soups of HCL tokens, and random edits of a valid
//! blueprint (so that evaluation, conformance and checks are reached, not only parsing).

use std::path::Path;

use blueprint::{Inputs, SourceMap};
use proptest::prelude::*;

/// Writes `text` as the only file of a fresh folder and loads it, rendering diagnostics.
fn load_text(text: &str) -> usize {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), text).unwrap();
    load_dir(dir.path())
}

fn load_dir(dir: &Path) -> usize {
    let mut sources = SourceMap::default();
    let (config, diags) = blueprint::load(dir, &Inputs::default(), &mut sources);
    let rendered = diags.render(&sources);
    assert_eq!(diags.is_empty(), rendered.is_empty());
    config.instances.len()
}

const VALID: &str = r#"
variable "n" {
  type    = number
  default = 2
}
locals {
  zones = { app = "10.1.0.0/16", data = "10.2.0.0/16" }
}
site "dc" {}
host_pool "p" {
  site  = site.dc
  hosts = 4
  host {
    cpu    = 32
    memory = "256GiB"
  }
}
network_zone "z" {
  for_each = local.zones
  cidr     = each.value
}
vm "v" {
  count   = var.n
  pool    = host_pool.p
  zone    = network_zone.z["app"]
  cpu     = 2
  memory  = "${4 * (count.index + 1)}GiB"
  address = cidrhost(network_zone.z["app"].cidr, count.index + 10)
}
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.z["app"]
  control_plane {
    count = 3
  }
  node_group "w" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}
service "s" {
  cluster = kubernetes_cluster.k
  kind    = "grafana"
  requires = [for x in [] : x]
}
output "ips" {
  value = [for v in vm.v : v.address]
}
"#;

const TOKENS: &[&str] = &[
    "site",
    "vm",
    "host_pool",
    "kubernetes_cluster",
    "service",
    "network_zone",
    "scenario",
    "variable",
    "locals",
    "module",
    "output",
    "\"a\"",
    "\"b\"",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "=",
    "\n",
    " ",
    ",",
    ".",
    "*",
    "+",
    "-",
    "/",
    "%",
    "==",
    "!=",
    "<",
    ">=",
    "&&",
    "||",
    "!",
    "?",
    ":",
    "=>",
    "...",
    "for",
    "in",
    "if",
    "count",
    "for_each",
    "each.key",
    "count.index",
    "var.n",
    "local.x",
    "site.a",
    "vm.a[0]",
    "length(",
    "cidrsubnet(",
    "try(",
    "0",
    "1",
    "-1",
    "1e309",
    "3.5",
    "\"4GiB\"",
    "\"30s\"",
    "\"5%\"",
    "\"10.0.0.0/8\"",
    "null",
    "true",
    "\"${",
    "%{",
    "<<EOF\n",
    "EOF\n",
    "#",
    "//",
    "/*",
    "*/",
    "depends_on",
    "lifecycle",
    "dynamic",
    "content",
    "pool",
    "cpu",
    "memory",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|t| t.concat())
}

/// A random edit of the valid blueprint: cut, duplicate or replace a slice.
fn edited() -> impl Strategy<Value = String> {
    (
        0..VALID.len(),
        0..40usize,
        prop::sample::select(TOKENS),
        0..3u8,
    )
        .prop_map(|(at, len, token, op)| {
            let at = (0..=at)
                .rev()
                .find(|i| VALID.is_char_boundary(*i))
                .unwrap_or(0);
            let end = (at + len..=VALID.len())
                .find(|i| VALID.is_char_boundary(*i))
                .unwrap_or(VALID.len());
            match op {
                0 => format!("{}{}", &VALID[..at], &VALID[end..]),
                1 => format!("{}{}{}", &VALID[..end], &VALID[at..end], &VALID[end..]),
                _ => format!("{}{}{}", &VALID[..at], token, &VALID[end..]),
            }
        })
}

#[test]
fn the_valid_base_blueprint_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), VALID).unwrap();
    let mut sources = SourceMap::default();
    let (config, diags) = blueprint::load(dir.path(), &Inputs::default(), &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    // site, pool, 2 zones, 2 VMs, cluster, service
    assert_eq!(config.instances.len(), 8);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        load_text(&text);
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        load_text(&text);
    }

    #[test]
    fn edited_blueprints_never_panic(text in edited()) {
        load_text(&text);
    }
}
