//! For arbitrary block names and instance keys: rendering never panics, every name is a
//! DNS label, and two objects share an identity only where a collision is reported.

mod common;

use common::load;
use kubernetes::{Ctx, Manifest, MapError, names, render};
use proptest::prelude::*;

/// An HCL string literal of `text`.
fn quoted(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap()
        .replace("${", "$${")
        .replace("%{", "%%{")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Arbitrary block names and `for_each` keys: rendering does not panic, every object
    /// name is a DNS label, and two objects share a name only where a collision is
    /// reported.
    #[test]
    fn rendering_arbitrary_names_gives_dns_labels(
        name in "[a-zA-Z_][a-zA-Z0-9_-]{0,70}",
        keys in proptest::collection::btree_set("\\PC{0,40}", 1..5),
    ) {
        let keys: Vec<String> = keys.iter().map(|k| quoted(k)).collect();
        let config = load(&format!(
            "service \"{name}\" {{\n  for_each = toset([{}])\n  cluster = kubernetes_cluster.c\n  image = \"x:1\"\n}}\nenvironment \"{name}\" {{\n  cluster = kubernetes_cluster.c\n  ttl = \"1h\"\n  services = values(service.{name})\n}}\n",
            keys.join(", ")
        ));
        let ctx = Ctx { config: &config, lineage: None };
        match render::render(&ctx, &|_| true) {
            Ok(all) => {
                for m in &all {
                    prop_assert!(names::is_valid(m.name()), "{}", m.name());
                    prop_assert!(m.namespace().is_empty() || names::is_valid(m.namespace()), "{}", m.namespace());
                }
                let mut ids: Vec<_> = all.iter().map(Manifest::identity).collect();
                let before = ids.len();
                ids.dedup();
                prop_assert_eq!(before, ids.len());
            }
            Err(errors) => {
                for e in errors {
                    prop_assert!(matches!(e, MapError::Collision { .. }), "{}", e);
                }
            }
        }
    }
}
