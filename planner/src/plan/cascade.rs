//! Replacements that carry over to dependents: an object that names a replaced object in
//! an attribute that forces replacement is replaced too.
//!
//! Terraform gets there because a replaced object's id is unknown until it is created
//! again, and an unknown value in a force-new attribute forces a replacement. Strata
//! refers to objects by address, which stays the same, so the rule is written here: a VM
//! whose pool is replaced is replaced with it (its old object goes first, then the pool's,
//! then the pool is created and the VM on it).

use std::collections::HashSet;

use crate::provider::Attrs;

/// The force-new attributes of `after` that name one of `replaced`, and the first such
/// object; `None` when there are none.
pub(super) fn forced_by(
    after: &Attrs,
    force_new: &[&'static str],
    replaced: &HashSet<String>,
) -> Option<(Vec<String>, String)> {
    let mut attrs = Vec::new();
    let mut first = None;
    for name in force_new {
        let named: Vec<&str> = match after.get(*name) {
            Some(serde_json::Value::String(s)) => vec![s.as_str()],
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(|v| v.as_str()).collect()
            }
            _ => Vec::new(),
        };
        if let Some(hit) = named.into_iter().find(|a| replaced.contains(*a)) {
            attrs.push(name.to_string());
            first.get_or_insert_with(|| hit.to_string());
        }
    }
    first.map(|f| (attrs, f))
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
            Some((vec!["pool".to_string()], "host_pool.p".to_string()))
        );
        assert_eq!(forced_by(&after, &["cpu"], &replaced), None);
        assert_eq!(forced_by(&after, &["pool"], &HashSet::new()), None);
        assert_eq!(
            forced_by(&after, &["tags"], &replaced),
            Some((vec!["tags".to_string()], "host_pool.p".to_string()))
        );
    }
}
