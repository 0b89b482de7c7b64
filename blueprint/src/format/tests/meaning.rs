//! What an HCL file means, for comparing a file with its formatted self.
//!
//! That is its `hcl::Body` as hcl-rs parses it, except that hcl-rs keeps
//! the source text of templates, whitespace inside `${ }` included, so each
//! template is parsed into its elements and compared as those; and that
//! what Terraform holds equal, and `terraform fmt` rewrites, is made equal:
//! block labels are strings however written, an attribute whose value is a
//! lone interpolation (`"${x}"`) means its expression, and parentheses
//! (whose grouping the tree already shows) are dropped.

use hcl::expr::{Expression, ObjectKey, Operation, TemplateExpr, TraversalOperator};
use hcl::template::{Directive, Element, Template};
use hcl::{BlockLabel, Body, Structure};

/// The meaning of `src`, if hcl-rs parses it.
pub(super) fn meaning(src: &str) -> Option<Body> {
    let mut body = hcl::parse(src).ok()?;
    normalize_body(&mut body);
    Some(body)
}

fn normalize_body(body: &mut Body) {
    for structure in &mut body.0 {
        match structure {
            Structure::Attribute(attribute) => {
                unwrap_interpolation(&mut attribute.expr);
                normalize(&mut attribute.expr);
            }
            Structure::Block(block) => {
                for label in &mut block.labels {
                    if let BlockLabel::Identifier(name) = label {
                        *label = BlockLabel::String(name.to_string());
                    }
                }
                normalize_body(&mut block.body);
            }
        }
    }
}

/// A quoted template that is one interpolation and nothing else becomes
/// the interpolated expression, and parentheses around it are dropped, as
/// many times as that applies.
fn unwrap_interpolation(expr: &mut Expression) {
    loop {
        match expr {
            Expression::Parenthesis(inner) => {
                *expr = std::mem::replace(&mut **inner, Expression::Null);
            }
            Expression::TemplateExpr(template)
                if matches!(**template, TemplateExpr::QuotedString(_)) =>
            {
                let Ok(parsed) = Template::from_expr(template) else {
                    return;
                };
                let [Element::Interpolation(interpolation)] = parsed.elements() else {
                    return;
                };
                *expr = interpolation.expr.clone();
            }
            _ => return,
        }
    }
}

fn normalize(expr: &mut Expression) {
    match expr {
        Expression::Array(items) => items.iter_mut().for_each(normalize),
        Expression::Object(object) => {
            *object = std::mem::take(object)
                .into_iter()
                .map(|(mut key, mut value)| {
                    if let ObjectKey::Expression(key) = &mut key {
                        normalize(key);
                    }
                    normalize(&mut value);
                    (key, value)
                })
                .collect();
        }
        Expression::TemplateExpr(template) => *expr = Expression::String(parsed(template)),
        Expression::Traversal(traversal) => {
            normalize(&mut traversal.expr);
            for operator in &mut traversal.operators {
                if let TraversalOperator::Index(index) = operator {
                    normalize(index);
                }
            }
        }
        Expression::FuncCall(call) => call.args.iter_mut().for_each(normalize),
        Expression::Parenthesis(inner) => {
            normalize(inner);
            *expr = std::mem::replace(&mut **inner, Expression::Null);
        }
        Expression::Conditional(conditional) => {
            normalize(&mut conditional.cond_expr);
            normalize(&mut conditional.true_expr);
            normalize(&mut conditional.false_expr);
        }
        Expression::Operation(operation) => match operation.as_mut() {
            Operation::Unary(unary) => normalize(&mut unary.expr),
            Operation::Binary(binary) => {
                normalize(&mut binary.lhs_expr);
                normalize(&mut binary.rhs_expr);
            }
        },
        Expression::ForExpr(for_expr) => {
            normalize(&mut for_expr.collection_expr);
            for_expr.key_expr.iter_mut().for_each(normalize);
            normalize(&mut for_expr.value_expr);
            for_expr.cond_expr.iter_mut().for_each(normalize);
        }
        _ => {}
    }
}

/// A template expression as the debug text of its parsed, normalized
/// elements, without backslashes: hcl-rs keeps the literals of a template
/// nested in an interpolation escaped once more than at the top level, so
/// that escapes are not compared (the formatter never changes literals).
fn parsed(expr: &TemplateExpr) -> String {
    let (kind, raw) = match expr {
        TemplateExpr::Heredoc(heredoc) => {
            (format!("heredoc {:?}", heredoc.strip), &heredoc.template)
        }
        TemplateExpr::QuotedString(raw) => ("quoted".to_owned(), raw),
    };
    match Template::from_expr(expr) {
        Ok(mut template) => {
            normalize_template(&mut template);
            format!("{kind} template {template:?}").replace('\\', "")
        }
        // hcl-rs fails to parse some templates it produced itself (quoted
        // templates nested in directives); those compare without whitespace.
        Err(_) => {
            let text: String = raw.split_whitespace().collect();
            format!("{kind} unparsed {text}")
        }
    }
}

fn normalize_template(template: &mut Template) {
    for element in template.elements_mut() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(interpolation) => normalize(&mut interpolation.expr),
            Element::Directive(directive) => match directive.as_mut() {
                Directive::If(directive) => {
                    normalize(&mut directive.cond_expr);
                    normalize_template(&mut directive.true_template);
                    directive
                        .false_template
                        .iter_mut()
                        .for_each(normalize_template);
                }
                Directive::For(directive) => {
                    normalize(&mut directive.collection_expr);
                    normalize_template(&mut directive.template);
                }
            },
        }
    }
}
