//! The operations of a plan and the order between them.

use std::collections::HashMap;

use blueprint::Address;

use crate::plan::{Action, Plan};

/// What an operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// Create an object.
    Create,
    /// Change an object in place.
    Update,
    /// Delete an object.
    Delete,
}

/// One provider call of an apply.
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

/// The operations of a plan with their order: creates and updates after the creates and
/// updates of what they depend on; deletes after the deletes of what depends on them; a
/// replacement's create after its delete, or with `create_before_destroy` its delete after
/// its create and after its dependents moved to the new object.
pub fn operations(plan: &Plan) -> Vec<Op> {
    let changes: Vec<_> = plan.actions().collect();
    let mut ops: Vec<Op> = Vec::new();
    let mut write_op: HashMap<&Address, usize> = HashMap::new();
    let mut delete_op: HashMap<&Address, usize> = HashMap::new();
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
        match change.action {
            Action::Create => {
                write_op.insert(&change.address, push(OpKind::Create));
            }
            Action::Update => {
                write_op.insert(&change.address, push(OpKind::Update));
            }
            Action::Delete => {
                delete_op.insert(&change.address, push(OpKind::Delete));
            }
            Action::Replace => {
                let (d, w) = (push(OpKind::Delete), push(OpKind::Create));
                delete_op.insert(&change.address, d);
                write_op.insert(&change.address, w);
                if change.create_before_destroy {
                    ops[d].after.push(w);
                } else {
                    ops[w].after.push(d);
                }
            }
            Action::NoOp => {}
        }
    }
    for change in &changes {
        for dep in &change.dependencies {
            // What I depend on is written before me.
            if let (Some(&mine), Some(&theirs)) = (write_op.get(&change.address), write_op.get(dep))
            {
                ops[mine].after.push(theirs);
            }
            // I am deleted before what I depend on.
            if let (Some(&mine), Some(&theirs)) =
                (delete_op.get(&change.address), delete_op.get(dep))
            {
                ops[theirs].after.push(mine);
            }
            // The old object of a create-before-destroy dependency goes after I moved over.
            if let (Some(&mine), Some(&theirs)) =
                (write_op.get(&change.address), delete_op.get(dep))
                && ops[theirs].after.contains(&write_op[dep])
            {
                ops[theirs].after.push(mine);
            }
        }
    }
    for op in &mut ops {
        op.after.sort_unstable();
        op.after.dedup();
    }
    ops
}
