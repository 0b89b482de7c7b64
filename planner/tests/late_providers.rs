//! Providers configured during the apply: a configuration whose settings read what the
//! plan creates is deferred, planned without provider calls, connected once in the walk
//! after what it reads is written, with the values that produced; a failed connection
//! fails its operations only; a configuration reading what it manages is refused; objects
//! it already has cannot be refreshed. Fake providers record every call; the blueprint is
//! evaluated for real, against the state of the moment.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use blueprint::providers::{Resolution, resolve};
use blueprint::{Address, Config, Diagnostic, Inputs, SourceMap};
use planner::apply::{self, Connect, Evaluate, Late, Observer, Op, OpKind, Recorder, Walk};
use planner::plan::{Action, Change, Plan, PlanOptions};
use planner::provider::{
    Attrs, CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, FindRequest, FindResponse,
    PlanRequest, PlanResponse, ReadRequest, ReadResponse, UpdateRequest, UpdateResponse,
};
use planner::state::{LocalBackend, Object};
use planner::{Provider, Providers, State};

/// Every call of the fakes, in order: `sim create storage.cluster`, `connect kubernetes
/// host=...`, `kubernetes create storage.svc[0]`.
type Log = Arc<Mutex<Vec<String>>>;

struct Fake {
    name: String,
    log: Log,
}

impl Fake {
    fn note(&self, what: &str, address: &Address) {
        self.log
            .lock()
            .unwrap()
            .push(format!("{} {what} {address}", self.name));
    }
}

#[async_trait]
impl Provider for Fake {
    fn name(&self) -> &str {
        &self.name
    }

    async fn plan(&self, request: PlanRequest) -> PlanResponse {
        self.note("plan", &request.address);
        PlanResponse::default()
    }

    async fn read(&self, request: ReadRequest) -> ReadResponse {
        self.note("read", &request.address);
        ReadResponse {
            attrs: Some(request.prior),
            diagnostics: Vec::new(),
        }
    }

    async fn find(&self, _request: FindRequest) -> FindResponse {
        FindResponse::default()
    }

    async fn create(&self, request: CreateRequest) -> CreateResponse {
        self.note("create", &request.address);
        let id = format!("{}-{}", self.name, request.address.name);
        let mut attrs = request.attrs;
        attrs.insert("id".into(), id.clone().into());
        CreateResponse {
            id: Some(id),
            attrs,
            diagnostics: Vec::new(),
        }
    }

    async fn update(&self, request: UpdateRequest) -> UpdateResponse {
        self.note("update", &request.address);
        UpdateResponse {
            attrs: request.attrs,
            diagnostics: Vec::new(),
        }
    }

    async fn delete(&self, request: DeleteRequest) -> DeleteResponse {
        self.note("delete", &request.address);
        DeleteResponse::default()
    }
}

/// The blueprint, in a folder of its own, evaluated against a state's objects.
struct Blueprint {
    dir: tempfile::TempDir,
}

impl Blueprint {
    fn new(main: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.hcl"), main).unwrap();
        Blueprint { dir }
    }

    fn load(&self, state: &State) -> Result<Config, Vec<Diagnostic>> {
        let known = state
            .objects
            .iter()
            .map(|o| (o.address.clone(), o.attributes.clone()))
            .collect();
        let inputs = Inputs {
            known: Arc::new(known),
            ..Inputs::default()
        };
        let mut sources = SourceMap::default();
        let (config, diags) = blueprint::load(self.dir.path(), &inputs, &mut sources);
        if diags.has_errors() {
            return Err(diags.into_iter().collect());
        }
        Ok(config)
    }
}

impl Evaluate for Blueprint {
    fn evaluate(&self, state: &State) -> Result<Config, Vec<Diagnostic>> {
        self.load(state)
    }
}

/// Connects a fake named after the configuration, recording the `host` it was given;
/// or fails, when `refuse` says why.
struct Connector {
    log: Log,
    refuse: Option<String>,
}

#[async_trait]
impl Connect for Connector {
    async fn connect(&self, name: &str, config: &Config) -> Result<Arc<dyn Provider>, String> {
        let resolved = resolve(config, name, &|_| None)?.ready()?;
        self.log.lock().unwrap().push(format!(
            "connect {name} host={}",
            resolved.get("host").unwrap_or_default()
        ));
        if let Some(why) = &self.refuse {
            return Err(why.clone());
        }
        Ok(Arc::new(Fake {
            name: name.to_string(),
            log: self.log.clone(),
        }))
    }
}

struct Quiet;

#[async_trait]
impl Recorder for Quiet {
    async fn intent(&self, _op: &Op, _change: &Change) -> Result<(), String> {
        Ok(())
    }
    async fn done(&self, _op: &Op, _c: &Change, _o: Option<&Object>) -> Result<(), String> {
        Ok(())
    }
    async fn failed(&self, _op: &Op, _change: &Change, _error: &str) {}
}

impl Observer for Quiet {
    fn started(&self, _op: &Op) {}
    fn finished(&self, _op: &Op, _error: Option<&str>) {}
    fn skipped(&self, _op: &Op, _because: &str) {}
}

const PLATFORM: &str = r#"site "dc1" {}

network_zone "app" {
  cidr = "10.10.0.0/24"
}

storage "cluster" {
  type     = "local"
  capacity = "1GiB"
}
"#;

/// A blueprint whose `kubernetes` configuration reads `storage.cluster`'s id (built by the
/// `sim` fake), and `services` storages managed by that configuration.
fn handing_off(services: usize) -> String {
    format!(
        r#"{PLATFORM}
provider "kubernetes" {{
  host = "https://${{storage.cluster.id}}:6443"
}}

storage "svc" {{
  count    = {services}
  provider = kubernetes
  type     = "local"
  capacity = "1GiB"
}}
"#
    )
}

/// The run's providers: the `sim` fake, and every configuration `config` defers.
fn providers(config: &Config, log: &Log) -> Providers {
    let mut providers = Providers::default();
    providers.insert(
        "sim",
        Arc::new(Fake {
            name: "sim".into(),
            log: log.clone(),
        }),
    );
    for p in &config.providers {
        let name = blueprint::providers::key(&p.name, p.alias.as_deref());
        if let Ok(Resolution::Deferred(d)) = resolve(config, &name, &|_| None) {
            providers.defer(d);
        }
    }
    providers
}

fn options(refresh: bool) -> PlanOptions {
    PlanOptions {
        refresh,
        destroy: false,
        targets: Vec::new(),
        replace: Vec::new(),
        now: 0,
        parallelism: 4,
    }
}

async fn plan(
    blueprint: &Blueprint,
    state: &State,
    providers: &Providers,
    refresh: bool,
) -> (Plan, Vec<Diagnostic>) {
    let config = blueprint.load(state).unwrap();
    let (plan, _, diags) = planner::plan::make(&config, state, providers, &options(refresh)).await;
    (plan, diags)
}

async fn run(
    plan: &Plan,
    state: State,
    providers: &Providers,
    blueprint: &Blueprint,
    connector: &Connector,
) -> (State, apply::Outcome) {
    let stop = AtomicBool::new(false);
    apply::apply(
        plan,
        state,
        providers,
        Arc::new(Quiet),
        &Quiet,
        &Late {
            evaluator: blueprint,
            connector,
        },
        &Walk {
            parallelism: 4,
            now: 0,
            stop: &stop,
            still_every: Duration::ZERO,
        },
    )
    .await
}

fn position(log: &[String], entry: &str) -> usize {
    log.iter()
        .position(|l| l == entry)
        .unwrap_or_else(|| panic!("no {entry:?} in {log:#?}"))
}

fn address(text: &str) -> Address {
    text.parse().unwrap()
}

#[tokio::test]
async fn a_deferred_provider_is_connected_once_after_what_it_reads_with_its_values() {
    let log = Log::default();
    let blueprint = Blueprint::new(&handing_off(3));
    let state = LocalBackend::new_state();
    let providers = providers(&blueprint.load(&state).unwrap(), &log);
    let (plan, diags) = plan(&blueprint, &state, &providers, true).await;
    assert!(diags.is_empty(), "{diags:?}");
    // Planned without a call to the provider that does not exist yet.
    assert!(log.lock().unwrap().is_empty(), "{log:?}");
    assert_eq!(plan.deferred.len(), 1);
    assert_eq!(plan.deferred[0].waits_for, [address("storage.cluster")]);
    let text = planner::plan::render::render(&plan);
    assert_eq!(
        text.matches("Provider kubernetes will be configured during apply, after storage.cluster")
            .count(),
        1,
        "{text}"
    );
    for k in 0..3 {
        let svc = plan
            .changes
            .iter()
            .find(|c| c.address == address(&format!("storage.svc[{k}]")))
            .unwrap();
        assert_eq!(svc.action, Action::Create);
        // It depends on what its provider reads, so the state records it (destroy order).
        assert!(svc.dependencies.contains(&address("storage.cluster")));
    }
    let connector = Connector {
        log: log.clone(),
        refuse: None,
    };
    let (state, outcome) = run(&plan, state, &providers, &blueprint, &connector).await;
    assert!(outcome.succeeded(), "{outcome:?}");
    let log = log.lock().unwrap().clone();
    let connects: Vec<&String> = log.iter().filter(|l| l.starts_with("connect")).collect();
    assert_eq!(
        connects,
        ["connect kubernetes host=https://sim-cluster:6443"],
        "{log:#?}"
    );
    let connected = position(&log, connects[0]);
    assert!(position(&log, "sim create storage.cluster") < connected);
    for k in 0..3 {
        assert!(position(&log, &format!("kubernetes create storage.svc[{k}]")) > connected);
    }
    let svc = state
        .objects
        .iter()
        .find(|o| o.address == address("storage.svc[0]"))
        .unwrap();
    assert_eq!(svc.provider, "kubernetes");
    assert!(svc.dependencies.contains(&address("storage.cluster")));
}

#[tokio::test]
async fn a_failed_connection_fails_only_the_operations_of_that_provider() {
    let log = Log::default();
    let blueprint = Blueprint::new(&handing_off(2));
    let state = LocalBackend::new_state();
    let providers = providers(&blueprint.load(&state).unwrap(), &log);
    let (plan, _) = plan(&blueprint, &state, &providers, true).await;
    let connector = Connector {
        log: log.clone(),
        refuse: Some("the API server at https://sim-cluster:6443 does not answer".into()),
    };
    let (state, outcome) = run(&plan, state, &providers, &blueprint, &connector).await;
    let mut failed: Vec<String> = outcome
        .failed
        .iter()
        .map(|(op, _)| op.address.to_string())
        .collect();
    failed.sort();
    assert_eq!(failed, ["storage.svc[0]", "storage.svc[1]"]);
    for (_, diags) in &outcome.failed {
        assert_eq!(
            diags[0].summary,
            "Provider kubernetes could not be configured"
        );
        assert!(diags[0].detail.contains("does not answer"), "{diags:?}");
    }
    // Tried once; what the sim provider builds is built.
    let log = log.lock().unwrap().clone();
    assert_eq!(log.iter().filter(|l| l.starts_with("connect")).count(), 1);
    assert!(
        !log.iter().any(|l| l.starts_with("kubernetes ")),
        "{log:#?}"
    );
    let mut built: Vec<String> = state
        .objects
        .iter()
        .map(|o| o.address.to_string())
        .collect();
    built.sort();
    assert_eq!(built, ["network_zone.app", "site.dc1", "storage.cluster"]);
}

#[test]
fn every_operation_of_a_deferred_provider_comes_after_what_it_reads() {
    let change = |address: &str, provider: &str, action: Action| Change {
        address: address.parse().unwrap(),
        kind: "storage".into(),
        provider: provider.into(),
        action,
        id: (action != Action::Create).then(|| "x".into()),
        before: None,
        after: None,
        replace_because: Vec::new(),
        reason: None,
        dependencies: Vec::new(),
        create_before_destroy: false,
        retire: None,
        sensitive: Vec::new(),
        unknown: Vec::new(),
        implied: Vec::new(),
        notes: Vec::new(),
        previous_address: None,
        prior_dependencies: Vec::new(),
        prevent_destroy: false,
        prior_prevent_destroy: false,
    };
    let config = Blueprint::new(&handing_off(0))
        .load(&LocalBackend::new_state())
        .unwrap();
    let Ok(Resolution::Deferred(deferred)) = resolve(&config, "kubernetes", &|_| None) else {
        panic!("kubernetes is not deferred");
    };
    let plan = Plan {
        format_version: 1,
        lineage: String::new(),
        serial: 0,
        destroy: false,
        changes: vec![
            change("storage.cluster", "sim", Action::Replace),
            change("storage.gone", "kubernetes", Action::Delete),
            change("storage.old", "kubernetes", Action::Update),
            change("storage.unrelated", "sim", Action::Delete),
        ],
        drift: Vec::new(),
        output_changes: Vec::new(),
        deferred: vec![deferred],
    };
    let ops = apply::operations(&plan);
    let write = ops
        .iter()
        .position(|o| o.kind == OpKind::Create && o.address == address("storage.cluster"))
        .unwrap();
    for op in &ops {
        let of_kubernetes = plan.changes[op.change].provider == "kubernetes";
        assert_eq!(op.after.contains(&write), of_kubernetes, "{op:?}");
    }
    assert!(apply::cycle(&ops).is_none());
}

#[tokio::test]
async fn a_provider_configured_from_what_it_manages_is_refused_naming_both() {
    let log = Log::default();
    let blueprint = Blueprint::new(&format!(
        r#"{PLATFORM}
provider "kubernetes" {{
  host = storage.svc.id
}}

storage "svc" {{
  provider = kubernetes
  type     = "local"
  capacity = "1GiB"
}}
"#
    ));
    let state = LocalBackend::new_state();
    let providers = providers(&blueprint.load(&state).unwrap(), &log);
    let (_, diags) = plan(&blueprint, &state, &providers, true).await;
    let cycle = diags
        .iter()
        .find(|d| d.summary.contains("configured from"))
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(
        cycle.summary,
        "Provider kubernetes is configured from storage.svc, which it manages"
    );
}

#[tokio::test]
async fn objects_a_deferred_provider_already_has_need_what_it_reads_applied_first() {
    let log = Log::default();
    let blueprint = Blueprint::new(&handing_off(1));
    // The service exists; the cluster it ran on is gone (to be created again).
    let mut state = LocalBackend::new_state();
    state.objects.push(Object {
        address: address("storage.svc[0]"),
        kind: "storage".into(),
        provider: "kubernetes".into(),
        id: "kubernetes-svc".into(),
        attributes: Attrs::new(),
        dependencies: vec![address("storage.cluster")],
        created_at: 0,
        sensitive: Vec::new(),
        prevent_destroy: false,
    });
    let providers = providers(&blueprint.load(&state).unwrap(), &log);
    let (_, diags) = plan(&blueprint, &state, &providers, true).await;
    let error = diags
        .iter()
        .find(|d| d.summary.starts_with("Provider kubernetes cannot read"))
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert!(error.summary.contains("storage.svc[0]"), "{error:?}");
    assert!(error.detail.contains("`host`"), "{error:?}");
    assert!(
        error
            .detail
            .contains("strata apply -target=storage.cluster"),
        "{error:?}"
    );
    // Without a refresh, it is planned from the state, and the provider is not called.
    let (plan, diags) = plan(&blueprint, &state, &providers, false).await;
    assert!(!diags.iter().any(Diagnostic::is_error), "{diags:?}");
    assert_eq!(plan.deferred.len(), 1);
    assert!(log.lock().unwrap().is_empty(), "{log:?}");
}
