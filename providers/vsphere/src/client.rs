//! A vCenter session over the SOAP API: one HTTP client (rustls), the session cookie
//! vCenter sets at login, a new login when the session has ended (expired or terminated),
//! and at most a fixed number of calls in flight.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use tokio::sync::Semaphore;

use crate::connection::Connection;
use crate::error::VsphereError;
use crate::soap::{El, Fault, Moref, Node, dom, write};

/// The name of the cookie that carries a vCenter SOAP session.
const SESSION_COOKIE: &str = "vmware_soap_session";

/// The API version requests are made in until the server says its own: 6.5, the oldest
/// vCenter still in service that has everything this provider calls.
const BOOTSTRAP_VERSION: &str = "6.5";

/// The root objects of a vCenter (its `ServiceContent`).
#[derive(Clone, Debug)]
pub struct ServiceContent {
    /// The root folder of the inventory.
    pub root_folder: Moref,
    /// The PropertyCollector.
    pub property_collector: Moref,
    /// The ViewManager.
    pub view_manager: Moref,
    /// The SessionManager.
    pub session_manager: Moref,
    /// The SearchIndex.
    pub search_index: Moref,
    /// `VMware vCenter Server 6.5.0 build-5973321`.
    pub full_name: String,
    /// `6.5`, `8.0.3.0`.
    pub api_version: String,
    /// `VirtualCenter` or `HostAgent` (a standalone ESXi).
    pub api_type: String,
}

impl ServiceContent {
    fn read(node: &Node) -> Result<ServiceContent, VsphereError> {
        let r = node
            .child("returnval")
            .ok_or_else(|| VsphereError::Response("RetrieveServiceContent: no returnval".into()))?;
        let moref = |name: &str| {
            r.moref_at(&[name])
                .ok_or_else(|| VsphereError::Response(format!("RetrieveServiceContent: no {name}")))
        };
        let about = |name: &str| r.text_at(&["about", name]).unwrap_or_default().to_string();
        Ok(ServiceContent {
            root_folder: moref("rootFolder")?,
            property_collector: moref("propertyCollector")?,
            view_manager: moref("viewManager")?,
            session_manager: moref("sessionManager")?,
            search_index: moref("searchIndex")?,
            full_name: about("fullName"),
            api_version: about("apiVersion"),
            api_type: about("apiType"),
        })
    }
}

#[derive(Default)]
struct Session {
    cookie: Option<String>,
    key: String,
    generation: u64,
}

/// True when the server closed a kept-alive connection as the request went out on it
/// (hyper's "connection closed before message completed"): the server had not read the
/// request, so sending it again on a new connection is safe; a create sent twice would
/// anyway be refused as a duplicate name, never made twice.
fn stale_connection(e: &VsphereError) -> bool {
    matches!(e, VsphereError::Unreachable { message, .. } if message.contains("connection closed before message completed"))
}

/// True for a PropertyCollector response whose properties were refused because the
/// session had ended: the simulator reports that per property (`missingSet` faults of type
/// `NotAuthenticated`) where vCenter fails the call.
fn unauthenticated_read(response: &Node) -> bool {
    response.all("returnval").any(|r| {
        r.all("objects").any(|o| {
            o.all("missingSet").any(|m| {
                m.at(&["fault", "fault"])
                    .is_some_and(|f| f.xsi_type.as_deref() == Some("NotAuthenticated"))
            })
        })
    })
}

/// A logged-in vCenter session. Every call is counted ([`Client::calls`]) and at most
/// `max_concurrent` are in flight at once.
pub struct Client {
    http: reqwest::Client,
    url: String,
    user: String,
    password: String,
    version: String,
    content: ServiceContent,
    session: Mutex<Session>,
    relogin: tokio::sync::Mutex<()>,
    limit: Semaphore,
    calls: AtomicU64,
}

/// Never shows the password or the session cookie.
impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.url)
            .field("user", &self.user)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects and logs in. Errors say whether the server could not be reached, its
    /// certificate was refused or the credentials were.
    pub async fn connect(connection: &Connection) -> Result<Client, VsphereError> {
        let http = connection.http_client()?;
        let mut client = Client {
            http,
            url: connection.sdk_url(),
            user: connection.user.clone(),
            password: connection.password.clone(),
            version: BOOTSTRAP_VERSION.to_string(),
            content: ServiceContent {
                root_folder: Moref::new("Folder", "group-d1"),
                property_collector: Moref::new("PropertyCollector", "propertyCollector"),
                view_manager: Moref::new("ViewManager", "ViewManager"),
                session_manager: Moref::new("SessionManager", "SessionManager"),
                search_index: Moref::new("SearchIndex", "SearchIndex"),
                full_name: String::new(),
                api_version: String::new(),
                api_type: String::new(),
            },
            session: Mutex::new(Session::default()),
            relogin: tokio::sync::Mutex::new(()),
            limit: Semaphore::new(connection.max_concurrent.max(1)),
            calls: AtomicU64::new(0),
        };
        let instance = Moref::new("ServiceInstance", "ServiceInstance");
        let body = write::envelope("RetrieveServiceContent", &instance, &[]);
        let (node, _) = client.send("RetrieveServiceContent", body, None).await?;
        client.content = ServiceContent::read(&node)?;
        if !client.content.api_version.is_empty() {
            client.version = client.content.api_version.clone();
        }
        client.login().await?;
        Ok(client)
    }

    /// The server's root objects.
    pub fn content(&self) -> &ServiceContent {
        &self.content
    }

    /// The SDK URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Calls made so far (HTTP round trips, logins included).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The key of the current session as the last login returned it (its `UserSession`),
    /// for `TerminateSession`: tests end it behind the client's back.
    pub fn session_key(&self) -> String {
        self.session
            .lock()
            .map(|s| s.key.clone())
            .unwrap_or_default()
    }

    /// Calls `method` on `this` with `args` and returns the method's response element
    /// (`<MethodResponse>`, whose `returnval` children are the result). A call refused
    /// because the session ended logs in again and is made once more; so is one whose
    /// pooled connection the server had closed (see [`stale_connection`]).
    pub async fn call(
        &self,
        method: &str,
        this: &Moref,
        args: &[El],
    ) -> Result<Node, VsphereError> {
        let body = write::envelope(method, this, args);
        let (cookie, generation) = self.session();
        let first = match self.send(method, body.clone(), cookie.clone()).await {
            Err(e) if stale_connection(&e) => self.send(method, body.clone(), cookie).await,
            other => other,
        };
        let relogin = match &first {
            Err(VsphereError::Fault { fault, .. }) => fault.is_not_authenticated(),
            Ok((node, _)) => unauthenticated_read(node),
            Err(_) => false,
        };
        if !relogin {
            return first.map(|(node, _)| node);
        }
        self.relogin(generation).await?;
        let (cookie, _) = self.session();
        self.send(method, body, cookie).await.map(|(node, _)| node)
    }

    /// Ends the session (best effort: a session that already ended is fine).
    pub async fn logout(&self) {
        let sm = self.content.session_manager.clone();
        let (cookie, _) = self.session();
        if cookie.is_some() {
            let body = write::envelope("Logout", &sm, &[]);
            let _ = self.send("Logout", body, cookie).await;
            self.session.lock().map(|mut s| s.cookie = None).ok();
        }
    }

    fn session(&self) -> (Option<String>, u64) {
        match self.session.lock() {
            Ok(s) => (s.cookie.clone(), s.generation),
            Err(_) => (None, 0),
        }
    }

    async fn relogin(&self, seen: u64) -> Result<(), VsphereError> {
        let _one = self.relogin.lock().await;
        if self.session().1 != seen {
            return Ok(()); // another call logged in meanwhile
        }
        self.login().await
    }

    async fn login(&self) -> Result<(), VsphereError> {
        let body = write::envelope(
            "Login",
            &self.content.session_manager,
            &[
                El::text("userName", &self.user),
                El::text("password", &self.password),
            ],
        );
        match self.send("Login", body, None).await {
            Ok((response, Some(cookie))) => {
                if let Ok(mut s) = self.session.lock() {
                    s.cookie = Some(cookie);
                    s.key = response
                        .text_at(&["returnval", "key"])
                        .unwrap_or_default()
                        .into();
                    s.generation += 1;
                }
                Ok(())
            }
            Ok((_, None)) => Err(VsphereError::Response(format!(
                "{}: the login succeeded but set no {SESSION_COOKIE} cookie",
                self.url
            ))),
            Err(VsphereError::Fault { fault, .. }) if fault.kind == "InvalidLogin" => {
                Err(VsphereError::Login {
                    url: self.url.clone(),
                    user: self.user.clone(),
                    message: fault.message,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// One HTTP exchange: the response element and the session cookie, if one was set.
    async fn send(
        &self,
        method: &str,
        body: String,
        cookie: Option<String>,
    ) -> Result<(Node, Option<String>), VsphereError> {
        let _permit = self
            .limit
            .acquire()
            .await
            .map_err(|e| VsphereError::Response(e.to_string()))?;
        self.calls.fetch_add(1, Ordering::Relaxed);
        let mut request = self
            .http
            .post(&self.url)
            .header(CONTENT_TYPE, "text/xml; charset=utf-8")
            .header("SOAPAction", format!("urn:vim25/{}", self.version))
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let response = request
            .send()
            .await
            .map_err(|e| crate::connection::transport_error(&self.url, &e))?;
        let status = response.status();
        let cookie = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .find(|v| v.trim_start().starts_with(SESSION_COOKIE))
            .map(|v| v.trim().to_string());
        let text = response
            .text()
            .await
            .map_err(|e| crate::connection::transport_error(&self.url, &e))?;
        let http_error = || VsphereError::Http {
            method: method.to_string(),
            url: self.url.clone(),
            status: status.as_u16(),
            body: text.chars().take(300).collect(),
        };
        let envelope = match dom::parse(&text) {
            Ok(envelope) => envelope,
            Err(_) if !status.is_success() => return Err(http_error()),
            Err(e) => return Err(e.into()),
        };
        if let Some(fault) = Fault::from_envelope(&envelope) {
            return Err(VsphereError::Fault {
                method: method.to_string(),
                fault: Box::new(fault),
            });
        }
        if !status.is_success() {
            return Err(http_error());
        }
        let response = envelope
            .child("Body")
            .and_then(|b| b.children.first())
            .cloned()
            .ok_or_else(|| VsphereError::Response(format!("{method}: an empty response")))?;
        Ok((response, cookie))
    }
}
