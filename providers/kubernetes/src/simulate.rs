//! The Indexed Job that runs a `strata simulate` sweep on a cluster, one shard per pod:
//! pod K of N runs `strata simulate --shard K/N --json` (K from the pod's
//! `JOB_COMPLETION_INDEX`), and the shards' JSON, collected from the pods' logs, is what
//! `strata simulate merge` combines into the outcome of the whole run.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::manifest::Manifest;
use crate::meta::{COMPONENT, MANAGED_BY, NAME};
use crate::{names, quantity};

/// Pods running at once, at most: enough to fill a cluster's spare cores, few enough not
/// to crowd out its services (the scheduler queues the rest).
pub const MAX_PARALLELISM: u64 = 64;
/// Retries of one shard before the Job gives it up (`backoffLimitPerIndex`): a shard
/// that fails again and again fails alone, the others go on.
pub const RETRIES_PER_SHARD: i32 = 2;
/// How long the finished Job and its pods are kept: a day, to collect the pods' logs.
pub const TTL_AFTER_FINISHED: i32 = 86_400;

/// What the simulation Job runs.
#[derive(Clone, Debug)]
pub struct SimulateJob {
    /// The scenario simulated.
    pub scenario: String,
    /// Shards (N): the Job's completions.
    pub shards: u64,
    /// The container image with `strata` on its PATH and the blueprint in `workdir`.
    pub image: String,
    /// The blueprint's folder in the image.
    pub workdir: String,
    /// `strata simulate`'s other arguments, fixed for every shard (`--replications`,
    /// `--seed`, `--horizon`), so that the shards make one run.
    pub args: Vec<String>,
    /// CPU for each pod, in cores; the pod runs one worker thread per core.
    pub cpu: u32,
    /// Memory for each pod, in bytes.
    pub memory: u64,
}

/// The name of the Job of `scenario`: `strata-simulate-` and the scenario's name.
pub fn job_name(scenario: &str) -> String {
    names::label(&format!("strata-simulate-{scenario}"))
}

/// The Indexed Job of `job`, in no namespace (`kubectl apply -n` chooses).
pub fn simulate_job(job: &SimulateJob) -> Manifest {
    let name = job_name(&job.scenario);
    let mut args = vec![
        "simulate".to_string(),
        ".".to_string(),
        "--scenario".into(),
        job.scenario.clone(),
    ];
    args.extend(job.args.iter().cloned());
    args.extend([
        "--threads".into(),
        job.cpu.to_string(),
        // Kubernetes substitutes $(VAR) in args with the container's variable; an
        // Indexed Job's pods have JOB_COMPLETION_INDEX.
        "--shard".into(),
        format!("$(JOB_COMPLETION_INDEX)/{}", job.shards),
        "--json".into(),
    ]);
    let figures = BTreeMap::from([
        ("cpu".to_string(), quantity::cpu(f64::from(job.cpu))),
        ("memory".to_string(), quantity::bytes(job.memory)),
    ]);
    let labels = BTreeMap::from([
        (NAME.to_string(), name.clone()),
        (COMPONENT.to_string(), "simulation".to_string()),
        (MANAGED_BY.to_string(), "strata".to_string()),
    ]);
    let object = Job {
        metadata: ObjectMeta {
            name: Some(name),
            labels: Some(labels.clone()),
            ..ObjectMeta::default()
        },
        spec: Some(JobSpec {
            completion_mode: Some("Indexed".into()),
            completions: Some(job.shards as i32),
            parallelism: Some(job.shards.min(MAX_PARALLELISM) as i32),
            backoff_limit_per_index: Some(RETRIES_PER_SHARD),
            ttl_seconds_after_finished: Some(TTL_AFTER_FINISHED),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    restart_policy: Some("Never".into()),
                    containers: vec![Container {
                        name: "simulate".into(),
                        image: Some(job.image.clone()),
                        command: Some(vec!["strata".into()]),
                        args: Some(args),
                        working_dir: Some(job.workdir.clone()),
                        resources: Some(ResourceRequirements {
                            requests: Some(figures.clone()),
                            limits: Some(figures),
                            ..ResourceRequirements::default()
                        }),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }),
            },
            ..JobSpec::default()
        }),
        ..Job::default()
    };
    Manifest::typed("", &object)
}
