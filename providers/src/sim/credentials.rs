//! What a simulated cluster hands over to the services that run on it, as a real one
//! does: its API server's `endpoint`, the `cluster_ca_certificate` that issued the
//! server's certificate, and a bearer `token` (sensitive).
//!
//! The CA is a real self-signed X.509 CA certificate (ECDSA P-256, made with rcgen on
//! ring), generated when the cluster is created and kept in its record, so that it stays
//! the same across runs, reads and updates; its private key is dropped at once, since the
//! simulated cluster issues no certificate. The token has the form of a kubeadm bootstrap
//! token (`[a-z0-9]{6}.[a-z0-9]{16}`, about 113 random bits). A replacement creates a new
//! cluster, with new ones.

use blueprint::{Address, Diagnostic};
use planner::Attrs;
use rand::RngExt;
use serde_json::Value;

/// The attribute holding the API server's URL.
pub(crate) const ENDPOINT_ATTR: &str = "endpoint";
/// The attribute holding the cluster CA's PEM certificate.
pub(crate) const CA_ATTR: &str = "cluster_ca_certificate";
/// The attribute holding the bearer token (sensitive).
pub(crate) const TOKEN_ATTR: &str = "token";

/// A cluster's CA certificate and token.
pub(crate) struct Credentials {
    /// The CA certificate, PEM.
    pub ca_certificate: String,
    /// The bearer token.
    pub token: String,
}

impl Credentials {
    /// New credentials for the cluster at `address`.
    pub fn generate(address: &Address) -> Result<Credentials, Diagnostic> {
        let failed = |e: rcgen::Error| {
            Diagnostic::error(
                None,
                format!("Cannot make the CA certificate of {address}"),
                format!("The simulated datacenter could not generate it: {e}."),
            )
        };
        let key = rcgen::KeyPair::generate().map_err(failed)?;
        let mut params = rcgen::CertificateParams::default();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "kubernetes");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let cert = params.self_signed(&key).map_err(failed)?;
        Ok(Credentials {
            ca_certificate: cert.pem(),
            token: bootstrap_token(),
        })
    }

    /// The credentials a cluster's record already holds (its token as the record keeps
    /// it: sealed or a digest), when it has them.
    pub fn of(attrs: &Attrs) -> Option<(Value, Value)> {
        Some((attrs.get(CA_ATTR)?.clone(), attrs.get(TOKEN_ATTR)?.clone()))
    }

    /// Writes them into a cluster's attributes.
    pub fn write(ca_certificate: Value, token: Value, attrs: &mut Attrs) {
        attrs.insert(CA_ATTR.into(), ca_certificate);
        attrs.insert(TOKEN_ATTR.into(), token);
    }
}

/// `abcdef.0123456789abcdef`: six and sixteen characters of `[a-z0-9]`.
fn bootstrap_token() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let mut pick = |n: usize| -> String {
        (0..n)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect()
    };
    let id = pick(6);
    let secret = pick(16);
    format!("{id}.{secret}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_bootstrap_form_and_differ() {
        let address: Address = "kubernetes_cluster.a".parse().unwrap();
        let a = Credentials::generate(&address).unwrap();
        let b = Credentials::generate(&address).unwrap();
        for token in [&a.token, &b.token] {
            let (id, secret) = token.split_once('.').unwrap();
            assert_eq!((id.len(), secret.len()), (6, 16), "{token}");
            assert!(
                token
                    .chars()
                    .all(|c| c == '.' || c.is_ascii_lowercase() || c.is_ascii_digit()),
                "{token}"
            );
        }
        assert_ne!(a.token, b.token);
        assert_ne!(a.ca_certificate, b.ca_certificate);
        assert!(a.ca_certificate.starts_with("-----BEGIN CERTIFICATE-----"));
    }
}
