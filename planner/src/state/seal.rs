//! Sealing: sensitive attribute values encrypted in the state file with a key the user
//! gives (`STRATA_STATE_KEY`), so that the file alone does not reveal them.
//!
//! A sealed value is `{"sealed": "<base64 of nonce and ChaCha20-Poly1305 ciphertext>"}`;
//! the key is the SHA-256 of the user's secret.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngExt;
use sha2::{Digest, Sha256};

use super::State;

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

/// A copy of the state with every sensitive attribute value sealed.
pub fn seal(state: &State, key: &StateKey) -> State {
    let mut sealed = state.clone();
    for entry in sealed.outputs.values_mut() {
        if entry["sensitive"] == serde_json::Value::Bool(true)
            && let Some(value) = entry.get_mut("value")
            && sealed_text(value).is_none()
        {
            *value = key.seal(value);
        }
    }
    for object in &mut sealed.objects {
        for name in &object.sensitive {
            if let Some(value) = object.attributes.get_mut(name)
                && sealed_text(value).is_none()
            {
                *value = key.seal(value);
            }
        }
    }
    sealed
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

    #[test]
    fn sealing_hides_sensitive_values_and_the_key_opens_them() {
        let state = state_with_secret();
        let key = StateKey::new("correct horse");
        let sealed = seal(&state, &key);
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
        let sealed = seal(&state_with_secret(), &StateKey::new("right"));
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
