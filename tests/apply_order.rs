//! Properties of the apply walk on the simulated datacenter, in-process: for random
//! dependency graphs, every operation starts only after everything it must follow has
//! finished, at every parallelism; after an apply a new plan shows no changes; and a walk
//! stopped (an interrupt) starts nothing more, finishes and records what runs, and reports
//! the rest as not started.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use blueprint::{Inputs, SourceMap};
use planner::Providers;
use planner::apply::{self, Observer, Op};
use planner::plan::{self, PlanOptions};
use planner::state::LocalBackend;
use proptest::prelude::*;
use providers::{SimConfig, SimProvider};

/// Records the order in which operations start and finish; sets `stop` once
/// `stop_after` operations have started.
#[derive(Default)]
struct Recording {
    events: Mutex<Vec<(bool, String)>>,
    stop_after: Option<usize>,
    stop: AtomicBool,
}

impl Observer for Recording {
    fn started(&self, op: &Op) {
        let mut events = self.events.lock().unwrap();
        events.push((true, format!("{:?} {}", op.kind, op.address)));
        if self.stop_after == Some(events.iter().filter(|(s, _)| *s).count()) {
            self.stop.store(true, Ordering::SeqCst);
        }
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

/// What one plan and apply did.
struct Run {
    /// Operations started (true) and finished (false), in order.
    events: Vec<(bool, String)>,
    ops: Vec<Op>,
    plan_empty: bool,
    outcome: apply::Outcome,
}

/// Plans and applies the blueprint (or destroys it), stopping the walk once `stop_after`
/// operations have started (0: before the first).
fn run(
    dir: &std::path::Path,
    backend: &LocalBackend,
    parallelism: usize,
    destroy: bool,
    stop_after: Option<usize>,
) -> Run {
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
        let recording = Recording {
            stop_after,
            stop: AtomicBool::new(stop_after == Some(0)),
            ..Recording::default()
        };
        let journal: Arc<dyn apply::Recorder> = Arc::new(
            backend
                .journal(planner::state::Protector::default())
                .unwrap(),
        );
        let (new_state, outcome) = apply::apply(
            &plan,
            refreshed,
            &providers,
            journal,
            &recording,
            &apply::Late::NONE,
            &apply::Walk {
                parallelism,
                now: 0,
                stop: &recording.stop,
                still_every: std::time::Duration::ZERO,
            },
        )
        .await;
        assert!(outcome.succeeded() || stop_after.is_some(), "{outcome:?}");
        state = new_state;
        backend.save(&mut state).unwrap();
        backend.clear_journal().unwrap();
        Run {
            events: recording.events.into_inner().unwrap(),
            ops: apply::operations(&plan),
            plan_empty: plan.is_empty(),
            outcome,
        }
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
    // Operations a stopped walk did not start have nothing to check.
    let ran = |op: &&Op| events.iter().any(|(s, l)| *s && *l == name(op));
    for op in ops.iter().filter(ran) {
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
        let applied = run(dir.path(), &backend, parallelism, false, None);
        assert_order(&applied.events, &applied.ops);
        // Apply then plan shows no changes.
        let again = run(dir.path(), &backend, parallelism, false, None);
        prop_assert!(again.plan_empty, "a second plan after apply must be empty");
        // Destroy runs in reverse order, and respects every edge too.
        let destroyed = run(dir.path(), &backend, parallelism, true, None);
        assert_order(&destroyed.events, &destroyed.ops);
        prop_assert!(backend.load().unwrap().unwrap().objects.is_empty());
    }

    #[test]
    fn a_stopped_walk_starts_nothing_more_and_records_what_ran(
        deps in dag(),
        parallelism in prop::sample::select(vec![1usize, 2, 4]),
        stop_after in 0usize..20,
        destroy in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.hcl"), blueprint(&deps)).unwrap();
        let backend = LocalBackend::new(dir.path().join(".strata"));
        if destroy {
            run(dir.path(), &backend, parallelism, false, None);
        }
        let before = backend.load().unwrap().map_or(0, |s| s.objects.len());
        let stopped = run(dir.path(), &backend, parallelism, destroy, Some(stop_after));
        let total = stopped.ops.len();
        let started: Vec<&String> = stopped.events.iter().filter(|(s, _)| *s).map(|(_, l)| l).collect();
        let finished: Vec<&String> = stopped.events.iter().filter(|(s, _)| !*s).map(|(_, l)| l).collect();
        // Exactly the operations started before the stop ran, and each finished.
        prop_assert_eq!(started.len(), stop_after.min(total));
        let mut sorted_started = started.clone();
        sorted_started.sort();
        let mut sorted_finished = finished.clone();
        sorted_finished.sort();
        prop_assert_eq!(&sorted_started, &sorted_finished);
        assert_order(&stopped.events, &stopped.ops);
        let outcome = &stopped.outcome;
        prop_assert_eq!(outcome.done, started.len());
        prop_assert_eq!(outcome.not_started.len(), total - started.len());
        prop_assert!(outcome.failed.is_empty() && outcome.skipped.is_empty());
        prop_assert_eq!(outcome.succeeded(), started.len() == total);
        for op in &outcome.not_started {
            let label = format!("{:?} {}", op.kind, op.address);
            prop_assert!(!started.contains(&&label), "{} both started and not", label);
        }
        // The saved state holds what was done, and nothing the walk did not start.
        let after = backend.load().unwrap().unwrap().objects.len();
        let expected = if destroy { before - started.len() } else { before + started.len() };
        prop_assert_eq!(after, expected);
        // Running again finishes the job.
        let finish = run(dir.path(), &backend, parallelism, destroy, None);
        prop_assert_eq!(finish.ops.len(), total - started.len());
        prop_assert!(finish.outcome.succeeded());
    }
}
