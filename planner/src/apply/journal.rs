//! The journal as the apply walk's [`Recorder`]: an intent line before each provider call,
//! a done or failed line after it.

use async_trait::async_trait;

use super::{Op, OpKind, Recorder};
use crate::plan::Change;
use crate::state::{Entry, Journal, Object, Op as JournalOp, Phase};

fn journal_op(kind: OpKind) -> JournalOp {
    match kind {
        OpKind::Create => JournalOp::Create,
        OpKind::Update => JournalOp::Update,
        OpKind::Delete => JournalOp::Delete,
        OpKind::Move => JournalOp::Move,
        OpKind::Forget => JournalOp::Forget,
    }
}

fn entry(phase: Phase, op: &Op, change: &Change) -> Entry {
    Entry {
        key: (op.kind == OpKind::Create)
            .then(|| super::create_key(change))
            .filter(|k| *k != change.address.to_string()),
        id: change.id.clone().filter(|_| op.kind != OpKind::Create),
        sensitive: change.sensitive.clone(),
        dependencies: change.dependencies.clone(),
        previous_address: change
            .previous_address
            .clone()
            .filter(|_| op.kind == OpKind::Move),
        prevent_destroy: change.prevent_destroy,
        ..Entry::new(
            phase,
            journal_op(op.kind),
            change.address.clone(),
            &change.kind,
            &change.provider,
        )
    }
}

#[async_trait]
impl Recorder for Journal {
    async fn intent(&self, op: &Op, change: &Change) -> Result<(), String> {
        self.append(entry(Phase::Intent, op, change))
            .await
            .map_err(|e| e.to_string())
    }

    async fn done(&self, op: &Op, change: &Change, object: Option<&Object>) -> Result<(), String> {
        let line = match object {
            Some(object) => Entry::done(journal_op(op.kind), object),
            None => entry(Phase::Done, op, change),
        };
        self.append(line).await.map_err(|e| e.to_string())
    }

    async fn failed(&self, op: &Op, change: &Change, error: &str) {
        let line = Entry {
            error: Some(error.to_string()),
            ..entry(Phase::Failed, op, change)
        };
        // A failure that cannot be recorded leaves an open intent, which the next run
        // resolves by asking the provider: nothing is lost.
        let _ = self.append(line).await;
    }
}
