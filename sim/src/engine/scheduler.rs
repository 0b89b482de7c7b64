//! `Scheduler`: what a model sees of the engine while it handles an event.
//!
//! It holds the current simulated time and the event queue; a model schedules events
//! (at an instant or after a delay), cancels them by handle, and may ask the engine to
//! stop after the current event.

use super::queue::{EventQueue, TimerId};
use crate::time::SimTime;

/// The clock and pending events of one simulation, lent to the model for each event.
pub struct Scheduler<E> {
    now: SimTime,
    queue: EventQueue<E>,
    stop: bool,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Scheduler<E> {
    /// A scheduler at time zero with nothing pending.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// A scheduler with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        Scheduler {
            now: SimTime::ZERO,
            queue: EventQueue::with_capacity(capacity),
            stop: false,
        }
    }

    /// The current simulated time: the time of the event being handled.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at instant `at`. An instant in the past is a bug in the model:
    /// debug builds panic, release builds schedule it now.
    #[inline]
    pub fn schedule_at(&mut self, at: SimTime, event: E) -> TimerId {
        debug_assert!(
            at >= self.now,
            "event scheduled in the past: {at} < {}",
            self.now
        );
        self.queue.push(at.max(self.now), event)
    }

    /// Schedules `event` after `delay` from now (saturating at [`SimTime::MAX`]).
    #[inline]
    pub fn schedule_in(&mut self, delay: SimTime, event: E) -> TimerId {
        self.queue.push(self.now.saturating_add(delay), event)
    }

    /// Cancels a pending event; false if it already fired or was cancelled. O(1)
    /// amortised.
    #[inline]
    pub fn cancel(&mut self, id: TimerId) -> bool {
        self.queue.cancel(id)
    }

    /// Whether the event behind `id` is still pending.
    pub fn is_pending(&self, id: TimerId) -> bool {
        self.queue.is_pending(id)
    }

    /// The number of pending events.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Asks the engine to return after the current event, leaving the rest pending.
    pub fn stop(&mut self) {
        self.stop = true;
    }

    pub(super) fn take_stop(&mut self) -> bool {
        std::mem::take(&mut self.stop)
    }

    pub(super) fn set_now(&mut self, now: SimTime) {
        self.now = now;
    }

    pub(super) fn queue_mut(&mut self) -> &mut EventQueue<E> {
        &mut self.queue
    }
}
