//! Traversals: resolving names (`var.x`, `local.y`, `vm.web[2]`, `module.m.out`, `count`,
//! `each`, `path`) and applying attribute, index and splat steps to values.
//!
//! Resolving a resource or module reference records the instances it reaches as
//! dependencies of the item being evaluated: only the indexed one when the index is known.

use std::collections::BTreeMap;

use crate::ast::{Traverse, TraverseOp};
use crate::functions;
use crate::schema;
use crate::source::Span;
use crate::suggest;
use crate::types::to_number;
use crate::value::Value;

use super::expr::{Ctx, R};
use super::state::CallInsts;

impl Ctx<'_> {
    /// Evaluates `name` followed by traversal steps.
    pub(super) fn traversal(&mut self, name: &str, span: Span, ops: &[Traverse]) -> R {
        if let Some(v) = self
            .bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
        {
            return self.apply_ops(v, ops);
        }
        if self.sealed {
            let names: Vec<&str> = self.bindings.iter().map(|(n, _)| n.as_str()).collect();
            return self.fail(
                span,
                format!("The template has no variable \"{name}\""),
                format!(
                    "A template rendered by templatefile or templatestring sees only the variables given to it ({}); add \"{name}\" to them.{}",
                    if names.is_empty() { "none".to_string() } else { names.join(", ") },
                    suggest::hint(name, names.iter().copied())
                ),
            );
        }
        let (first, rest) = match ops.split_first() {
            Some((
                Traverse {
                    op: TraverseOp::Attr(a),
                    span: s,
                },
                rest,
            )) => (Some((a.as_str(), *s)), rest),
            _ => (None, ops),
        };
        let inst = &self.store.insts[self.inst];
        match (name, first) {
            ("count", Some((attr, s))) => {
                if attr != "index" {
                    return self.fail(
                        s,
                        "Unknown attribute of count",
                        "count has only `count.index`.",
                    );
                }
                match self.count {
                    Some(i) => self.apply_ops(Value::number(i), rest),
                    None => self.fail(
                        span.to(s),
                        "count.index used outside a counted block",
                        "count.index is only available in a block that has `count`.",
                    ),
                }
            }
            ("each", Some((attr, s))) => {
                let Some((key, value)) = self.each.clone() else {
                    return self.fail(span.to(s), "each used outside a for_each block", "each.key and each.value are only available in a block that has `for_each`.");
                };
                match attr {
                    "key" => self.apply_ops(key, rest),
                    "value" => self.apply_ops(value, rest),
                    _ => self.fail(
                        s,
                        format!("Unknown attribute each.{attr}"),
                        "each has `each.key` and `each.value`.",
                    ),
                }
            }
            ("var", Some((attr, s))) => match inst.vars.get(attr).cloned() {
                Some(slot) => {
                    self.deps.extend(slot.deps.iter());
                    self.read_sensitive(slot.sensitive, || format!("var.{attr}"));
                    self.apply_ops(slot.value, rest)
                }
                None => {
                    let hint = suggest::hint(attr, inst.vars.keys().map(String::as_str));
                    self.fail(span.to(s), format!("Undeclared variable \"{attr}\""), format!("No variable \"{attr}\" is declared in this module; declare it with a `variable \"{attr}\" {{}}` block.{hint}"))
                }
            },
            ("local", Some((attr, s))) => match inst.locals.get(attr).cloned() {
                Some(slot) => {
                    self.deps.extend(slot.deps.iter());
                    self.read_sensitive(slot.sensitive, || format!("local.{attr}"));
                    self.apply_ops(slot.value, rest)
                }
                None => {
                    let hint = suggest::hint(attr, inst.locals.keys().map(String::as_str));
                    self.fail(span.to(s), format!("Unknown local value \"{attr}\""), format!("No local value \"{attr}\" is declared in this module's `locals` blocks.{hint}"))
                }
            },
            ("module", Some((attr, s))) => self.module_ref(attr, span.to(s), rest),
            ("path", Some((attr, s))) => {
                // Strata reads relative paths from the root module's folder, as Terraform
                // reads them from the folder it runs in: path.root is ".", path.module the
                // module's folder relative to it, path.cwd the root folder in full.
                let root = &self.store.node_dirs[0];
                let value = match attr {
                    "module" => {
                        let dir = &self.store.node_dirs[inst.node];
                        match dir.strip_prefix(root) {
                            Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
                            Ok(rel) => rel.display().to_string(),
                            Err(_) => dir.display().to_string(),
                        }
                    }
                    "root" => ".".to_string(),
                    "cwd" => std::path::absolute(root)
                        .map(|d| d.display().to_string())
                        .unwrap_or_default(),
                    _ => {
                        return self.fail(
                            s,
                            format!("Unknown attribute path.{attr}"),
                            "path has `path.module`, `path.root` and `path.cwd`.",
                        );
                    }
                };
                self.apply_ops(Value::string(value), rest)
            }
            ("strata", Some((attr, s))) => match attr {
                "workspace" => {
                    let workspace = Value::string(self.store.workspace.clone());
                    self.apply_ops(workspace, rest)
                }
                _ => self.fail(
                    s,
                    format!("Unknown attribute strata.{attr}"),
                    "strata has `strata.workspace`, the name of the current workspace.",
                ),
            },
            ("terraform", Some((attr, s))) => self.fail(
                span.to(s),
                format!("Unknown reference terraform.{attr}"),
                if attr == "workspace" {
                    "Strata's name for it is strata.workspace: the name of the current workspace."
                } else {
                    "Strata has no `terraform` object; strata.workspace names the current workspace."
                },
            ),
            (kind, Some((attr, s))) if schema::kind(kind).is_some() => {
                self.resource_ref(kind, attr, span.to(s), rest)
            }
            ("count" | "each" | "var" | "local" | "module" | "path" | "strata", None) => self.fail(
                span,
                format!("Incomplete reference \"{name}\""),
                format!(
                    "\"{name}\" must be followed by an attribute, such as {name}.{}.",
                    example_attr(name)
                ),
            ),
            (kind, None) if schema::kind(kind).is_some() => self.fail(
                span,
                format!("Incomplete reference \"{name}\""),
                format!("A reference to a resource names it: {kind}.NAME."),
            ),
            _ => {
                let mut candidates: Vec<String> =
                    ["var", "local", "module", "count", "each", "path", "strata"]
                        .iter()
                        .map(|s| s.to_string())
                        .collect();
                candidates.extend(schema::kind_names().map(str::to_string));
                candidates.extend(self.bindings.iter().map(|(n, _)| n.clone()));
                let mut hint = suggest::hint(name, candidates.iter().map(String::as_str));
                if hint.is_empty() {
                    hint = format!(" If you meant the text {name}, put it in quotes: \"{name}\".");
                }
                let fn_hint = if functions::NAMES.contains(&name) {
                    format!(" \"{name}\" is a function: call it as {name}(...).")
                } else {
                    String::new()
                };
                self.fail(span, format!("Unknown name \"{name}\""), format!("\"{name}\" is not a variable, resource kind or other name in scope.{hint}{fn_hint}"))
            }
        }
    }

    fn resource_ref(&mut self, kind: &str, name: &str, span: Span, rest: &[Traverse]) -> R {
        let inst = &self.store.insts[self.inst];
        let Some(slot) = inst
            .resources
            .get(&(kind.to_string(), name.to_string()))
            .cloned()
        else {
            let names = inst
                .resources
                .keys()
                .filter(|(k, _)| k == kind)
                .map(|(_, n)| n.as_str());
            let hint = suggest::hint(name, names);
            return self.fail(
                span,
                format!("Reference to undeclared resource {kind}.{name}"),
                format!("No {kind} named \"{name}\" is declared in this module.{hint}"),
            );
        };
        // `vm.web[2]`: depend on that instance only, when the index is known.
        if let Some((
            Traverse {
                op: TraverseOp::Index(e),
                span: s,
            },
            tail,
        )) = rest.split_first()
        {
            let key = self.eval(e)?;
            let element = self.index(slot.value.clone(), &key, *s)?;
            match &element {
                Value::Ref(r) => self.deps.push(r.index),
                _ => self.deps.extend(slot.deps.iter()),
            }
            return self.apply_ops(element, tail);
        }
        self.deps.extend(slot.deps.iter());
        self.read_sensitive(slot.sensitive, || format!("{kind}.{name}"));
        self.apply_ops(slot.value, rest)
    }

    fn module_ref(&mut self, call: &str, span: Span, rest: &[Traverse]) -> R {
        let inst = &self.store.insts[self.inst];
        let Some(insts) = inst.calls.get(call).cloned() else {
            let hint = suggest::hint(call, inst.calls.keys().map(String::as_str));
            return self.fail(
                span,
                format!("Reference to undeclared module \"{call}\""),
                format!("No module call named \"{call}\" is declared in this module.{hint}"),
            );
        };
        // `module.m` or `module.m[key]` picks one instance; depend on that one only.
        let (id, rest) = match (&insts, rest.split_first()) {
            (CallInsts::Single(id), _) => (Some(*id), rest),
            (
                CallInsts::Count(_) | CallInsts::ForEach(_),
                Some((
                    Traverse {
                        op: TraverseOp::Index(e),
                        span: s,
                    },
                    tail,
                )),
            ) => {
                let key = self.eval(e)?;
                let id = match (&insts, &key) {
                    (_, Value::Unknown) => return Ok(Value::Unknown),
                    (CallInsts::Count(ids), k) => k
                        .as_integer()
                        .and_then(|i| usize::try_from(i).ok())
                        .and_then(|i| ids.get(i).copied()),
                    (CallInsts::ForEach(ids), k) => k
                        .to_template_string()
                        .and_then(|k| ids.iter().find(|(n, _)| *n == k).map(|(_, id)| *id)),
                    (CallInsts::Single(_), _) => None,
                };
                match id {
                    Some(id) => (Some(id), tail),
                    None => return self.fail(span.to(*s), format!("No such instance of module \"{call}\""), format!("There is no instance {key}: the index must be one of the module call's count indexes or for_each keys.")),
                }
            }
            _ => (None, rest),
        };
        let Some(id) = id else {
            let value = match insts {
                CallInsts::Count(ids) => {
                    Value::list(ids.into_iter().map(|id| self.outputs_of(id)).collect())
                }
                CallInsts::ForEach(ids) => Value::map(
                    ids.into_iter()
                        .map(|(k, id)| (k, self.outputs_of(id)))
                        .collect(),
                ),
                CallInsts::Single(id) => self.outputs_of(id),
            };
            return self.apply_ops(value, rest);
        };
        let Some((
            Traverse {
                op: TraverseOp::Attr(out),
                span: s,
            },
            tail,
        )) = rest.split_first()
        else {
            let value = self.outputs_of(id);
            return self.apply_ops(value, rest);
        };
        let m = &self.store.insts[id];
        match m.outputs.get(out).cloned() {
            Some(slot) => {
                self.deps.extend(slot.deps.iter());
                self.read_sensitive(slot.sensitive, || format!("module.{call}.{out}"));
                self.apply_ops(slot.value, tail)
            }
            None => {
                let hint = suggest::hint(out, m.outputs.keys().map(String::as_str));
                self.fail(
                    span.to(*s),
                    format!("Module \"{call}\" has no output \"{out}\""),
                    format!(
                        "Declare `output \"{out}\"` in the module, or use one of its outputs.{hint}"
                    ),
                )
            }
        }
    }

    /// All outputs of a module instance as an object, depending on all of them.
    fn outputs_of(&mut self, id: usize) -> Value {
        let m = &self.store.insts[id];
        let map: BTreeMap<String, Value> = m
            .outputs
            .iter()
            .map(|(k, s)| (k.clone(), s.value.clone()))
            .collect();
        let sensitive: Vec<String> = m
            .outputs
            .iter()
            .filter(|(_, slot)| slot.sensitive)
            .map(|(name, _)| name.clone())
            .collect();
        for slot in m.outputs.values() {
            self.deps.extend(slot.deps.iter());
        }
        for name in sensitive {
            self.read_sensitive(true, || format!("module output \"{name}\""));
        }
        Value::map(map)
    }

    pub fn apply_ops(&mut self, mut value: Value, ops: &[Traverse]) -> R {
        let mut i = 0;
        while i < ops.len() {
            let op = &ops[i];
            match &op.op {
                TraverseOp::Attr(name) => value = self.get_attr(value, name, op.span)?,
                TraverseOp::Index(e) => {
                    let key = self.eval(e)?;
                    value = self.index(value, &key, op.span)?;
                }
                TraverseOp::FullSplat | TraverseOp::AttrSplat => {
                    let end = if op.op == TraverseOp::FullSplat {
                        ops.len()
                    } else {
                        ops[i + 1..]
                            .iter()
                            .position(|o| !matches!(o.op, TraverseOp::Attr(_)))
                            .map_or(ops.len(), |p| i + 1 + p)
                    };
                    let tail = &ops[i + 1..end];
                    value = match value {
                        Value::Unknown => Value::Unknown,
                        Value::Null => Value::list(Vec::new()),
                        Value::List(items) | Value::Set(items) => Value::list(
                            items
                                .iter()
                                .map(|v| self.apply_ops(v.clone(), tail))
                                .collect::<Result<_, _>>()?,
                        ),
                        single => Value::list(vec![self.apply_ops(single, tail)?]),
                    };
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        Ok(value)
    }

    fn get_attr(&mut self, value: Value, name: &str, span: Span) -> R {
        match value {
            Value::Unknown => Ok(Value::Unknown),
            Value::Map(m) => match m.get(name) {
                Some(v) => Ok(v.clone()),
                None => {
                    let hint = suggest::hint(name, m.keys().map(String::as_str));
                    self.fail(span, format!("No attribute \"{name}\""), format!("This object has no attribute \"{name}\".{hint}"))
                }
            },
            Value::Ref(r) => match r.attrs.get(name) {
                Some(v) => {
                    let sensitive = r.sensitive.iter().any(|s| s == name);
                    self.read_sensitive(sensitive, || format!("{}.{name}", r.address));
                    Ok(v.clone())
                }
                None => {
                    let hint = suggest::hint(name, r.attrs.keys().map(String::as_str));
                    self.fail(span, format!("{} has no attribute \"{name}\"", r.address), format!("A {} has no attribute \"{name}\".{hint}", r.address.kind))
                }
            },
            Value::List(_) | Value::Set(_) => self.fail(span, format!("Cannot read \"{name}\" of a list"), format!("This is a list; pick one element with [index], or use a splat such as [*].{name} to read it from every element.")),
            Value::Null => self.fail(span, format!("Cannot read \"{name}\" of null"), "The value is null here."),
            v => self.fail(span, format!("Cannot read \"{name}\" of {}", v.type_name()), format!("Only objects, maps and resources have attributes; this is {v}.")),
        }
    }

    fn index(&mut self, value: Value, key: &Value, span: Span) -> R {
        match (&value, key) {
            (Value::Unknown, _) | (_, Value::Unknown) => Ok(Value::Unknown),
            (Value::List(items), Value::Number(_) | Value::String(_)) if to_number(key).is_some() => match to_number(key).and_then(|n| n.to_i64()) {
                Some(i) if i >= 0 && (i as usize) < items.len() => Ok(items[i as usize].clone()),
                _ => self.fail(span, "Index out of range", format!("The index {key} is outside the list, which has {} elements (indexes 0 to {}).", items.len(), items.len().saturating_sub(1) as i64)),
            },
            (Value::Map(m), _) => {
                let Some(k) = key.to_template_string() else {
                    return self.fail(span, "Invalid key", format!("A map is indexed by a string, got {}.", key.type_name()));
                };
                match m.get(&k) {
                    Some(v) => Ok(v.clone()),
                    None => {
                        let hint = suggest::hint(&k, m.keys().map(String::as_str));
                        self.fail(span, "No element with this key", format!("The map has no key \"{k}\".{hint}"))
                    }
                }
            }
            (Value::List(_), k) => self.fail(span, "Invalid index", format!("A list is indexed by a whole number, got {} {k}.", k.type_name())),
            (Value::Set(_), _) => self.fail(span, "Cannot index a set", "Sets have no order; convert with tolist() first, or iterate with `for`."),
            (Value::Ref(r), _) => self.fail(span, "Cannot index a single resource", format!("{} has neither count nor for_each, so it has no [index].", r.address)),
            (v, _) => self.fail(span, format!("Cannot index {}", v.type_name()), format!("Only lists and maps take [index]; this is {v}.")),
        }
    }
}

fn example_attr(name: &str) -> &'static str {
    match name {
        "count" => "index",
        "each" => "key",
        "path" => "module",
        "strata" => "workspace",
        _ => "NAME",
    }
}
