//! Running a failure simulation for `strata simulate` and `strata report`: its events are
//! estimated first and a run too large for reasonable time is refused (unless `--force`),
//! progress goes to stderr while it runs, and an interrupt stops it with its partial
//! result discarded (docs/simulation.md, "Run size, progress and interrupts").

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ::sim::failover::Estimate;
use ::sim::{Control, Failover, Outcome, RunConfig, RunError, SimTime, run_with_control};
use blueprint::units::format_duration;

use crate::printer::{Counter, Printer};

/// Events one thread handles per second, for the time a run will take. `bench/simulate.sh`
/// gave about 7.6 million on the reference platform (release build, idle machine), and
/// 3.4 to 7.4 million per CPU-second on a loaded one (docs/simulation.md); larger
/// topologies cost more per event.
const EVENTS_PER_SECOND: f64 = 5e6;

/// Runs estimated to take longer are refused unless forced.
const REFUSE_AFTER: Duration = Duration::from_secs(10 * 60);

/// Runs estimated to take longer are announced with a warning.
const WARN_AFTER: Duration = Duration::from_secs(60);

/// How big a run is expected to be.
struct Size {
    /// Events of one replication, by cause.
    estimate: Estimate,
    /// Events of one replication.
    per_replication: f64,
    /// Replications to run (this shard's).
    replications: u64,
    /// Simulated time of each.
    horizon: SimTime,
    /// Threads that can work at once: no more than the replications.
    threads: usize,
    /// Seconds of work.
    seconds: f64,
}

impl Size {
    fn of(run_config: &RunConfig, simulation: &Failover) -> Size {
        let estimate = simulation.estimate(run_config.horizon);
        let per_replication = estimate.total();
        let replications = run_config.shard.len(run_config.replications);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = match run_config.threads {
            0 => cores,
            n => n,
        }
        .clamp(1, replications.max(1).try_into().unwrap_or(usize::MAX));
        // Each thread runs whole replications, one after another.
        let rounds = replications.div_ceil(threads as u64) as f64;
        Size {
            estimate,
            per_replication,
            replications,
            horizon: run_config.horizon,
            threads,
            seconds: per_replication * rounds / EVENTS_PER_SECOND,
        }
    }

    fn events(&self) -> f64 {
        self.per_replication * self.replications as f64
    }

    /// "2 replication(s) of 1y, about 1.6 million events each (3.2 million in all), about
    /// 4 min on 2 thread(s)"
    fn describe(&self) -> String {
        let time = match span(self.seconds) {
            short if self.seconds < 1.0 => short,
            long => format!("about {long}"),
        };
        format!(
            "{} replication(s) of {}, about {} events each ({} in all), {time} on {} thread(s)",
            self.replications,
            super::simulate::horizon(self.horizon),
            count(self.per_replication),
            count(self.events()),
            self.threads
        )
    }
}

/// Runs the simulation, unless it is too large; prints why not, or that it was
/// interrupted, and returns `None` then.
pub(super) fn run(
    run_config: &RunConfig,
    simulation: &Failover,
    label: &str,
    force: bool,
    printer: &mut Printer,
) -> Option<Outcome> {
    let size = Size::of(run_config, simulation);
    if size.seconds > REFUSE_AFTER.as_secs_f64() && !force {
        printer.failure(&refusal(label, &size, simulation));
        return None;
    }
    if size.seconds > WARN_AFTER.as_secs_f64() {
        printer.warning(&format!("{label} is large: {}", size.describe()));
    }
    printer.notice(&format!("Simulating {label}: {}.", size.describe()));
    let control = Control::default();
    let counter = Counter::new(size.replications);
    let started = Instant::now();
    let result = std::thread::scope(|scope| {
        let worker = scope.spawn(|| run_with_control(run_config, simulation, &control));
        while !worker.is_finished() {
            if crate::interrupt::requested() {
                control.stop.store(true, Ordering::Relaxed);
            }
            let done = control.replications.load(Ordering::Relaxed);
            counter.show(done, &progress(label, &size, &control, started.elapsed()));
            std::thread::sleep(Duration::from_millis(50));
        }
        worker.join()
    })
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    counter.finish();
    match result {
        Ok(outcome) => Some(outcome),
        Err(RunError::Stopped) => {
            printer.failure(&format!(
                "{label} interrupted after {} of {} replication(s): the partial result is discarded and nothing was written",
                control.replications.load(Ordering::Relaxed),
                size.replications
            ));
            None
        }
        Err(e) => {
            printer.failure(&e.to_string());
            None
        }
    }
}

/// Where a run stands: "scenario x: 3 of 1,000 replication(s), 12.3 million events (about
/// 40% of the estimate), 15 s".
fn progress(label: &str, size: &Size, control: &Control, elapsed: Duration) -> String {
    let events = control.events.load(Ordering::Relaxed) as f64;
    format!(
        "{label}: {} of {} replication(s), {} events (about {:.0}% of the estimate), {}",
        control.replications.load(Ordering::Relaxed),
        size.replications,
        count(events),
        100.0 * events / size.events().max(1.0),
        span(elapsed.as_secs_f64())
    )
}

/// Why a run is refused, and how to make it smaller.
fn refusal(label: &str, size: &Size, simulation: &Failover) -> String {
    let most = size
        .estimate
        .largest_class()
        .and_then(|(class, _)| {
            let model = simulation.scenario().failures[class.index()].main_model()?;
            let scope = if model.scope.is_empty() {
                String::new()
            } else {
                format!(" of {}", model.scope)
            };
            Some(format!(
                " Most of them come from {} failures{scope} (mtbf = \"{}\", mttr = \"{}\").",
                class.name(),
                format_duration(model.time_to_failure.mean().as_millis()),
                format_duration(model.time_to_repair.mean().as_millis())
            ))
        })
        .unwrap_or_default();
    format!(
        "{label} is too large to simulate in reasonable time: {}, more than the {} allowed.{most} Make it smaller with fewer replications (--replications N), a shorter horizon (--horizon), or a longer mtbf or mttr in the scenario's failures block; or run it anyway with --force.",
        size.describe(),
        span(REFUSE_AFTER.as_secs_f64())
    )
}

/// A count for people: `12,345`, `3.2 million`, `1.6e15`.
fn count(n: f64) -> String {
    match n {
        n if n < 1e6 => super::simulate::grouped(n.round() as u64),
        n if n < 1e9 => format!("{:.1} million", n / 1e6),
        n if n < 1e12 => format!("{:.1} billion", n / 1e9),
        n if n < 1e15 => format!("{:.1} trillion", n / 1e12),
        n => format!("{n:.1e}"),
    }
}

/// Seconds for people: `45 s`, `12 min`, `3.5 h`, `4 days`, `2.1 years`.
fn span(seconds: f64) -> String {
    match seconds {
        s if s < 1.0 => "under a second".to_string(),
        s if s < 120.0 => format!("{s:.0} s"),
        s if s < 7200.0 => format!("{:.0} min", s / 60.0),
        s if s < 172_800.0 => format!("{:.1} h", s / 3600.0),
        s if s < 2.0 * 31_536_000.0 => format!("{:.0} days", s / 86_400.0),
        s => format!("{:.1} years", s / 31_536_000.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_for_people() {
        let cases = [
            (999_999.0, "999,999"),
            (3.25e6, "3.2 million"),
            (1.6e12, "1.6 trillion"),
            (2.5e16, "2.5e16"),
        ];
        for (n, text) in cases {
            assert_eq!(count(n), text);
        }
        let spans = [
            (0.2, "under a second"),
            (45.0, "45 s"),
            (600.0, "10 min"),
            (12_600.0, "3.5 h"),
            (345_600.0, "4 days"),
            (1e9, "31.7 years"),
        ];
        for (s, text) in spans {
            assert_eq!(span(s), text);
        }
    }
}
