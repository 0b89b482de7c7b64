//! The simulated datacenter as a [`Provider`]: each call runs against the world and
//! returns once its change is durable.
//!
//! `create` is idempotent by address (an object already created for the address is
//! returned, which is how an apply that crashed before recording adopts it), `delete` of a
//! missing object succeeds, and `read` of a deleted object reports `None`. Mutating calls
//! wait the configured latency and may fail with an injected fault first.

use async_trait::async_trait;
use blueprint::Diagnostic;
use planner::provider::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, FindRequest, FindResponse,
    ImportRequest, ImportResponse, KindSchema, MoveRequest, MoveResponse, PlanRequest,
    PlanResponse, ReadRequest, ReadResponse, UpdateRequest, UpdateResponse, blueprint_schema,
    plan_by_schema,
};
use planner::{Attrs, Provider};

use super::SimProvider;
use super::kinds;
use super::record::{Change, Record};
use super::rename::rename;
use super::vm;

impl SimProvider {
    /// The attributes a call reports for `record`: sensitive ones opened when the state
    /// key sealed them, left as digests otherwise; a cluster's endpoint and credentials
    /// those of the configured API server, when there is one.
    fn shown(&self, record: &Record, now: u64) -> Attrs {
        let mut attrs = kinds::render(record, now);
        self.protector.reveal_attrs(&mut attrs);
        if let Some(server) = &self.api_server
            && record.kind == "kubernetes_cluster"
        {
            server.overlay(&mut attrs);
        }
        attrs
    }

    /// Keeps the sensitive attributes of the records a change puts at `address`
    /// protected: those the blueprint computes from sensitive values, and those the
    /// kind's schema marks sensitive (a cluster's token).
    fn protect(&self, change: &mut Change, address: &blueprint::Address, sensitive: &[String]) {
        for record in change.put.iter_mut().filter(|r| r.address == *address) {
            let mut names = sensitive.to_vec();
            for name in blueprint::schema::sensitive_attrs(&record.kind) {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
            self.protector.protect_attrs(&mut record.attrs, &names);
            record.sensitive = names;
        }
    }

    /// Waits until change `seq` is durable; a diagnostic when it cannot be.
    async fn durable(&self, seq: u64, diagnostics: &mut Vec<Diagnostic>) -> bool {
        match self.store.durable(seq).await {
            Ok(()) => true,
            Err(e) => {
                diagnostics.push(e.into());
                false
            }
        }
    }
}

fn gone(address: &blueprint::Address, id: &str) -> Diagnostic {
    Diagnostic::error(
        None,
        format!("{address} no longer exists in the simulated datacenter"),
        format!(
            "No object has id {id}: it was deleted outside Strata. Run plan again: Strata will create it anew."
        ),
    )
}

/// The record a change put for `id`.
fn put_for<'a>(change: &'a Change, id: &str) -> Option<&'a Record> {
    change.put.iter().rev().find(|r| r.id == id)
}

#[async_trait]
impl Provider for SimProvider {
    fn name(&self) -> &str {
        "sim"
    }

    fn schema(&self, kind: &str) -> KindSchema {
        let mut schema = blueprint_schema(kind);
        for attr in kinds::computed(kind) {
            if !schema.computed.contains(attr) {
                schema.computed.push(attr);
            }
        }
        schema
    }

    /// As the schema says, and a VM moved to another zone without an address of its own
    /// gets a new one from that zone.
    async fn plan(&self, request: PlanRequest) -> PlanResponse {
        let mut response = plan_by_schema(&self.schema(&request.kind), &request);
        if let Some(prior) = &request.prior
            && request.kind == "vm"
            && request.desired.get("zone") != prior.get("zone")
            && !request.desired.contains_key("address")
        {
            response.recompute.push("address".into());
        }
        if let Some(prior) = &request.prior
            && request.kind == "vm"
            && response.requires_replace.iter().any(|a| a == "pool")
        {
            let (from, to) = (prior.get("pool"), request.desired.get("pool"));
            let (live, _) = self
                .store
                .read(|world, _| vm::live_migrates(world, from, to));
            if live {
                response.requires_replace.retain(|a| a != "pool");
                response.recompute.push("host".into());
            }
        }
        response
    }

    async fn read(&self, request: ReadRequest) -> ReadResponse {
        let (attrs, seq) = self
            .store
            .read(|world, now| world.get(&request.id).map(|r| self.shown(r, now)));
        let mut diagnostics = Vec::new();
        let ok = self.durable(seq, &mut diagnostics).await;
        ReadResponse {
            attrs: attrs.filter(|_| ok),
            diagnostics,
        }
    }

    async fn find(&self, request: FindRequest) -> FindResponse {
        let (found, seq) = self.store.read(|world, now| {
            world
                .at_key(&key_of(&request.key, &request.address))
                .filter(|r| r.kind == request.kind)
                .map(|r| (r.id.clone(), self.shown(r, now)))
        });
        let mut diagnostics = Vec::new();
        let ok = self.durable(seq, &mut diagnostics).await;
        FindResponse {
            found: found.filter(|_| ok),
            diagnostics,
        }
    }

    async fn create(&self, request: CreateRequest) -> CreateResponse {
        let mut response = CreateResponse::default();
        if let Err(d) = self.faults.call("create", &request.address).await {
            response.diagnostics.push(d);
            return response;
        }
        let result = self.store.mutate(|world, now| {
            let key = key_of(&request.key, &request.address);
            if let Some(existing) = world.at_key(&key) {
                if existing.kind != request.kind {
                    return Err(Diagnostic::error(
                        None,
                        format!("{} is already a {}", request.address, existing.kind),
                        format!(
                            "The simulated datacenter holds {} ({}) as a {}, not a {}.",
                            request.address, existing.id, existing.kind, request.kind
                        ),
                    ));
                }
                return Ok((None, (existing.id.clone(), self.shown(existing, now))));
            }
            let mut change =
                kinds::create(world, &request.kind, &request.address, &request.attrs, now)?;
            // The call reports what it made, secrets it generated included (a cluster's
            // token); the world's files hold them protected.
            let created = change
                .put
                .last()
                .map(|r| (r.id.clone(), self.shown(r, now)));
            let created = created.unwrap_or_default();
            self.protect(&mut change, &request.address, &request.sensitive);
            if key != request.address.to_string()
                && let Some(record) = change.put.last_mut()
            {
                record.key = Some(key);
            }
            Ok((Some(change), created))
        });
        match result {
            Ok(((id, attrs), seq)) => {
                if self.durable(seq, &mut response.diagnostics).await {
                    response.id = Some(id);
                    response.attrs = attrs;
                }
            }
            Err(d) => response.diagnostics.push(d),
        }
        response
    }

    async fn update(&self, request: UpdateRequest) -> UpdateResponse {
        let mut response = UpdateResponse::default();
        if let Err(d) = self.faults.call("update", &request.address).await {
            response.diagnostics.push(d);
            return response;
        }
        let result = self.store.mutate(|world, now| {
            let old = world
                .get(&request.id)
                .ok_or_else(|| gone(&request.address, &request.id))?;
            let mut change = kinds::update(world, old, &request.attrs, now)?;
            let attrs: Attrs = put_for(&change, &request.id)
                .map(|r| self.shown(r, now))
                .unwrap_or_default();
            self.protect(&mut change, &request.address, &request.sensitive);
            Ok::<_, Diagnostic>((Some(change), attrs))
        });
        match result {
            Ok((attrs, seq)) => {
                if self.durable(seq, &mut response.diagnostics).await {
                    response.attrs = attrs;
                }
            }
            Err(d) => response.diagnostics.push(d),
        }
        response
    }

    async fn delete(&self, request: DeleteRequest) -> DeleteResponse {
        let mut response = DeleteResponse::default();
        if let Err(d) = self.faults.call("delete", &request.address).await {
            response.diagnostics.push(d);
            return response;
        }
        let result = self.store.mutate(|world, _| match world.get(&request.id) {
            None => Ok::<_, Diagnostic>((None, ())),
            Some(record) => Ok((Some(kinds::delete(world, record)?), ())),
        });
        match result {
            Ok(((), seq)) => {
                self.durable(seq, &mut response.diagnostics).await;
            }
            Err(d) => response.diagnostics.push(d),
        }
        response
    }

    async fn moved(&self, request: MoveRequest) -> MoveResponse {
        let mut response = MoveResponse::default();
        match self
            .store
            .mutate(|world, _| rename(world, &request).map(|change| (change, ())))
        {
            Ok(((), seq)) => {
                self.durable(seq, &mut response.diagnostics).await;
            }
            Err(d) => response.diagnostics.push(d),
        }
        response
    }

    async fn import(&self, request: ImportRequest) -> ImportResponse {
        let mut response = ImportResponse::default();
        let result = self.store.mutate(|world, now| {
            let Some(record) = world.get(&request.id) else {
                return Ok::<_, Diagnostic>((None, None));
            };
            if record.address == request.address {
                return Ok((None, Some(self.shown(record, now))));
            }
            if let Some(other) = world.at(&request.address) {
                return Err(Diagnostic::error(
                    None,
                    format!("{} already has an object", request.address),
                    format!("The simulated datacenter holds {} ({}) at {}; import {} to another address, or delete that object first.", other.id, other.kind, request.address, request.id),
                ));
            }
            let mut moved = record.clone();
            moved.address = request.address.clone();
            let attrs = self.shown(&moved, now);
            Ok((Some(Change::put(moved)), Some(attrs)))
        });
        match result {
            Ok((attrs, seq)) => {
                if self.durable(seq, &mut response.diagnostics).await {
                    response.attrs = attrs;
                }
            }
            Err(d) => response.diagnostics.push(d),
        }
        response
    }
}

/// An idempotency key; empty means the address.
fn key_of(key: &str, address: &blueprint::Address) -> String {
    if key.is_empty() {
        address.to_string()
    } else {
        key.to_string()
    }
}
