//! `SimTime`: simulated time as a whole number of milliseconds.
//!
//! One type serves for instants (milliseconds since the start of a replication) and for
//! durations (a delay, a mean time between failures). Integer time keeps event order exact
//! and the same on every machine; a millisecond is far below any failover timing Strata
//! models. A year is 365 days throughout the crate.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};

/// Simulated time in milliseconds (an instant or a duration).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(u64);

const MS_PER_SECOND: u64 = 1_000;
const MS_PER_MINUTE: u64 = 60 * MS_PER_SECOND;
const MS_PER_HOUR: u64 = 60 * MS_PER_MINUTE;
const MS_PER_DAY: u64 = 24 * MS_PER_HOUR;
const MS_PER_YEAR: u64 = 365 * MS_PER_DAY;

impl SimTime {
    /// The start of a replication, or a zero duration.
    pub const ZERO: SimTime = SimTime(0);
    /// The largest representable time (about 584 million years).
    pub const MAX: SimTime = SimTime(u64::MAX);
    /// Milliseconds in one minute, as `f64`, for converting durations to minutes.
    pub const MINUTE_MS: f64 = MS_PER_MINUTE as f64;
    /// Milliseconds in one (365-day) year, as `f64`.
    pub const YEAR_MS: f64 = MS_PER_YEAR as f64;

    /// A time of `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        SimTime(ms)
    }

    /// A time of `s` seconds (saturating).
    pub const fn from_secs(s: u64) -> Self {
        SimTime(s.saturating_mul(MS_PER_SECOND))
    }

    /// A time of `m` minutes (saturating).
    pub const fn from_minutes(m: u64) -> Self {
        SimTime(m.saturating_mul(MS_PER_MINUTE))
    }

    /// A time of `h` hours (saturating).
    pub const fn from_hours(h: u64) -> Self {
        SimTime(h.saturating_mul(MS_PER_HOUR))
    }

    /// A time of `d` days (saturating).
    pub const fn from_days(d: u64) -> Self {
        SimTime(d.saturating_mul(MS_PER_DAY))
    }

    /// A time of `y` 365-day years (saturating).
    pub const fn from_years(y: u64) -> Self {
        SimTime(y.saturating_mul(MS_PER_YEAR))
    }

    /// A time of `ms` fractional milliseconds, rounded to the nearest millisecond;
    /// negative or NaN gives zero, too large gives [`SimTime::MAX`].
    pub fn from_millis_f64(ms: f64) -> Self {
        // `as` saturates, and maps NaN to 0.
        SimTime(ms.round() as u64)
    }

    /// A time of `h` fractional hours, rounded to the nearest millisecond.
    pub fn from_hours_f64(h: f64) -> Self {
        Self::from_millis_f64(h * MS_PER_HOUR as f64)
    }

    /// The number of milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// In fractional seconds.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / MS_PER_SECOND as f64
    }

    /// In fractional minutes.
    pub fn as_minutes_f64(self) -> f64 {
        self.0 as f64 / MS_PER_MINUTE as f64
    }

    /// In fractional hours.
    pub fn as_hours_f64(self) -> f64 {
        self.0 as f64 / MS_PER_HOUR as f64
    }

    /// In fractional 365-day years.
    pub fn as_years_f64(self) -> f64 {
        self.0 as f64 / MS_PER_YEAR as f64
    }

    /// `self + rhs`, or [`SimTime::MAX`] on overflow.
    pub const fn saturating_add(self, rhs: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }

    /// `self - rhs`, or zero when `rhs` is later.
    pub const fn saturating_sub(self, rhs: SimTime) -> SimTime {
        SimTime(self.0.saturating_sub(rhs.0))
    }
}

impl Add for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimTime) -> SimTime {
        SimTime(self.0 + rhs.0)
    }
}

impl AddAssign for SimTime {
    fn add_assign(&mut self, rhs: SimTime) {
        self.0 += rhs.0;
    }
}

impl Sub for SimTime {
    type Output = SimTime;
    fn sub(self, rhs: SimTime) -> SimTime {
        SimTime(self.0 - rhs.0)
    }
}

impl SubAssign for SimTime {
    fn sub_assign(&mut self, rhs: SimTime) {
        self.0 -= rhs.0;
    }
}

/// Shown in the largest whole unit that divides it: `90s`, `10h`, `365d`, `1500ms`.
impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        let units = [
            (MS_PER_DAY, "d"),
            (MS_PER_HOUR, "h"),
            (MS_PER_MINUTE, "m"),
            (MS_PER_SECOND, "s"),
        ];
        for (size, unit) in units {
            if ms != 0 && ms.is_multiple_of(size) {
                return write!(f, "{}{unit}", ms / size);
            }
        }
        write!(f, "{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_trip() {
        assert_eq!(SimTime::from_hours(10).as_millis(), 36_000_000);
        assert_eq!(SimTime::from_years(1), SimTime::from_days(365));
        assert_eq!(SimTime::from_hours_f64(1.5), SimTime::from_minutes(90));
        assert_eq!(SimTime::from_millis_f64(-3.0), SimTime::ZERO);
        assert_eq!(SimTime::from_millis_f64(f64::NAN), SimTime::ZERO);
        assert_eq!(SimTime::from_millis_f64(1e30), SimTime::MAX);
        assert!((SimTime::from_days(365).as_years_f64() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn display_picks_the_largest_unit() {
        assert_eq!(SimTime::from_hours(10).to_string(), "10h");
        assert_eq!(SimTime::from_secs(90).to_string(), "90s");
        assert_eq!(SimTime::from_millis(1500).to_string(), "1500ms");
        assert_eq!(SimTime::ZERO.to_string(), "0ms");
    }
}
