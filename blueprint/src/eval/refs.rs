//! Static references: which variables, locals, resources and module outputs an expression
//! names, found without evaluating it. They order evaluation and reveal cycles.

use crate::ast::{Body, Expr, ExprKind, ObjectKey, TemplatePart, TraverseOp};
use crate::source::Span;

/// A name an expression refers to: `root.attr.attr2`, e.g. `vm.web` or `module.db.url`.
#[derive(Clone, Debug)]
pub(crate) struct RawRef {
    pub root: String,
    pub attr: Option<String>,
    pub attr2: Option<String>,
    pub span: Span,
}

/// Collects the references of every attribute and nested block of `body`.
pub(crate) fn in_body(body: &Body, skip: &[&str], out: &mut Vec<RawRef>) {
    for attr in &body.attributes {
        if !skip.contains(&attr.name.name.as_str()) {
            in_expr(&attr.value, out);
        }
    }
    for block in &body.blocks {
        if block.kind.name != "lifecycle" {
            in_body(&block.body, &[], out);
        }
    }
}

/// Collects the references of an expression.
pub(crate) fn in_expr(expr: &Expr, out: &mut Vec<RawRef>) {
    Walker {
        bound: Vec::new(),
        out,
    }
    .expr(expr);
}

struct Walker<'a> {
    bound: Vec<String>,
    out: &'a mut Vec<RawRef>,
}

impl Walker<'_> {
    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) => {}
            ExprKind::Template(parts) => self.template(parts),
            ExprKind::Tuple(items) => items.iter().for_each(|e| self.expr(e)),
            ExprKind::Object(items) => {
                for (k, v) in items {
                    if let ObjectKey::Expr(e) = k {
                        self.expr(e);
                    }
                    self.expr(v);
                }
            }
            ExprKind::Variable(name) => self.reference(name, expr.span, &[]),
            ExprKind::Traversal(base, ops) => {
                match &base.kind {
                    ExprKind::Variable(name) => {
                        let names: Vec<(&str, Span)> = ops
                            .iter()
                            .map_while(|op| match &op.op {
                                TraverseOp::Attr(a) => Some((a.as_str(), op.span)),
                                _ => None,
                            })
                            .take(2)
                            .collect();
                        self.reference(name, base.span, &names);
                    }
                    _ => self.expr(base),
                }
                for op in ops {
                    if let TraverseOp::Index(e) = &op.op {
                        self.expr(e);
                    }
                }
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|e| self.expr(e)),
            ExprKind::Unary(_, e) | ExprKind::Parens(e) => self.expr(e),
            ExprKind::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Conditional(c, a, b) => {
                self.expr(c);
                self.expr(a);
                self.expr(b);
            }
            ExprKind::For(f) => {
                self.expr(&f.collection);
                let mark = self.bound.len();
                self.bound.extend(f.key_var.iter().cloned());
                self.bound.push(f.value_var.clone());
                if let Some(k) = &f.key {
                    self.expr(k);
                }
                self.expr(&f.value);
                if let Some(c) = &f.cond {
                    self.expr(c);
                }
                self.bound.truncate(mark);
            }
        }
    }

    fn template(&mut self, parts: &[TemplatePart]) {
        for part in parts {
            match part {
                TemplatePart::Literal(_) => {}
                TemplatePart::Interp(e) => self.expr(e),
                TemplatePart::If(c, a, b) => {
                    self.expr(c);
                    self.template(a);
                    self.template(b);
                }
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                } => {
                    self.expr(collection);
                    let mark = self.bound.len();
                    self.bound.extend(key_var.iter().cloned());
                    self.bound.push(value_var.clone());
                    self.template(body);
                    self.bound.truncate(mark);
                }
            }
        }
    }

    fn reference(&mut self, root: &str, span: Span, names: &[(&str, Span)]) {
        if self.bound.iter().any(|b| b == root) {
            return;
        }
        let end = names.last().map_or(span, |(_, s)| *s);
        self.out.push(RawRef {
            root: root.to_string(),
            attr: names.first().map(|(n, _)| n.to_string()),
            attr2: names.get(1).map(|(n, _)| n.to_string()),
            span: span.to(end),
        });
    }
}
