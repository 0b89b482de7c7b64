//! Moves in a plan: the state as the blueprint's `moved` blocks (and the moves inferred
//! where `count` was added or taken off) leave it, before anything is compared.
//!
//! The plan diffs the blueprint against this moved state, so a renamed block is no change
//! at all; each moved object's change carries its previous address, and the apply walk
//! moves it first (the provider is told, then the state). A move whose new address is
//! already taken is an error here, where Terraform warns and plans to destroy the old
//! object: Strata never destroys an object because of a moved block.

use std::collections::{BTreeSet, HashMap};

use blueprint::refactor::{Conflict, resolve};
use blueprint::{Address, Config, Diagnostic};

use crate::state::{Rename, State, rename};

/// Where each moved object was, by its new address and id.
pub(super) type Previous = HashMap<(Address, String), Address>;

/// `state` with the moves applied, and where each moved object was.
pub(super) fn apply(
    config: &Config,
    state: &State,
    diags: &mut Vec<Diagnostic>,
) -> (State, Previous) {
    let addresses: BTreeSet<Address> = state.objects.iter().map(|o| o.address.clone()).collect();
    let resolution = resolve(&config.moves, &addresses);
    for conflict in &resolution.conflicts {
        diags.push(diagnostic(config, conflict));
    }
    let mut renames = Vec::new();
    let mut previous = Previous::new();
    let mut at: HashMap<&Address, Vec<&str>> = HashMap::new();
    for object in &state.objects {
        at.entry(&object.address).or_default().push(&object.id);
    }
    for m in &resolution.moved {
        for id in at.get(&m.from).into_iter().flatten() {
            renames.push(Rename {
                id: id.to_string(),
                from: m.from.clone(),
                to: m.to.clone(),
            });
            previous.insert((m.to.clone(), id.to_string()), m.from.clone());
        }
    }
    let mut moved = state.clone();
    rename(&mut moved.objects, &renames);
    (moved, previous)
}

fn diagnostic(config: &Config, conflict: &Conflict) -> Diagnostic {
    let span = |by: usize| config.moves.get(by).map(|m| m.span);
    match conflict {
        Conflict::Taken(m) => Diagnostic::error(
            span(m.by),
            format!(
                "Cannot move {} to {}: {} already exists",
                m.from, m.to, m.to
            ),
            format!(
                "The state has an object at {to}, and it stays there. Strata refuses rather than destroy {from} (Terraform would plan to). If the object at {to} should not be managed, remove it from the state (`strata state rm {to}`); otherwise correct the moved block.",
                from = m.from,
                to = m.to
            ),
        ),
        Conflict::Collision(ms) => Diagnostic::error(
            ms.first().and_then(|m| span(m.by)),
            format!(
                "Several objects would move to {}",
                ms.first().map(|m| m.to.to_string()).unwrap_or_default()
            ),
            format!(
                "{} would all end at the same address, following the moved blocks. Keep one of them: remove the others from the state, or correct the moved blocks.",
                ms.iter()
                    .map(|m| m.from.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        Conflict::Cycle { at, by } => Diagnostic::error(
            span(*by),
            format!("The moved blocks lead {at} back to itself"),
            "Following the moved blocks from this address comes back to it. Remove the moved block that points back.",
        ),
    }
}
