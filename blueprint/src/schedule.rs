//! A job's `schedule`: cron syntax as a Kubernetes CronJob reads it.
//!
//! Five fields (minute, hour, day of month, month, day of week), names for months and
//! days, ranges, lists, steps, and the `@hourly`, `@daily`, `@weekly`, `@monthly`,
//! `@yearly` macros; a day matches when its day of month OR its day of week does (Vixie
//! cron). Parsing and the next run times are the `croner` crate's, with seconds and years
//! refused since a CronJob has neither. Times are UTC, as a CronJob's without `timeZone`.
//!
//! Why `croner`: it reads the five-field Vixie syntax and its macros as they are, can be
//! told to refuse a seconds or a year field, and computes the next occurrences; the `cron`
//! crate instead requires a seconds field, so it would refuse every CronJob schedule.

use chrono::{DateTime, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

/// A parsed cron schedule.
#[derive(Clone, Debug)]
pub struct Schedule(Cron);

impl Schedule {
    /// Parses `text`; the error says what is wrong with it and what the fields are.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let fields = text.split_whitespace().count();
        if !text.trim_start().starts_with('@') && fields != 5 {
            return Err(format!(
                "A schedule has 5 fields (minute hour day-of-month month day-of-week), this one has {fields}."
            ));
        }
        CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .build()
            .parse(text)
            .map(Schedule)
            .map_err(|e| e.to_string())
    }

    /// The first `n` run times strictly after `after`; fewer when the schedule never
    /// matches again.
    pub fn next_runs(&self, after: jiff::Timestamp, n: usize) -> Vec<jiff::Timestamp> {
        let Some(start) = DateTime::<Utc>::from_timestamp(after.as_second(), 0) else {
            return Vec::new();
        };
        self.0
            .iter_after(start)
            .take(n)
            .filter_map(|t| jiff::Timestamp::from_second(t.timestamp()).ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Schedule;

    /// 2026-11-30 04:00:00 UTC, a Monday.
    const MONDAY: i64 = 1_796_011_200;

    fn runs(text: &str) -> Vec<String> {
        Schedule::parse(text)
            .unwrap()
            .next_runs(jiff::Timestamp::from_second(MONDAY).unwrap(), 3)
            .iter()
            .map(|t| t.strftime("%Y-%m-%d %H:%M %a").to_string())
            .collect()
    }

    #[test]
    fn the_next_runs_are_those_cron_gives() {
        assert_eq!(
            runs("0 2 * * *"),
            [
                "2026-12-01 02:00 Tue",
                "2026-12-02 02:00 Wed",
                "2026-12-03 02:00 Thu"
            ]
        );
        assert_eq!(
            runs("30 1 * * SAT,sun"),
            [
                "2026-12-05 01:30 Sat",
                "2026-12-06 01:30 Sun",
                "2026-12-12 01:30 Sat"
            ]
        );
        assert_eq!(
            runs("*/20 4 * * *"),
            [
                "2026-11-30 04:20 Mon",
                "2026-11-30 04:40 Mon",
                "2026-12-01 04:00 Tue"
            ]
        );
        assert_eq!(
            runs("@monthly"),
            [
                "2026-12-01 00:00 Tue",
                "2027-01-01 00:00 Fri",
                "2027-02-01 00:00 Mon"
            ]
        );
        // Day of month OR day of week, as Vixie cron and Kubernetes read it.
        assert_eq!(
            runs("0 0 13 * FRI"),
            [
                "2026-12-04 00:00 Fri",
                "2026-12-11 00:00 Fri",
                "2026-12-13 00:00 Sun"
            ]
        );
    }

    #[test]
    fn what_a_cronjob_refuses_is_refused() {
        for bad in [
            "",
            "nightly",
            "0 2 * *",
            "0 0 2 * * *",
            "61 * * * *",
            "0 24 * * *",
            "0 0 32 * *",
            "0 0 * 13 *",
            "0 0 * * 8",
            "0 0 * * MONDAY",
            "@fortnightly",
        ] {
            assert!(Schedule::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
