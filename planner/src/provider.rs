//! The Provider interface: how the planner reads and changes the world.
//!
//! A provider (the simulated datacenter, libvirt, vSphere, Kubernetes) implements
//! [`Provider`] for the resource kinds it manages. Each call takes a request and returns a
//! response that carries diagnostics instead of failing, so one failed object does not
//! stop the others. Calls are idempotent and safe to retry: `create` for an address that
//! already has an object returns that object, `delete` of a missing object succeeds.
//!
//! Attributes travel as JSON objects: the blueprint's typed fields in canonical form
//! (sizes as `"4GiB"`, references as addresses such as `"host_pool.prod"`), plus the
//! attributes the provider computes (`id`, a VM's `address`, a cluster's `endpoint`).

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use blueprint::providers::Deferred;
use blueprint::{Address, Diagnostic};

pub use crate::progress::Progress;

/// An object's attributes.
pub type Attrs = serde_json::Map<String, serde_json::Value>;

/// Which attributes of a kind force a replacement and which the provider computes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KindSchema {
    /// Changing one of these destroys the object and creates a new one.
    pub force_new: Vec<&'static str>,
    /// Set by the provider when the blueprint leaves them unset.
    pub computed: Vec<&'static str>,
}

/// The schema the blueprint declares for a kind: what most providers use.
pub fn blueprint_schema(kind: &str) -> KindSchema {
    let Some(schema) = blueprint::schema::kind(kind) else {
        return KindSchema::default();
    };
    KindSchema {
        force_new: schema
            .body
            .attrs
            .iter()
            .filter(|a| a.force_new)
            .map(|a| a.name)
            .collect(),
        computed: schema
            .body
            .attrs
            .iter()
            .filter(|a| a.computed)
            .map(|a| a.name)
            .chain(["id"])
            .collect(),
    }
}

/// The plan most providers make: a replacement when an attribute of `schema.force_new`
/// changes, nothing recomputed.
pub fn plan_by_schema(schema: &KindSchema, request: &PlanRequest) -> PlanResponse {
    let requires_replace = match &request.prior {
        None => Vec::new(),
        Some(prior) => schema
            .force_new
            .iter()
            .filter(|a| request.desired.get(**a) != prior.get(**a))
            .map(|a| a.to_string())
            .collect(),
    };
    PlanResponse {
        requires_replace,
        ..PlanResponse::default()
    }
}

/// Read the current attributes of an object.
#[derive(Clone, Debug)]
pub struct ReadRequest {
    /// Its address.
    pub address: Address,
    /// Its kind.
    pub kind: String,
    /// The provider's id for it.
    pub id: String,
    /// Its attributes as the state records them (Terraform's prior state): a provider
    /// overlays what it reads on them, and keeps what it cannot read back.
    pub prior: Attrs,
}

/// The object as it is now.
#[derive(Clone, Debug, Default)]
pub struct ReadResponse {
    /// `None` when the object no longer exists.
    pub attrs: Option<Attrs>,
    /// Problems reading it.
    pub diagnostics: Vec<Diagnostic>,
}

/// Is there an object created for this address (by an apply that crashed before recording
/// it)? Used to adopt such objects instead of creating duplicates.
#[derive(Clone, Debug)]
pub struct FindRequest {
    /// The address it would have been created for.
    pub address: Address,
    /// The idempotency key it would have been created with (see [`CreateRequest::key`]).
    pub key: String,
    /// Its kind.
    pub kind: String,
}

/// The object found, if any.
#[derive(Clone, Debug, Default)]
pub struct FindResponse {
    /// Its id and attributes, when it exists.
    pub found: Option<(String, Attrs)>,
    /// Problems looking.
    pub diagnostics: Vec<Diagnostic>,
}

/// What a change would do, as the provider sees it.
#[derive(Clone, Debug)]
pub struct PlanRequest {
    /// The object's address.
    pub address: Address,
    /// Its kind.
    pub kind: String,
    /// Its attributes now (`None` for a create).
    pub prior: Option<Attrs>,
    /// The attributes the blueprint asks for.
    pub desired: Attrs,
}

/// The provider's view of a change.
#[derive(Clone, Debug, Default)]
pub struct PlanResponse {
    /// Attributes whose change forces a replacement.
    pub requires_replace: Vec<String>,
    /// Computed attributes an in-place update gives new values, known only after apply
    /// (a VM moved to another zone gets an address from it). They leave the planned
    /// attributes, and what reads them sees them unknown.
    pub recompute: Vec<String>,
    /// Problems the provider can see before applying (a quota, an unknown image).
    pub diagnostics: Vec<Diagnostic>,
    /// What the change does beyond its attributes, for the plan to say: "the domain
    /// restarts: memory above its maximum cannot be added while it runs".
    pub notes: Vec<String>,
}

/// Create an object.
#[derive(Clone, Debug)]
pub struct CreateRequest {
    /// Its address.
    pub address: Address,
    /// The idempotency key: a create with the key of an existing object returns that
    /// object. It is the address (empty means the address), except for the new object of a
    /// create-before-destroy replacement, which exists beside the old one for a while.
    pub key: String,
    /// Its kind.
    pub kind: String,
    /// The attributes the blueprint asks for.
    pub attrs: Attrs,
    /// The attributes computed from sensitive values: a provider that writes them to a
    /// file or a log protects them (the `sim` provider seals or digests them).
    pub sensitive: Vec<String>,
    /// Where to report progress while the operation waits (see [`Progress`]).
    pub progress: Progress,
}

/// The created object.
#[derive(Clone, Debug, Default)]
pub struct CreateResponse {
    /// Its id, when it was created.
    pub id: Option<String>,
    /// All its attributes, computed ones included.
    pub attrs: Attrs,
    /// Why it could not be created.
    pub diagnostics: Vec<Diagnostic>,
}

/// Change an object in place.
#[derive(Clone, Debug)]
pub struct UpdateRequest {
    /// Its address.
    pub address: Address,
    /// Its kind.
    pub kind: String,
    /// Its id.
    pub id: String,
    /// Its attributes now.
    pub prior: Attrs,
    /// The attributes the blueprint asks for.
    pub attrs: Attrs,
    /// The attributes computed from sensitive values (see [`CreateRequest::sensitive`]).
    pub sensitive: Vec<String>,
    /// Where to report progress while the operation waits (see [`Progress`]).
    pub progress: Progress,
}

/// The updated object.
#[derive(Clone, Debug, Default)]
pub struct UpdateResponse {
    /// All its attributes after the change.
    pub attrs: Attrs,
    /// Why it could not be changed.
    pub diagnostics: Vec<Diagnostic>,
}

/// Delete an object.
#[derive(Clone, Debug)]
pub struct DeleteRequest {
    /// Its address.
    pub address: Address,
    /// Its kind.
    pub kind: String,
    /// Its id.
    pub id: String,
    /// Where to report progress while the operation waits (see [`Progress`]).
    pub progress: Progress,
}

/// The outcome of a delete.
#[derive(Clone, Debug, Default)]
pub struct DeleteResponse {
    /// Why it could not be deleted.
    pub diagnostics: Vec<Diagnostic>,
}

/// Take an existing object under management.
#[derive(Clone, Debug)]
pub struct ImportRequest {
    /// The address it will have.
    pub address: Address,
    /// Its kind.
    pub kind: String,
    /// The id the user gave (`strata import ADDRESS ID`): the provider's id for it, or
    /// another form the provider can look up unambiguously (a VM's name).
    pub id: String,
    /// The attributes the blueprint asks for at `address` (known values only). A provider
    /// reads over them what the object has, as a refresh reads over the prior state, so
    /// what it cannot read (an attribute it keeps in the state only, such as a VM's
    /// `pool`) is the blueprint's, and a reference is checked against the object (the
    /// zone whose network its NIC joins) rather than guessed.
    pub desired: Attrs,
}

/// The imported object.
#[derive(Clone, Debug, Default)]
pub struct ImportResponse {
    /// The provider's own id of the object, when it differs from the one given (a VM
    /// imported by name is recorded by its UUID).
    pub id: Option<String>,
    /// Its attributes, when it exists.
    pub attrs: Option<Attrs>,
    /// Problems importing it.
    pub diagnostics: Vec<Diagnostic>,
}

impl ImportResponse {
    /// No object imported, and `why`: what the id names (nothing, two objects, an object
    /// the provider cannot manage) and what an id of the kind looks like. The import
    /// command puts the address and the id before it.
    pub fn refused(why: impl Into<String>) -> Self {
        ImportResponse {
            diagnostics: vec![Diagnostic::error(None, "", why)],
            ..ImportResponse::default()
        }
    }
}

/// An object now lives at another address (a `moved` block).
#[derive(Clone, Debug)]
pub struct MoveRequest {
    /// The address it had.
    pub from: Address,
    /// The address it has now.
    pub to: Address,
    /// Its kind.
    pub kind: String,
    /// Its id.
    pub id: String,
}

/// The outcome of a move.
#[derive(Clone, Debug, Default)]
pub struct MoveResponse {
    /// Why the provider could not record it.
    pub diagnostics: Vec<Diagnostic>,
}

/// A provider of resource kinds. See the module documentation for the contract.
#[async_trait]
pub trait Provider: Send + Sync {
    /// Its name, as `provider` blocks write it (`sim`).
    fn name(&self) -> &str;

    /// Which attributes force replacement and which are computed, for `kind`.
    fn schema(&self, kind: &str) -> KindSchema {
        blueprint_schema(kind)
    }

    /// What changing `prior` into `desired` needs: by default, a replacement when an
    /// attribute of the schema's `force_new` changes ([`plan_by_schema`]).
    async fn plan(&self, request: PlanRequest) -> PlanResponse {
        plan_by_schema(&self.schema(&request.kind), &request)
    }

    /// The object as it is now. By default [`Provider::read_many`] of it alone: a provider
    /// implements at least one of the two (each defaults to the other).
    async fn read(&self, request: ReadRequest) -> ReadResponse {
        self.read_many(vec![request], 1)
            .await
            .pop()
            .unwrap_or_default()
    }

    /// Many objects as they are now, one response per request in the same order: what a
    /// refresh calls. By default `read` for each, at most `parallelism` at once; a provider
    /// whose server lists objects in bulk (libvirt, vSphere) reads each kind once instead
    /// and leaves `read` to its default.
    async fn read_many(&self, requests: Vec<ReadRequest>, parallelism: usize) -> Vec<ReadResponse> {
        use futures_util::StreamExt;
        futures_util::stream::iter(requests.into_iter().map(|r| self.read(r)))
            .buffered(parallelism.max(1))
            .collect()
            .await
    }

    /// An object created for an address, if there is one.
    async fn find(&self, request: FindRequest) -> FindResponse;

    /// Creates an object (or returns the one already created for its address).
    async fn create(&self, request: CreateRequest) -> CreateResponse;

    /// Changes an object in place.
    async fn update(&self, request: UpdateRequest) -> UpdateResponse;

    /// Deletes an object (a missing object counts as deleted).
    async fn delete(&self, request: DeleteRequest) -> DeleteResponse;

    /// Reads an existing object to take it under management; by default a [`Provider::read`]
    /// of its id over the blueprint's attributes ([`ImportRequest::desired`]). A missing
    /// object is `attrs: None`, with a diagnostic saying what an id of that kind looks like.
    async fn import(&self, request: ImportRequest) -> ImportResponse {
        let read = self
            .read(ReadRequest {
                address: request.address,
                kind: request.kind,
                id: request.id,
                prior: request.desired,
            })
            .await;
        ImportResponse {
            id: None,
            attrs: read.attrs,
            diagnostics: read.diagnostics,
        }
    }

    /// Records that an object now lives at another address: a provider that keeps the
    /// address with the object (the simulated datacenter; real providers tag what they
    /// create with it, so that `find` can adopt it) updates it, and what refers to the
    /// old address. The default does nothing, for providers that know objects by id
    /// alone. Moving an object already at `to` succeeds.
    async fn moved(&self, request: MoveRequest) -> MoveResponse {
        let _ = request;
        MoveResponse::default()
    }
}

/// The providers of one run, by the name `provider` attributes use (`sim`, `sim.fast`):
/// those connected, and those deferred until the apply has written what their settings
/// read ([`blueprint::providers::Deferred`]), which the apply connects through
/// [`crate::apply::Connect`].
#[derive(Clone, Default)]
pub struct Providers {
    by_name: BTreeMap<String, Arc<dyn Provider>>,
    deferred: BTreeMap<String, Deferred>,
}

impl Providers {
    /// Registers a provider under a name (no longer deferred, if it was).
    pub fn insert(&mut self, name: impl Into<String>, provider: Arc<dyn Provider>) {
        let name = name.into();
        self.deferred.remove(&name);
        self.by_name.insert(name, provider);
    }

    /// Records that configuration `deferred.key` is configured during the apply; a
    /// connection it had (made with values an apply will change) is dropped.
    pub fn defer(&mut self, deferred: Deferred) {
        self.by_name.remove(&deferred.key);
        self.deferred.insert(deferred.key.clone(), deferred);
    }

    /// The provider registered under `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Provider>> {
        self.by_name.get(name)
    }

    /// Why configuration `name` is not connected yet, when it is deferred.
    pub fn deferred(&self, name: &str) -> Option<&Deferred> {
        self.deferred.get(name)
    }

    /// The names registered, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}
