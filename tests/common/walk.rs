//! Plan and apply in-process, with the real simulated datacenter, recording when each
//! operation starts and ends: for properties of the apply walk.

use std::path::Path;
use std::sync::{Arc, Mutex};

use blueprint::{Inputs, SourceMap};
use planner::Providers;
use planner::apply::{self, Observer, Op};
use planner::plan::{self, PlanOptions};
use planner::state::LocalBackend;
use providers::{SimConfig, SimProvider};

/// When each operation started and finished.
#[derive(Default)]
struct Recording {
    events: Mutex<Vec<(bool, String)>>,
}

fn label(op: &Op) -> String {
    format!("{:?} {}", op.kind, op.address)
}

impl Observer for Recording {
    fn started(&self, op: &Op) {
        self.events.lock().unwrap().push((true, label(op)));
    }
    fn finished(&self, op: &Op, _error: Option<&str>) {
        self.events.lock().unwrap().push((false, label(op)));
    }
    fn skipped(&self, _op: &Op, _because: &str) {}
}

/// The blueprint in a folder, evaluated with the attributes of what exists.
pub struct Blueprint<'a>(pub &'a Path);

impl Blueprint<'_> {
    pub fn load(
        &self,
        state: &planner::State,
    ) -> (blueprint::Config, blueprint::Diagnostics, SourceMap) {
        let mut sources = SourceMap::default();
        let inputs = Inputs {
            known: Arc::new(
                state
                    .objects
                    .iter()
                    .map(|o| (o.address.clone(), o.attributes.clone()))
                    .collect(),
            ),
            ..Inputs::default()
        };
        let (config, diags) = blueprint::load(self.0, &inputs, &mut sources);
        (config, diags, sources)
    }
}

/// What the apply evaluates once values known only after apply exist (a VM's address
/// in a new zone).
impl apply::Evaluate for Blueprint<'_> {
    fn evaluate(
        &self,
        state: &planner::State,
    ) -> Result<blueprint::Config, Vec<blueprint::Diagnostic>> {
        let (config, diags, _) = self.load(state);
        match diags.has_errors() {
            true => Err(diags.into_iter().collect()),
            false => Ok(config),
        }
    }
}

/// Plans and applies the blueprint in `dir`; panics when the plan has problems or the
/// apply fails, or when an operation started before one it must follow finished.
/// Returns the plan as people read it when it was not empty.
pub fn plan_and_apply(dir: &Path, backend: &LocalBackend, parallelism: usize) -> Option<String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let state = backend
            .load()
            .unwrap()
            .unwrap_or_else(LocalBackend::new_state);
        let (config, diags, sources) = Blueprint(dir).load(&state);
        assert!(!diags.has_errors(), "{}", diags.render(&sources));
        let sim = SimProvider::open(
            &backend.dir().join("sim"),
            SimConfig {
                latency: std::time::Duration::from_millis(1),
                ..SimConfig::default()
            },
        )
        .unwrap();
        let mut providers = Providers::default();
        providers.insert("sim", Arc::new(sim));
        let options = PlanOptions {
            refresh: true,
            destroy: false,
            targets: vec![],
            replace: vec![],
            now: 0,
            parallelism: 8,
        };
        let (plan, refreshed, problems) = plan::make(&config, &state, &providers, &options).await;
        assert!(
            problems.is_empty(),
            "{problems:?}\n{}",
            plan::render::render(&plan)
        );
        let recording = Recording::default();
        let journal: Arc<dyn apply::Recorder> = Arc::new(
            backend
                .journal(planner::state::Protector::default())
                .unwrap(),
        );
        let (mut state, outcome) = apply::apply(
            &plan,
            refreshed,
            &providers,
            journal,
            &recording,
            &apply::Late {
                evaluator: &Blueprint(dir),
                connector: &apply::NoConnection,
            },
            &apply::Walk {
                parallelism,
                now: 0,
                stop: &std::sync::atomic::AtomicBool::new(false),
                still_every: std::time::Duration::ZERO,
            },
        )
        .await;
        assert!(
            outcome.succeeded(),
            "{:#?}\n{}",
            outcome.failed,
            plan::render::render(&plan)
        );
        backend.save(&mut state).unwrap();
        backend.clear_journal().unwrap();
        let events = recording.events.into_inner().unwrap();
        let at =
            |started: bool, name: &str| events.iter().position(|(s, l)| *s == started && l == name);
        let ops = apply::operations(&plan);
        for op in &ops {
            for &before in &op.after {
                assert!(
                    at(false, &label(&ops[before])) < at(true, &label(op)),
                    "{} started before {} finished",
                    label(op),
                    label(&ops[before])
                );
            }
        }
        (!plan.is_empty()).then(|| plan::render::render(&plan))
    })
}
