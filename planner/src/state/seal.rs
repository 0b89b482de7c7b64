//! Protection: how every file Strata writes holds a sensitive value. With a key the user
//! gives (`STRATA_STATE_KEY`) the value is sealed (encrypted), so that the file alone does
//! not reveal it; without one it is replaced by a digest (see `digest`), which tells
//! whether a value is the same without revealing it. A [`Protector`] applies this one rule
//! to the state file and its backup, the journal, saved plans and the simulated
//! datacenter's files.
//!
//! A sealed value is `{"sealed": "<base64 of nonce and ChaCha20-Poly1305 ciphertext>"}`;
//! the key is the SHA-256 of the user's secret.

use std::fmt;
use std::sync::Arc;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngExt;
use sha2::{Digest, Sha256};

use super::State;
use super::digest::{self, digest_of};
use crate::provider::Attrs;

/// The key sensitive values are sealed with.
pub struct StateKey {
    cipher: ChaCha20Poly1305,
}

/// Why a state could not be unsealed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    /// Sealed values and no key.
    #[error(
        "the state holds encrypted sensitive values ({address}.{attribute} among them); set STRATA_STATE_KEY to the key they were written with"
    )]
    NoKey {
        /// The first object with a sealed value.
        address: String,
        /// Its sealed attribute.
        attribute: String,
    },
    /// The key does not open them.
    #[error(
        "STRATA_STATE_KEY does not decrypt {address}.{attribute}: it is not the key the state was written with"
    )]
    WrongKey {
        /// The object.
        address: String,
        /// Its attribute.
        attribute: String,
    },
}

const ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

impl StateKey {
    /// The key for a secret.
    pub fn new(secret: &str) -> StateKey {
        let digest = Sha256::digest(secret.as_bytes());
        let key = Key::try_from(digest.as_slice()).unwrap_or_default();
        StateKey {
            cipher: ChaCha20Poly1305::new(&key),
        }
    }

    fn seal(&self, value: &serde_json::Value) -> serde_json::Value {
        let nonce_bytes: [u8; 12] = rand::rng().random();
        let nonce = Nonce::from(nonce_bytes);
        let plain = value.to_string();
        let mut sealed = nonce_bytes.to_vec();
        sealed.extend(
            self.cipher
                .encrypt(&nonce, plain.as_bytes())
                .unwrap_or_default(),
        );
        serde_json::json!({ "sealed": ENGINE.encode(sealed) })
    }

    fn unseal(&self, text: &str) -> Option<serde_json::Value> {
        let raw = ENGINE.decode(text).ok()?;
        let (nonce, ciphertext) = raw.split_at_checked(12)?;
        let nonce = Nonce::try_from(nonce).ok()?;
        let plain = self.cipher.decrypt(&nonce, ciphertext).ok()?;
        serde_json::from_slice(&plain).ok()
    }
}

fn sealed_text(value: &serde_json::Value) -> Option<&str> {
    match value {
        serde_json::Value::Object(map) if map.len() == 1 => map.get("sealed")?.as_str(),
        _ => None,
    }
}

/// How sensitive values are written to files: sealed with the state key when there is
/// one, replaced by a digest salted for the state's lineage otherwise.
#[derive(Clone)]
pub struct Protector {
    key: Option<Arc<StateKey>>,
    salt: Arc<[u8]>,
}

/// No key, and digests salted as for a state with an empty lineage: for tools and tests
/// that have no state.
impl Default for Protector {
    fn default() -> Protector {
        Protector::new(None, "")
    }
}

impl fmt::Debug for Protector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Protector")
            .field("seals", &self.seals())
            .finish_non_exhaustive()
    }
}

/// True for a sealed value.
pub fn is_sealed(value: &serde_json::Value) -> bool {
    sealed_text(value).is_some()
}

/// True for a value as files hold it: sealed, or a digest.
pub fn is_protected(value: &serde_json::Value) -> bool {
    sealed_text(value).is_some() || digest_of(value).is_some()
}

impl Protector {
    /// The protection of the state with this lineage: sealing with `key`, digests without.
    pub fn new(key: Option<StateKey>, lineage: &str) -> Protector {
        Protector {
            key: key.map(Arc::new),
            salt: digest::salt(lineage).into(),
        }
    }

    /// True when values are sealed (a key was given), false when they become digests.
    pub fn seals(&self) -> bool {
        self.key.is_some()
    }

    /// `value` as a file holds it; a value already sealed or digested stays as it is.
    pub fn protect(&self, value: &serde_json::Value) -> serde_json::Value {
        if is_protected(value) {
            return value.clone();
        }
        match &self.key {
            Some(key) => key.seal(value),
            None => digest::digest(value, &self.salt),
        }
    }

    /// Protects the attributes named in `names`.
    pub fn protect_attrs(&self, attrs: &mut Attrs, names: &[String]) {
        for name in names {
            if let Some(value) = attrs.get_mut(name) {
                *value = self.protect(value);
            }
        }
    }

    /// `value` opened when it is sealed and the key opens it; otherwise (a digest, a
    /// value sealed with another key, a plain value) as it is.
    pub fn reveal(&self, value: &serde_json::Value) -> serde_json::Value {
        self.key
            .as_ref()
            .and_then(|key| sealed_text(value).and_then(|t| key.unseal(t)))
            .unwrap_or_else(|| value.clone())
    }

    /// Opens every sealed attribute the key opens (see [`reveal`](Self::reveal)).
    pub fn reveal_attrs(&self, attrs: &mut Attrs) {
        if self.key.is_none() {
            return;
        }
        for value in attrs.values_mut() {
            if is_sealed(value) {
                *value = self.reveal(value);
            }
        }
    }
}

/// A copy of the state as its file holds it: every sensitive attribute and output
/// protected.
pub fn protect(state: &State, protector: &Protector) -> State {
    let mut protected = state.clone();
    for entry in protected.outputs.values_mut() {
        if entry["sensitive"] == serde_json::Value::Bool(true)
            && let Some(value) = entry.get_mut("value")
        {
            *value = protector.protect(value);
        }
    }
    for object in &mut protected.objects {
        protector.protect_attrs(&mut object.attributes, &object.sensitive);
    }
    protected
}

/// Opens every sealed value of a state in place.
pub fn unseal(state: &mut State, key: Option<&StateKey>) -> Result<(), SealError> {
    for (name, entry) in state.outputs.iter_mut() {
        let Some(value) = entry.get_mut("value") else {
            continue;
        };
        let Some(text) = sealed_text(value) else {
            continue;
        };
        let (address, attribute) = ("output".to_string(), name.clone());
        let key = key.ok_or_else(|| SealError::NoKey {
            address: address.clone(),
            attribute: attribute.clone(),
        })?;
        *value = key
            .unseal(text)
            .ok_or(SealError::WrongKey { address, attribute })?;
    }
    for object in &mut state.objects {
        for (attribute, value) in object.attributes.iter_mut() {
            let Some(text) = sealed_text(value) else {
                continue;
            };
            let (address, attribute) = (object.address.to_string(), attribute.clone());
            let key = key.ok_or_else(|| SealError::NoKey {
                address: address.clone(),
                attribute: attribute.clone(),
            })?;
            *value = key
                .unseal(text)
                .ok_or(SealError::WrongKey { address, attribute })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{LocalBackend, Object};

    #[test]
    fn without_a_key_values_become_digests_that_stand_for_them() {
        let state = state_with_secret();
        let protector = Protector::new(None, &state.lineage);
        assert!(!protector.seals());
        let protected = protect(&state, &protector);
        let text = serde_json::to_string(&protected).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        let stored = &protected.objects[0].attributes["password"];
        assert!(crate::state::stands_for(stored, &"hunter2".into()));
        // Unsealing leaves digests as they are; protecting again changes nothing.
        let mut opened = protected.clone();
        unseal(&mut opened, None).unwrap();
        assert_eq!(opened, protected);
        assert_eq!(protect(&protected, &protector), protected);
    }

    #[test]
    fn reveal_opens_what_the_key_sealed_and_keeps_the_rest() {
        let protector = Protector::new(Some(StateKey::new("k")), "l");
        let mut attrs = Attrs::new();
        attrs.insert("a".into(), "secret-a".into());
        attrs.insert("b".into(), "plain".into());
        let clear = attrs.clone();
        protector.protect_attrs(&mut attrs, &["a".to_string()]);
        assert_ne!(attrs, clear);
        assert_eq!(attrs["b"], "plain");
        let other = Protector::new(Some(StateKey::new("other")), "l");
        let mut copy = attrs.clone();
        other.reveal_attrs(&mut copy);
        assert_eq!(copy, attrs, "another key opens nothing");
        protector.reveal_attrs(&mut attrs);
        assert_eq!(attrs, clear);
    }

    fn state_with_secret() -> State {
        let mut state = LocalBackend::new_state();
        let mut attributes = crate::provider::Attrs::new();
        attributes.insert("password".into(), "hunter2".into());
        attributes.insert("name".into(), "db".into());
        state.objects.push(Object {
            address: "service.db".parse().unwrap(),
            kind: "service".into(),
            provider: "sim".into(),
            id: "svc-1".into(),
            attributes,
            dependencies: Vec::new(),
            created_at: 0,
            sensitive: vec!["password".into()],
            prevent_destroy: false,
        });
        state
    }

    fn seal(state: &State, key: &str) -> State {
        protect(
            state,
            &Protector::new(Some(StateKey::new(key)), &state.lineage),
        )
    }

    #[test]
    fn sealing_hides_sensitive_values_and_the_key_opens_them() {
        let state = state_with_secret();
        let key = StateKey::new("correct horse");
        let sealed = seal(&state, "correct horse");
        let text = serde_json::to_string(&sealed).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(
            text.contains("\"name\":\"db\""),
            "only sensitive values are sealed"
        );
        let mut opened = sealed.clone();
        unseal(&mut opened, Some(&key)).unwrap();
        assert_eq!(opened, state);
    }

    #[test]
    fn a_missing_or_wrong_key_is_a_clear_error() {
        let sealed = seal(&state_with_secret(), "right");
        let mut copy = sealed.clone();
        assert_eq!(
            unseal(&mut copy, None),
            Err(SealError::NoKey {
                address: "service.db".into(),
                attribute: "password".into()
            })
        );
        let mut copy = sealed.clone();
        assert!(matches!(
            unseal(&mut copy, Some(&StateKey::new("wrong"))),
            Err(SealError::WrongKey { .. })
        ));
    }
}
