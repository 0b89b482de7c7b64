//! The vSphere provider as a [`Provider`]: every vCenter error becomes a diagnostic naming
//! the object and the attribute, with vCenter's fault text.

use std::sync::Arc;

use async_trait::async_trait;
use blueprint::Address;
use planner::provider::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, FindRequest, FindResponse,
    ImportRequest, ImportResponse, PlanRequest, PlanResponse, ReadRequest, ReadResponse,
    UpdateRequest, UpdateResponse,
};
use planner::{Attrs, Provider};

use crate::client::Client;
use crate::ctx::Ctx;
use crate::error::VsphereError;
use crate::inventory::Inventory;
use crate::settings::Settings;

/// One vSphere configuration (`vsphere`, `vsphere.lab`), logged in.
pub struct VsphereProvider {
    ctx: Ctx,
}

impl VsphereProvider {
    /// Logs in and finds the datacenter, cluster, datastore and folder; the error says
    /// what was tried and what exists.
    pub async fn connect(settings: Settings) -> Result<VsphereProvider, VsphereError> {
        let client = Arc::new(Client::connect(&settings.connection).await?);
        let inventory = Inventory::find(&client, &settings).await?;
        Ok(VsphereProvider {
            ctx: Ctx {
                client,
                settings,
                inventory,
                vms: Arc::default(),
            },
        })
    }

    /// vCenter round trips made so far (the benchmark reports them).
    pub fn calls(&self) -> u64 {
        self.ctx.client.calls()
    }
}

/// For the benchmark and the tests: when `STRATA_VSPHERE_CALLS_FILE` names a file, the
/// number of vCenter round trips the run made is appended to it as the provider closes.
impl Drop for VsphereProvider {
    fn drop(&mut self) {
        if let Some(path) = std::env::var_os("STRATA_VSPHERE_CALLS_FILE") {
            use std::io::Write;
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
            {
                let _ = writeln!(f, "{}", self.calls());
            }
        }
    }
}

fn key_of(key: &str, address: &Address) -> String {
    if key.is_empty() {
        address.to_string()
    } else {
        key.to_string()
    }
}

fn unsupported(kind: &str) -> VsphereError {
    VsphereError::Unsupported(format!(
        "the vsphere provider manages vm and network_zone, and reads host_pool (a cluster) and storage (a datastore); a {kind} is another provider's (give it `provider = sim`)"
    ))
}

#[async_trait]
impl Provider for VsphereProvider {
    fn name(&self) -> &str {
        "vsphere"
    }

    async fn plan(&self, request: PlanRequest) -> PlanResponse {
        crate::plan::plan(&request)
    }

    async fn read_many(
        &self,
        requests: Vec<ReadRequest>,
        _parallelism: usize,
    ) -> Vec<ReadResponse> {
        match crate::refresh::read_many(&self.ctx, &requests).await {
            Ok(responses) => responses,
            Err(e) => requests
                .iter()
                .map(|r| ReadResponse {
                    attrs: Some(r.prior.clone()),
                    diagnostics: vec![e.at(&r.address, "")],
                })
                .collect(),
        }
    }

    async fn import(&self, request: ImportRequest) -> ImportResponse {
        let fail = |e: VsphereError| ImportResponse {
            diagnostics: vec![e.at(&request.address, "")],
            ..ImportResponse::default()
        };
        let id =
            match crate::import::resolve(&self.ctx, &request.address, &request.kind, &request.id)
                .await
            {
                Ok(Ok(id)) => id,
                Ok(Err(why)) => return ImportResponse::refused(why),
                Err(e) => return fail(e),
            };
        let read = ReadRequest {
            address: request.address.clone(),
            kind: request.kind.clone(),
            id: id.clone(),
            prior: request.desired.clone(),
        };
        let mut read = match crate::refresh::read_many(&self.ctx, &[read]).await {
            Ok(mut all) => all.pop().unwrap_or_default(),
            Err(e) => return fail(e),
        };
        if request.kind == "vm"
            && let Some(attrs) = read.attrs.as_mut()
            && let Err(e) = crate::import::check_vm(&self.ctx, &request.address, &id, attrs).await
        {
            return fail(e);
        }
        ImportResponse {
            id: Some(id),
            attrs: read.attrs,
            diagnostics: read.diagnostics,
        }
    }

    async fn find(&self, request: FindRequest) -> FindResponse {
        let key = key_of(&request.key, &request.address);
        let found = match request.kind.as_str() {
            "vm" => crate::vm::find(&self.ctx, &request.address, &key).await,
            "network_zone" => crate::zone::find(&self.ctx, &request.address, &key)
                .await
                .map(|id| id.map(|id| (id, Attrs::new()))),
            _ => Ok(None),
        };
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
        let ctx = &self.ctx;
        let (address, attrs) = (&request.address, &request.attrs);
        let key = key_of(&request.key, address);
        let plain = |e| (String::new(), e);
        let done: Result<(String, Attrs), (String, VsphereError)> = match request.kind.as_str() {
            "vm" => crate::vm::create(ctx, address, &key, attrs, &request.progress)
                .await
                .map(|id| (id, attrs.clone())),
            "network_zone" => crate::zone::create(ctx, address, &key, attrs, &request.progress)
                .await
                .map(|id| (id, attrs.clone()))
                .map_err(plain),
            "host_pool" => crate::places::cluster(ctx, attrs).await.map_err(plain),
            "storage" => crate::places::datastore(ctx, address, attrs)
                .await
                .map_err(plain),
            other => Err(plain(unsupported(other))),
        };
        match done {
            Ok((id, attrs)) => CreateResponse {
                id: Some(id),
                attrs,
                diagnostics: Vec::new(),
            },
            Err((field, e)) => CreateResponse {
                diagnostics: vec![e.at(address, &field)],
                ..CreateResponse::default()
            },
        }
    }

    async fn update(&self, request: UpdateRequest) -> UpdateResponse {
        let ctx = &self.ctx;
        let (address, attrs) = (&request.address, &request.attrs);
        let plain = |e| (String::new(), e);
        let done = match request.kind.as_str() {
            "vm" => crate::vm::update(ctx, address, &request.id, attrs, &request.progress)
                .await
                .map(|()| attrs.clone()),
            "host_pool" => crate::places::cluster(ctx, attrs)
                .await
                .map(|(_, a)| a)
                .map_err(plain),
            "storage" => crate::places::datastore(ctx, address, attrs)
                .await
                .map(|(_, a)| a)
                .map_err(plain),
            _ => Ok(attrs.clone()),
        };
        match done {
            Ok(attrs) => UpdateResponse {
                attrs,
                diagnostics: Vec::new(),
            },
            Err((field, e)) => UpdateResponse {
                attrs: Attrs::new(),
                diagnostics: vec![e.at(address, &field)],
            },
        }
    }

    async fn delete(&self, request: DeleteRequest) -> DeleteResponse {
        let done = match request.kind.as_str() {
            "vm" => crate::vm::delete(&self.ctx, &request.id, &request.progress).await,
            "network_zone" => crate::zone::delete(&self.ctx, &request.id, &request.progress).await,
            // Clusters and datastores are only read: deleting them from the state leaves them.
            _ => Ok(()),
        };
        DeleteResponse {
            diagnostics: done
                .err()
                .map(|e| e.at(&request.address, ""))
                .into_iter()
                .collect(),
        }
    }
}
