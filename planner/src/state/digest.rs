//! Digests: what the files hold for a sensitive value when no state key is given.
//!
//! A digest cannot be turned back into the value, yet tells whether a value is the one it
//! was made from, which is all a plan needs to see that a secret did not change. It is
//! `{"digest": "$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH"}` (the PHC string format): the
//! Argon2id hash, with OWASP's parameters, of the value's JSON text, salted with a salt
//! derived from the state's lineage. One salt per state makes equal values give equal
//! digests, so that the state, the journal and the simulated datacenter agree without the
//! value; every state has its own. Argon2id makes each guess at a value cost about as
//! much as a password check: a short or common value can still be found by guessing, which
//! a state key avoids (values are then sealed, see `seal`).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use sha2::{Digest as _, Sha256};

const ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD_NO_PAD;

/// The PHC header of the digests this build makes.
const HEADER: &str = "$argon2id$v=19$m=19456,t=2,p=1$";

/// The salt of the digests of one state.
pub(crate) fn salt(lineage: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(b"strata sensitive-value digest\0");
    hasher.update(lineage.as_bytes());
    hasher.finalize()[..16].to_vec()
}

/// Digest texts made in this process, by salt and value text.
type Cache = Mutex<HashMap<(Vec<u8>, String), String>>;

/// The digests made so far: a value costs one Argon2id hash per run however many objects
/// hold it.
fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// The digest text of `value` with `salt`.
fn digest_text(value: &serde_json::Value, salt: &[u8]) -> String {
    let text = value.to_string();
    let key = (salt.to_vec(), text);
    if let Some(done) = cache()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
    {
        return done.clone();
    }
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default());
    let mut hash = [0u8; Params::DEFAULT_OUTPUT_LEN];
    // Only a salt shorter than 8 bytes fails, and `salt` gives 16.
    let _ = argon.hash_password_into(key.1.as_bytes(), salt, &mut hash);
    let done = format!("{HEADER}{}${}", ENGINE.encode(salt), ENGINE.encode(hash));
    cache()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(key, done.clone());
    done
}

/// `{"digest": ...}` for `value`.
pub(crate) fn digest(value: &serde_json::Value, salt: &[u8]) -> serde_json::Value {
    serde_json::json!({ "digest": digest_text(value, salt) })
}

/// The digest text of a stored value, when it is a digest.
pub(crate) fn digest_of(value: &serde_json::Value) -> Option<&str> {
    match value {
        serde_json::Value::Object(map) if map.len() == 1 => map.get("digest")?.as_str(),
        _ => None,
    }
}

/// Whether `stored` (a value, or its digest) stands for `value`.
pub fn stands_for(stored: &serde_json::Value, value: &serde_json::Value) -> bool {
    if stored == value {
        return true;
    }
    let Some(text) = digest_of(stored) else {
        return false;
    };
    let Some(salt) = text
        .strip_prefix(HEADER)
        .and_then(|rest| rest.split('$').next())
        .and_then(|salt| ENGINE.decode(salt).ok())
    else {
        return false;
    };
    digest_of(value).is_none() && digest_text(value, &salt) == text
}

/// Puts back, in memory, the values of the attributes named in `names` whose digest in
/// `attrs` stands for the value in `values` (what the blueprint gives now), so that the
/// plan compares values and shows no change for a secret that stayed the same. Returns
/// the names whose digest stands for another value.
pub fn restore(
    attrs: &mut crate::provider::Attrs,
    names: &[String],
    values: &crate::provider::Attrs,
) -> Vec<String> {
    let mut differ = Vec::new();
    for name in names {
        let (Some(stored), Some(value)) = (attrs.get_mut(name), values.get(name)) else {
            continue;
        };
        if digest_of(stored).is_none() {
            continue;
        }
        if stands_for(stored, value) {
            *stored = value.clone();
        } else {
            differ.push(name.clone());
        }
    }
    differ
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_stands_for_its_value_only_and_hides_it() {
        let salt = salt("lineage-1");
        let secret = serde_json::json!("hunter2-hunter2");
        let stored = digest(&secret, &salt);
        let text = stored.to_string();
        assert!(text.starts_with("{\"digest\":\"$argon2id$v=19$"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(stands_for(&stored, &secret));
        assert!(stands_for(&secret, &secret));
        assert!(!stands_for(&stored, &serde_json::json!("hunter3-hunter3")));
        // Equal values give equal digests within a state, different ones across states.
        assert_eq!(digest(&secret, &salt), stored);
        assert_ne!(digest(&secret, &super::salt("lineage-2")), stored);
        // A digest made with other parameters is not trusted.
        let phc = digest_of(&stored).unwrap().replace("t=2", "t=3");
        let other = serde_json::json!({ "digest": phc });
        assert!(!stands_for(&other, &secret));
    }

    #[test]
    fn restore_puts_back_values_their_digest_stands_for() {
        let salt = salt("l");
        let mut attrs = crate::provider::Attrs::new();
        attrs.insert("same".into(), digest(&"kept-value".into(), &salt));
        attrs.insert("changed".into(), digest(&"old-value".into(), &salt));
        attrs.insert("plain".into(), "x".into());
        let mut values = crate::provider::Attrs::new();
        values.insert("same".into(), "kept-value".into());
        values.insert("changed".into(), "new-value".into());
        values.insert("plain".into(), "y".into());
        let names: Vec<String> = ["same", "changed", "plain"].map(String::from).to_vec();
        assert_eq!(restore(&mut attrs, &names, &values), ["changed"]);
        assert_eq!(attrs["same"], "kept-value");
        assert!(digest_of(&attrs["changed"]).is_some());
        assert_eq!(attrs["plain"], "x", "only digests are restored");
    }
}
