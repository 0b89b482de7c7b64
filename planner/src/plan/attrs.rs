//! The attribute rules of a plan: what the blueprint asks for, what an update leaves, and
//! which attributes differ. One place, used by the diff, the refresh and the apply.

use blueprint::Instance;
use blueprint::config::{Fields, Typed};

use crate::provider::Attrs;

/// The provider name an instance uses.
pub fn provider_of(inst: &Instance) -> String {
    inst.provider.clone().unwrap_or_else(|| "sim".to_string())
}

/// The attributes the blueprint asks for: known values only. An attribute set to `null`,
/// or not written and without a default, is absent.
pub fn desired(inst: &Instance) -> Attrs {
    match inst.fields.to_json() {
        serde_json::Value::Object(map) => map.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        _ => Attrs::new(),
    }
}

/// Top-level attributes and blocks the blueprint writes with a value known only after
/// apply (a computed attribute of an object this plan creates or replaces). Placeholders
/// for what the provider itself computes are not among them.
pub fn unknown(fields: &Fields) -> Vec<String> {
    let attrs = fields
        .attrs
        .iter()
        .filter(|(name, f)| !fields.implied.contains(*name) && holds_unknown(&f.value))
        .map(|(name, _)| name.clone());
    let blocks = fields
        .blocks
        .iter()
        .filter(|(_, list)| list.iter().any(|b| block_unknown(&b.fields)))
        .map(|(name, _)| name.clone());
    attrs.chain(blocks).collect()
}

/// What the blueprint did not write and the schema filled in, as dotted paths: `replicas`,
/// and for nested blocks the block type, its label or index, and the attribute
/// (`node_group.gpu.disk`, `ha.0.admission`).
pub fn implied(fields: &Fields) -> Vec<String> {
    fn walk(fields: &Fields, prefix: &str, out: &mut Vec<String>) {
        out.extend(fields.implied.iter().map(|n| format!("{prefix}{n}")));
        for (name, list) in &fields.blocks {
            for (i, block) in list.iter().enumerate() {
                let which = block.label.clone().unwrap_or_else(|| i.to_string());
                walk(&block.fields, &format!("{prefix}{name}.{which}."), out);
            }
        }
    }
    let mut out = Vec::new();
    walk(fields, "", &mut out);
    out.sort();
    out.dedup();
    out
}

fn block_unknown(fields: &Fields) -> bool {
    fields.attrs.values().any(|f| holds_unknown(&f.value))
        || fields
            .blocks
            .values()
            .flatten()
            .any(|b| block_unknown(&b.fields))
}

fn holds_unknown(value: &Typed) -> bool {
    match value {
        Typed::Unknown => true,
        Typed::List(items) => items.iter().any(|f| holds_unknown(&f.value)),
        Typed::Map(items) => items.values().any(|f| holds_unknown(&f.value)),
        _ => false,
    }
}

/// True for the attributes and blocks of `kind` that the blueprint owns: set from the
/// blueprint alone (not computed by the provider), so that one the blueprint no longer
/// writes goes back to unset.
fn owned(kind: &str, name: &str) -> bool {
    blueprint::schema::kind(kind).is_some_and(|s| {
        s.body.attr(name).is_some_and(|a| !a.computed) || s.body.block(name).is_some()
    })
}

/// The attributes an object has after an in-place update from `prior` to `want`: what
/// the provider keeps on its own (its id, computed values the blueprint leaves unset,
/// bookkeeping such as placement), then the blueprint's attributes as it now writes them.
/// One it no longer writes is gone (null means unset); one in `ignore` keeps its prior
/// value (`lifecycle { ignore_changes }`); one in `unknown` is left out until apply.
pub fn after_update(
    kind: &str,
    prior: &Attrs,
    want: &Attrs,
    ignore: &[String],
    unknown: &[String],
) -> Attrs {
    let ignored = |k: &str| ignore.iter().any(|i| i == k || i == "all");
    let mut after: Attrs = prior
        .iter()
        .filter(|(k, _)| !owned(kind, k) && !unknown.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in want {
        if !ignored(k) {
            after.insert(k.clone(), v.clone());
        }
    }
    for (k, v) in prior {
        if ignored(k) && owned(kind, k) {
            after.insert(k.clone(), v.clone());
        }
    }
    after
}

/// The blueprint's attributes whose wanted value differs from the object's: those it
/// owns, computed ones it sets itself, and those it sets from values known only after
/// apply. What the provider adds on its own is not the blueprint's to change.
pub fn changed(
    kind: &str,
    want: &Attrs,
    have: &Attrs,
    ignore: &[String],
    unknown: &[String],
) -> Vec<String> {
    if ignore.iter().any(|i| i == "all") {
        return Vec::new();
    }
    let Some(schema) = blueprint::schema::kind(kind) else {
        return Vec::new();
    };
    let names = schema
        .body
        .attrs
        .iter()
        .filter(|a| !a.computed || want.contains_key(a.name) || unknown.iter().any(|u| u == a.name))
        .map(|a| a.name)
        .chain(schema.body.blocks.iter().map(|b| b.name));
    names
        .filter(|n| !ignore.iter().any(|i| i == n))
        .filter(|n| unknown.iter().any(|u| u == n) || want.get(*n) != have.get(*n))
        .map(str::to_string)
        .collect()
}

/// A fingerprint of a definition that stays the same across runs and builds: the first
/// 64 bits of the SHA-256 of its canonical JSON (keys sorted), in hex. It is kept in the
/// state, so the `sensitive` attributes are left out: a fast hash of a secret would let
/// anyone who reads the state guess it.
pub fn fingerprint(attrs: &Attrs, sensitive: &[String]) -> String {
    use sha2::{Digest, Sha256};
    let mut shown = attrs.clone();
    shown.retain(|name, _| !sensitive.contains(name));
    let digest = Sha256::digest(serde_json::Value::Object(shown).to_string());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}
