//! Attributes implied where the blueprint leaves them unset: one default, and all that a
//! platform service's catalog entry implies.

use crate::config::{Field, Fields, NestedBlock, Typed};
use crate::schema::catalog_entry;
use crate::source::Span;
use crate::units::{self};

/// Sets `name` to `value`, marked implied, unless the blueprint set it.
pub(super) fn default_attr(fields: &mut Fields, name: &str, value: Typed, span: Span) {
    if let std::collections::btree_map::Entry::Vacant(slot) = fields.attrs.entry(name.to_string()) {
        slot.insert(Field { value, span });
        fields.implied.insert(name.to_string());
    }
}

/// Fills what a platform service's catalog entry implies and the blueprint left unset.
pub(super) fn apply_catalog(fields: &mut Fields, span: Span) {
    let Some(entry) = fields.str("kind").and_then(catalog_entry) else {
        return;
    };
    default_attr(fields, "replicas", Typed::Int(entry.replicas), span);
    default_attr(
        fields,
        "quorum",
        Typed::Int(entry.quorum.unwrap_or(1)),
        span,
    );
    default_attr(fields, "stateful", Typed::Bool(entry.stateful), span);
    default_attr(fields, "cpu", Typed::Num(entry.cpu), span);
    if let Ok(bytes) = units::parse_size(entry.memory) {
        default_attr(fields, "memory", Typed::Size(bytes), span);
    }
    default_attr(fields, "port", Typed::Int(i64::from(entry.port)), span);
    // An application on VMs keeps its data on its VMs' disks.
    if let (Some(size), None, None) = (
        entry.volume.and_then(|v| units::parse_size(v).ok()),
        fields.block("volume"),
        fields.get("vms"),
    ) {
        let mut volume = Fields::default();
        volume.attrs.insert(
            "size".into(),
            Field {
                value: Typed::Size(size),
                span,
            },
        );
        fields.implied.insert("volume".into());
        fields.blocks.insert(
            "volume".into(),
            vec![NestedBlock {
                label: None,
                fields: volume,
                span,
            }],
        );
    }
}
