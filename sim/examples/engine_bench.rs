//! Engine benchmark: events per second of the event engine on a timer-heavy model and of
//! the three-replica quorum model, on one core (and the latter on all cores).
//!
//! `cargo run --release -p sim --example engine_bench [-- EVENTS [timers|replicas]]`
//! prints one line per measurement, `name events seconds events_per_second`, for
//! bench/sim_engine.sh (the second argument runs one single-thread measurement alone).
//!
//! The timer-heavy model: 10,000 connections each send heartbeats at random intervals of
//! 1–200 ms; every heartbeat cancels the connection's pending 150 ms timeout, schedules a
//! new one and schedules the next heartbeat (one fire, one cancel, two schedules per
//! event); timeouts that are not cancelled fire too.

use rand::{Rng, SeedableRng};
use sim::engine::{Engine, Model, Scheduler, TimerId};
use sim::{Distribution, ReplicaGroupSpec, ReplicaGroups, RunConfig, SimRng, SimTime, run};
use std::time::Instant;

const CONNECTIONS: u32 = 10_000;
const TIMEOUT: SimTime = SimTime::from_millis(150);

#[derive(Clone, Copy)]
enum Net {
    Heartbeat(u32),
    Timeout(u32),
}

struct Heartbeats {
    rng: SimRng,
    timeouts: Vec<Option<TimerId>>,
    timed_out: u64,
}

impl Heartbeats {
    fn interval(&mut self) -> SimTime {
        SimTime::from_millis(1 + self.rng.next_u32() as u64 % 200)
    }
}

impl Model for Heartbeats {
    type Event = Net;

    fn init(&mut self, s: &mut Scheduler<Net>) {
        for c in 0..CONNECTIONS {
            let at = self.interval();
            s.schedule_in(at, Net::Heartbeat(c));
            self.timeouts[c as usize] = Some(s.schedule_in(TIMEOUT, Net::Timeout(c)));
        }
    }

    fn handle(&mut self, event: Net, s: &mut Scheduler<Net>) {
        match event {
            Net::Heartbeat(c) => {
                let slot = &mut self.timeouts[c as usize];
                if let Some(id) = slot.take() {
                    s.cancel(id);
                }
                *slot = Some(s.schedule_in(TIMEOUT, Net::Timeout(c)));
                let next = self.interval();
                s.schedule_in(next, Net::Heartbeat(c));
            }
            Net::Timeout(c) => {
                self.timeouts[c as usize] = None;
                self.timed_out += 1;
            }
        }
    }
}

fn report(name: &str, events: u64, seconds: f64) {
    println!(
        "{name} {events} {seconds:.3} {:.0}",
        events as f64 / seconds
    );
}

fn timer_heavy(events: u64) {
    let model = Heartbeats {
        rng: SimRng::seed_from_u64(1),
        timeouts: vec![None; CONNECTIONS as usize],
        timed_out: 0,
    };
    let mut engine =
        Engine::with_scheduler(model, Scheduler::with_capacity(4 * CONNECTIONS as usize));
    // Per connection and simulated second: 9.95 heartbeats (mean interval 100.5 ms) and
    // 2.5 timeouts (a quarter of the intervals exceed 150 ms).
    let per_ms = CONNECTIONS as u64 * 1245 / 100_000;
    let horizon = SimTime::from_millis(events / per_ms);
    let start = Instant::now();
    let summary = engine.run_until(horizon);
    report("timer_heavy", summary.events, start.elapsed().as_secs_f64());
}

fn three_replicas(threads: usize, events: u64) {
    let group = ReplicaGroupSpec::new(
        "service.quorum",
        3,
        2,
        Distribution::exponential(SimTime::from_hours(1000)).unwrap(),
        Distribution::exponential(SimTime::from_hours(10)).unwrap(),
    )
    .unwrap();
    let simulation = ReplicaGroups::new(vec![group]);
    // 6 events per 1010 h per group; 100-year replications.
    let horizon = SimTime::from_years(100);
    let per_replication = 6.0 * horizon.as_hours_f64() / 1010.0;
    let replications = (events as f64 / per_replication).ceil() as u64;
    let config = RunConfig {
        threads,
        ..RunConfig::new("bench", 1, replications, horizon)
    };
    let start = Instant::now();
    let outcome = run(&config, &simulation).unwrap();
    let name = if threads == 1 {
        "three_replicas_1_thread"
    } else {
        "three_replicas_all_threads"
    };
    report(name, outcome.events, start.elapsed().as_secs_f64());
}

fn main() {
    let events: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000_000);
    let only = std::env::args().nth(2).unwrap_or_default();
    if only.is_empty() || only == "timers" {
        timer_heavy(events);
    }
    if only.is_empty() || only == "replicas" {
        three_replicas(1, events / 2);
    }
    if only.is_empty() {
        three_replicas(0, events / 2);
    }
}
