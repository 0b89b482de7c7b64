//! Waiting for vCenter tasks: the task's `info` is read until it succeeds, fails or the
//! time runs out, more rarely the longer it runs (20 ms, doubling up to 1 s). Each read
//! is reported as the operation's progress: the method and vCenter's `info.progress`
//! percentage (`CloneVM_Task 40%`), or its state while it has none (`queued`).
//!
//! Reading `info` is one PropertyCollector call; WaitForUpdatesEx would save some of them
//! but needs a property filter per waiter, and a plan's tasks are short.

use std::time::{Duration, Instant};

use planner::provider::Progress;

use crate::client::Client;
use crate::error::VsphereError;
use crate::soap::{El, Fault, Moref, Node};

/// The task started by a `*_Task` method's response.
pub fn started(response: &Node, method: &str) -> Result<Moref, VsphereError> {
    response
        .moref_at(&["returnval"])
        .ok_or_else(|| VsphereError::Response(format!("{method}: no task in the response")))
}

impl Client {
    /// Calls a `*_Task` method and waits for its task: its result (`info.result`, a
    /// reference for a create or clone) when it succeeds; its fault, with vCenter's text,
    /// when it fails; a timeout error with the last progress after `timeout`.
    pub async fn run_task(
        &self,
        method: &str,
        this: &Moref,
        args: &[El],
        timeout: Duration,
    ) -> Result<Option<Node>, VsphereError> {
        self.run_task_reporting(method, this, args, timeout, &Progress::default())
            .await
    }

    /// [`Client::run_task`], reporting where the task stands to `progress` at each read.
    pub async fn run_task_reporting(
        &self,
        method: &str,
        this: &Moref,
        args: &[El],
        timeout: Duration,
        progress: &Progress,
    ) -> Result<Option<Node>, VsphereError> {
        let response = self.call(method, this, args).await?;
        let task = started(&response, method)?;
        self.wait(&task, method, timeout, progress).await
    }

    /// Waits for `task` (started by `method`). See [`Client::run_task_reporting`].
    pub async fn wait(
        &self,
        task: &Moref,
        method: &str,
        timeout: Duration,
        report: &Progress,
    ) -> Result<Option<Node>, VsphereError> {
        let start = Instant::now();
        let mut pause = Duration::from_millis(20);
        let mut progress = 0;
        loop {
            let info = self.property(task, "info").await?.ok_or_else(|| {
                VsphereError::Response(format!("{method}: the task {task} has no info"))
            })?;
            match info.text_at(&["state"]).unwrap_or_default() {
                "success" => return Ok(info.child("result").cloned()),
                "error" => {
                    let fault = info
                        .child("error")
                        .map(Fault::from_localized)
                        .unwrap_or_else(|| Fault {
                            kind: "MethodFault".into(),
                            message: "the task failed without saying why".into(),
                            object: None,
                            property: None,
                        });
                    return Err(VsphereError::Task {
                        task: method.to_string(),
                        fault: Box::new(fault),
                    });
                }
                _ => {}
            }
            let percent = info.int_at(&["progress"]);
            progress = percent.unwrap_or(progress);
            report.report(&match percent {
                Some(p) => format!("{method} {p}%"),
                None => format!("{method} {}", info.text_at(&["state"]).unwrap_or("running")),
            });
            if start.elapsed() >= timeout {
                return Err(VsphereError::Timeout {
                    task: method.to_string(),
                    after: timeout,
                    progress,
                });
            }
            tokio::time::sleep(pause.min(timeout.saturating_sub(start.elapsed()))).await;
            pause = (pause * 2).min(Duration::from_secs(1));
        }
    }
}
