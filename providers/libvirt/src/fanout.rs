//! Reads libvirt offers only one object at a time, made a few at once on the shared
//! connection: libvirt's client sends the calls of several threads over one connection
//! without waiting for each answer, and libvirtd answers up to five calls of a client at
//! once (its `max_client_requests`), so `AT_ONCE` threads keep it busy without queueing.

/// How many reads are under way at once.
pub const AT_ONCE: usize = 4;

/// `read` applied to every item, in order, on at most [`AT_ONCE`] threads.
pub fn each<T: Sync, R: Send>(items: &[T], read: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() <= 1 {
        return items.iter().map(&read).collect();
    }
    let chunk = items.len().div_ceil(AT_ONCE);
    let read = &read;
    std::thread::scope(|s| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(read).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_read_once_in_order() {
        for n in [0, 1, 2, 5, 17] {
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(
                each(&items, |i| i * 10),
                (0..n).map(|i| i * 10).collect::<Vec<_>>()
            );
        }
    }
}
