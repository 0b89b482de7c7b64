//! Create keys: one (address, old id) pair each, whatever the instance key holds.

use blueprint::{Address, InstanceKey};
use proptest::prelude::*;

use super::create_key;
use crate::plan::{Action, Change};

fn replacement(address: Address, old_id: &str) -> Change {
    Change {
        address,
        kind: "vm".into(),
        provider: "sim".into(),
        action: Action::Replace,
        id: Some(old_id.into()),
        before: None,
        after: None,
        replace_because: Vec::new(),
        reason: None,
        dependencies: Vec::new(),
        create_before_destroy: true,
        retire: None,
        sensitive: Vec::new(),
        unknown: Vec::new(),
        implied: Vec::new(),
        notes: Vec::new(),
        previous_address: None,
        prior_dependencies: Vec::new(),
        prevent_destroy: false,
        prior_prevent_destroy: false,
    }
}

/// Every way to read `key` as `ADDRESS#ID`.
fn splits(key: &str) -> Vec<(Address, &str)> {
    key.match_indices('#')
        .filter_map(|(i, _)| Some((key[..i].parse().ok()?, &key[i + 1..])))
        .collect()
}

proptest! {
    #[test]
    fn a_create_key_splits_back_into_its_address_and_id(
        parts in prop::collection::vec(
            prop::sample::select(vec!["#", "\"", "]", "[", "\\", "]#", "\"]#", "a", "0"]),
            0..8,
        ),
        old_id in "[a-z0-9#\"\\]\\[]{0,6}",
    ) {
        let address = Address {
            module: Vec::new(),
            kind: "vm".into(),
            name: "web".into(),
            key: Some(InstanceKey::Key(parts.concat())),
        };
        let key = create_key(&replacement(address.clone(), &old_id));
        prop_assert_eq!(splits(&key), vec![(address, old_id.as_str())]);
    }
}
