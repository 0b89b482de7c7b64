//! Evaluation: from a blueprint folder to the evaluated [`Config`].
//!
//! The module tree is loaded, its declarations ordered by the item graph (reporting
//! cycles), then each item is evaluated in that order for every module instance:
//! variables, locals, module calls (count / for_each), resources (their instances checked
//! against the schema), outputs and provider blocks. `moved` and `removed` blocks are
//! gathered with the module they apply in; the moves also take the attributes of existing
//! objects (`Inputs::known`) to their new addresses before anything reads them.

mod console;
mod expr;
mod items;
mod operators;
mod providers;
mod refactor;
mod refs;
mod resource;
mod special;
mod state;
mod traverse;
mod tree;
mod variables;

use std::path::Path;
use std::sync::Arc;

use crate::address::{InstanceKey, ModuleStep};
use crate::config::{Config, Output, ProviderConfig};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::SourceMap;
use crate::suggest;
use crate::value::Value;

pub use console::{Evaluated, Scope};
use expr::{Ctx, deps_of};
use items::Item;
use resource::Keys;
use state::{CallInsts, ModInst, Slot, Store};
use tree::Tree;
pub use variables::{InputValue, Inputs, Known, read_var_file};

/// Loads and evaluates the blueprint in `root`. The configuration holds whatever could be
/// evaluated; the diagnostics say what could not, and why; the scope of the root module
/// is kept for evaluating more expressions in it.
pub fn evaluate_scope(
    root: &Path,
    inputs: &Inputs,
    sources: &mut SourceMap,
) -> (Config, Diagnostics, Scope) {
    let mut diags = Diagnostics::default();
    let tree = Tree::load(root, sources, &mut diags);
    let order = items::evaluation_order(&tree, &mut diags);
    let (moves, removals) = refactor::collect(&tree);
    let mut run = Run {
        tree: &tree,
        store: Store {
            insts: vec![ModInst::default()],
            known: refactor::known_after(&inputs.known, &moves),
            workspace: if inputs.workspace.is_empty() {
                "default".to_string()
            } else {
                inputs.workspace.clone()
            },
            plan_time: jiff::Timestamp::now(),
            node_dirs: tree
                .nodes
                .iter()
                .map(|n| tree.modules[n.module].dir.clone())
                .collect(),
            redactor: crate::redact::Redactor::default(),
        },
        node_insts: vec![Vec::new(); tree.nodes.len()],
        config: Config::default(),
        diags: Vec::new(),
    };
    run.node_insts[0].push(0);
    for file in &inputs.var_files {
        run.store.redactor.add_var_file(*file);
    }
    run.check_inputs(inputs);
    for (item, on_cycle) in &order {
        if *on_cycle {
            run.unknown(item);
        } else {
            run.item(item, inputs);
        }
    }
    providers::finish(&tree, &mut run.config, &mut run.diags);
    let mut all: Diagnostics = run.diags.into_iter().collect();
    diags.extend(std::mem::take(&mut all));
    run.config.moves = moves;
    run.config.removals = removals;
    refactor::check(&tree, &run.config, &mut diags);
    run.config.redactor = std::mem::take(&mut run.store.redactor);
    (run.config, diags, Scope::new(run.store))
}

struct Run<'t> {
    tree: &'t Tree,
    store: Store,
    node_insts: Vec<Vec<usize>>,
    config: Config,
    diags: Vec<Diagnostic>,
}

impl Run<'_> {
    fn check_inputs(&mut self, inputs: &Inputs) {
        let declared = &self.tree.module(0).variables;
        let mut seen = std::collections::HashSet::new();
        for (name, value) in &inputs.values {
            if declared.contains_key(name) || !seen.insert(name.clone()) {
                continue;
            }
            let span = match value {
                InputValue::Value { span, .. } => Some(*span),
                InputValue::Raw { .. } => None,
            };
            let origin = match value {
                InputValue::Raw { origin, .. } => origin.clone(),
                InputValue::Value { .. } => "a variable file".into(),
            };
            let hint = suggest::hint(name, declared.keys().map(String::as_str));
            self.diags.push(Diagnostic::error(
                span,
                format!("Value for undeclared variable \"{name}\""),
                format!(
                    "{origin} sets \"{name}\", but the blueprint declares no such variable.{hint}"
                ),
            ));
        }
    }

    fn item(&mut self, item: &Item, inputs: &Inputs) {
        let node = item_node(item);
        for inst in self.node_insts[node].clone() {
            match item {
                Item::Var(_, name) => self.variable(node, inst, name, inputs),
                Item::Local(_, name) => self.local(node, inst, name),
                Item::Resource(_, kind, name) => self.resource(node, inst, kind, name),
                Item::Output(_, name) => self.output(node, inst, name),
                Item::Call(_, name) => self.call(node, inst, name),
                Item::Provider(_, i) => self.provider(node, inst, *i),
            }
        }
    }

    /// An item on a dependency cycle (already reported) reads as unknown.
    fn unknown(&mut self, item: &Item) {
        let unknown = || Slot {
            value: Value::Unknown,
            deps: Arc::from([]),
            sensitive: false,
        };
        let node = item_node(item);
        for inst in self.node_insts[node].clone() {
            let m = &mut self.store.insts[inst];
            match item {
                Item::Var(_, name) => {
                    m.vars.insert(name.clone(), unknown());
                }
                Item::Local(_, name) => {
                    m.locals.insert(name.clone(), unknown());
                }
                Item::Resource(_, kind, name) => {
                    m.resources.insert((kind.clone(), name.clone()), unknown());
                }
                Item::Output(_, name) => {
                    m.outputs.insert(name.clone(), unknown());
                }
                Item::Call(..) | Item::Provider(..) => {}
            }
        }
    }

    fn variable(&mut self, node: usize, inst: usize, name: &str, inputs: &Inputs) {
        let Some(decl) = self.tree.module(node).variables.get(name) else {
            return;
        };
        let ty = variables::declared_type(decl, &mut self.diags);
        let incoming = match self.tree.nodes[node].parent {
            None => {
                if decl.sensitive {
                    self.store.redactor.add_name(name);
                }
                variables::root_value(decl, &ty, inputs, &mut self.diags).map(
                    |(value, span, origin)| variables::Incoming {
                        value,
                        span,
                        origin,
                        deps: Vec::new(),
                        sensitive: false,
                        literal: true,
                    },
                )
            }
            Some(parent) => self.module_input(node, inst, parent, decl),
        };
        let incoming = incoming.unwrap_or(variables::Incoming {
            value: Value::Unknown,
            span: None,
            origin: String::new(),
            deps: Vec::new(),
            sensitive: false,
            literal: false,
        });
        variables::store_variable(&mut self.store, inst, decl, &ty, incoming, &mut self.diags);
    }

    /// A child module's variable, from the calling block's input expression.
    fn module_input(
        &mut self,
        node: usize,
        inst: usize,
        parent: usize,
        decl: &crate::module::VariableDecl,
    ) -> Option<variables::Incoming> {
        let call_name = self.tree.nodes[node].call.as_deref()?;
        let call = self.tree.module(parent).calls.get(call_name)?;
        let name = &decl.name.name;
        match call.inputs.iter().find(|i| &i.name.name == name) {
            Some(input) => {
                let parent_inst = self.store.insts[inst].parent?;
                let mut ctx = Ctx::new(&self.store, parent_inst);
                ctx.count = self.store.insts[inst].call_count;
                ctx.each = self.store.insts[inst].call_each.clone();
                let value = ctx.eval(&input.value).unwrap_or(Value::Unknown);
                let deps = std::mem::take(&mut ctx.deps);
                self.diags.append(&mut ctx.diags);
                Some(variables::Incoming {
                    value,
                    span: Some(input.value.span),
                    origin: format!("module \"{call_name}\""),
                    deps,
                    sensitive: ctx.sensitive,
                    literal: false,
                })
            }
            None => match &decl.default {
                Some(expr) => crate::types::literal_value(expr).map(|value| variables::Incoming {
                    value,
                    span: Some(expr.span),
                    origin: "its default".into(),
                    deps: Vec::new(),
                    sensitive: false,
                    literal: true,
                }),
                None => {
                    self.diags.push(
                        Diagnostic::error(call.span, format!("Missing input \"{name}\" for module \"{call_name}\""), format!("The module declares variable \"{name}\" without a default, so the module call must set `{name} = ...`."))
                            .with_note("the variable is declared here", decl.name.span),
                    );
                    None
                }
            },
        }
    }

    fn local(&mut self, node: usize, inst: usize, name: &str) {
        let Some(attr) = self.tree.module(node).locals.get(name) else {
            return;
        };
        let slot = self.slot(inst, &attr.value);
        self.store.insts[inst].locals.insert(name.to_string(), slot);
    }

    /// Evaluates an expression in module instance `inst` into a value and its dependencies.
    fn slot(&mut self, inst: usize, expr: &crate::ast::Expr) -> Slot {
        let mut ctx = Ctx::new(&self.store, inst);
        let value = ctx.eval(expr).unwrap_or(Value::Unknown);
        let deps = deps_of(std::mem::take(&mut ctx.deps));
        self.diags.append(&mut ctx.diags);
        Slot {
            value,
            deps,
            sensitive: ctx.sensitive,
        }
    }

    fn resource(&mut self, node: usize, inst: usize, kind: &str, name: &str) {
        let Some(decl) = self
            .tree
            .module(node)
            .resources
            .get(&(kind.to_string(), name.to_string()))
        else {
            return;
        };
        let slot = resource::evaluate(&self.store, inst, decl, &mut self.config, &mut self.diags);
        self.store.insts[inst]
            .resources
            .insert((kind.to_string(), name.to_string()), slot);
    }

    fn output(&mut self, node: usize, inst: usize, name: &str) {
        let Some(decl) = self.tree.module(node).outputs.get(name) else {
            return;
        };
        let mut slot = self.slot(inst, &decl.value);
        if slot.sensitive && !decl.sensitive {
            self.diags.push(Diagnostic::error(
                decl.value.span,
                format!("Output \"{name}\" refers to sensitive values"),
                "Its value is computed from a sensitive variable or attribute. Add `sensitive = true` to the output, so that it shows as (sensitive) everywhere, or leave the sensitive value out.",
            ));
        }
        slot.sensitive |= decl.sensitive;
        if node == 0 {
            self.config.outputs.push(Output {
                name: name.to_string(),
                value: slot.value.clone(),
                sensitive: decl.sensitive,
                description: decl.description.clone(),
            });
        }
        self.store.insts[inst]
            .outputs
            .insert(name.to_string(), slot);
    }

    fn call(&mut self, node: usize, inst: usize, name: &str) {
        let Some(decl) = self.tree.module(node).calls.get(name) else {
            return;
        };
        let Some(&child_node) = self.tree.nodes[node].children.get(name) else {
            return;
        };
        if self.node_insts[node].first() == Some(&inst) {
            self.check_call_inputs(decl, child_node);
        }
        let Ok((keys, mut deps)) = resource::keys(
            &self.store,
            inst,
            decl.meta.count.as_ref(),
            decl.meta.for_each.as_ref(),
            &mut self.diags,
        ) else {
            return;
        };
        let mut ctx = Ctx::new(&self.store, inst);
        resource::depends_on(&mut ctx, &self.store, inst, decl.meta.depends_on.as_ref());
        deps.append(&mut ctx.deps);
        self.diags.append(&mut ctx.diags);
        deps.extend(self.store.insts[inst].extra_deps.iter());
        let extra: Arc<[usize]> = deps_of(deps);
        let spawn = |run: &mut Self,
                     key: Option<InstanceKey>,
                     count: Option<i64>,
                     each: Option<(Value, Value)>| {
            let mut steps = run.store.insts[inst].steps.clone();
            steps.push(ModuleStep {
                name: name.to_string(),
                key,
            });
            run.store.insts.push(ModInst {
                node: child_node,
                steps,
                extra_deps: extra.clone(),
                call_count: count,
                call_each: each,
                parent: Some(inst),
                ..ModInst::default()
            });
            let id = run.store.insts.len() - 1;
            run.node_insts[child_node].push(id);
            id
        };
        let insts = match keys {
            Keys::Single => CallInsts::Single(spawn(self, None, None, None)),
            Keys::Count(n) => CallInsts::Count(
                (0..n)
                    .map(|i| spawn(self, Some(InstanceKey::Index(i)), Some(i), None))
                    .collect(),
            ),
            Keys::ForEach(pairs) => CallInsts::ForEach(
                pairs
                    .into_iter()
                    .map(|(k, v)| {
                        let id = spawn(
                            self,
                            Some(InstanceKey::Key(k.clone())),
                            None,
                            Some((Value::string(k.as_str()), v)),
                        );
                        (k, id)
                    })
                    .collect(),
            ),
        };
        self.store.insts[inst].calls.insert(name.to_string(), insts);
    }

    fn check_call_inputs(&mut self, decl: &crate::module::ModuleCallDecl, child_node: usize) {
        let vars = &self.tree.module(child_node).variables;
        for input in &decl.inputs {
            if !vars.contains_key(&input.name.name) {
                let hint = suggest::hint(&input.name.name, vars.keys().map(String::as_str));
                self.diags.push(Diagnostic::error(
                    input.name.span,
                    format!(
                        "Module \"{}\" has no variable \"{}\"",
                        decl.name.name, input.name.name
                    ),
                    format!(
                        "The module at {} declares no variable \"{}\".{hint}",
                        decl.source.display(),
                        input.name.name
                    ),
                ));
            }
        }
    }

    fn provider(&mut self, node: usize, inst: usize, index: usize) {
        let decl = &self.tree.module(node).providers[index];
        let mut ctx = Ctx::new(&self.store, inst);
        let mut settings = std::collections::BTreeMap::new();
        let mut references = std::collections::BTreeMap::new();
        for attr in &decl.body.attributes {
            if let Ok(v) = ctx.eval(&attr.value) {
                settings.insert(attr.name.name.clone(), v);
            }
            let read = deps_of(std::mem::take(&mut ctx.deps));
            if !read.is_empty() && attr.name.name != "alias" {
                let mut addresses: Vec<_> = read
                    .iter()
                    .map(|&d| self.config.instances[d].address.clone())
                    .collect();
                addresses.sort();
                references.insert(attr.name.name.clone(), addresses);
            }
        }
        self.diags.append(&mut ctx.diags);
        let Some((alias, settings)) = providers::check_block(decl, settings, &mut self.diags)
        else {
            return;
        };
        references.retain(|name, _| settings.contains_key(name));
        self.config.providers.push(ProviderConfig {
            name: decl.name.name.clone(),
            alias,
            settings,
            references,
            span: decl.span,
        });
    }
}

fn item_node(item: &Item) -> usize {
    match item {
        Item::Var(n, _)
        | Item::Local(n, _)
        | Item::Resource(n, _, _)
        | Item::Output(n, _)
        | Item::Call(n, _)
        | Item::Provider(n, _) => *n,
    }
}
