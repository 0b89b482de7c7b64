//! How the provider names what it creates, and how a state id holds an object reference.

use blueprint::Address;
use sha2::{Digest, Sha256};

use crate::soap::Moref;

/// The longest inventory name vSphere accepts.
const MAX: usize = 80;

/// The name of the object at `address` created with `key`: the prefix and the address
/// (`strata-vm.web[0]`), with `/`, `\` and `%` (which vSphere escapes) replaced, cut to
/// vSphere's 80 characters with a hash of the address when cut, and a hash of the key
/// when the key is not the address (the new object of a create-before-destroy).
pub fn object(prefix: &str, address: &Address, key: &str) -> String {
    let full = address.to_string();
    let clean: String = full
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | '%') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut name = format!("{prefix}{clean}");
    let suffix = (!key.is_empty() && key != full).then(|| short_hash(key));
    let room = MAX - suffix.as_ref().map_or(0, |s| s.len() + 1);
    if name.chars().count() > room {
        name = name.chars().take(room - 9).collect();
        name.push('-');
        name.push_str(&short_hash(&full));
    }
    if let Some(s) = suffix {
        name.push('-');
        name.push_str(&s);
    }
    name
}

fn short_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The object a state id (a reference as [`Moref`]'s Display writes it,
/// `VirtualMachine:vm-42`) names; `None` for an id this provider did not write.
pub fn moref(id: &str) -> Option<Moref> {
    let (kind, value) = id.split_once(':')?;
    (!kind.is_empty() && !value.is_empty()).then(|| Moref::new(kind, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_carry_the_address() {
        let a: Address = "vm.web[0]".parse().unwrap();
        assert_eq!(object("strata-", &a, ""), "strata-vm.web[0]");
        assert_eq!(object("strata-", &a, "vm.web[0]"), "strata-vm.web[0]");
        assert_ne!(object("strata-", &a, "vm.web[0]#new"), "strata-vm.web[0]");
    }

    proptest! {
        #[test]
        fn names_fit_and_ids_round_trip(key in "[a-z/%\\\\]{1,200}", v in "[a-z0-9-]{1,20}") {
            let a: Address = format!("vm.w[\"{}\"]", key.replace('\\', "")).parse().unwrap();
            let n = object("strata-", &a, &key);
            prop_assert!(n.chars().count() <= MAX);
            prop_assert!(!n.contains(['/', '%']));
            let m = Moref::new("VirtualMachine", v);
            prop_assert_eq!(moref(&m.to_string()), Some(m));
        }
    }
}
