//! The operations of a plan and the order between them: one place for every ordering rule.
//!
//! Each change becomes operations: a move when the object changes address, then a create,
//! an update, a delete, a delete and a create for a replacement, or a forget. For an
//! address X, W(X) is the write of its new or updated object (its create or update), and
//! D(X) a delete of one of its old objects (the one a delete or a replacement removes, or
//! one an interrupted create-before-destroy left deposed). The rules, each an edge
//! "must come after":
//!
//! 1. Every operation but a move comes after every move: addresses settle first.
//! 2. W(X) after W(Y) for each Y the blueprint says X depends on.
//! 3. D(Y) after D(X) for each Y that X's old object depended on, as the state recorded
//!    it at its last apply: dependents go first, whatever the blueprint says now.
//! 4. D(Y) after W(X) when, until X is written, something still uses Y's old object: X
//!    updated in place while its object depended on Y at its last apply (it moves off Y,
//!    then Y goes), or X's new object depending on Y while Y's old object outlives Y's new
//!    one (create_before_destroy, deposed). Not when X needs Y's new object and Y's old
//!    one must go before the new one is created (a plain replacement): that edge would
//!    close a cycle, and, as with Terraform, the way out is create_before_destroy on Y.
//!    An edge of the first kind comes from the state alone, and the dependency it records
//!    may be an order only (`depends_on`); where it closes a cycle it yields, and the
//!    delete goes first, as in Terraform.
//! 5. A replacement's create after its delete; with create_before_destroy, its delete
//!    after its create.
//! 6. Every operation but a move of a provider configured during the apply (a plan's
//!    `deferred`) after W(Y) for each Y its configuration reads: the provider is connected
//!    once they are written (Terraform's edge from a provider to what it reads, and from
//!    each resource to its provider). For creates and updates rule 2 already holds it
//!    (a resource depends on what its provider reads); this adds the deletes.
//!
//! [`force_create_before_destroy`] gives create_before_destroy to what a
//! create-before-destroy replacement depends on, as Terraform does; without it rules 2, 3
//! and 5 would form a cycle. [`cycle`] finds what is left that cannot be ordered.

use std::collections::{BTreeSet, HashMap, HashSet};

use blueprint::{Address, Diagnostic};

use crate::plan::{Action, Change, Plan};

/// What an operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// Give an object its new address (a `moved` block).
    Move,
    /// Create an object.
    Create,
    /// Change an object in place.
    Update,
    /// Delete an object.
    Delete,
    /// Stop managing an object, leaving it as it is (no provider call).
    Forget,
}

/// One step of an apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Op {
    /// Index of its change among the plan's actions.
    pub change: usize,
    /// What it does.
    pub kind: OpKind,
    /// The object's address.
    pub address: Address,
    /// Operations (indexes) that must be done first.
    pub after: Vec<usize>,
}

/// The operations of one change.
#[derive(Default)]
struct Steps {
    write: Option<usize>,
    delete: Option<usize>,
    /// The delete must come before the write (a replacement without create_before_destroy).
    delete_first: bool,
}

/// The operations of a plan with their order (see the module documentation).
pub fn operations(plan: &Plan) -> Vec<Op> {
    let changes: Vec<&Change> = plan.actions().collect();
    let mut ops: Vec<Op> = Vec::new();
    let mut moves = Vec::new();
    let mut steps: Vec<Steps> = Vec::with_capacity(changes.len());
    for (c, change) in changes.iter().enumerate() {
        let mut push = |kind| {
            ops.push(Op {
                change: c,
                kind,
                address: change.address.clone(),
                after: Vec::new(),
            });
            ops.len() - 1
        };
        if change.previous_address.is_some() {
            moves.push(push(OpKind::Move));
        }
        let mut step = Steps::default();
        match change.action {
            Action::Create => step.write = Some(push(OpKind::Create)),
            Action::Update => step.write = Some(push(OpKind::Update)),
            Action::Delete => step.delete = Some(push(OpKind::Delete)),
            Action::Forget => {
                push(OpKind::Forget);
            }
            Action::Replace => {
                let (d, w) = (push(OpKind::Delete), push(OpKind::Create));
                // Rule 5.
                if change.create_before_destroy {
                    ops[d].after.push(w);
                } else {
                    ops[w].after.push(d);
                }
                step.write = Some(w);
                step.delete = Some(d);
                step.delete_first = !change.create_before_destroy;
            }
            Action::NoOp => {}
        }
        steps.push(step);
    }
    // Rule 1.
    for op in ops.iter_mut().filter(|op| op.kind != OpKind::Move) {
        op.after.extend(&moves);
    }
    let mut writes: HashMap<&Address, usize> = HashMap::new();
    let mut deletes: HashMap<&Address, Vec<(usize, bool)>> = HashMap::new();
    for (change, step) in changes.iter().zip(&steps) {
        if let Some(w) = step.write {
            writes.insert(&change.address, w);
        }
        if let Some(d) = step.delete {
            deletes
                .entry(&change.address)
                .or_default()
                .push((d, step.delete_first));
        }
    }
    let deletes_of = |y: &Address| deletes.get(y).map_or(&[][..], Vec::as_slice);
    // Rule 4 edges that come from the state alone: they yield to break a cycle.
    let mut yielding: HashSet<(usize, usize)> = HashSet::new();
    for (change, step) in changes.iter().zip(&steps) {
        let needs: HashSet<&Address> = change.dependencies.iter().collect();
        if let Some(w) = step.write {
            // Rule 2.
            for y in &needs {
                if let Some(&theirs) = writes.get(y) {
                    ops[w].after.push(theirs);
                }
            }
            // Rule 4.
            let kept: Vec<&Address> = match step.delete {
                None => change.prior_dependencies.iter().collect(),
                Some(_) => Vec::new(),
            };
            for y in needs.iter().copied().chain(kept) {
                for &(d, delete_first) in deletes_of(y) {
                    if !(needs.contains(y) && delete_first) {
                        ops[d].after.push(w);
                        if !needs.contains(y) {
                            yielding.insert((w, d));
                        }
                    }
                }
            }
        }
        // Rule 3.
        if let Some(mine) = step.delete {
            for y in change.recorded_dependencies() {
                for &(d, _) in deletes_of(y) {
                    if d != mine {
                        ops[d].after.push(mine);
                    }
                }
            }
        }
    }
    // Rule 6.
    for deferred in &plan.deferred {
        let before: Vec<usize> = deferred
            .waits_for
            .iter()
            .filter_map(|y| writes.get(y).copied())
            .collect();
        for op in ops
            .iter_mut()
            .filter(|op| op.kind != OpKind::Move && changes[op.change].provider == deferred.key)
        {
            op.after.extend(&before);
        }
    }
    for op in &mut ops {
        op.after.sort_unstable();
        op.after.dedup();
    }
    // A dependency the state recorded may be an order only (`depends_on`): where keeping
    // the update before the delete closes a cycle, the delete goes first, as in Terraform.
    while let Some(circle) = cycle(&ops) {
        let n = circle.len();
        let Some((w, d)) = (0..n)
            .map(|k| (circle[k], circle[(k + 1) % n]))
            .find(|edge| yielding.contains(edge))
        else {
            break;
        };
        ops[d].after.retain(|&b| b != w);
        yielding.remove(&(w, d));
    }
    ops
}

/// Gives create_before_destroy to every replacement that a create-before-destroy
/// replacement depends on, directly or not (Terraform's rule: otherwise the new object
/// would wait for a dependency whose old object waits for this object's old one).
pub fn force_create_before_destroy(changes: &mut [Change]) {
    let index: HashMap<Address, usize> = changes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.address.clone(), i))
        .collect();
    let mut stack: Vec<usize> = changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.action == Action::Replace && c.create_before_destroy)
        .map(|(i, _)| i)
        .collect();
    let mut seen: HashSet<usize> = stack.iter().copied().collect();
    while let Some(i) = stack.pop() {
        for dep in changes[i].dependencies.clone() {
            if let Some(&j) = index.get(&dep)
                && seen.insert(j)
            {
                if changes[j].action == Action::Replace {
                    changes[j].create_before_destroy = true;
                }
                stack.push(j);
            }
        }
    }
}

/// Operations that wait on each other in a circle, when there are any (the plan cannot be
/// carried out as it is).
pub fn cycle(ops: &[Op]) -> Option<Vec<usize>> {
    let mut waiting: Vec<usize> = ops.iter().map(|o| o.after.len()).collect();
    let mut followers: Vec<Vec<usize>> = vec![Vec::new(); ops.len()];
    for (i, op) in ops.iter().enumerate() {
        for &before in &op.after {
            followers[before].push(i);
        }
    }
    let mut ready: Vec<usize> = (0..ops.len()).filter(|&i| waiting[i] == 0).collect();
    while let Some(i) = ready.pop() {
        for &f in &followers[i] {
            waiting[f] -= 1;
            if waiting[f] == 0 {
                ready.push(f);
            }
        }
    }
    // Every operation left waits on one that is left: walk back until one repeats.
    let mut at = (0..ops.len()).find(|&i| waiting[i] > 0)?;
    let mut path = Vec::new();
    loop {
        if let Some(start) = path.iter().position(|&p| p == at) {
            let mut circle: Vec<usize> = path[start..].to_vec();
            circle.reverse();
            return Some(circle);
        }
        path.push(at);
        at = *ops[at].after.iter().find(|&&b| waiting[b] > 0)?;
    }
}

/// An error when the plan's operations cannot be ordered (see [`cycle`]).
pub fn ordering_problem(plan: &Plan) -> Option<Diagnostic> {
    let ops = operations(plan);
    let circle = cycle(&ops)?;
    Some(unordered(&ops, &circle))
}

/// The error for operations that wait on each other in a circle.
fn unordered(ops: &[Op], circle: &[usize]) -> Diagnostic {
    let steps: Vec<String> = circle
        .iter()
        .map(|&i| format!("{} {}", verb(ops[i].kind), ops[i].address))
        .collect();
    let replaced: BTreeSet<String> = circle
        .iter()
        .filter(|&&i| ops[i].kind == OpKind::Create)
        .map(|&i| ops[i].address.to_string())
        .filter(|a| {
            circle
                .iter()
                .any(|&j| ops[j].kind == OpKind::Delete && ops[j].address.to_string() == *a)
        })
        .collect();
    let way_out = if replaced.is_empty() {
        "Apply the change in two steps: first the blueprint that moves the dependents, then the one that deletes what they used.".to_string()
    } else {
        format!(
            "Set create_before_destroy = true on {}, so that the new object exists before the old one goes; or apply the change in two steps.",
            replaced.into_iter().collect::<Vec<_>>().join(", ")
        )
    };
    Diagnostic::error(
        None,
        "The changes of this plan cannot be ordered",
        format!(
            "Each of these must wait for the one before it, and the first for the last: {}. {way_out}",
            steps.join(", then ")
        ),
    )
}

fn verb(kind: OpKind) -> &'static str {
    match kind {
        OpKind::Move => "move",
        OpKind::Create => "create",
        OpKind::Update => "update",
        OpKind::Delete => "delete",
        OpKind::Forget => "forget",
    }
}

#[cfg(test)]
mod tests;
