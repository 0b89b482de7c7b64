//! Expression evaluation: values from expressions, in the scope of one module instance.
//!
//! A [`Ctx`] evaluates expressions for one item (a resource instance, a local, an output),
//! collecting the resource instances the value came from (its dependencies) and the
//! diagnostics of anything wrong. A failed expression yields [`Fail`] after its diagnostic
//! is recorded, so one run reports every problem.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ast::{Expr, ExprKind, ForExpr, ObjectKey, TemplatePart};
use crate::diagnostic::Diagnostic;
use crate::functions;
use crate::source::Span;
use crate::suggest;
use crate::types::to_number;
use crate::value::Value;

use super::state::Store;

/// An expression failed; its diagnostic is already recorded.
#[derive(Debug)]
pub(crate) struct Fail;

pub(crate) type R = Result<Value, Fail>;

/// The evaluation context of one item.
pub(crate) struct Ctx<'s> {
    pub(super) store: &'s Store,
    pub(super) inst: usize,
    pub count: Option<i64>,
    pub each: Option<(Value, Value)>,
    pub(super) bindings: Vec<(String, Value)>,
    pub deps: Vec<usize>,
    /// A sensitive value was read.
    pub sensitive: bool,
    /// The sensitive values read, as the blueprint names them (`var.token`), for messages.
    sensitive_reads: Vec<String>,
    pub diags: Vec<Diagnostic>,
    /// Inside `try`/`can`: errors are expected and not kept.
    quiet: usize,
    /// In a template of `templatefile`/`templatestring`: only the template's variables
    /// (the bindings) are in scope.
    pub(super) sealed: bool,
}

impl<'s> Ctx<'s> {
    pub fn new(store: &'s Store, inst: usize) -> Self {
        Ctx {
            store,
            inst,
            count: None,
            each: None,
            bindings: Vec::new(),
            deps: Vec::new(),
            sensitive: false,
            sensitive_reads: Vec::new(),
            diags: Vec::new(),
            quiet: 0,
            sealed: false,
        }
    }

    /// Binds a name (a variable's own value in its validation, `self`).
    pub fn bind(&mut self, name: &str, value: Value) {
        self.bindings.push((name.to_string(), value));
    }

    /// Removes the latest binding.
    pub fn unbind(&mut self) {
        self.bindings.pop();
    }

    /// Records an error and fails. When the expression has read a sensitive value, the
    /// detail, which could quote it (or something computed from it, such as a function's
    /// message about its argument), is replaced by one that names what is sensitive.
    pub fn fail(&mut self, span: Span, summary: impl Into<String>, detail: impl Into<String>) -> R {
        Err(self.error(span, summary, detail))
    }

    /// Records an error, returning the failure to give back. When the expression has read
    /// a sensitive value, the detail is replaced as [`Ctx::fail`] says.
    pub fn error(
        &mut self,
        span: Span,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) -> Fail {
        let detail = if self.sensitive {
            self.hidden_detail()
        } else {
            detail.into()
        };
        self.diags.push(Diagnostic::error(span, summary, detail));
        Fail
    }

    /// The detail of an error about an expression that read sensitive values.
    fn hidden_detail(&self) -> String {
        let what = match self.sensitive_reads.as_slice() {
            [] => "sensitive values".to_string(),
            [one] => format!("the sensitive value {one}"),
            [many @ .., last] => format!("the sensitive values {} and {last}", many.join(", ")),
        };
        format!(
            "The details are not shown because this expression uses {what}, and they could include it. Check the value given for it, or try the expression with a value that is not sensitive."
        )
    }

    /// Records that a value was read, and whether it is sensitive (`what` names it as the
    /// blueprint does: `var.token`).
    pub(super) fn read_sensitive(&mut self, sensitive: bool, what: impl FnOnce() -> String) {
        if !sensitive {
            return;
        }
        self.sensitive = true;
        let what = what();
        if !self.sensitive_reads.contains(&what) {
            self.sensitive_reads.push(what);
        }
    }

    /// Evaluates `expr` on its own: returns its value and whether it was computed from a
    /// sensitive value, and leaves what was read before as it was (plus what `expr` read).
    pub(crate) fn eval_apart(&mut self, expr: &Expr) -> (R, bool) {
        let outer = std::mem::take(&mut self.sensitive);
        let mark = self.sensitive_reads.len();
        let value = self.eval(expr);
        let sensitive = self.sensitive;
        self.sensitive |= outer;
        if !sensitive {
            self.sensitive_reads.truncate(mark);
        }
        (value, sensitive)
    }

    pub fn eval(&mut self, expr: &Expr) -> R {
        match &expr.kind {
            ExprKind::Null => Ok(Value::Null),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Number(n) => Ok(Value::Number(n.clone())),
            ExprKind::Template(parts) => self.template(parts),
            ExprKind::Tuple(items) => Ok(Value::list(
                items
                    .iter()
                    .map(|e| self.eval(e))
                    .collect::<Result<_, _>>()?,
            )),
            ExprKind::Object(items) => self.object(items),
            ExprKind::Variable(name) => self.traversal(name, expr.span, &[]),
            ExprKind::Traversal(base, ops) => match &base.kind {
                ExprKind::Variable(name) => self.traversal(name, base.span, ops),
                _ => {
                    let value = self.eval(base)?;
                    self.apply_ops(value, ops)
                }
            },
            ExprKind::Call { name, args, expand } => {
                self.call(&name.name, name.span, args, *expand, expr.span)
            }
            ExprKind::Unary(op, inner) => self.unary(*op, inner, expr.span),
            ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs, expr.span),
            ExprKind::Conditional(cond, then, other) => self.conditional(cond, then, other),
            ExprKind::For(f) => self.for_expr(f, expr.span),
            ExprKind::Parens(inner) => self.eval(inner),
        }
    }

    fn object(&mut self, items: &[(ObjectKey, Expr)]) -> R {
        let mut map = BTreeMap::new();
        for (key, value) in items {
            let key = match key {
                ObjectKey::Ident(i) => i.name.clone(),
                ObjectKey::Expr(e) => match self.eval(e)? {
                    Value::Unknown => return Ok(Value::Unknown),
                    v => match v.to_template_string() {
                        Some(s) => s,
                        None => {
                            return self.fail(
                                e.span,
                                "Invalid object key",
                                format!("An object key must be a string, not {}.", v.type_name()),
                            );
                        }
                    },
                },
            };
            let value = self.eval(value)?;
            map.insert(key, value);
        }
        Ok(Value::map(map))
    }

    pub(super) fn template(&mut self, parts: &[TemplatePart]) -> R {
        // A template that is one interpolation is the value itself, as in Terraform:
        // `"${var.racks}"` is the list, `count = "${var.n}"` the number.
        if let [TemplatePart::Interp(e)] = parts {
            return self.eval(e);
        }
        self.template_text(parts)
    }

    /// The text of a template.
    fn template_text(&mut self, parts: &[TemplatePart]) -> R {
        let mut out = String::new();
        for part in parts {
            match part {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Interp(e) => match self.eval(e)? {
                    Value::Unknown => return Ok(Value::Unknown),
                    v => match v.to_template_string() {
                        Some(s) => out.push_str(&s),
                        None => {
                            let hint = if matches!(v, Value::Ref(_)) {
                                " To use a resource in a string, pick one of its attributes, such as .name."
                            } else {
                                ""
                            };
                            return self.fail(e.span, "Cannot use this value in a string", format!("${{...}} needs a string, number or bool; this is {} {v}.{hint}", v.type_name()));
                        }
                    },
                },
                TemplatePart::If(cond, then, other) => match self.eval(cond)? {
                    Value::Bool(b) => match self.template_text(if b { then } else { other })? {
                        Value::String(s) => out.push_str(&s),
                        _ => return Ok(Value::Unknown),
                    },
                    Value::Unknown => return Ok(Value::Unknown),
                    v => {
                        return self.fail(
                            cond.span,
                            "Condition is not a bool",
                            format!("%{{ if }} needs true or false, got {} {v}.", v.type_name()),
                        );
                    }
                },
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                } => {
                    let coll = self.eval(collection)?;
                    let Some(pairs) = self.iterate(&coll, collection.span)? else {
                        return Ok(Value::Unknown);
                    };
                    for (k, v) in pairs {
                        let mark = self.bindings.len();
                        if let Some(kv) = key_var {
                            self.bindings.push((kv.clone(), k));
                        }
                        self.bindings.push((value_var.clone(), v));
                        let piece = self.template_text(body);
                        self.bindings.truncate(mark);
                        match piece? {
                            Value::String(s) => out.push_str(&s),
                            _ => return Ok(Value::Unknown),
                        }
                    }
                }
            }
        }
        Ok(Value::string(out))
    }

    /// Key/value pairs of a collection; `None` when it is unknown.
    fn iterate(&mut self, coll: &Value, span: Span) -> Result<Option<Vec<(Value, Value)>>, Fail> {
        match coll {
            Value::Unknown => Ok(None),
            Value::List(items) => Ok(Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Value::number(i), v.clone()))
                    .collect(),
            )),
            Value::Set(items) => Ok(Some(items.iter().map(|v| (v.clone(), v.clone())).collect())),
            Value::Map(m) => Ok(Some(
                m.iter()
                    .map(|(k, v)| (Value::string(k.as_str()), v.clone()))
                    .collect(),
            )),
            Value::Null => {
                self.fail(
                    span,
                    "Cannot iterate over null",
                    "A `for` needs a list, set or map here, but the value is null.",
                )?;
                Ok(None)
            }
            v => {
                self.fail(
                    span,
                    "Cannot iterate over this value",
                    format!(
                        "A `for` needs a list, set or map, got {} {v}.",
                        v.type_name()
                    ),
                )?;
                Ok(None)
            }
        }
    }

    fn for_expr(&mut self, f: &ForExpr, span: Span) -> R {
        let coll = self.eval(&f.collection)?;
        let Some(pairs) = self.iterate(&coll, f.collection.span)? else {
            return Ok(Value::Unknown);
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (k, v) in pairs {
            let mark = self.bindings.len();
            if let Some(kv) = &f.key_var {
                self.bindings.push((kv.clone(), k));
            }
            self.bindings.push((f.value_var.clone(), v));
            let step = self.for_step(f, &mut list, &mut map, &mut groups, span);
            self.bindings.truncate(mark);
            if step? {
                return Ok(Value::Unknown);
            }
        }
        Ok(match (&f.key, f.grouping) {
            (None, _) => Value::list(list),
            (Some(_), false) => Value::map(map),
            (Some(_), true) => Value::map(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::list(v)))
                    .collect(),
            ),
        })
    }

    /// One element of a `for`; true when the result became unknown.
    fn for_step(
        &mut self,
        f: &ForExpr,
        list: &mut Vec<Value>,
        map: &mut BTreeMap<String, Value>,
        groups: &mut BTreeMap<String, Vec<Value>>,
        span: Span,
    ) -> Result<bool, Fail> {
        if let Some(cond) = &f.cond {
            match self.eval(cond)? {
                Value::Bool(true) => {}
                Value::Bool(false) => return Ok(false),
                Value::Unknown => return Ok(true),
                v => {
                    self.fail(
                        cond.span,
                        "Condition is not a bool",
                        format!(
                            "The `if` of a `for` needs true or false, got {} {v}.",
                            v.type_name()
                        ),
                    )?;
                }
            }
        }
        let value = self.eval(&f.value)?;
        let Some(key_expr) = &f.key else {
            list.push(value);
            return Ok(false);
        };
        let key = match self.eval(key_expr)? {
            Value::Unknown => return Ok(true),
            k => match k.to_template_string() {
                Some(s) => s,
                None => {
                    self.fail(
                        key_expr.span,
                        "Invalid object key",
                        format!(
                            "The key of a `for` object must be a string, got {}.",
                            k.type_name()
                        ),
                    )?;
                    return Ok(false);
                }
            },
        };
        if f.grouping {
            groups.entry(key).or_default().push(value);
        } else if map.insert(key.clone(), value).is_some() {
            self.fail(
                key_expr.span.to(span),
                "Duplicate key in a for expression",
                format!("Two elements produce the key \"{key}\". Make keys unique, or add `...` after the value to group elements with the same key into lists."),
            )?;
        }
        Ok(false)
    }

    fn call(&mut self, name: &str, name_span: Span, args: &[Expr], expand: bool, span: Span) -> R {
        if let Some(result) = self.special_form(name, args, span) {
            return result;
        }
        if !functions::NAMES.contains(&name) {
            return self.fail(
                name_span,
                format!("Unknown function \"{name}\""),
                format!("There is no function named \"{name}\".{} The functions are listed in docs/language.md.", suggest::hint(name, functions::NAMES.iter().copied())),
            );
        }
        let mut values: Vec<Value> = args
            .iter()
            .map(|a| self.eval(a))
            .collect::<Result<_, _>>()?;
        if expand {
            match values.pop() {
                Some(Value::List(items) | Value::Set(items)) => {
                    values.extend(items.iter().cloned())
                }
                Some(Value::Unknown) => return Ok(Value::Unknown),
                Some(v) => {
                    return self.fail(
                        span,
                        "Cannot expand this argument",
                        format!(
                            "`...` needs a list as the last argument, got {}.",
                            v.type_name()
                        ),
                    );
                }
                None => {}
            }
        }
        let scope = self.scope();
        functions::call(name, &values, &scope)
            .map_err(|message| self.function_error(span, name, &message))
    }

    /// What the functions that read files or the clock need.
    pub(super) fn scope(&self) -> functions::Scope<'s> {
        functions::Scope {
            base_dir: &self.store.node_dirs[0],
            plan_time: self.store.plan_time,
        }
    }

    /// Records that a call to the function `name` failed with `message` (a sentence without
    /// its period). Every function error goes through here, so that how they are reported
    /// (and what they may quote) is decided in one place.
    pub(super) fn function_error(&mut self, span: Span, name: &str, message: &str) -> Fail {
        self.error(
            span,
            format!("Call to function \"{name}\" failed"),
            format!("{message}."),
        )
    }

    /// Evaluates `expr` only to look at its value: its errors, dependencies and
    /// sensitivity are not kept.
    pub(super) fn peek(&mut self, expr: &Expr) -> Option<Value> {
        let deps = self.deps.len();
        let sensitive = self.sensitive;
        let value = self.quietly(expr).ok();
        self.deps.truncate(deps);
        self.sensitive = sensitive;
        value
    }

    pub(super) fn quietly(&mut self, expr: &Expr) -> R {
        self.quiet += 1;
        let mark = self.diags.len();
        let result = self.eval(expr);
        if result.is_err() {
            self.diags.truncate(mark);
        }
        self.quiet -= 1;
        match result {
            Ok(v) if v.is_unknown() => Ok(Value::Unknown),
            other => other,
        }
    }
}

/// Turns a value from for_each into keys and `each.value`s.
pub(crate) fn for_each_pairs(value: &Value) -> Result<Vec<(String, Value)>, String> {
    match value {
        Value::Map(m) => Ok(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        Value::Set(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok((s.to_string(), v.clone())),
                other => Err(format!("a set given to for_each must hold strings, and this one holds {} {other}", other.type_name())),
            })
            .collect(),
        Value::List(_) => Err("for_each needs a map or a set of strings, not a list; convert it with toset(...)".into()),
        Value::Unknown => Err("for_each depends on values known only after apply; use values known now, such as variables".into()),
        v => Err(format!("for_each needs a map or a set of strings, got {} {v}", v.type_name())),
    }
}

/// A number as an index into count, or the reason it is not one.
pub(crate) fn count_value(value: &Value) -> Result<i64, String> {
    match value {
        Value::Number(_) | Value::String(_) if to_number(value).is_some() => {
            match to_number(value).and_then(|n| n.to_i64()) {
                Some(i) if i >= 0 => Ok(i),
                _ => Err(format!("count must be a whole number of zero or more, got {value}")),
            }
        }
        Value::Unknown => Err("count depends on values known only after apply; use values known now, such as variables".into()),
        v => Err(format!("count must be a whole number, got {} {v}", v.type_name())),
    }
}

/// Shares a dependency list.
pub(crate) fn deps_of(mut deps: Vec<usize>) -> Arc<[usize]> {
    deps.sort_unstable();
    deps.dedup();
    deps.into()
}
