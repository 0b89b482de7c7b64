//! The HTTP/1.1 server, over TCP or TLS: authentication, routing and the dispatch of
//! each verb.

use crate::commit::WriteOptions;
use crate::discovery;
use crate::route::{self, Route, Target};
use crate::state::State;
use crate::status::{self, Failure};
use crate::{apply, delete, read, writes};
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use hyper::{Method, Request, Response};
use serde_json::Value;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

type Body = BoxBody<Bytes, Infallible>;

/// Accepts connections until `shutdown` fires; open connections end with it. With an
/// `acceptor`, each connection is TLS first; one whose handshake fails (a client that
/// does not trust the double's CA) is closed.
pub async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    acceptor: Option<TlsAcceptor>,
    shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => return,
            a = listener.accept() => a,
        };
        let Ok((stream, _)) = accepted else { continue };
        let state = Arc::clone(&state);
        let acceptor = acceptor.clone();
        connections.spawn(async move {
            match acceptor {
                Some(acceptor) => {
                    if let Ok(tls) = acceptor.accept(stream).await {
                        connection(tls, state).await;
                    }
                }
                None => connection(stream, state).await,
            }
        });
        while connections.try_join_next().is_some() {}
    }
}

/// Serves HTTP/1.1 requests on one connection until it closes.
async fn connection<S>(stream: S, state: Arc<State>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let io = hyper_util::rt::TokioIo::new(stream);
    let service = hyper::service::service_fn(move |req| {
        let state = Arc::clone(&state);
        async move { Ok::<_, Infallible>(handle(&state, req).await) }
    });
    // A client that goes away mid-request is not the server's error.
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, service)
        .await;
}

fn json_response(code: u16, content_type: &str, body: &Value) -> Response<Body> {
    let bytes = serde_json::to_vec(body).expect("JSON values serialise");
    Response::builder()
        .status(code)
        .header(CONTENT_TYPE, content_type)
        .body(Full::new(Bytes::from(bytes)).boxed())
        .expect("a valid response")
}

fn failure(f: Failure) -> Response<Body> {
    json_response(f.code, "application/json", &f.body)
}

fn header(req: &Request<Incoming>, name: hyper::header::HeaderName) -> &str {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn handle(state: &Arc<State>, req: Request<Incoming>) -> Response<Body> {
    if header(&req, AUTHORIZATION) != format!("Bearer {}", state.token) {
        return failure(status::unauthorized());
    }
    match route::parse(req.uri().path()) {
        Route::Unknown => failure(status::no_such_resource()),
        Route::Discovery(d) if req.method() == Method::GET => {
            let (content_type, doc) =
                discovery::document(&d, discovery::wants_aggregated(header(&req, ACCEPT)));
            json_response(200, content_type, &doc)
        }
        Route::Discovery(_) => failure(status::method_not_allowed(req.method().as_str())),
        Route::Resource(t) => match resource(state, t, req).await {
            Ok(r) => r,
            Err(f) => failure(f),
        },
    }
}

/// The RBAC verb of a request, as Forbidden messages name it.
fn verb(method: &Method, t: &Target, params: &HashMap<String, String>) -> &'static str {
    let watching = params.get("watch").is_some_and(|w| w == "true" || w == "1");
    match (method.as_str(), t.name.is_empty()) {
        ("GET", false) => "get",
        ("GET", true) if watching => "watch",
        ("GET", true) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", false) => "delete",
        ("DELETE", true) => "deletecollection",
        _ => "",
    }
}

async fn resource(
    state: &Arc<State>,
    t: Target,
    req: Request<Incoming>,
) -> Result<Response<Body>, Failure> {
    let params = route::query(req.uri().query());
    let method = req.method().to_string();
    let verb = verb(req.method(), &t, &params);
    state.requests().push(crate::state::Request {
        verb,
        path: req.uri().path().to_string(),
    });
    let ns = if t.rt.plural == "namespaces" {
        &t.name
    } else {
        &t.namespace
    };
    if state.knobs().is_forbidden(ns) {
        return Err(status::forbidden(t.rt, &t.name, &state.user, verb, ns));
    }
    let content_type = header(&req, CONTENT_TYPE)
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let agent = header(&req, USER_AGENT)
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let opts = WriteOptions {
        dry_run: params.get("dryRun").is_some_and(|d| d == "All"),
        manager: params
            .get("fieldManager")
            .cloned()
            .unwrap_or(if agent.is_empty() {
                "unknown".into()
            } else {
                agent
            }),
        force: params.get("force").is_some_and(|f| f == "true"),
    };
    let body = req
        .into_body()
        .collect()
        .await
        .map_err(|e| status::bad_request(format!("reading the request body: {e}")))?
        .to_bytes();
    let (code, value) = match verb {
        "get" => read::get(state, &t)?,
        "watch" => {
            let stream = read::watch(state, &t, &params)?;
            let response = Response::builder()
                .status(200)
                .header(CONTENT_TYPE, "application/json")
                .body(stream.boxed())
                .expect("a valid response");
            return Ok(response);
        }
        "list" => read::list(state, &t, &params)?,
        "create" if t.name.is_empty() => writes::create(state, &t, &body, &opts)?,
        "update" if !t.name.is_empty() => writes::replace(state, &t, &body, &opts)?,
        "patch" if !t.name.is_empty() => match content_type.as_str() {
            "application/apply-patch+yaml" => {
                if !params.contains_key("fieldManager") {
                    return Err(status::bad_request(
                        "fieldManager: Required value: is required for apply patch".into(),
                    ));
                }
                apply::apply(state, &t, &body, &opts)?
            }
            "application/merge-patch+json" | "application/strategic-merge-patch+json" => {
                writes::patch(state, &t, &body, false, &opts)?
            }
            "application/json-patch+json" => writes::patch(state, &t, &body, true, &opts)?,
            other => return Err(status::unsupported_media_type(other)),
        },
        "delete" => delete::delete(state, &t, &params, &body)?,
        "deletecollection" if t.rt.plural != "namespaces" => {
            delete::delete_collection(state, &t, &params)?
        }
        _ => return Err(status::method_not_allowed(&method)),
    };
    Ok(json_response(code, "application/json", &value))
}
