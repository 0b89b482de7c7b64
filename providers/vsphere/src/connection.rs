//! How to reach a vCenter: its URL, credentials and how its certificate is checked, and the
//! HTTP client (reqwest over rustls, no OpenSSL) built from them.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::VsphereError;

/// Where a vCenter is and how to log in to it.
#[derive(Clone)]
pub struct Connection {
    /// `https://vcenter.example.com/sdk`, `vcenter.example.com` (HTTPS and `/sdk` implied),
    /// or `http://127.0.0.1:8989/sdk` (the simulator without TLS).
    pub url: String,
    /// The user name (`administrator@vsphere.local`).
    pub user: String,
    /// The password; never printed.
    pub password: String,
    /// Accept any certificate (a lab with a self-signed one; never in production).
    pub insecure: bool,
    /// A PEM file of the CA certificates that issued vCenter's certificate (its VMCA
    /// root), trusted besides the system's.
    pub ca_file: Option<PathBuf>,
    /// Calls in flight at once, at most.
    pub max_concurrent: usize,
    /// How long one call may take before it counts as failed.
    pub call_timeout: Duration,
}

/// Never shows the password.
impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("url", &self.url)
            .field("user", &self.user)
            .field("password", &"(sensitive)")
            .field("insecure", &self.insecure)
            .field("ca_file", &self.ca_file)
            .field("max_concurrent", &self.max_concurrent)
            .field("call_timeout", &self.call_timeout)
            .finish()
    }
}

impl Connection {
    /// The SDK endpoint: the URL with `https://` and `/sdk` added where it has none.
    pub fn sdk_url(&self) -> String {
        let url = self.url.trim().trim_end_matches('/');
        let url = if url.contains("://") {
            url.to_string()
        } else {
            format!("https://{url}")
        };
        let path_start = url.find("://").map_or(0, |i| i + 3);
        if url[path_start..].contains('/') {
            url
        } else {
            format!("{url}/sdk")
        }
    }

    /// The HTTP client: certificates verified against the system's roots and `ca_file`'s,
    /// or not at all with `insecure`.
    pub fn http_client(&self) -> Result<reqwest::Client, VsphereError> {
        // reqwest is built without a default crypto provider (no C library to build): ring
        // it is, unless the process already chose one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(self.call_timeout)
            .pool_max_idle_per_host(self.max_concurrent.max(1));
        if self.insecure {
            builder = builder.tls_danger_accept_invalid_certs(true);
        } else if let Some(path) = &self.ca_file {
            let pem = std::fs::read(path).map_err(|e| VsphereError::Certificate {
                url: self.sdk_url(),
                message: format!("ca_file {}: {e}", path.display()),
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                VsphereError::Certificate {
                    url: self.sdk_url(),
                    message: format!("ca_file {} holds no PEM certificate: {e}", path.display()),
                }
            })?;
            if certs.is_empty() {
                return Err(VsphereError::Certificate {
                    url: self.sdk_url(),
                    message: format!("ca_file {} holds no PEM certificate", path.display()),
                });
            }
            builder = builder.tls_certs_merge(certs);
        }
        builder
            .build()
            .map_err(|e| transport_error(&self.sdk_url(), &e))
    }
}

/// Every message of an error's chain, and the TLS error in it, if any (rustls errors sit
/// inside I/O errors, whose `source` skips them).
fn chain(e: &(dyn std::error::Error + 'static)) -> (String, Option<String>) {
    let mut parts: Vec<String> = Vec::new();
    let mut tls = None;
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            tls = Some(r.to_string());
        }
        next = match err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    (parts.join(": "), tls)
}

/// The error of a failed HTTP exchange with `url`, saying what to check.
pub fn transport_error(url: &str, e: &reqwest::Error) -> VsphereError {
    let (message, tls) = chain(e);
    if let Some(tls) = tls {
        return VsphereError::Certificate {
            url: url.to_string(),
            message: tls,
        };
    }
    let lower = message.to_ascii_lowercase();
    let hint = if e.is_timeout() {
        "vCenter did not answer in time: check that it is up, or raise call_timeout"
    } else if lower.contains("refused") {
        "nothing listens there: check the url (host and port) and that vCenter is running"
    } else if lower.contains("dns") || lower.contains("resolve") || lower.contains("not known") {
        "the host name does not resolve: check the url"
    } else {
        "check the url and the network path to vCenter"
    };
    VsphereError::Unreachable {
        url: url.to_string(),
        message,
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(url: &str) -> Connection {
        Connection {
            url: url.into(),
            user: "u".into(),
            password: "secret-pw".into(),
            insecure: false,
            ca_file: None,
            max_concurrent: 4,
            call_timeout: Duration::from_secs(5),
        }
    }

    #[test]
    fn urls_get_scheme_and_path() {
        assert_eq!(at("vc.example.com").sdk_url(), "https://vc.example.com/sdk");
        assert_eq!(at("https://vc/").sdk_url(), "https://vc/sdk");
        assert_eq!(
            at("http://127.0.0.1:8989/sdk").sdk_url(),
            "http://127.0.0.1:8989/sdk"
        );
    }

    #[test]
    fn debug_hides_the_password() {
        assert!(!format!("{:?}", at("vc")).contains("secret-pw"));
    }

    #[test]
    fn a_ca_file_that_is_not_pem_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate").unwrap();
        let mut c = at("vc");
        c.ca_file = Some(path);
        let e = c.http_client().unwrap_err().to_string();
        assert!(e.contains("holds no PEM certificate"), "{e}");
    }
}
