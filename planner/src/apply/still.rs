//! The operations under way and their periodic "still running" reports: every
//! [`Walk::still_every`](super::Walk::still_every) of an operation's run, the observer
//! hears how long it has taken and the provider's latest [`Progress`] report, as
//! Terraform prints "Still creating... [10s elapsed]".

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::{Observer, Op};
use crate::provider::Progress;

struct Running {
    since: Instant,
    /// The elapsed time of the next report.
    next: Duration,
    latest: Arc<Mutex<Option<String>>>,
}

/// The operations running, by index, with when each started.
pub struct UnderWay {
    every: Duration,
    running: HashMap<usize, Running>,
}

impl UnderWay {
    /// No operation running yet; reports every `every` (never when zero).
    pub fn new(every: Duration) -> Self {
        UnderWay {
            every,
            running: HashMap::new(),
        }
    }

    /// Operation `i` starts now: the progress sink its provider call reports to.
    pub fn start(&mut self, i: usize) -> Progress {
        let latest = Arc::new(Mutex::new(None));
        let sink = Arc::clone(&latest);
        self.running.insert(
            i,
            Running {
                since: Instant::now(),
                next: self.every,
                latest,
            },
        );
        Progress::new(move |text| {
            *sink.lock().unwrap_or_else(PoisonError::into_inner) = Some(text.to_string());
        })
    }

    /// Operation `i` has ended.
    pub fn end(&mut self, i: usize) {
        self.running.remove(&i);
    }

    /// When the next report is due, if any operation runs.
    pub fn next_due(&self) -> Option<Instant> {
        if self.every.is_zero() {
            return None;
        }
        self.running.values().map(|r| r.since + r.next).min()
    }

    /// Tells `observer` about every operation whose report is due, in operation order,
    /// with the last multiple of the interval it has run for.
    pub fn report_due(&mut self, ops: &[Op], observer: &dyn Observer) {
        let now = Instant::now();
        let mut due: Vec<usize> = self
            .running
            .iter()
            .filter(|(_, r)| r.since + r.next <= now)
            .map(|(i, _)| *i)
            .collect();
        due.sort_unstable();
        for i in due {
            let Some(r) = self.running.get_mut(&i) else {
                continue;
            };
            let times = (now - r.since).as_nanos() / self.every.as_nanos();
            let elapsed = self.every * u32::try_from(times).unwrap_or(u32::MAX);
            let latest = r
                .latest
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            observer.still(&ops[i], elapsed, latest.as_deref());
            r.next = elapsed + self.every;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::OpKind;

    #[derive(Default)]
    struct Heard(Mutex<Vec<(String, Duration, Option<String>)>>);

    impl Observer for Heard {
        fn started(&self, _: &Op) {}
        fn finished(&self, _: &Op, _: Option<&str>) {}
        fn skipped(&self, _: &Op, _: &str) {}
        fn still(&self, op: &Op, elapsed: Duration, progress: Option<&str>) {
            let heard = (op.address.to_string(), elapsed, progress.map(String::from));
            self.0.lock().unwrap().push(heard);
        }
    }

    fn op(name: &str) -> Op {
        Op {
            change: 0,
            kind: OpKind::Create,
            address: format!("service.{name}").parse().unwrap(),
            after: Vec::new(),
        }
    }

    #[tokio::test]
    async fn a_running_operation_is_reported_each_interval_with_its_latest_progress() {
        let ops = [op("a"), op("b")];
        let every = Duration::from_millis(40);
        let mut under_way = UnderWay::new(every);
        let progress = under_way.start(0);
        let _ = under_way.start(1);
        assert!(under_way.next_due().is_some());
        progress.report("0/2 replicas available");
        progress.report("1/2 replicas available");
        let heard = Heard::default();
        under_way.report_due(&ops, &heard);
        assert!(heard.0.lock().unwrap().is_empty(), "nothing is due yet");
        tokio::time::sleep(every * 2 + every / 2).await;
        under_way.end(1);
        under_way.report_due(&ops, &heard);
        let got = heard.0.lock().unwrap().clone();
        // One report for the last whole interval (80 ms), none for the ended operation.
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "service.a");
        assert!(got[0].1 >= every * 2 && got[0].1.as_nanos() % every.as_nanos() == 0);
        assert_eq!(got[0].2.as_deref(), Some("1/2 replicas available"));
        assert!(under_way.next_due().unwrap() > Instant::now());
        under_way.end(0);
        assert_eq!(under_way.next_due(), None);
        let mut never = UnderWay::new(Duration::ZERO);
        let _ = never.start(0);
        assert_eq!(never.next_due(), None, "a zero interval never reports");
    }
}
