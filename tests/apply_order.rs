//! Properties of the apply walk on the simulated datacenter, in-process: for random
//! dependency graphs, every operation starts only after everything it must follow has
//! finished, at every parallelism; and after an apply a new plan shows no changes.

use std::sync::{Arc, Mutex};

use blueprint::{Inputs, SourceMap};
use planner::Providers;
use planner::apply::{self, Observer, Op};
use planner::plan::{self, PlanOptions};
use planner::state::LocalBackend;
use proptest::prelude::*;
use providers::{SimConfig, SimProvider};

/// Records the order in which operations start and finish.
#[derive(Default)]
struct Recording {
    events: Mutex<Vec<(bool, String)>>,
}

impl Observer for Recording {
    fn started(&self, op: &Op) {
        self.events
            .lock()
            .unwrap()
            .push((true, format!("{:?} {}", op.kind, op.address)));
    }
    fn finished(&self, op: &Op, _error: Option<&str>) {
        self.events
            .lock()
            .unwrap()
            .push((false, format!("{:?} {}", op.kind, op.address)));
    }
    fn skipped(&self, _op: &Op, _because: &str) {}
}

const BASE: &str = r#"
site "dc" {}
host_pool "p" {
  site  = site.dc
  hosts = 8
  host {
    cpu    = 64
    memory = "512GiB"
  }
}
network_zone "z" {
  cidr = "10.0.0.0/16"
}
"#;

fn blueprint(deps: &[Vec<usize>]) -> String {
    let mut text = BASE.to_string();
    for (i, ds) in deps.iter().enumerate() {
        let order: Vec<String> = ds.iter().map(|d| format!("vm.v{d}")).collect();
        text.push_str(&format!(
            "vm \"v{i}\" {{\n  pool = host_pool.p\n  zone = network_zone.z\n  cpu = 1\n  memory = \"1GiB\"\n  depends_on = [{}]\n}}\n",
            order.join(", ")
        ));
    }
    text
}

fn dag() -> impl Strategy<Value = Vec<Vec<usize>>> {
    (1..16usize).prop_flat_map(|n| {
        (0..n)
            .map(|i| {
                prop::collection::btree_set(0..i.max(1), 0..i.min(3) + 1)
                    .prop_map(move |s| s.into_iter().filter(|d| *d < i).collect::<Vec<_>>())
            })
            .collect::<Vec<_>>()
    })
}

/// Plans and applies the blueprint (or destroys it); returns the observed events and the
/// plan's operations.
fn run(
    dir: &std::path::Path,
    backend: &LocalBackend,
    parallelism: usize,
    destroy: bool,
) -> (Vec<(bool, String)>, Vec<Op>, bool) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut state = backend
            .load()
            .unwrap()
            .unwrap_or_else(LocalBackend::new_state);
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
        let (config, diags) = blueprint::load(dir, &inputs, &mut sources);
        assert!(!diags.has_errors(), "{}", diags.render(&sources));
        let sim = Arc::new(
            SimProvider::open(
                &backend.dir().join("sim"),
                SimConfig {
                    latency: std::time::Duration::from_millis(2),
                    ..SimConfig::default()
                },
            )
            .unwrap(),
        );
        let mut providers = Providers::default();
        providers.insert("sim", sim);
        let options = PlanOptions {
            refresh: true,
            destroy,
            targets: vec![],
            replace: vec![],
            now: 0,
            parallelism: 8,
        };
        let (plan, refreshed, problems) = plan::make(&config, &state, &providers, &options).await;
        assert!(problems.is_empty(), "{problems:?}");
        let recording = Recording::default();
        let journal: Arc<dyn apply::Recorder> = Arc::new(backend.journal().unwrap());
        let (new_state, outcome) = apply::apply(
            &plan,
            refreshed,
            &providers,
            journal,
            &recording,
            &apply::NoEvaluation,
            parallelism,
            0,
        )
        .await;
        assert!(outcome.succeeded(), "{outcome:?}");
        state = new_state;
        backend.save(&mut state).unwrap();
        backend.clear_journal().unwrap();
        (
            recording.events.into_inner().unwrap(),
            apply::operations(&plan),
            plan.is_empty(),
        )
    })
}

fn assert_order(events: &[(bool, String)], ops: &[Op]) {
    let name = |op: &Op| format!("{:?} {}", op.kind, op.address);
    let position = |started: bool, label: &str| {
        events
            .iter()
            .position(|(s, l)| *s == started && l == label)
            .unwrap_or_else(|| {
                panic!(
                    "{label} never {}",
                    if started { "started" } else { "finished" }
                )
            })
    };
    for op in ops {
        for &before in &op.after {
            let first = name(&ops[before]);
            assert!(
                position(false, &first) < position(true, &name(op)),
                "{} started before {first} finished",
                name(op)
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn apply_respects_every_edge_at_every_parallelism(deps in dag(), parallelism in prop::sample::select(vec![1usize, 2, 4, 10])) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.hcl"), blueprint(&deps)).unwrap();
        let backend = LocalBackend::new(dir.path().join(".strata"));
        let (events, ops, _) = run(dir.path(), &backend, parallelism, false);
        assert_order(&events, &ops);
        // Apply then plan shows no changes.
        let (_, _, empty) = run(dir.path(), &backend, parallelism, false);
        prop_assert!(empty, "a second plan after apply must be empty");
        // Destroy runs in reverse order, and respects every edge too.
        let (events, ops, _) = run(dir.path(), &backend, parallelism, true);
        assert_order(&events, &ops);
        prop_assert!(backend.load().unwrap().unwrap().objects.is_empty());
    }
}
