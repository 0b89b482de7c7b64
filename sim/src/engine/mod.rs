//! The discrete-event engine: a [`Model`] handles events that an [`Engine`] takes from its
//! queue in (time, sequence) order.
//!
//! Time is integer milliseconds ([`SimTime`]); events due at the same time are handled in
//! the order they were scheduled, so a run depends only on the model and its random
//! stream. Events are a type of the model's own (usually an enum); every scheduled event
//! has a [`TimerId`] that cancels it in O(1).
//!
//! ```
//! use sim::engine::{Engine, Model, Scheduler};
//! use sim::SimTime;
//!
//! struct Ticker { ticks: u32 }
//! enum Tick { Tick }
//! impl Model for Ticker {
//!     type Event = Tick;
//!     fn init(&mut self, s: &mut Scheduler<Tick>) { s.schedule_in(SimTime::from_secs(1), Tick::Tick); }
//!     fn handle(&mut self, _: Tick, s: &mut Scheduler<Tick>) {
//!         self.ticks += 1;
//!         s.schedule_in(SimTime::from_secs(1), Tick::Tick);
//!     }
//! }
//! let mut engine = Engine::new(Ticker { ticks: 0 });
//! let run = engine.run_until(SimTime::from_secs(10));
//! assert_eq!((engine.model().ticks, run.events), (10, 10));
//! ```

mod queue;
mod scheduler;

pub use queue::{EventQueue, TimerId};
pub use scheduler::Scheduler;

use crate::time::SimTime;

/// A simulation model: its state, and what happens at each of its events.
pub trait Model {
    /// The model's events (usually an enum).
    type Event;

    /// Schedules the first events; called once by [`Engine::new`].
    fn init(&mut self, scheduler: &mut Scheduler<Self::Event>) {
        let _ = scheduler;
    }

    /// Handles one event at `scheduler.now()`, scheduling or cancelling others.
    fn handle(&mut self, event: Self::Event, scheduler: &mut Scheduler<Self::Event>);
}

/// How a call to [`Engine::run_until`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSummary {
    /// Events handled during the call.
    pub events: u64,
    /// The simulated time at return: the horizon, or the time of the stopping event.
    pub end: SimTime,
    /// Whether the model asked to stop ([`Scheduler::stop`]) before the horizon.
    pub stopped: bool,
    /// Whether the call returned after its most events ([`Engine::run_for`]), before
    /// reaching the horizon: call again to go on.
    pub paused: bool,
}

/// Drives a [`Model`]: takes events from the queue in order and hands them to the model.
pub struct Engine<M: Model> {
    model: M,
    scheduler: Scheduler<M::Event>,
    events: u64,
}

impl<M: Model> Engine<M> {
    /// An engine at time zero; calls the model's [`Model::init`].
    pub fn new(model: M) -> Self {
        Self::with_scheduler(model, Scheduler::new())
    }

    /// Like [`Engine::new`], with a scheduler made beforehand (for example with capacity).
    pub fn with_scheduler(mut model: M, mut scheduler: Scheduler<M::Event>) -> Self {
        model.init(&mut scheduler);
        Engine {
            model,
            scheduler,
            events: 0,
        }
    }

    /// Handles every event due at or before `horizon`, in order, unless the model stops
    /// first; then the clock stands at `horizon` (or at the stopping event).
    pub fn run_until(&mut self, horizon: SimTime) -> RunSummary {
        self.run_for(horizon, u64::MAX)
    }

    /// Like [`Engine::run_until`], handling at most `max_events` events: once that many
    /// are handled, returns [`paused`](RunSummary::paused) with the clock at the last
    /// event. Runs in steps end
    /// exactly as one run would (a long run can so report progress and be abandoned).
    pub fn run_for(&mut self, horizon: SimTime, max_events: u64) -> RunSummary {
        let mut events = 0;
        let mut stopped = false;
        let mut paused = false;
        while let Some((time, event)) = self.scheduler.queue_mut().pop_until(horizon) {
            self.scheduler.set_now(time);
            self.model.handle(event, &mut self.scheduler);
            events += 1;
            if self.scheduler.take_stop() {
                stopped = true;
                break;
            }
            if events == max_events {
                paused = true;
                break;
            }
        }
        if !stopped && !paused && horizon > self.scheduler.now() {
            self.scheduler.set_now(horizon);
        }
        self.events += events;
        RunSummary {
            events,
            end: self.scheduler.now(),
            stopped,
            paused,
        }
    }

    /// Handles the next pending event, if any; returns its time.
    pub fn step(&mut self) -> Option<SimTime> {
        let (time, event) = self.scheduler.queue_mut().pop()?;
        self.scheduler.set_now(time);
        self.model.handle(event, &mut self.scheduler);
        self.scheduler.take_stop();
        self.events += 1;
        Some(time)
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.scheduler.now()
    }

    /// Events handled since the engine was made.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The model, mutably (between runs).
    pub fn model_mut(&mut self) -> &mut M {
        &mut self.model
    }

    /// The model and the scheduler, for scheduling from outside between runs.
    pub fn parts_mut(&mut self) -> (&mut M, &mut Scheduler<M::Event>) {
        (&mut self.model, &mut self.scheduler)
    }

    /// The model, once the run is over.
    pub fn into_model(self) -> M {
        self.model
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the order of its events; event `n > 0` schedules `n - 1` at the same time.
    struct Recorder {
        seen: Vec<(u64, u32)>,
        stop_at: Option<u32>,
    }

    impl Model for Recorder {
        type Event = u32;
        fn handle(&mut self, event: u32, s: &mut Scheduler<u32>) {
            self.seen.push((s.now().as_millis(), event));
            if event > 0 && event < 100 {
                s.schedule_in(SimTime::ZERO, event - 1);
            }
            if self.stop_at == Some(event) {
                s.stop();
            }
        }
    }

    fn engine(stop_at: Option<u32>) -> Engine<Recorder> {
        let mut e = Engine::new(Recorder {
            seen: vec![],
            stop_at,
        });
        let (_, s) = e.parts_mut();
        s.schedule_at(SimTime::from_millis(20), 100);
        s.schedule_at(SimTime::from_millis(10), 2);
        s.schedule_at(SimTime::from_millis(10), 200);
        e
    }

    #[test]
    fn same_time_events_run_in_schedule_order() {
        let mut e = engine(None);
        let run = e.run_until(SimTime::from_millis(15));
        assert_eq!(e.model().seen, [(10, 2), (10, 200), (10, 1), (10, 0)]);
        assert_eq!(run.events, 4);
        assert_eq!(run.end, SimTime::from_millis(15));
        assert!(!run.stopped);
        e.run_until(SimTime::from_millis(20));
        assert_eq!(e.model().seen.last(), Some(&(20, 100)));
        assert_eq!(e.events(), 5);
    }

    #[test]
    fn stop_returns_after_the_current_event() {
        let mut e = engine(Some(1));
        let run = e.run_until(SimTime::from_secs(1));
        assert!(run.stopped);
        assert_eq!(run.end, SimTime::from_millis(10));
        assert_eq!(e.model().seen.len(), 3);
        let rest = e.run_until(SimTime::from_secs(1));
        assert_eq!(rest.events, 2);
    }

    #[test]
    fn runs_in_steps_end_as_one_run() {
        let mut whole = engine(None);
        let one = whole.run_until(SimTime::from_secs(1));
        let mut stepped = engine(None);
        let mut steps = Vec::new();
        loop {
            let run = stepped.run_for(SimTime::from_secs(1), 2);
            steps.push((run.events, run.end.as_millis(), run.paused));
            if !run.paused {
                break;
            }
        }
        // Five events: 2 + 2 paused at their last event's time, then the last one.
        assert_eq!(steps, [(2, 10, true), (2, 10, true), (1, 1000, false)]);
        assert_eq!(stepped.model().seen, whole.model().seen);
        assert_eq!(stepped.events(), one.events);
        assert_eq!(stepped.now(), whole.now());
    }

    #[test]
    fn cancelled_timers_do_not_fire() {
        let mut e = engine(None);
        let (_, s) = e.parts_mut();
        let id = s.schedule_at(SimTime::from_millis(12), 7);
        assert!(s.is_pending(id));
        assert!(s.cancel(id));
        assert!(!s.cancel(id));
        assert_eq!(s.pending(), 3);
        e.run_until(SimTime::from_secs(1));
        assert!(e.model().seen.iter().all(|&(_, ev)| ev != 7));
    }
}
