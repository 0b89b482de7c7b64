//! How a provider reports the progress of an operation under way (a rollout's available
//! replicas, a vSphere task's percentage): one mechanism for every provider. The apply
//! walk gives each create, update and delete a [`Progress`]; the provider reports what it
//! is waiting for as often as it learns something, and the walk shows the latest report
//! in its periodic "Still creating... [10s elapsed]" lines.

use std::fmt;
use std::sync::Arc;

/// Where a provider reports the progress of one operation. The default reports nowhere
/// (a call made outside an apply, such as a test's).
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<Report>>);

/// What receives a report's text.
type Report = dyn Fn(&str) + Send + Sync;

impl Progress {
    /// Progress delivered to `report`, called with each report's text.
    pub fn new(report: impl Fn(&str) + Send + Sync + 'static) -> Self {
        Progress(Some(Arc::new(report)))
    }

    /// Reports where the operation stands now, in a few words naming what it waits for
    /// (`Deployment app/portal: 1/3 replicas available`). Each report replaces the last.
    pub fn report(&self, text: &str) {
        if let Some(report) = &self.0 {
            report(text);
        }
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(reported)"
        } else {
            "Progress(none)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn reports_reach_the_sink_and_the_default_goes_nowhere() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let progress = Progress::new(move |t| sink.lock().unwrap().push(t.to_string()));
        progress.clone().report("1/3 replicas available");
        progress.report("2/3 replicas available");
        assert_eq!(
            *seen.lock().unwrap(),
            ["1/3 replicas available", "2/3 replicas available"]
        );
        Progress::default().report("ignored");
        assert_eq!(format!("{:?}", Progress::default()), "Progress(none)");
    }
}
