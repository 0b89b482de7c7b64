//! `EventQueue`: the pending events of one simulation, in (time, sequence) order.
//!
//! A radix heap: a monotone priority queue (no event is earlier than the last one taken
//! out, which holds in a discrete-event simulation). Bucket `b > 0` holds the entries
//! whose time first differs from the last time taken out at bit `b - 1`; bucket 0 those
//! due exactly then. When bucket 0 is used up, the lowest non-empty bucket is emptied
//! into lower ones around its earliest time (or, holding a single entry, handed out
//! directly), so each entry moves at most 64 times and in practice a few: push and pop
//! are O(1) amortised, with no comparisons between entries. Entries due at the same time
//! always share a bucket and keep their push order (pushes append, redistribution is
//! stable, bucket 0 is first in first out), so ties come out in push order and a run
//! depends only on the order of the pushes.
//!
//! While the queue holds at most eight entries it keeps them unordered in one small
//! vector and finds the earliest by a scan on (time, sequence), which is cheaper than any
//! heap at that size; the ninth entry moves them all to the radix heap (in push order),
//! and the queue returns to the small vector once it is empty.
//!
//! Entries carry their events. Every push also takes a slot holding the entry's sequence
//! number and returns a [`TimerId`] (slot, sequence number); cancelling marks the slot
//! dead in O(1) and leaves the entry behind as stale (lazy deletion). A stale entry is
//! dropped when it is next moved or reached; when stale entries outnumber live ones all
//! buckets are swept, so cancelling costs amortised O(1) and memory stays within about
//! twice the pending events.

use crate::time::SimTime;
use std::collections::VecDeque;

/// A handle to a scheduled event, for cancelling it. Handles are never reused: a handle
/// whose event has fired or been cancelled stays dead even after its slot is reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimerId {
    slot: u32,
    seq: u64,
}

struct Entry<E> {
    time: u64,
    seq: u64,
    slot: u32,
    event: E,
}

/// The sequence number of a slot whose event fired or was cancelled.
const DEAD: u64 = u64::MAX;
/// Stale entries tolerated before a sweep is considered, whatever the queue size.
const MIN_STALE_FOR_SWEEP: usize = 64;
/// The most entries held in small mode.
const SMALL: usize = 8;
/// Bucket 0 plus one per bit of a `u64` time.
const BUCKETS: usize = 65;

/// The bucket of `time` relative to the last time taken out.
#[inline]
fn bucket_of(time: u64, last: u64) -> usize {
    (64 - (time ^ last).leading_zeros()) as usize
}

/// The pending events of one simulation; see the module documentation.
pub struct EventQueue<E> {
    /// The time of the last entry taken out.
    last: u64,
    /// Small mode: while no more than [`SMALL`] entries are held, they are kept here,
    /// unordered, and the earliest is found by a scan (cheaper than any heap at that size).
    small: Vec<Entry<E>>,
    /// Whether entries are in the radix buckets (`now`, `buckets`) instead of `small`.
    radix: bool,
    /// Entries due at `last`, first in first out.
    now: VecDeque<Entry<E>>,
    /// Buckets 1 to 64 (index 0 unused).
    buckets: [Vec<Entry<E>>; BUCKETS],
    /// Bit `b - 1` set when bucket `b` (b ≥ 1) may be non-empty.
    occupied: u64,
    /// Per slot: the sequence number of its pending entry, or [`DEAD`].
    slots: Vec<u64>,
    free: Vec<u32>,
    next_seq: u64,
    /// Entries held, stale ones included.
    entries: usize,
    /// Cancelled entries still held.
    stale: usize,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty queue with room for `capacity` pending events in its slots.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            last: 0,
            small: Vec::with_capacity(SMALL),
            radix: false,
            now: VecDeque::new(),
            buckets: std::array::from_fn(|_| Vec::new()),
            occupied: 0,
            slots: Vec::with_capacity(capacity),
            free: Vec::with_capacity(capacity),
            next_seq: 0,
            entries: 0,
            stale: 0,
        }
    }

    /// The number of pending (not fired, not cancelled) events.
    pub fn len(&self) -> usize {
        self.entries - self.stale
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The time of the last event taken out: no event can be pushed earlier.
    pub fn last_time(&self) -> SimTime {
        SimTime::from_millis(self.last)
    }

    /// Schedules `event` at `time`; events at equal times come out in push order. A time
    /// before [`Self::last_time`] is taken as that time (the queue is monotone).
    #[inline(always)]
    pub fn push(&mut self, time: SimTime, event: E) -> TimerId {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = seq;
                slot
            }
            None => {
                let slot = u32::try_from(self.slots.len())
                    .expect("more than 4 billion events pending at once");
                self.slots.push(seq);
                slot
            }
        };
        let time = time.as_millis().max(self.last);
        let entry = Entry {
            time,
            seq,
            slot,
            event,
        };
        self.entries += 1;
        if !self.radix {
            if self.small.len() < SMALL {
                self.small.push(entry);
                return TimerId { slot, seq };
            }
            self.enter_radix_mode();
        }
        self.insert(entry);
        TimerId { slot, seq }
    }

    /// Puts an entry in its radix bucket.
    #[inline(always)]
    fn insert(&mut self, entry: Entry<E>) {
        let bucket = bucket_of(entry.time, self.last);
        if bucket == 0 {
            self.now.push_back(entry);
        } else {
            self.buckets[bucket].push(entry);
            self.occupied |= 1 << (bucket - 1);
        }
    }

    /// Leaves small mode: every entry goes to its radix bucket, in push order (so that
    /// equal times keep it).
    #[cold]
    fn enter_radix_mode(&mut self) {
        let mut small = std::mem::take(&mut self.small);
        small.sort_unstable_by_key(|e| e.seq);
        for entry in small.drain(..) {
            self.insert(entry);
        }
        self.small = small;
        self.radix = true;
    }

    /// Whether the event behind `id` is still pending.
    pub fn is_pending(&self, id: TimerId) -> bool {
        self.slots.get(id.slot as usize) == Some(&id.seq)
    }

    /// Cancels the event behind `id`; false if it already fired or was cancelled.
    /// O(1) amortised.
    #[inline]
    pub fn cancel(&mut self, id: TimerId) -> bool {
        match self.slots.get_mut(id.slot as usize) {
            Some(seq) if *seq == id.seq => *seq = DEAD,
            _ => return false,
        }
        self.free.push(id.slot);
        self.stale += 1;
        if self.stale >= MIN_STALE_FOR_SWEEP && self.stale * 2 > self.entries {
            self.sweep();
        }
        true
    }

    /// Removes and returns the earliest pending event if it is due at or before `limit`.
    #[inline]
    pub fn pop_until(&mut self, limit: SimTime) -> Option<(SimTime, E)> {
        let limit = limit.as_millis();
        if !self.radix {
            return self.pop_small(limit);
        }
        loop {
            let entry = if !self.now.is_empty() {
                if self.last > limit {
                    return None;
                }
                self.now.pop_front()?
            } else {
                if self.occupied == 0 {
                    // Empty: back to small mode.
                    self.radix = false;
                    return None;
                }
                let b = self.occupied.trailing_zeros() as usize + 1;
                if self.buckets[b].len() == 1 {
                    // A lone entry is the earliest: hand it out without moving it twice.
                    let lone = &self.buckets[b][0];
                    let live = self.is_live(lone);
                    if live && lone.time > limit {
                        return None;
                    }
                    self.occupied &= !(1 << (b - 1));
                    let entry = self.buckets[b].pop()?;
                    if live {
                        self.last = entry.time;
                    }
                    entry
                } else {
                    if !self.redistribute(b, limit) {
                        return None;
                    }
                    continue;
                }
            };
            self.entries -= 1;
            let slot = &mut self.slots[entry.slot as usize];
            if *slot == entry.seq {
                *slot = DEAD;
                self.free.push(entry.slot);
                return Some((SimTime::from_millis(entry.time), entry.event));
            }
            self.stale -= 1;
        }
    }

    /// `pop_until` in small mode.
    #[inline(always)]
    fn pop_small(&mut self, limit: u64) -> Option<(SimTime, E)> {
        loop {
            let first = self.small.first()?;
            let mut best = 0;
            let mut key = (first.time, first.seq);
            for (i, e) in self.small.iter().enumerate().skip(1) {
                if (e.time, e.seq) < key {
                    key = (e.time, e.seq);
                    best = i;
                }
            }
            let live = self.slots[self.small[best].slot as usize] == key.1;
            if live && key.0 > limit {
                return None;
            }
            let entry = self.small.swap_remove(best);
            self.entries -= 1;
            if live {
                self.slots[entry.slot as usize] = DEAD;
                self.free.push(entry.slot);
                self.last = entry.time;
                return Some((SimTime::from_millis(entry.time), entry.event));
            }
            self.stale -= 1;
        }
    }

    /// Removes and returns the earliest pending event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_until(SimTime::MAX)
    }

    /// The time of the earliest pending event. Reads only: the clock does not move.
    pub fn peek_time(&self) -> Option<SimTime> {
        if !self.radix {
            let live = self.small.iter().filter(|e| self.is_live(e));
            return live.map(|e| e.time).min().map(SimTime::from_millis);
        }
        if self.now.iter().any(|e| self.is_live(e)) {
            return Some(SimTime::from_millis(self.last));
        }
        // Every time in bucket b is earlier than every time in bucket b + 1.
        (1..BUCKETS)
            .filter(|&b| self.occupied & (1 << (b - 1)) != 0)
            .find_map(|b| {
                self.buckets[b]
                    .iter()
                    .filter(|e| self.is_live(e))
                    .map(|e| e.time)
                    .min()
            })
            .map(SimTime::from_millis)
    }

    /// Drops every pending event and restarts the clock at zero, keeping allocations.
    pub fn clear(&mut self) {
        self.small.clear();
        self.radix = false;
        self.now.clear();
        for bucket in &mut self.buckets {
            bucket.clear();
        }
        self.occupied = 0;
        self.last = 0;
        self.slots.clear();
        self.free.clear();
        self.entries = 0;
        self.stale = 0;
    }

    #[inline]
    fn is_live(&self, entry: &Entry<E>) -> bool {
        self.slots[entry.slot as usize] == entry.seq
    }

    /// Empties bucket `b` (the lowest non-empty, with bucket 0 used up) into lower ones
    /// around its earliest live time, which becomes `last`, unless that time is later
    /// than `limit`. Returns false if it did nothing for that reason.
    fn redistribute(&mut self, b: usize, limit: u64) -> bool {
        // The earliest live time: `last` only ever moves to the time of an event about
        // to be handed out, so it never passes the caller's clock.
        let min = self.buckets[b]
            .iter()
            .filter(|e| self.is_live(e))
            .map(|e| e.time)
            .min();
        let Some(min) = min else {
            // Stale entries only.
            let dead = self.buckets[b].len();
            self.buckets[b].clear();
            self.occupied &= !(1 << (b - 1));
            self.entries -= dead;
            self.stale -= dead;
            return true;
        };
        if min > limit {
            return false;
        }
        self.last = min;
        self.occupied &= !(1 << (b - 1));
        // Every entry moves to a lower bucket, so bucket b can be drained in place of a
        // copy; stale entries are dropped on the way.
        let mut moving = std::mem::take(&mut self.buckets[b]);
        for entry in moving.drain(..) {
            if self.slots[entry.slot as usize] != entry.seq {
                self.entries -= 1;
                self.stale -= 1;
                continue;
            }
            let target = bucket_of(entry.time, min);
            if target == 0 {
                self.now.push_back(entry);
            } else {
                self.buckets[target].push(entry);
                self.occupied |= 1 << (target - 1);
            }
        }
        self.buckets[b] = moving;
        true
    }

    /// Drops every stale entry.
    fn sweep(&mut self) {
        let slots = &self.slots;
        let live = |e: &Entry<E>| slots[e.slot as usize] == e.seq;
        self.small.retain(live);
        self.now.retain(live);
        for bucket in &mut self.buckets[1..] {
            bucket.retain(live);
        }
        self.entries -= self.stale;
        self.stale = 0;
    }
}

#[cfg(test)]
mod tests;
