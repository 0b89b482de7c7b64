//! Expression evaluation: values from expressions, in the scope of one module instance.
//!
//! A [`Ctx`] evaluates expressions for one item (a resource instance, a local, an output),
//! collecting the resource instances the value came from (its dependencies) and the
//! diagnostics of anything wrong. A failed expression yields [`Fail`] after its diagnostic
//! is recorded, so one run reports every problem.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ast::{
    BinaryOp, Expr, ExprKind, ForExpr, ObjectKey, TemplatePart, Traverse, TraverseOp, UnaryOp,
};
use crate::diagnostic::Diagnostic;
use crate::functions;
use crate::schema;
use crate::source::Span;
use crate::suggest;
use crate::value::{Value, format_number};

use super::state::{CallInsts, Store};

/// An expression failed; its diagnostic is already recorded.
#[derive(Debug)]
pub(crate) struct Fail;

pub(crate) type R = Result<Value, Fail>;

/// The evaluation context of one item.
pub(crate) struct Ctx<'s> {
    store: &'s Store,
    inst: usize,
    pub count: Option<i64>,
    pub each: Option<(Value, Value)>,
    bindings: Vec<(String, Value)>,
    pub deps: Vec<usize>,
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

    /// Records an error and fails.
    pub fn fail(&mut self, span: Span, summary: impl Into<String>, detail: impl Into<String>) -> R {
        self.diags.push(Diagnostic::error(span, summary, detail));
        Err(Fail)
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

    /// Evaluates `name` followed by traversal steps.
    fn traversal(&mut self, name: &str, span: Span, ops: &[Traverse]) -> R {
        if let Some(v) = self
            .bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
        {
            return self.apply_ops(v, ops);
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
                    Some(i) => self.apply_ops(Value::Number(i as f64), rest),
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
                    self.apply_ops(slot.value, rest)
                }
                None => {
                    let hint = suggest::hint(attr, inst.locals.keys().map(String::as_str));
                    self.fail(span.to(s), format!("Unknown local value \"{attr}\""), format!("No local value \"{attr}\" is declared in this module's `locals` blocks.{hint}"))
                }
            },
            ("module", Some((attr, s))) => self.module_ref(attr, span.to(s), rest),
            ("path", Some((attr, s))) => {
                let dir = &self.store.node_dirs[inst.node];
                let value = match attr {
                    "module" => dir.display().to_string(),
                    "root" => self.store.node_dirs[0].display().to_string(),
                    "cwd" => std::env::current_dir()
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
            (kind, Some((attr, s))) if schema::kind(kind).is_some() => {
                self.resource_ref(kind, attr, span.to(s), rest)
            }
            ("count" | "each" | "var" | "local" | "module" | "path", None) => self.fail(
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
                    ["var", "local", "module", "count", "each", "path"]
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
                    None => return self.fail(span.to(*s), format!("No instance {key} of module \"{call}\""), "The index must be one of the module call's count indexes or for_each keys."),
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
        for slot in m.outputs.values() {
            self.deps.extend(slot.deps.iter());
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
                        Value::Map(m) if op.op == TraverseOp::FullSplat => Value::list(
                            m.values()
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
                Some(v) => Ok(v.clone()),
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
            (Value::List(items), Value::Number(_)) => match key.as_integer() {
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
                        self.fail(span, format!("No element with key \"{k}\""), format!("The map has no key \"{k}\".{hint}"))
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
        _ => "NAME",
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
