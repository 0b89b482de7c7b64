//! Outcome statistics of services over replications.
//!
//! A [`ServiceTally`] holds the sufficient statistics of one service over a set of
//! replications: integer sums (of downtime, its square, outages, degraded time), a
//! histogram of outage lengths and the worst replication. Adding replications or merging
//! tallies in any order gives the same tally, so a run's result does not depend on the
//! number of threads, and shards merge into exactly the unsharded result. A
//! [`ServiceOutcome`] is computed from a tally: availability with its 95% confidence
//! interval (Student's t over replications), downtime minutes and outages per year, mean
//! and p95 outage length, time degraded, the worst replication. [`RunTally`] is the tally
//! of every service of a model plus the events processed.

use crate::histogram::Histogram;
use crate::math::t_975;
use crate::monitor::ServiceRecord;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// Sufficient statistics of one service over a set of replications of equal horizon.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTally {
    /// Replications counted.
    pub replications: u64,
    /// Σ downtime (ms).
    #[serde(with = "u128_text")]
    pub downtime_ms: u128,
    /// Σ downtime² (ms²).
    #[serde(with = "u128_text")]
    pub downtime_ms_squared: u128,
    /// Σ outages.
    pub outages: u64,
    /// Σ time degraded (ms).
    #[serde(with = "u128_text")]
    pub degraded_ms: u128,
    /// The longest outage (ms).
    pub longest_outage_ms: u64,
    /// The shortest outage (ms), when there was one: with the longest, it bounds the
    /// percentiles read from the histogram (so equal outages give a p95 equal to them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortest_outage_ms: Option<u64>,
    /// Outage lengths.
    pub outage_lengths: Histogram,
    /// Downtime of each replication: the distribution of downtime across simulated runs.
    #[serde(default)]
    pub downtimes: Histogram,
    /// The replication with the most downtime (the lowest index among equals).
    pub worst: Option<WorstReplication>,
}

/// The replication in which a service was down longest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorstReplication {
    /// Its index.
    pub replication: u64,
    /// Its downtime (ms).
    pub downtime_ms: u64,
}

impl WorstReplication {
    /// The worse of two: more downtime, then the lower index.
    fn worse(self, other: Self) -> Self {
        let key = |w: &Self| (w.downtime_ms, std::cmp::Reverse(w.replication));
        if key(&other) > key(&self) {
            other
        } else {
            self
        }
    }
}

impl ServiceTally {
    /// Counts replication `replication`'s record.
    pub fn add(&mut self, replication: u64, record: &ServiceRecord) {
        let d = record.downtime.as_millis();
        self.replications += 1;
        self.downtime_ms += u128::from(d);
        self.downtime_ms_squared += u128::from(d) * u128::from(d);
        self.outages += record.outages;
        self.degraded_ms += u128::from(record.degraded.as_millis());
        self.downtimes.record(record.downtime);
        for &length in &record.outage_lengths {
            self.outage_lengths.record(length);
            self.longest_outage_ms = self.longest_outage_ms.max(length.as_millis());
            self.shortest_outage_ms = Some(
                self.shortest_outage_ms
                    .map_or(length.as_millis(), |s| s.min(length.as_millis())),
            );
        }
        let this = WorstReplication {
            replication,
            downtime_ms: d,
        };
        self.worst = Some(self.worst.map_or(this, |w| w.worse(this)));
    }

    /// Adds another tally (of other replications of the same run).
    pub fn merge(&mut self, other: &ServiceTally) {
        self.replications += other.replications;
        self.downtime_ms += other.downtime_ms;
        self.downtime_ms_squared += other.downtime_ms_squared;
        self.outages += other.outages;
        self.degraded_ms += other.degraded_ms;
        self.longest_outage_ms = self.longest_outage_ms.max(other.longest_outage_ms);
        self.shortest_outage_ms = match (self.shortest_outage_ms, other.shortest_outage_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.outage_lengths.merge(&other.outage_lengths);
        self.downtimes.merge(&other.downtimes);
        self.worst = match (self.worst, other.worst) {
            (Some(a), Some(b)) => Some(a.worse(b)),
            (a, b) => a.or(b),
        };
    }

    /// The sample variance of per-replication downtime (ms²); 0 below two replications.
    fn downtime_variance(&self) -> f64 {
        let n = self.replications;
        if n < 2 {
            return 0.0;
        }
        let n128 = u128::from(n);
        // n·Σd² − (Σd)² exactly when it fits, which it does for any realistic run.
        let exact = n128
            .checked_mul(self.downtime_ms_squared)
            .zip(self.downtime_ms.checked_mul(self.downtime_ms))
            .map(|(a, b)| a.saturating_sub(b));
        match exact {
            Some(scaled) => scaled as f64 / (n as f64 * (n - 1) as f64),
            None => {
                let mean = self.downtime_ms as f64 / n as f64;
                let centred = self.downtime_ms_squared as f64 - n as f64 * mean * mean;
                (centred / (n - 1) as f64).max(0.0)
            }
        }
    }
}

/// A mean with its two-sided 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The mean over replications.
    pub mean: f64,
    /// `[low, high]`.
    pub ci95: [f64; 2],
}

/// A mean over replications.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mean {
    /// The mean.
    pub mean: f64,
}

/// The length of outages, pooled over replications; `None` when there was none.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutageMinutes {
    /// Mean length in minutes (total downtime over outages; exact).
    pub mean: Option<f64>,
    /// 95th percentile in minutes (from the histogram, within 0.4%).
    pub p95: Option<f64>,
    /// The longest in minutes.
    pub max: Option<f64>,
}

/// The replication with the least availability.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Worst {
    /// Its index (its random stream is (seed, index): `strata simulate --replication N`
    /// reruns it alone).
    pub replication: u64,
    /// Its availability.
    pub availability: f64,
}

/// What a run found for one service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceOutcome {
    /// The service's address (for example `service.kafka`).
    pub address: String,
    /// Fraction of time up; mean, and 95% interval, over replications (the whole
    /// [0, 1] below two replications).
    pub availability: Interval,
    /// Minutes down per 365-day year; interval from the availability's.
    pub downtime_minutes_per_year: Interval,
    /// Outages begun per year.
    pub outages_per_year: Mean,
    /// Outage lengths.
    pub outage_minutes: OutageMinutes,
    /// Minutes per year with fewer replicas than desired (outages included).
    pub degraded_minutes_per_year: Mean,
    /// How yearly downtime spreads over the simulated runs: percentiles of the runs'
    /// downtime, in minutes per year.
    pub downtime_distribution: DowntimeDistribution,
    /// The worst replication, if any ran.
    pub worst_replication: Option<Worst>,
    /// The sufficient statistics these figures come from (what `merge` adds up).
    pub tally: ServiceTally,
}

/// Percentiles of yearly downtime over the simulated runs, in minutes per year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DowntimeDistribution {
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
}

impl ServiceOutcome {
    /// The figures of `tally`, whose replications each ran for `horizon`.
    pub fn from_tally(address: String, tally: ServiceTally, horizon: SimTime) -> Self {
        let n = tally.replications;
        let h = horizon.as_millis() as f64;
        let per_year = SimTime::YEAR_MS / h;
        let (mean_down, half_width) = if n == 0 || h == 0.0 {
            (0.0, 0.0)
        } else {
            let mean = tally.downtime_ms as f64 / n as f64 / h;
            let half = if n < 2 {
                f64::INFINITY
            } else {
                t_975(n - 1) * (tally.downtime_variance() / n as f64).sqrt() / h
            };
            (mean, half)
        };
        let low_down = (mean_down - half_width).max(0.0);
        let high_down = (mean_down + half_width).min(1.0);
        let minutes_per_year = |fraction: f64| fraction * SimTime::YEAR_MS / SimTime::MINUTE_MS;
        let per_replication = |total: f64| if n == 0 { 0.0 } else { total / n as f64 };
        let outages = tally.outages;
        let minutes = |ms: f64| ms / SimTime::MINUTE_MS;
        ServiceOutcome {
            address,
            availability: Interval {
                mean: 1.0 - mean_down,
                ci95: [1.0 - high_down, 1.0 - low_down],
            },
            downtime_minutes_per_year: Interval {
                mean: minutes_per_year(mean_down),
                ci95: [minutes_per_year(low_down), minutes_per_year(high_down)],
            },
            outages_per_year: Mean {
                mean: per_replication(outages as f64) * per_year,
            },
            outage_minutes: OutageMinutes {
                mean: (outages > 0).then(|| minutes(tally.downtime_ms as f64 / outages as f64)),
                // The histogram gives the middle of a bin up to 0.8% wide; the exact
                // shortest and longest outages bound it.
                p95: tally.outage_lengths.quantile(0.95).map(|p| {
                    let low = tally.shortest_outage_ms.unwrap_or(0);
                    minutes(p.as_millis().clamp(low, tally.longest_outage_ms.max(low)) as f64)
                }),
                max: (outages > 0).then(|| minutes(tally.longest_outage_ms as f64)),
            },
            degraded_minutes_per_year: Mean {
                mean: minutes(per_replication(tally.degraded_ms as f64)) * per_year,
            },
            downtime_distribution: {
                let at = |q: f64| {
                    tally
                        .downtimes
                        .quantile(q)
                        .map_or(0.0, |d| minutes(d.as_millis() as f64) * per_year)
                };
                DowntimeDistribution {
                    p10: at(0.10),
                    p50: at(0.50),
                    p90: at(0.90),
                    p99: at(0.99),
                }
            },
            worst_replication: tally.worst.map(|w| Worst {
                replication: w.replication,
                availability: 1.0 - w.downtime_ms as f64 / h,
            }),
            tally,
        }
    }
}

/// The tallies of every service of a model, and the events processed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunTally {
    /// Events processed, over all replications.
    pub events: u64,
    /// One tally per service, in the model's order.
    pub services: Vec<ServiceTally>,
}

impl RunTally {
    /// An empty tally for `services` services.
    pub fn new(services: usize) -> Self {
        RunTally {
            events: 0,
            services: vec![ServiceTally::default(); services],
        }
    }

    /// Counts replication `replication`, which processed `events` events and produced one
    /// record per service. Panics if the number of records is not the number of services
    /// (a bug in the model).
    pub fn add(&mut self, replication: u64, events: u64, records: &[ServiceRecord]) {
        assert_eq!(
            records.len(),
            self.services.len(),
            "a replication must return one record per service"
        );
        self.events += events;
        for (tally, record) in self.services.iter_mut().zip(records) {
            tally.add(replication, record);
        }
    }

    /// Adds another run tally over the same services.
    pub fn merge(&mut self, other: &RunTally) {
        self.events += other.events;
        for (a, b) in self.services.iter_mut().zip(&other.services) {
            a.merge(b);
        }
    }
}

/// Serialises a `u128` as a decimal string, which every JSON reader keeps exactly.
mod u128_text {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(value: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(down_h: u64, outages: u64) -> ServiceRecord {
        let downtime = SimTime::from_hours(down_h);
        ServiceRecord {
            downtime,
            outages,
            outage_lengths: (0..outages)
                .map(|_| SimTime::from_millis(downtime.as_millis() / outages))
                .collect(),
            degraded: downtime,
        }
    }

    #[test]
    fn tallies_merge_in_any_order_to_the_same_result() {
        let records = [record(2, 1), record(0, 0), record(5, 2), record(5, 1)];
        let mut whole = ServiceTally::default();
        for (i, r) in records.iter().enumerate() {
            whole.add(i as u64, r);
        }
        let (mut odd, mut even) = (ServiceTally::default(), ServiceTally::default());
        for (i, r) in records.iter().enumerate() {
            if i % 2 == 1 { &mut odd } else { &mut even }.add(i as u64, r);
        }
        let mut merged = odd.clone();
        merged.merge(&even);
        assert_eq!(merged, whole);
        assert_eq!(whole.worst.unwrap().replication, 2);
    }

    #[test]
    fn figures_from_a_tally() {
        let mut t = ServiceTally::default();
        t.add(0, &record(10, 1));
        t.add(1, &record(30, 3));
        let o = ServiceOutcome::from_tally("s".into(), t, SimTime::from_hours(1000));
        assert!((o.availability.mean - 0.98).abs() < 1e-12);
        let [low, high] = o.availability.ci95;
        // n = 2: t = 12.706, s = 14.142 h → half-width 127.06 h over 1000 h, clamped.
        assert!((high - 1.0).abs() < 1e-12);
        assert!((low - (1.0 - 0.02 - 0.127_062_05)).abs() < 1e-9);
        assert!((o.outage_minutes.mean.unwrap() - 600.0).abs() < 1e-9);
        assert!((o.outages_per_year.mean - 2.0 * 8.76).abs() < 1e-9);
        assert_eq!(o.worst_replication.unwrap().replication, 1);
        let json = serde_json::to_string(&o).unwrap();
        assert_eq!(serde_json::from_str::<ServiceOutcome>(&json).unwrap(), o);
    }

    #[test]
    fn equal_outages_give_a_p95_equal_to_the_mean() {
        // 8 h sits in a histogram bin about 2.2 minutes wide whose middle is below 8 h: the
        // shortest and longest outages bound the percentile to the exact length.
        for hours in [1, 8, 13, 100] {
            let mut t = ServiceTally::default();
            for i in 0..20 {
                t.add(i, &record(hours, 1));
            }
            let mut halves = (ServiceTally::default(), ServiceTally::default());
            for i in 0..20 {
                if i < 7 { &mut halves.0 } else { &mut halves.1 }.add(i, &record(hours, 1));
            }
            halves.0.merge(&halves.1);
            assert_eq!(halves.0, t);
            let o = ServiceOutcome::from_tally("s".into(), t, SimTime::from_hours(10_000));
            let minutes = (hours * 60) as f64;
            assert_eq!(o.outage_minutes.mean, Some(minutes), "{hours} h");
            assert_eq!(o.outage_minutes.p95, Some(minutes), "{hours} h");
            assert_eq!(o.outage_minutes.max, Some(minutes), "{hours} h");
        }
    }
}
