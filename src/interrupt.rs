//! Interrupts: Ctrl-C (SIGINT) and SIGTERM, what a CI runner sends when it cancels a job.
//!
//! A command that can stop cleanly calls [`install`] first. The first signal is reported
//! on stderr and sets a flag that the command reads between steps ([`requested`],
//! [`flag`]): an apply or destroy starts no new operation, lets those in flight finish and
//! be recorded, saves the state and releases the lock; a plan makes and saves no plan; a
//! simulation stops and discards its partial result. Every one of them then exits 1, as
//! Terraform does. A second signal ends the process at once (exit 1): what an apply had in
//! flight is in the journal, which the next run finishes. Commands that install nothing
//! keep the default, where the signal ends them.

use std::sync::atomic::{AtomicBool, Ordering};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::printer::Printer;

/// Set by the first signal.
static REQUESTED: AtomicBool = AtomicBool::new(false);

/// What a command does when interrupted, for the message the first signal prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopping {
    /// An apply or destroy: operations in flight finish, the state is saved.
    Apply,
    /// A plan: no plan is made or saved.
    Plan,
    /// A simulation: the partial result is discarded.
    Simulation,
}

impl Stopping {
    fn first(self) -> &'static str {
        match self {
            Stopping::Apply => {
                "Interrupt received: stopping gracefully. No new operation will start; those in flight finish and are recorded, then the state is saved and the lock released. Interrupt again to stop at once (the journal keeps what is in flight for the next run)."
            }
            Stopping::Plan => {
                "Interrupt received: stopping. No plan is made or saved, and the lock is released. Interrupt again to stop at once."
            }
            Stopping::Simulation => {
                "Interrupt received: stopping the simulation; its partial result is discarded. Interrupt again to stop at once."
            }
        }
    }

    fn second(self) -> &'static str {
        match self {
            Stopping::Apply => {
                "Second interrupt received: stopping at once. Operations in flight may have finished without being saved in the state; the journal records them, and the next plan or apply finishes them."
            }
            Stopping::Plan | Stopping::Simulation => {
                "Second interrupt received: stopping at once. Nothing was changed."
            }
        }
    }
}

/// Handles SIGINT and SIGTERM from now on: the first sets [`requested`] and says what
/// happens next; the second ends the process with exit code 1.
pub fn install(stopping: Stopping) -> anyhow::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("strata-signals".into())
        .spawn(move || {
            for _ in signals.forever() {
                let mut printer = Printer::new();
                if REQUESTED.swap(true, Ordering::SeqCst) {
                    printer.notice(stopping.second());
                    std::process::exit(1);
                }
                printer.notice(stopping.first());
            }
        })?;
    Ok(())
}

/// Whether an interrupt has arrived.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// The flag an interrupt sets, for code that checks it between steps (the apply walk, a
/// wait for the lock).
pub fn flag() -> &'static AtomicBool {
    &REQUESTED
}
