//! Replacements that carry over to dependents: an object that names a replaced object in
//! an attribute that forces replacement is replaced too.
//!
//! Terraform gets there because a replaced object's id is unknown until it is created
//! again, and an unknown value in a force-new attribute forces a replacement. Strata
//! refers to objects by address, which stays the same, so the rule is written here: a VM
//! whose pool is replaced is replaced with it (its old object goes first, then the pool's,
//! then the pool is created and the VM on it), and so is a VM that leaves a replaced pool
//! (its old object is on it, so it cannot move live). The change's reason says so
//! (`replace_because_dependency_replaced`) and `replace_because` names the attributes.

use std::collections::HashSet;

use crate::provider::Attrs;

/// The force-new attributes of `after` that name one of `replaced`; `None` when there
/// are none.
pub(super) fn forced_by(
    after: &Attrs,
    force_new: &[&'static str],
    replaced: &HashSet<String>,
) -> Option<Vec<String>> {
    let names = |name: &str| -> Vec<String> {
        match after.get(name) {
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    let attrs: Vec<String> = force_new
        .iter()
        .filter(|name| names(name).iter().any(|a| replaced.contains(a)))
        .map(|name| name.to_string())
        .collect();
    (!attrs.is_empty()).then_some(attrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_force_new_references_to_replaced_objects_count() {
        let after: Attrs = serde_json::from_str(
            r#"{"pool": "host_pool.p", "zone": "network_zone.z", "cpu": 2, "tags": ["host_pool.p"]}"#,
        )
        .unwrap();
        let replaced: HashSet<String> = ["host_pool.p".to_string(), "network_zone.z".into()].into();
        assert_eq!(
            forced_by(&after, &["pool", "cpu"], &replaced),
            Some(vec!["pool".to_string()])
        );
        assert_eq!(forced_by(&after, &["cpu"], &replaced), None);
        assert_eq!(forced_by(&after, &["pool"], &HashSet::new()), None);
        assert_eq!(
            forced_by(&after, &["tags"], &replaced),
            Some(vec!["tags".to_string()])
        );
    }
}
