//! `strata state list|show|rm|mv|unlock`: inspect and edit the state by hand.

use blueprint::Address;
use planner::provider::MoveRequest;
use planner::state::{LocalBackend, Rename, rename};

use crate::cli::StateCommand;
use crate::printer::Printer;
use crate::session::{Session, read_state, state_dir};

pub fn run(command: &StateCommand, printer: &mut Printer) -> anyhow::Result<u8> {
    match command {
        StateCommand::List(args) => {
            let state = read_state(&args.dir, &args.state)?;
            for object in &state.objects {
                printer.line(&object.address.to_string());
            }
            Ok(0)
        }
        StateCommand::Show(args) => {
            let state = read_state(&args.dir, &args.state)?;
            let address: Address = args.address.parse()?;
            let Some(object) = state.objects.iter().find(|o| o.address == address) else {
                printer.failure(&format!(
                    "no object {address} in the state; `strata state list` shows what there is"
                ));
                return Ok(1);
            };
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
            let mut session = Session::open(&args.dir, &args.state, "state rm", printer)?;
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
            session.save()?;
            printer.line(&format!("Removed {removed} object(s) from the state; they still exist and are no longer managed."));
            Ok(0)
        }
        StateCommand::Mv(args) => super::runtime()?.block_on(mv(args, printer)),
        StateCommand::Unlock(args) => {
            let backend = LocalBackend::new(state_dir(&args.dir, &args.state));
            let info = backend
                .unlock(&args.id)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            printer.line(&format!(
                "Removed the lock held by {} (process {}) for {}.",
                info.who, info.pid, info.operation
            ));
            Ok(0)
        }
    }
}

/// `strata state mv FROM TO`: the object at FROM lives at TO from now on. Its provider is
/// told (the simulated datacenter keeps addresses), then the state, with one rule for
/// both: the one a `moved` block follows.
async fn mv(args: &crate::cli::StateMoveArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let mut session = Session::open(&args.dir, &args.state, "state mv", printer)?;
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
    session.save()?;
    printer.line(&format!("Moved {from} to {to}."));
    Ok(0)
}
