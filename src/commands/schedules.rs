//! The next run times of the blueprint's scheduled jobs, shown under a plan so that a
//! schedule is read back as times before it is applied.

use blueprint::Config;
use blueprint::schedule::Schedule;

/// Runs shown per job.
const RUNS: usize = 3;

/// "Job schedules (UTC, next 3 runs):" and one line per job with a valid `schedule`,
/// from `now` (seconds since the Unix epoch); `None` when no job has one.
pub fn text(config: &Config, now: u64) -> Option<String> {
    let after = jiff::Timestamp::from_second(i64::try_from(now).ok()?).ok()?;
    let lines: Vec<String> = config
        .of_kind("job")
        .filter_map(|job| {
            let written = job.fields.str("schedule")?;
            let runs = Schedule::parse(written).ok()?.next_runs(after, RUNS);
            let runs: Vec<String> = runs
                .iter()
                .map(|t| t.strftime("%a %Y-%m-%d %H:%M").to_string())
                .collect();
            Some(format!(
                "  {} \"{written}\": {}",
                job.address,
                if runs.is_empty() {
                    "never runs".to_string()
                } else {
                    runs.join(", ")
                }
            ))
        })
        .collect();
    (!lines.is_empty()).then(|| {
        format!(
            "\nJob schedules (UTC, next {RUNS} runs):\n{}\n",
            lines.join("\n")
        )
    })
}
