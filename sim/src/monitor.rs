//! `ServiceMonitor`: turns a service's changes of state during one replication into its
//! [`ServiceRecord`] (downtime, outages and their lengths, time degraded).
//!
//! A model keeps one monitor per service and tells it, at each event that may change the
//! service, whether the service is up and whether it is degraded (fewer replicas than
//! desired). Calls that change nothing cost a comparison. A service starts up and not
//! degraded at time zero.

use crate::time::SimTime;

/// What one replication observed of one service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceRecord {
    /// Time down within the horizon.
    pub downtime: SimTime,
    /// Outages that began within the horizon (an outage still open at the horizon counts).
    pub outages: u64,
    /// The length of each outage, in order; an outage open at the horizon is cut there.
    pub outage_lengths: Vec<SimTime>,
    /// Time with fewer replicas than desired (outages included).
    pub degraded: SimTime,
}

/// Follows one service through a replication; see the module documentation.
#[derive(Clone, Debug)]
pub struct ServiceMonitor {
    up: bool,
    degraded: bool,
    down_since: SimTime,
    degraded_since: SimTime,
    record: ServiceRecord,
}

impl Default for ServiceMonitor {
    fn default() -> Self {
        Self::new()
    }
}

impl ServiceMonitor {
    /// A service that is up and at full strength at time zero.
    pub fn new() -> Self {
        ServiceMonitor {
            up: true,
            degraded: false,
            down_since: SimTime::ZERO,
            degraded_since: SimTime::ZERO,
            record: ServiceRecord::default(),
        }
    }

    /// Whether the service is up now.
    pub fn is_up(&self) -> bool {
        self.up
    }

    /// Records the service's state from `now` on.
    #[inline]
    pub fn update(&mut self, now: SimTime, up: bool, degraded: bool) {
        if up != self.up {
            self.set_up(now, up);
        }
        if degraded != self.degraded {
            self.set_degraded(now, degraded);
        }
    }

    /// Records whether the service is up from `now` on.
    pub fn set_up(&mut self, now: SimTime, up: bool) {
        if up == self.up {
            return;
        }
        self.up = up;
        if up {
            self.close_outage(now);
        } else {
            self.down_since = now;
            self.record.outages += 1;
        }
    }

    /// Records whether the service is degraded from `now` on.
    pub fn set_degraded(&mut self, now: SimTime, degraded: bool) {
        if degraded == self.degraded {
            return;
        }
        self.degraded = degraded;
        if degraded {
            self.degraded_since = now;
        } else {
            self.record.degraded += now - self.degraded_since;
        }
    }

    /// Closes open intervals at `horizon` and returns the record.
    pub fn finish(mut self, horizon: SimTime) -> ServiceRecord {
        if !self.up {
            self.close_outage(horizon);
        }
        if self.degraded {
            self.record.degraded += horizon - self.degraded_since;
        }
        self.record
    }

    fn close_outage(&mut self, now: SimTime) {
        let length = now - self.down_since;
        self.record.downtime += length;
        self.record.outage_lengths.push(length);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u64) -> SimTime {
        SimTime::from_hours(h)
    }

    #[test]
    fn records_outages_and_degraded_time() {
        let mut m = ServiceMonitor::new();
        m.update(t(1), true, true);
        m.update(t(2), false, true);
        m.update(t(3), false, true);
        m.update(t(5), true, true);
        m.update(t(6), true, false);
        m.update(t(8), false, true);
        let r = m.finish(t(10));
        assert_eq!(r.outages, 2);
        assert_eq!(r.outage_lengths, [t(3), t(2)]);
        assert_eq!(r.downtime, t(5));
        assert_eq!(r.degraded, t(7));
    }

    #[test]
    fn an_untouched_service_has_an_empty_record() {
        assert_eq!(
            ServiceMonitor::new().finish(t(10)),
            ServiceRecord::default()
        );
    }
}
