//! The live Kubernetes provider as a [`Provider`]: a resource's manifests
//! ([`crate::manifests`]) server-side applied, refreshed by listing, deleted in
//! foreground; every API server error a diagnostic naming the resource and the object.

use std::sync::Arc;

use async_trait::async_trait;
use blueprint::{Address, Config, Diagnostic};
use planner::provider::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, FindRequest, FindResponse,
    ImportRequest, ImportResponse, Progress, ReadRequest, ReadResponse, UpdateRequest,
    UpdateResponse,
};
use planner::{Attrs, Provider};

use crate::live::error::LiveError;
use crate::live::known::Known;
use crate::live::objects;
use crate::live::settings::Settings;
use crate::live::{apply, delete, drift, refresh};
use crate::manifest::Manifest;

/// One Kubernetes configuration (one cluster), connected.
pub struct KubernetesProvider {
    client: kube::Client,
    settings: Settings,
    config: Arc<Config>,
    /// Strata's objects on the cluster, for this run's deletes.
    known: Known,
}

impl KubernetesProvider {
    /// Builds the client of `settings` and checks that the API server answers (its
    /// `/version`), for the blueprint `config` whose resources it maps.
    pub async fn connect(
        settings: Settings,
        config: Arc<Config>,
    ) -> Result<KubernetesProvider, String> {
        let kube_config = settings.kube_config().await?;
        let url = kube_config.cluster_url.to_string();
        let client = kube::Client::try_from(kube_config).map_err(|e| e.to_string())?;
        client.apiserver_version().await.map_err(|e| match e {
            kube::Error::Api(s) => format!("the API server at {url} refused: {}", s.message),
            other => format!("the API server at {url} could not be reached: {other}"),
        })?;
        Ok(KubernetesProvider {
            client,
            settings,
            config,
            known: Known::default(),
        })
    }

    fn selector(&self) -> String {
        objects::selector(&self.settings.lineage)
    }

    /// The manifests of the resource at `address`, as the blueprint maps it now.
    fn manifests(&self, address: &Address) -> Result<Vec<Manifest>, Diagnostic> {
        let Some(instance) = self.config.instance(address) else {
            return Err(LiveError::Other(format!("{address} is not in the blueprint")).at(address));
        };
        let ctx = crate::Ctx {
            config: &self.config,
            lineage: Some(&self.settings.lineage),
        };
        crate::manifests(instance, &ctx).map_err(|e| e.diagnostic(&self.config))
    }

    /// Applies the manifests of `address`, reporting its rollouts to `progress`: `attrs`
    /// with the objects applied recorded ([`refresh::applied`]), or why not.
    async fn apply(
        &self,
        address: &Address,
        attrs: Attrs,
        approved: &[&str],
        progress: &Progress,
    ) -> (Attrs, Vec<Diagnostic>) {
        let manifests = match self.manifests(address) {
            Ok(m) => m,
            Err(d) => return (attrs, vec![d]),
        };
        self.known.applied(&manifests).await;
        let diagnostics =
            apply::apply(&self.client, &self.settings, &manifests, approved, progress)
                .await
                .err()
                .map(|e| e.at(address))
                .into_iter()
                .collect();
        (refresh::applied(attrs, &manifests), diagnostics)
    }
}

/// The manifests `address` owns (not the zone's shared namespace and default deny).
fn owned<'a>(manifests: &'a [Manifest], owner: &str) -> Vec<&'a Manifest> {
    manifests.iter().filter(|m| m.owner() == owner).collect()
}

fn key_of(key: &str, address: &Address) -> String {
    if key.is_empty() {
        address.to_string()
    } else {
        key.to_string()
    }
}

#[async_trait]
impl Provider for KubernetesProvider {
    fn name(&self) -> &str {
        "kubernetes"
    }

    async fn read_many(
        &self,
        requests: Vec<ReadRequest>,
        _parallelism: usize,
    ) -> Vec<ReadResponse> {
        let mapped: Vec<Option<Vec<Manifest>>> = requests
            .iter()
            .map(|r| self.manifests(&r.address).ok())
            .collect();
        let all: Vec<&Manifest> = mapped.iter().flatten().flatten().collect();
        let listed = refresh::list_kinds(&self.client, &all, &self.selector()).await;
        requests
            .iter()
            .zip(&mapped)
            .map(|(r, m)| match (&listed, m) {
                (Err(e), _) => ReadResponse {
                    attrs: Some(r.prior.clone()),
                    diagnostics: vec![e.at(&r.address)],
                },
                // No longer in the blueprint: it is planned for deletion as recorded.
                (Ok(_), None) => ReadResponse {
                    attrs: Some(r.prior.clone()),
                    diagnostics: Vec::new(),
                },
                (Ok(listed), Some(m)) => ReadResponse {
                    attrs: refresh::read(&r.prior, &m.iter().collect::<Vec<_>>(), listed),
                    diagnostics: Vec::new(),
                },
            })
            .collect()
    }

    async fn import(&self, request: ImportRequest) -> ImportResponse {
        let manifests = match self.manifests(&request.address) {
            Ok(m) => m,
            Err(d) => {
                return ImportResponse {
                    diagnostics: vec![d],
                    ..ImportResponse::default()
                };
            }
        };
        let owner = request.address.to_string();
        let done = crate::live::import::import(
            &self.client,
            &self.settings.lineage,
            &owner,
            &owned(&manifests, &owner),
            &request.id,
            &request.desired,
        )
        .await;
        match done {
            Ok(attrs) => ImportResponse {
                attrs: Some(refresh::applied(attrs, owned(&manifests, &owner))),
                id: Some(owner),
                diagnostics: Vec::new(),
            },
            Err(crate::live::import::Refused::Api(e)) => ImportResponse {
                diagnostics: vec![e.at(&request.address)],
                ..ImportResponse::default()
            },
            Err(crate::live::import::Refused::Not(why)) => ImportResponse::refused(why),
        }
    }

    async fn find(&self, request: FindRequest) -> FindResponse {
        let key = key_of(&request.key, &request.address);
        let manifests = self.manifests(&request.address).unwrap_or_default();
        let mine = owned(&manifests, &key);
        match refresh::list_kinds(&self.client, &mine, &self.selector()).await {
            Ok(listed) => FindResponse {
                found: listed
                    .values()
                    .any(|o| objects::owner(o) == Some(key.as_str()))
                    .then(|| (key.clone(), Attrs::new())),
                diagnostics: Vec::new(),
            },
            Err(e) => FindResponse {
                found: None,
                diagnostics: vec![e.at(&request.address)],
            },
        }
    }

    async fn create(&self, request: CreateRequest) -> CreateResponse {
        let (attrs, diagnostics) = self
            .apply(&request.address, request.attrs, &[], &request.progress)
            .await;
        CreateResponse {
            id: diagnostics
                .is_empty()
                .then(|| key_of(&request.key, &request.address)),
            attrs,
            diagnostics,
        }
    }

    async fn update(&self, request: UpdateRequest) -> UpdateResponse {
        let approved = drift::approved_fields(&request.prior, &request.attrs);
        let (attrs, diagnostics) = self
            .apply(
                &request.address,
                request.attrs,
                &approved,
                &request.progress,
            )
            .await;
        UpdateResponse { attrs, diagnostics }
    }

    async fn delete(&self, request: DeleteRequest) -> DeleteResponse {
        let owner = if request.id.is_empty() {
            request.address.to_string()
        } else {
            request.id.clone()
        };
        let done = delete::delete_owned(
            &self.client,
            &self.known,
            &self.settings.lineage,
            &owner,
            self.settings.rollout_timeout,
            &request.progress,
        )
        .await;
        DeleteResponse {
            diagnostics: done
                .err()
                .map(|e| e.at(&request.address))
                .into_iter()
                .collect(),
        }
    }
}
