//! What evaluation has computed so far: module instances and the value of each item in them.

use rustc_hash::FxHashMap as HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::address::ModuleStep;
use crate::value::Value;

/// A computed value and the resource instances it was computed from.
#[derive(Clone, Debug)]
pub(crate) struct Slot {
    pub value: Value,
    pub deps: Arc<[usize]>,
    /// Computed from a sensitive value: hidden wherever it is shown.
    pub sensitive: bool,
}

/// The instances a module call expanded to.
#[derive(Clone, Debug)]
pub(crate) enum CallInsts {
    Single(usize),
    Count(Vec<usize>),
    ForEach(Vec<(String, usize)>),
}

impl CallInsts {
    pub fn ids(&self) -> Vec<usize> {
        match self {
            CallInsts::Single(id) => vec![*id],
            CallInsts::Count(ids) => ids.clone(),
            CallInsts::ForEach(ids) => ids.iter().map(|(_, id)| *id).collect(),
        }
    }
}

/// One instance of a module: the root, or one expansion of a module call.
#[derive(Debug, Default)]
pub(crate) struct ModInst {
    /// The static module node it instantiates.
    pub node: usize,
    /// Its address path.
    pub steps: Vec<ModuleStep>,
    pub vars: HashMap<String, Slot>,
    pub locals: HashMap<String, Slot>,
    pub resources: HashMap<(String, String), Slot>,
    pub outputs: HashMap<String, Slot>,
    pub calls: HashMap<String, CallInsts>,
    /// Instances every resource in this module must follow (the call's `depends_on`).
    pub extra_deps: Arc<[usize]>,
    /// Bound while evaluating the call's inputs: the call's `count.index` / `each`.
    pub call_count: Option<i64>,
    pub call_each: Option<(Value, Value)>,
    /// The parent instance.
    pub parent: Option<usize>,
}

/// Every module instance, indexed by id; the root is 0.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub insts: Vec<ModInst>,
    /// The folder of each static module node, for `path.module`.
    pub node_dirs: Vec<PathBuf>,
    /// Attributes of objects that exist, for computed attributes.
    pub known: std::sync::Arc<super::Known>,
    /// The sensitive values met so far, for masking wherever they could show.
    pub redactor: crate::redact::Redactor,
    /// The current workspace: what `strata.workspace` gives.
    pub workspace: String,
    /// When this run started: what `plantimestamp()` gives.
    pub plan_time: jiff::Timestamp,
}

impl Store {
    /// All resource instance indexes created in module instance `id` and below.
    pub fn resource_deps_below(&self, id: usize, out: &mut Vec<usize>) {
        let inst = &self.insts[id];
        for slot in inst.resources.values() {
            out.extend(slot.deps.iter());
        }
        for call in inst.calls.values() {
            for child in call.ids() {
                self.resource_deps_below(child, out);
            }
        }
    }
}
