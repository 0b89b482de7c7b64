//! Job checks: a `schedule` must be a cron expression a Kubernetes CronJob accepts.

use super::World;
use crate::diagnostic::Diagnostic;
use crate::schedule::Schedule;

pub(super) fn check(world: &World, out: &mut Vec<Diagnostic>) {
    for job in world.of_kind("job") {
        let Some(text) = job.fields.str("schedule") else {
            continue;
        };
        if let Err(why) = Schedule::parse(text) {
            out.push(Diagnostic::error(
                job.fields.span("schedule").unwrap_or(job.span),
                format!("The schedule of {} is not a cron expression", job.address),
                format!(
                    "{why} Write five fields, minute hour day-of-month month day-of-week, such as \"0 2 * * *\" for 02:00 UTC every day, or a macro such as \"@daily\"."
                ),
            ));
        }
    }
}
