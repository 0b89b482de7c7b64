//! `strata state list|show|rm|mv`: inspect and edit the state by hand; the versions and
//! locks are in `state_versions`.

use blueprint::Address;
use planner::provider::MoveRequest;
use planner::state::{Op, Rename, rename};

use crate::cli::StateCommand;
use crate::printer::Printer;
use crate::reading::{Journaled, read_state_with_journal};
use crate::session::Session;

pub async fn run(command: &StateCommand, printer: &mut Printer) -> anyhow::Result<u8> {
    match command {
        StateCommand::List(args) => {
            let read = read_state_with_journal(&args.dir, &args.state, printer).await?;
            for object in &read.state.objects {
                printer.line(&object.address.to_string());
            }
            journal_notes(&read, printer);
            Ok(0)
        }
        StateCommand::Show(args) => {
            let read = read_state_with_journal(&args.dir, &args.state, printer).await?;
            let address: Address = args.address.parse()?;
            let state = &read.state;
            let Some(object) = state.objects.iter().find(|o| o.address == address) else {
                journal_notes(&read, printer);
                let started = read
                    .recovery
                    .pending
                    .iter()
                    .any(|e| e.address == address && e.op == Op::Create);
                printer.failure(&if started {
                    format!(
                        "no object {address} in the state yet: a run started creating it and stopped before recording the outcome; a plan or apply will finish it"
                    )
                } else {
                    format!(
                        "no object {address} in the state; `strata state list` shows what there is"
                    )
                });
                return Ok(1);
            };
            journal_notes(&read, printer);
            let mut shown = object.clone();
            for name in &object.sensitive {
                if let Some(value) = shown.attributes.get_mut(name) {
                    *value = "(sensitive)".into();
                }
            }
            printer.json(&serde_json::to_value(shown)?);
            Ok(0)
        }
        StateCommand::Rm(args) => {
            let mut session = Session::open(&args.dir, &args.state, "state rm", printer).await?;
            let address: Address = args.address.parse()?;
            let before = session.state.objects.len();
            session
                .state
                .objects
                .retain(|o| !address.includes(&o.address));
            let removed = before - session.state.objects.len();
            if removed == 0 {
                printer.failure(&format!("no object {address} in the state"));
                return Ok(1);
            }
            session.save().await?;
            printer.line(&format!("Removed {removed} object(s) from the state; they still exist and are no longer managed."));
            Ok(0)
        }
        StateCommand::Mv(args) => mv(args, printer).await,
        StateCommand::Unlock(args) => super::state_versions::unlock(args, printer).await,
        StateCommand::Locks(args) => super::state_versions::locks(args, printer).await,
        StateCommand::History(args) => super::state_versions::history(args, printer).await,
        StateCommand::Pull(args) => super::state_versions::pull(args, printer).await,
        StateCommand::Push(args) => super::state_versions::push(args, printer).await,
    }
}

/// `strata state mv FROM TO`: the object at FROM lives at TO from now on. Its provider is
/// told (the simulated datacenter keeps addresses), then the state, with one rule for
/// both: the one a `moved` block follows.
async fn mv(args: &crate::cli::StateMoveArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let mut session = Session::open(&args.dir, &args.state, "state mv", printer).await?;
    let (from, to): (Address, Address) = (args.from.parse()?, args.to.parse()?);
    if from.kind != to.kind {
        printer.failure(&format!(
            "cannot move {from} to {to}: an object keeps its kind"
        ));
        return Ok(1);
    }
    if session.state.objects.iter().any(|o| o.address == to) {
        printer.failure(&format!("{to} is already in the state"));
        return Ok(1);
    }
    let Some(object) = session
        .state
        .objects
        .iter()
        .find(|o| o.address == from)
        .cloned()
    else {
        printer.failure(&format!("no object {from} in the state"));
        return Ok(1);
    };
    session.connect(None, printer).await?;
    if let Some(provider) = session.providers.get(&object.provider).cloned() {
        let response = provider
            .moved(MoveRequest {
                from: from.clone(),
                to: to.clone(),
                kind: object.kind.clone(),
                id: object.id.clone(),
            })
            .await;
        if let Some(d) = response.diagnostics.iter().find(|d| d.is_error()) {
            printer.failure(&format!("{}\n  {}", d.summary, d.detail));
            return Ok(1);
        }
    }
    let moved = Rename {
        id: object.id,
        from: from.clone(),
        to: to.clone(),
    };
    rename(&mut session.state.objects, &[moved]);
    session.save().await?;
    printer.line(&format!("Moved {from} to {to}."));
    Ok(0)
}

/// Says on stderr what the journal adds to `state.json`: changes done but not yet saved
/// (shown), and changes started with no outcome (which the next plan or apply finishes).
fn journal_notes(read: &Journaled, printer: &mut Printer) {
    let recovery = &read.recovery;
    if recovery.applied == 0 && recovery.pending.is_empty() {
        return;
    }
    let who = match &read.holder {
        Some(held) if !held.stale => format!(
            "{} by {} (process {}) is still running",
            held.info.operation, held.info.who, held.info.pid
        ),
        _ => "a run stopped before saving the state".to_string(),
    };
    if recovery.applied > 0 {
        printer.warning(&format!(
            "{} change(s) recorded in the journal are not yet in state.json ({who}); they are included here, and the next plan or apply saves them",
            recovery.applied
        ));
    }
    if !recovery.pending.is_empty() {
        let started: Vec<String> = recovery
            .pending
            .iter()
            .map(|e| format!("{} {}", op_name(e.op), e.address))
            .collect();
        printer.warning(&format!(
            "{} change(s) were started with no recorded outcome ({who}): {}. A plan or apply will finish them: it asks the provider what was done, adopting what was created rather than creating it again",
            started.len(),
            started.join(", ")
        ));
    }
}

fn op_name(op: Op) -> &'static str {
    match op {
        Op::Create => "create",
        Op::Update => "update",
        Op::Delete => "delete",
        Op::Move => "move",
        Op::Forget => "forget",
    }
}
