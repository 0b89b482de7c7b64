//! Expression evaluation: values from expressions, in the scope of one module instance.
//!
//! A [`Ctx`] evaluates expressions for one item (a resource instance, a local, an output),
//! collecting the resource instances the value came from (its dependencies) and the
//! diagnostics of anything wrong. A failed expression yields [`Fail`] after its diagnostic
//! is recorded, so one run reports every problem.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ast::{BinaryOp, Expr, ExprKind, ForExpr, ObjectKey, TemplatePart, UnaryOp};
use crate::diagnostic::Diagnostic;
use crate::functions;
use crate::source::Span;
use crate::suggest;
use crate::value::{Value, format_number};

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
        let detail = if self.sensitive {
            self.hidden_detail()
        } else {
            detail.into()
        };
        self.diags.push(Diagnostic::error(span, summary, detail));
        Err(Fail)
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
            ExprKind::Number(n) => Ok(Value::Number(*n)),
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

    fn template(&mut self, parts: &[TemplatePart]) -> R {
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
                    Value::Bool(b) => match self.template(if b { then } else { other })? {
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
                        let piece = self.template(body);
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
                    .map(|(i, v)| (Value::Number(i as f64), v.clone()))
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

    fn unary(&mut self, op: UnaryOp, inner: &Expr, span: Span) -> R {
        match (op, self.eval(inner)?) {
            (_, Value::Unknown) => Ok(Value::Unknown),
            (UnaryOp::Neg, Value::Number(n)) => Ok(Value::Number(-n)),
            (UnaryOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
            (UnaryOp::Neg, v) => self.fail(
                span,
                "Invalid operand",
                format!("`-` needs a number, got {} {v}.", v.type_name()),
            ),
            (UnaryOp::Not, v) => self.fail(
                span,
                "Invalid operand",
                format!("`!` needs a bool, got {} {v}.", v.type_name()),
            ),
        }
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> R {
        let a = self.eval(lhs)?;
        let b = self.eval(rhs)?;
        match op {
            BinaryOp::Eq => {
                return Ok(if a.is_unknown() || b.is_unknown() {
                    Value::Unknown
                } else {
                    Value::Bool(a == b)
                });
            }
            BinaryOp::NotEq => {
                return Ok(if a.is_unknown() || b.is_unknown() {
                    Value::Unknown
                } else {
                    Value::Bool(a != b)
                });
            }
            _ => {}
        }
        if matches!(a, Value::Unknown) || matches!(b, Value::Unknown) {
            return Ok(Value::Unknown);
        }
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            return match (&a, &b) {
                (Value::Bool(x), Value::Bool(y)) => Ok(Value::Bool(if op == BinaryOp::And {
                    *x && *y
                } else {
                    *x || *y
                })),
                _ => {
                    let (bad, e) = if matches!(a, Value::Bool(_)) {
                        (&b, rhs)
                    } else {
                        (&a, lhs)
                    };
                    self.fail(
                        e.span,
                        "Invalid operand",
                        format!(
                            "`{}` needs bools on both sides, got {} {bad}.",
                            op.symbol(),
                            bad.type_name()
                        ),
                    )
                }
            };
        }
        let (x, y) = match (&a, &b) {
            (Value::Number(x), Value::Number(y)) => (*x, *y),
            _ => {
                let (bad, e) = if matches!(a, Value::Number(_)) {
                    (&b, rhs)
                } else {
                    (&a, lhs)
                };
                let hint = if matches!(bad, Value::String(_)) && op == BinaryOp::Add {
                    " To join strings, use a template such as \"${a}${b}\"."
                } else if matches!(bad, Value::String(_)) {
                    " Sizes and durations are strings such as \"4GiB\"; compute with plain numbers and add the unit in a template: \"${n}GiB\"."
                } else {
                    ""
                };
                return self.fail(
                    e.span,
                    "Invalid operand",
                    format!(
                        "`{}` needs numbers on both sides, got {} {bad}.{hint}",
                        op.symbol(),
                        bad.type_name()
                    ),
                );
            }
        };
        let n = match op {
            BinaryOp::Add => x + y,
            BinaryOp::Sub => x - y,
            BinaryOp::Mul => x * y,
            BinaryOp::Div | BinaryOp::Mod if y == 0.0 => {
                return self.fail(
                    span,
                    "Division by zero",
                    format!("The right side of `{}` is zero.", op.symbol()),
                );
            }
            BinaryOp::Div => x / y,
            BinaryOp::Mod => x % y,
            BinaryOp::Less => return Ok(Value::Bool(x < y)),
            BinaryOp::LessEq => return Ok(Value::Bool(x <= y)),
            BinaryOp::Greater => return Ok(Value::Bool(x > y)),
            BinaryOp::GreaterEq => return Ok(Value::Bool(x >= y)),
            BinaryOp::Eq => return Ok(Value::Bool(x == y)),
            BinaryOp::NotEq => return Ok(Value::Bool(x != y)),
            BinaryOp::And | BinaryOp::Or => {
                return self.fail(
                    span,
                    "Invalid operand",
                    format!("`{}` needs bools on both sides, got numbers.", op.symbol()),
                );
            }
        };
        if n.is_finite() {
            Ok(Value::Number(n))
        } else {
            self.fail(
                span,
                "Number out of range",
                format!("The result of `{}` is too large to represent.", op.symbol()),
            )
        }
    }

    fn conditional(&mut self, cond: &Expr, then: &Expr, other: &Expr) -> R {
        match self.eval(cond)? {
            Value::Bool(true) => self.eval(then),
            Value::Bool(false) => self.eval(other),
            Value::Unknown => {
                self.eval(then)?;
                self.eval(other)?;
                Ok(Value::Unknown)
            }
            v => self.fail(
                cond.span,
                "Condition is not a bool",
                format!(
                    "The condition of `? :` must be true or false, got {} {v}.",
                    v.type_name()
                ),
            ),
        }
    }

    fn call(&mut self, name: &str, name_span: Span, args: &[Expr], expand: bool, span: Span) -> R {
        match name {
            "try" => return self.try_call(args, span),
            "can" => {
                let [arg] = args else {
                    return self.fail(
                        span,
                        "Wrong number of arguments",
                        "can() takes exactly one expression.",
                    );
                };
                return Ok(Value::Bool(self.quietly(arg).is_ok()));
            }
            _ => {}
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
        functions::call(name, &values).or_else(|message| {
            self.fail(
                span,
                format!("Call to function \"{name}\" failed"),
                format!("{message}."),
            )
        })
    }

    fn quietly(&mut self, expr: &Expr) -> R {
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

    fn try_call(&mut self, args: &[Expr], span: Span) -> R {
        if args.is_empty() {
            return self.fail(
                span,
                "Wrong number of arguments",
                "try() needs at least one expression.",
            );
        }
        for arg in args {
            if let Ok(v) = self.quietly(arg) {
                return Ok(v);
            }
        }
        self.fail(span, "No expression of try() succeeded", "Every argument of try() failed; add a last argument that cannot fail, such as a default value.")
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
        Value::Number(n) => match value.as_integer() {
            Some(i) if i >= 0 => Ok(i),
            _ => Err(format!("count must be a whole number of zero or more, got {}", format_number(*n))),
        },
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
