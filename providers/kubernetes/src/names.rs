//! The names Strata gives Kubernetes objects: DNS labels derived from blueprint
//! addresses, deterministically, readable where the address allows it.
//!
//! Every name is an RFC 1035 label (`[a-z]([-a-z0-9]*[a-z0-9])?`), which is also a valid
//! RFC 1123 label and subdomain, so one rule serves namespaces, Services (which need RFC
//! 1035) and every other object. Names are at most [`MAX`] characters: a StatefulSet's
//! pods carry a `controller-revision-hash` label of its name and ten more characters, and
//! a CronJob's Jobs add eleven, both within the 63 of a label.
//!
//! Letters are lowered and `_` becomes `-` (HCL names allow both; Kubernetes neither);
//! any other change (characters outside `[a-z0-9-]`, a leading digit, a name too long, a
//! reserved namespace) appends eight hex digits of the text's SHA-256, so that different
//! texts keep different names. Two texts can still meet (`a_b` and `a-b`): rendering
//! detects such collisions and names both addresses ([`crate::render`]).

use blueprint::{Address, InstanceKey};
use sha2::{Digest, Sha256};

/// The longest name given, in characters.
pub const MAX: usize = 52;

/// Namespaces a blueprint's names must not take over.
const RESERVED: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

/// `text` as a DNS label, by the rules of the module documentation.
pub fn label(text: &str) -> String {
    let lowered: String = text
        .chars()
        .map(|c| match c {
            '_' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let mut clean: String = lowered
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut lossy = clean != lowered;
    while clean.contains("--") {
        clean = clean.replace("--", "-");
        lossy = true;
    }
    let trimmed = clean.trim_matches('-');
    lossy |= trimmed.len() != clean.len();
    let mut name = trimmed.to_string();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert(0, 'x');
        lossy = true;
    }
    if lossy || name.len() > MAX || RESERVED.contains(&name.as_str()) || name.starts_with("kube-") {
        let hash: String = Sha256::digest(text.as_bytes())[..4]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        name.truncate(MAX - hash.len() - 1);
        let mut name = name.trim_end_matches('-').to_string();
        name.push('-');
        name.push_str(&hash);
        return name;
    }
    name
}

/// The readable text of an address without its kind: module steps, name and keys
/// joined by `-` (`module.prod.service.web[0]` is `prod-web-0`).
pub fn slug(address: &Address) -> String {
    let mut parts = Vec::new();
    for step in &address.module {
        parts.push(step.name.clone());
        parts.extend(key(&step.key));
    }
    parts.push(address.name.clone());
    parts.extend(key(&address.key));
    parts.join("-")
}

fn key(key: &Option<InstanceKey>) -> Option<String> {
    match key {
        None => None,
        Some(InstanceKey::Index(i)) => Some(i.to_string()),
        Some(InstanceKey::Key(k)) => Some(k.clone()),
    }
}

/// The object name of the instance at `address`.
pub fn object(address: &Address) -> String {
    label(&slug(address))
}

/// Whether `name` is an RFC 1035 label of at most [`MAX`] characters.
pub fn is_valid(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX
        && bytes[0].is_ascii_lowercase()
        && bytes[bytes.len() - 1] != b'-'
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn addr(s: &str) -> Address {
        s.parse().unwrap()
    }

    #[test]
    fn readable_names_stay_readable() {
        assert_eq!(object(&addr("service.customer_portal")), "customer-portal");
        assert_eq!(
            object(&addr("module.messaging.service.kafka")),
            "messaging-kafka"
        );
        assert_eq!(object(&addr("service.app[\"accounts\"]")), "app-accounts");
        assert_eq!(
            object(&addr("module.nonprod[\"test\"].kubernetes_cluster.this")),
            "nonprod-test-this"
        );
    }

    #[test]
    fn lossy_long_and_reserved_names_get_a_hash() {
        let odd = object(&addr("service.app[\"A b/c\"]"));
        assert!(
            odd.starts_with("app-a-b-c-") && odd.len() == "app-a-b-c-".len() + 8,
            "{odd}"
        );
        assert_ne!(odd, object(&addr("service.app[\"A b.c\"]")));
        assert!(label("default").starts_with("default-"));
        assert!(label("kube_system").starts_with("kube-system-"));
        assert!(label("7zip").starts_with("x7zip-"));
        let long = label(&"a".repeat(80));
        assert_eq!(long.len(), MAX);
        assert_ne!(long, label(&"a".repeat(81)));
    }

    proptest! {
        #[test]
        fn every_label_is_valid_and_deterministic(text in "\\PC{0,90}") {
            let name = label(&text);
            prop_assert!(is_valid(&name), "{:?} -> {:?}", text, name);
            prop_assert_eq!(name, label(&text));
        }

        #[test]
        fn distinct_clean_texts_keep_distinct_names(a in "[a-z][a-z0-9]{0,20}", b in "[a-z][a-z0-9]{0,20}") {
            prop_assume!(a != b);
            prop_assert_ne!(label(&a), label(&b));
        }
    }
}
