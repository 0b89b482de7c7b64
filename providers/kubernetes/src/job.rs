//! A `job`: a Job, or a CronJob when it has a `schedule`, in its cluster's zone's
//! namespace, removed an hour after it finishes.

use blueprint::Instance;
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::ctx::Ctx;
use crate::error::MapError;
use crate::manifest::Manifest;
use crate::meta::NAME;
use crate::{names, namespace, pod};

/// How long a finished Job (and its pods, with their logs) is kept: one hour, time to
/// read a failed run's logs; its resources are free from the moment it finishes.
pub const TTL_AFTER_FINISHED: i32 = 3600;

/// The Job spec of a `job`: `parallelism` pods at once, as many completions (each pod
/// does one share of the work), `retries` as the backoff limit, pods never restarted in
/// place (a retry is a new pod).
pub fn spec(instance: &Instance, name: &str) -> Result<JobSpec, MapError> {
    let fields = &instance.fields;
    let parallelism = fields.int("parallelism").unwrap_or(1) as i32;
    Ok(JobSpec {
        parallelism: Some(parallelism),
        completions: Some(parallelism),
        backoff_limit: Some(fields.int("retries").unwrap_or(0) as i32),
        ttl_seconds_after_finished: Some(TTL_AFTER_FINISHED),
        template: pod::template(
            instance,
            name,
            pod::selector_labels(name),
            Some("Never"),
            None,
        )?,
        ..JobSpec::default()
    })
}

/// The objects of a `job`.
pub fn manifests(instance: &Instance, ctx: &Ctx) -> Result<Vec<Manifest>, MapError> {
    let (cluster_name, cluster) = ctx.cluster(instance)?;
    let zone = ctx.zone(instance, cluster)?;
    let ns = ctx.zone_namespace(&zone);
    let name = names::object(&instance.address);
    let meta = ctx
        .meta(&name, Some(&ns), Some(&instance.address))
        .label(NAME, &name)
        .object_meta();
    let job = spec(instance, &name)?;
    let object = match instance.fields.str("schedule") {
        Some(schedule) => Manifest::typed(
            &cluster_name,
            &CronJob {
                metadata: meta,
                spec: Some(CronJobSpec {
                    schedule: schedule.to_string(),
                    // A run that outlasts its period is not overlapped by the next one.
                    concurrency_policy: Some("Forbid".into()),
                    job_template: JobTemplateSpec {
                        metadata: Some(ObjectMeta {
                            labels: Some(pod::selector_labels(&name)),
                            ..ObjectMeta::default()
                        }),
                        spec: Some(job),
                    },
                    ..CronJobSpec::default()
                }),
                ..CronJob::default()
            },
        ),
        None => Manifest::typed(
            &cluster_name,
            &Job {
                metadata: meta,
                spec: Some(job),
                ..Job::default()
            },
        ),
    };
    Ok(vec![namespace::zone(ctx, &cluster_name, &zone), object])
}
