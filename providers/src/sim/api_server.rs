//! A real Kubernetes API server the simulated clusters answer at.
//!
//! The `sim` provider's settings `api_server`, `api_server_ca_file` and
//! `api_server_token` point every simulated `kubernetes_cluster` at a server that exists
//! (a kind or k3d cluster on a laptop, the API server double of the tests): each cluster
//! then reports that URL as its `endpoint`, that CA as its `cluster_ca_certificate` and
//! that token as its `token`, so that services on the cluster can be applied for real by a
//! kubernetes provider configured from the cluster's attributes. The values are overlaid
//! whenever a cluster is reported, never stored in the simulated datacenter: the token
//! stays where the user keeps it (the blueprint's variables, the environment).

use std::fmt;
use std::path::{Path, PathBuf};

use planner::Attrs;
use serde_json::Value;

use super::credentials::{CA_ATTR, ENDPOINT_ATTR, TOKEN_ATTR};

/// Why the API server settings are not usable; each names the setting to fix.
#[derive(Debug, thiserror::Error)]
pub enum ApiServerError {
    /// `api_server` is not an http or https URL with a host.
    #[error(
        "api_server {url:?} is not a URL of an API server: {reason}; write it as https://HOST:PORT, such as https://127.0.0.1:6443"
    )]
    Url {
        /// The value given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The CA file cannot be read.
    #[error("api_server_ca_file {}: cannot read it: {source}", path.display())]
    CaUnreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The CA file holds no certificate that parses.
    #[error(
        "api_server_ca_file {}: {reason}; give the PEM file of the CA that issued the API server's certificate (kind and k3d: the kubeconfig's certificate-authority-data, base64-decoded)",
        path.display()
    )]
    CaInvalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// An https server without its CA, or a setting without `api_server`.
    #[error("{0}")]
    Incomplete(String),
}

/// The API server every simulated cluster reports (see the module documentation).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiServer {
    /// The server's URL, as `endpoint`.
    pub url: String,
    /// The PEM of the CA that issued its certificate, as `cluster_ca_certificate`; none
    /// for a plain-HTTP server (each cluster keeps its own CA then).
    pub ca_certificate: Option<String>,
    /// A bearer token the server accepts, as `token`.
    pub token: String,
}

/// Never shows the token.
impl fmt::Debug for ApiServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiServer")
            .field("url", &self.url)
            .field("ca_certificate", &self.ca_certificate.is_some())
            .field("token", &"(sensitive)")
            .finish()
    }
}

impl ApiServer {
    /// The API server from the provider's settings: `url` (`api_server`), the CA file
    /// (`api_server_ca_file`, read now; required for https) and the token
    /// (`api_server_token`, required). `None` when none is set; an error naming the
    /// setting when they are incomplete or invalid.
    pub fn from_settings(
        url: Option<&str>,
        ca_file: Option<&Path>,
        token: Option<&str>,
    ) -> Result<Option<ApiServer>, ApiServerError> {
        let Some(url) = url else {
            return match (ca_file, token) {
                (None, None) => Ok(None),
                _ => Err(ApiServerError::Incomplete(
                    "api_server_ca_file and api_server_token describe the server of api_server, which is not set; set api_server too, or remove them".into(),
                )),
            };
        };
        let https = check_url(url)?;
        let ca_certificate = match ca_file {
            Some(path) => Some(read_ca(path)?),
            None if https => {
                return Err(ApiServerError::Incomplete(format!(
                    "api_server {url:?} is https but api_server_ca_file is not set: without the CA that issued the server's certificate, nothing could trust it; set api_server_ca_file to that CA's PEM file"
                )));
            }
            None => None,
        };
        let token = token.filter(|t| !t.is_empty()).ok_or_else(|| {
            ApiServerError::Incomplete(format!(
                "api_server {url:?} needs api_server_token, a bearer token the server accepts (on a kind or k3d cluster: `kubectl create token NAME`); set it, preferably through STRATA_SIM_API_SERVER_TOKEN"
            ))
        })?;
        Ok(Some(ApiServer {
            url: url.trim_end_matches('/').to_string(),
            ca_certificate,
            token: token.to_string(),
        }))
    }

    /// Replaces a cluster's endpoint, CA and token with the server's.
    pub(crate) fn overlay(&self, attrs: &mut Attrs) {
        attrs.insert(ENDPOINT_ATTR.into(), Value::String(self.url.clone()));
        if let Some(ca) = &self.ca_certificate {
            attrs.insert(CA_ATTR.into(), Value::String(ca.clone()));
        }
        attrs.insert(TOKEN_ATTR.into(), Value::String(self.token.clone()));
    }
}

/// Checks an API server URL; true for https.
fn check_url(text: &str) -> Result<bool, ApiServerError> {
    let bad = |reason: &str| ApiServerError::Url {
        url: text.to_string(),
        reason: reason.to_string(),
    };
    let url = url::Url::parse(text).map_err(|e| bad(&e.to_string()))?;
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        other => return Err(bad(&format!("its scheme is {other:?}, not https or http"))),
    };
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it names no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("an API server URL has no query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "credentials do not belong in the URL; give the token as api_server_token",
        ));
    }
    Ok(https)
}

/// Reads a CA file: PEM certificates, each one that parses as X.509.
fn read_ca(path: &Path) -> Result<String, ApiServerError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let text = std::fs::read_to_string(path).map_err(|source| ApiServerError::CaUnreadable {
        path: path.to_path_buf(),
        source,
    })?;
    let invalid = |reason: String| ApiServerError::CaInvalid {
        path: path.to_path_buf(),
        reason,
    };
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(text.as_bytes()) {
        let cert = cert.map_err(|e| invalid(format!("it is not PEM ({e})")))?;
        roots
            .add(cert)
            .map_err(|e| invalid(format!("a certificate in it does not parse ({e})")))?;
    }
    if roots.is_empty() {
        return Err(invalid("it holds no PEM CERTIFICATE block".into()));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(url: Option<&str>, ca: Option<&Path>, token: Option<&str>) -> String {
        ApiServer::from_settings(url, ca, token)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn bad_settings_are_errors_naming_the_setting() {
        for url in [
            "127.0.0.1:6443",
            "ftp://host",
            "https://",
            "not a url",
            "https://u:p@h:1",
        ] {
            let e = err(Some(url), None, Some("t"));
            assert!(e.starts_with("api_server "), "{url}: {e}");
        }
        let missing = Path::new("/nonexistent/ca.pem");
        let e = err(Some("https://127.0.0.1:6443"), Some(missing), Some("t"));
        assert!(
            e.starts_with("api_server_ca_file /nonexistent/ca.pem: cannot read it"),
            "{e}"
        );
        let e = err(Some("https://127.0.0.1:6443"), None, Some("t"));
        assert!(e.contains("api_server_ca_file is not set"), "{e}");
        let e = err(Some("http://127.0.0.1:8080"), None, None);
        assert!(e.contains("needs api_server_token"), "{e}");
        let e = err(None, None, Some("t"));
        assert!(e.contains("api_server, which is not set"), "{e}");

        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("ca.pem");
        std::fs::write(
            &junk,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let e = err(Some("https://h:1"), Some(&junk), Some("t"));
        assert!(e.contains("does not parse"), "{e}");
        std::fs::write(&junk, "hello").unwrap();
        let e = err(Some("https://h:1"), Some(&junk), Some("t"));
        assert!(e.contains("no PEM CERTIFICATE"), "{e}");
    }

    #[test]
    fn plain_http_needs_no_ca_and_debug_hides_the_token() {
        let server = ApiServer::from_settings(Some("http://127.0.0.1:8080/"), None, Some("s3cr3t"))
            .unwrap()
            .unwrap();
        assert_eq!(server.url, "http://127.0.0.1:8080");
        assert!(!format!("{server:?}").contains("s3cr3t"));
        assert_eq!(ApiServer::from_settings(None, None, None).unwrap(), None);
    }
}
