//! The libvirt provider as a [`Provider`]: each call runs its libvirt work on one shared
//! connection, and every libvirt error becomes a diagnostic naming the object and the
//! attribute.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use blueprint::{Address, Diagnostic};
use planner::provider::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, FindRequest, FindResponse,
    ImportRequest, ImportResponse, PlanRequest, PlanResponse, ReadRequest, ReadResponse,
    UpdateRequest, UpdateResponse,
};
use planner::{Attrs, Provider};

use crate::conn::Conn;
use crate::ctx::{Ctx, lookup};
use crate::error::LibvirtError;
use crate::settings::Settings;

/// One libvirt configuration (`libvirt`, `libvirt.lab`), connected.
pub struct LibvirtProvider {
    conn: Arc<Conn>,
    ctx: Ctx,
}

impl LibvirtProvider {
    /// Connects; the error says what was tried and what to check.
    pub async fn connect(settings: Settings) -> Result<LibvirtProvider, LibvirtError> {
        let wanted = settings.domain_type.clone();
        let opened = settings.clone();
        let conn = tokio::task::spawn_blocking(move || Conn::open(opened))
            .await
            .map_err(|e| LibvirtError::Call(e.to_string()))??;
        let conn = Arc::new(conn);
        let domain_type = match wanted.as_str() {
            "kvm" | "qemu" => wanted,
            _ => {
                let caps = conn.run(|rpc| rpc.call(|c| c.capabilities())).await?;
                if crate::parse::offers_kvm(&caps)? {
                    "kvm"
                } else {
                    "qemu"
                }
                .to_string()
            }
        };
        Ok(LibvirtProvider {
            ctx: Ctx {
                settings,
                domain_type,
                dhcp: Arc::new(Mutex::new(())),
                filters: Arc::new(Mutex::new(())),
            },
            conn,
        })
    }

    /// libvirt calls made so far on this connection (the benchmark reports them).
    pub fn calls(&self) -> u64 {
        self.conn.calls()
    }

    /// `kvm` or `qemu`: what this host's domains are created as.
    pub fn domain_type(&self) -> &str {
        &self.ctx.domain_type
    }
}

fn key_of(key: &str, address: &Address) -> String {
    if key.is_empty() {
        address.to_string()
    } else {
        key.to_string()
    }
}

#[async_trait]
impl Provider for LibvirtProvider {
    fn name(&self) -> &str {
        "libvirt"
    }

    async fn plan(&self, request: PlanRequest) -> PlanResponse {
        crate::plan::plan(&request)
    }

    async fn read_many(
        &self,
        requests: Vec<ReadRequest>,
        _parallelism: usize,
    ) -> Vec<ReadResponse> {
        let ctx = self.ctx.clone();
        let shared = Arc::new(requests);
        let asked = shared.clone();
        match self
            .conn
            .run(move |rpc| crate::refresh::read_many(rpc, &ctx, &asked))
            .await
        {
            Ok(responses) => responses,
            Err(e) => shared
                .iter()
                .map(|r| ReadResponse {
                    attrs: Some(r.prior.clone()),
                    diagnostics: vec![e.at(&r.address, "")],
                })
                .collect(),
        }
    }

    async fn import(&self, request: ImportRequest) -> ImportResponse {
        let ctx = self.ctx.clone();
        let r = request.clone();
        let done = self
            .conn
            .run(move |rpc| {
                let uuid = match crate::import::resolve(rpc, &ctx, &r.address, &r.kind, &r.id)? {
                    Ok(uuid) => uuid,
                    Err(why) => return Ok(Err(why)),
                };
                if r.kind == "vm"
                    && let Some(why) = crate::import::unmanageable(rpc, &uuid)?
                {
                    return Ok(Err(why));
                }
                let read = ReadRequest {
                    address: r.address.clone(),
                    kind: r.kind.clone(),
                    id: uuid.clone(),
                    prior: r.desired.clone(),
                };
                let mut responses = crate::refresh::read_many(rpc, &ctx, &[read])?;
                Ok(Ok((uuid, responses.pop().unwrap_or_default())))
            })
            .await;
        match done {
            Ok(Ok((uuid, read))) => ImportResponse {
                id: Some(uuid),
                attrs: read.attrs,
                diagnostics: read.diagnostics,
            },
            Ok(Err(why)) => ImportResponse::refused(why),
            Err(e) => ImportResponse {
                diagnostics: vec![e.at(&request.address, "")],
                ..ImportResponse::default()
            },
        }
    }

    async fn find(&self, request: FindRequest) -> FindResponse {
        let ctx = self.ctx.clone();
        let key = key_of(&request.key, &request.address);
        let kind = request.kind.clone();
        let found = self
            .conn
            .run(move |rpc| {
                let uuid = ctx.uuid(&key);
                let owner_attrs = |xml: &str, domain: bool| -> Result<Attrs, LibvirtError> {
                    let owner = if domain {
                        crate::parse::domain_owner(xml)?
                    } else {
                        crate::parse::network(xml)?.owner
                    };
                    Ok(owner
                        .and_then(|o| serde_json::from_str::<serde_json::Value>(&o.attrs).ok())
                        .and_then(|v| v.as_object().cloned())
                        .unwrap_or_default())
                };
                Ok(match kind.as_str() {
                    "vm" => match lookup(rpc, |c| c.lookup_domain_by_uuid_string(&uuid))? {
                        Some(d) => Some((
                            uuid,
                            owner_attrs(
                                &rpc.on(|| d.xml_desc(virt::sys::VIR_DOMAIN_XML_INACTIVE))?,
                                true,
                            )?,
                        )),
                        None => None,
                    },
                    "network_zone" => {
                        match lookup(rpc, |c| c.lookup_network_by_uuid_string(&uuid))? {
                            Some(n) => {
                                Some((uuid, owner_attrs(&rpc.on(|| n.xml_desc(0))?, false)?))
                            }
                            None => None,
                        }
                    }
                    "storage" => {
                        match lookup(rpc, |c| c.lookup_storage_pool_by_uuid_string(&uuid))? {
                            Some(p) => {
                                let pool = crate::parse::pool(&rpc.on(|| p.xml_desc(0))?)?;
                                let mut attrs = Attrs::new();
                                attrs.insert(
                                    "type".into(),
                                    if pool.kind == "netfs" { "nfs" } else { "local" }.into(),
                                );
                                if let Some(server) = pool.server {
                                    attrs.insert("server".into(), server.into());
                                }
                                attrs.insert("path".into(), pool.path.into());
                                Some((uuid, attrs))
                            }
                            None => None,
                        }
                    }
                    "network_policy" => lookup(rpc, |c| c.lookup_nwfilter_by_uuid_string(&uuid))?
                        .map(|_| (uuid, Attrs::new())),
                    _ => None,
                })
            })
            .await;
        match found {
            Ok(found) => FindResponse {
                found,
                diagnostics: Vec::new(),
            },
            Err(e) => FindResponse {
                found: None,
                diagnostics: vec![e.at(&request.address, "")],
            },
        }
    }

    async fn create(&self, request: CreateRequest) -> CreateResponse {
        let ctx = self.ctx.clone();
        let key = key_of(&request.key, &request.address);
        let (address, kind, attrs, progress) = (
            request.address.clone(),
            request.kind.clone(),
            request.attrs.clone(),
            request.progress.clone(),
        );
        let done = self
            .conn
            .run(move |rpc| {
                let plain =
                    |r: Result<(String, Attrs), LibvirtError>| r.map_err(|e| (String::new(), e));
                match kind.as_str() {
                    "vm" => crate::vm::create(rpc, &ctx, &address, &key, &attrs, &progress),
                    "network_zone" => plain(crate::zone::create(rpc, &ctx, &address, &key, &attrs)),
                    "storage" => plain(crate::storage::create(rpc, &ctx, &address, &key, &attrs)),
                    "network_policy" => plain(crate::policy::apply(
                        rpc, &ctx, &address, &key, &attrs, None,
                    )),
                    "host_pool" => {
                        plain(crate::host::read(rpc, &attrs).map(|a| (ctx.uuid(&key), a)))
                    }
                    other => Err((String::new(), unsupported(other))),
                }
                .map_or_else(|e| Ok(Err(e)), |ok| Ok(Ok(ok)))
            })
            .await;
        match flatten(done) {
            Ok((id, attrs)) => CreateResponse {
                id: Some(id),
                attrs,
                diagnostics: Vec::new(),
            },
            Err((field, e)) => CreateResponse {
                diagnostics: vec![e.at(&request.address, &field)],
                ..CreateResponse::default()
            },
        }
    }

    async fn update(&self, request: UpdateRequest) -> UpdateResponse {
        let ctx = self.ctx.clone();
        let r = request.clone();
        let done = self
            .conn
            .run(move |rpc| {
                let key = r.address.to_string();
                let plain = |x: Result<(String, Attrs), LibvirtError>| {
                    x.map(|(_, a)| a).map_err(|e| (String::new(), e))
                };
                Ok(match r.kind.as_str() {
                    "vm" => crate::vm::update(
                        rpc,
                        &ctx,
                        &r.address,
                        &r.id,
                        &r.prior,
                        &r.attrs,
                        &r.progress,
                    ),
                    "network_policy" => plain(crate::policy::apply(
                        rpc,
                        &ctx,
                        &r.address,
                        &key,
                        &r.attrs,
                        Some(&r.prior),
                    )),
                    "host_pool" => crate::host::read(rpc, &r.attrs).map_err(|e| (String::new(), e)),
                    // Zones and pools change in place only in what libvirt does not keep
                    // (descriptions, capacities); the rest forces a new object.
                    _ => Ok(keep_extra(&r.prior, &r.attrs)),
                })
            })
            .await;
        match flatten(done) {
            Ok(attrs) => UpdateResponse {
                attrs,
                diagnostics: Vec::new(),
            },
            Err((field, e)) => UpdateResponse {
                attrs: Attrs::new(),
                diagnostics: vec![e.at(&request.address, &field)],
            },
        }
    }

    async fn delete(&self, request: DeleteRequest) -> DeleteResponse {
        let ctx = self.ctx.clone();
        let r = request.clone();
        let done = self
            .conn
            .run(move |rpc| match r.kind.as_str() {
                "vm" => crate::vm::delete(rpc, &ctx, &r.id),
                "network_zone" => crate::zone::delete(rpc, &ctx, &r.address, &r.id),
                "storage" => crate::storage::delete(rpc, &r.id),
                "network_policy" => {
                    crate::policy::retried(|| crate::policy::delete(rpc, &ctx, &r.id))
                }
                _ => Ok(()),
            })
            .await;
        DeleteResponse {
            diagnostics: done
                .err()
                .map(|e| e.at(&request.address, ""))
                .into_iter()
                .collect(),
        }
    }
}

/// The blueprint's attributes, and what the provider added before (a pool's path).
fn keep_extra(prior: &Attrs, attrs: &Attrs) -> Attrs {
    let mut out = attrs.clone();
    for (k, v) in prior {
        if blueprint::schema::kind("storage").is_some_and(|s| s.body.attr(k).is_none()) {
            out.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    out
}

fn unsupported(kind: &str) -> LibvirtError {
    LibvirtError::Call(format!(
        "the libvirt provider manages vm, network_zone, network_policy, storage and host_pool; a {kind} is another provider's (give it `provider = sim`, or the Kubernetes provider once Strata has it)"
    ))
}

type Outcome<T> = Result<Result<T, (String, LibvirtError)>, LibvirtError>;

fn flatten<T>(done: Outcome<T>) -> Result<T, (String, LibvirtError)> {
    match done {
        Ok(inner) => inner,
        Err(e) => Err((String::new(), e)),
    }
}

impl From<LibvirtError> for Diagnostic {
    fn from(e: LibvirtError) -> Diagnostic {
        Diagnostic::error(None, "libvirt", e.to_string())
    }
}
