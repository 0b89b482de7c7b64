//! The event queue: time order and FIFO on ties, cancelled timers, `pop_until`, mass
//! cancellation, and random operations against a sorted map.

use super::*;

fn t(ms: u64) -> SimTime {
    SimTime::from_millis(ms)
}

#[test]
fn pops_in_time_order_and_fifo_on_ties() {
    let mut q = EventQueue::new();
    q.push(t(5), "c");
    q.push(t(1), "a");
    q.push(t(5), "d");
    q.push(t(3), "b");
    q.push(t(5), "e");
    let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect();
    assert_eq!(order, ["a", "b", "c", "d", "e"]);
}

#[test]
fn cancelled_events_never_fire_and_handles_stay_dead() {
    let mut q = EventQueue::new();
    let a = q.push(t(1), 1);
    let b = q.push(t(2), 2);
    assert!(q.cancel(a));
    assert!(!q.cancel(a));
    assert!(!q.is_pending(a));
    assert_eq!(q.len(), 1);
    // The freed slot is reused; the old handle must not cancel the new event.
    let c = q.push(t(0), 3);
    assert!(!q.cancel(a));
    assert!(q.is_pending(c));
    assert_eq!(q.pop(), Some((t(0), 3)));
    assert_eq!(q.pop(), Some((t(2), 2)));
    assert!(!q.is_pending(b));
    assert_eq!(q.pop(), None);
    assert!(q.is_empty());
}

#[test]
fn pop_until_stops_at_the_limit() {
    let mut q = EventQueue::new();
    q.push(t(10), 'x');
    assert_eq!(q.pop_until(t(9)), None);
    assert_eq!(q.peek_time(), Some(t(10)));
    assert_eq!(q.pop_until(t(10)), Some((t(10), 'x')));
}

#[test]
fn mass_cancellation_rebuilds_and_keeps_order() {
    let mut q = EventQueue::new();
    let ids: Vec<_> = (0..10_000u64).map(|i| q.push(t(i % 97), i)).collect();
    for id in ids.iter().filter(|id| id.seq % 3 != 0) {
        q.cancel(*id);
    }
    assert!(q.entries < 2 * q.len() + MIN_STALE_FOR_SWEEP);
    let mut last = (0, 0);
    let mut n = 0;
    while let Some((time, i)) = q.pop() {
        assert_eq!(i % 3, 0);
        assert!((time.as_millis(), i) >= last);
        last = (time.as_millis(), i);
        n += 1;
    }
    assert_eq!(n, 3334);
}

#[test]
fn agrees_with_a_sorted_map_under_random_operations() {
    // Many pending (radix mode) and few (small mode, crossing to radix and back).
    agrees_with_a_sorted_map(3, 5, 100_000);
    agrees_with_a_sorted_map(4, 3, 100_000);
}

/// Random pushes (`push_weight` in 10), cancels (2 in 10) and pops, checked against a
/// sorted map of (time, sequence).
fn agrees_with_a_sorted_map(seed: u64, push_weight: u32, steps: u64) {
    use rand::Rng;
    use std::collections::BTreeMap;
    let mut rng = crate::random::stream(seed, 0);
    let mut q = EventQueue::new();
    let mut reference = BTreeMap::new();
    let mut times = std::collections::HashMap::new();
    let mut ids = Vec::new();
    let mut now = 0;
    let mut modes = [0u64; 2];
    for step in 0..steps {
        let roll = rng.next_u32() % 10;
        if roll < push_weight {
            // Clustered times make many ties; some far ones cross many buckets.
            let delay = match rng.next_u32() % 4 {
                0 => 0,
                1 => u64::from(rng.next_u32() % 4),
                2 => u64::from(rng.next_u32() % 1000),
                _ => rng.next_u64() >> (rng.next_u32() % 56 + 8),
            };
            let id = q.push(t(now + delay), step);
            reference.insert((now + delay, id.seq), step);
            times.insert(id.seq, now + delay);
            ids.push(id);
        } else if roll < push_weight + 2 {
            if !ids.is_empty() {
                let id = ids.swap_remove(rng.next_u32() as usize % ids.len());
                let key = times.get(&id.seq).map(|&time| (time, id.seq));
                let expected = key.and_then(|k| reference.remove(&k));
                assert_eq!(q.cancel(id), expected.is_some());
            }
        } else {
            let limit = now + u64::from(rng.next_u32() % 2000);
            let expected = reference.first_key_value().map(|(k, v)| (*k, *v));
            let got = q.pop_until(t(limit));
            match expected {
                Some(((time, seq), v)) if time <= limit => {
                    assert_eq!(got, Some((t(time), v)));
                    reference.remove(&(time, seq));
                    now = time;
                }
                _ => {
                    assert_eq!(got, None);
                    assert_eq!(q.peek_time(), expected.map(|((time, _), _)| t(time)));
                }
            }
        }
        assert_eq!(q.len(), reference.len());
        assert!(q.last_time() <= t(now));
        modes[usize::from(q.radix)] += 1;
    }
    assert!(modes.iter().all(|&m| m > 0) || push_weight > 4, "{modes:?}");
    while let Some(((time, _), v)) = reference.pop_first() {
        assert_eq!(q.pop(), Some((t(time), v)));
    }
    assert_eq!(q.pop(), None);
}
