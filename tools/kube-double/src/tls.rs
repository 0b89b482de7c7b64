//! HTTPS for the double: a CA and a server certificate for `127.0.0.1` and `localhost`,
//! made with rcgen when the double starts, served with tokio-rustls on ring (the
//! workspace's one crypto provider), HTTP/1.1 only as the double speaks no HTTP/2.

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

/// The double's TLS: the CA clients trust, and the acceptor holding the server's
/// certificate and key.
pub struct Tls {
    /// The CA certificate, PEM (what a kubeconfig's `certificate-authority-data` holds,
    /// base64-encoded).
    pub ca_pem: String,
    /// Accepts TLS connections with the server certificate the CA issued.
    pub acceptor: TlsAcceptor,
}

impl Tls {
    /// A new CA (CN `kube-double-ca`) and a server certificate it issued for
    /// `127.0.0.1` and `localhost` (CN `kube-apiserver`, server authentication).
    pub fn generate() -> io::Result<Tls> {
        let ca_key = KeyPair::generate().map_err(other)?;
        let mut ca_params = CertificateParams::default();
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "kube-double-ca");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
        ];
        let ca_cert = ca_params.self_signed(&ca_key).map_err(other)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let server_key = KeyPair::generate().map_err(other)?;
        let mut params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
                .map_err(other)?;
        params
            .distinguished_name
            .push(DnType::CommonName, "kube-apiserver");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_cert = params.signed_by(&server_key, &issuer).map_err(other)?;

        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(other)?
            .with_no_client_auth()
            .with_single_cert(vec![server_cert.der().clone()], key)
            .map_err(other)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            ca_pem: ca_cert.pem(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }
}

fn other(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::other(e)
}
