//! Parsing: blueprint files into the [`crate::ast`] tree, keeping every span.
//!
//! hcl-edit does the parsing; this module converts its tree into ours and turns syntax
//! errors into diagnostics. A folder is parsed like a Terraform module folder: every
//! `*.hcl` file in it, in name order.

use std::path::Path;

use hcl_edit::Span as _;
use hcl_edit::expr::{self as hx, Expression};
use hcl_edit::structure as hs;
use hcl_edit::template as ht;

use crate::ast::*;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::number::Number;
use crate::source::{FileId, SourceMap, Span};

/// One parsed file.
#[derive(Debug)]
pub struct ParsedFile {
    /// The file.
    pub file: FileId,
    /// Its contents.
    pub body: Body,
}

/// Parses every `*.hcl` file of `dir` (not its subfolders). Unreadable files and syntax
/// errors become diagnostics; the files that parse are returned.
pub fn parse_dir(dir: &Path, sources: &mut SourceMap, diags: &mut Diagnostics) -> Vec<ParsedFile> {
    let mut paths = match hcl_files(dir) {
        Ok(paths) => paths,
        Err(e) => {
            diags.push(Diagnostic::error(
                None,
                format!("Cannot read the blueprint folder {}", dir.display()),
                format!("{e}. Give the folder that holds the blueprint's .hcl files."),
            ));
            return Vec::new();
        }
    };
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| match std::fs::read_to_string(&path) {
            Ok(text) => parse_source(sources, &path, text, diags),
            Err(e) => {
                diags.push(Diagnostic::error(
                    None,
                    format!("Cannot read {}", path.display()),
                    format!("{e}."),
                ));
                None
            }
        })
        .collect()
}

/// The `*.hcl` files directly inside `dir`.
pub fn hcl_files(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "hcl") {
            out.push(path);
        }
    }
    Ok(out)
}

/// Adds `text` to the source map and parses it; a syntax error becomes a diagnostic.
pub fn parse_source(
    sources: &mut SourceMap,
    path: &Path,
    text: String,
    diags: &mut Diagnostics,
) -> Option<ParsedFile> {
    let file = sources.add(path, text);
    let text = &sources.file(file).text;
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => Some(ParsedFile {
            file,
            body: Converter { file, text }.body(&body, Span::new(file, 0..text.len())),
        }),
        Err(e) => {
            diags.push(syntax_error(
                file,
                text,
                &e,
                syntax_help(e.message(), e.line()),
            ));
            None
        }
    }
}

/// Adds `text` to the source map under `name` and parses it as one expression (what is
/// typed at `strata console`); a syntax error becomes a diagnostic.
pub fn parse_expression(
    sources: &mut SourceMap,
    name: &str,
    text: String,
    diags: &mut Diagnostics,
) -> Option<Expr> {
    let file = sources.add(name, text);
    let text = &sources.file(file).text;
    // hcl-edit takes no line break after an expression.
    match hcl_edit::parser::parse_expr(text.trim_end()) {
        Ok(expr) => Some(Converter { file, text }.expr(&expr, Span::new(file, 0..text.len()))),
        Err(e) => {
            let detail = format!("This is not a valid expression: {}.", e.message());
            diags.push(syntax_error(file, text, &e, detail));
            None
        }
    }
}

/// The diagnostic of a syntax error in `text`, at the character hcl-edit points at.
fn syntax_error(
    file: FileId,
    text: &str,
    e: &hcl_edit::parser::Error,
    detail: String,
) -> Diagnostic {
    let mut offset = e.location().offset().min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let end = text[offset..]
        .char_indices()
        .nth(1)
        .map_or(text.len(), |(i, _)| offset + i);
    Diagnostic::error(
        Span::new(file, offset..end.max(offset)),
        "Syntax error",
        detail,
    )
}

/// Reads a literal HCL value given as text (a `-var` value of a list or map type).
pub fn parse_literal(text: &str) -> Result<crate::value::Value, String> {
    let expr = hcl_edit::parser::parse_expr(text)
        .map_err(|e| format!("it is not valid HCL ({})", e.message()))?;
    let file = FileId(u32::MAX);
    let expr = Converter { file, text }.expr(&expr, Span::new(file, 0..0));
    crate::types::literal_value(&expr).ok_or_else(|| {
        "it must be a literal value, without references or function calls".to_string()
    })
}

/// Parses the text of a template file or string (`Hello, ${name}!`) into its parts, for
/// `templatefile` and `templatestring`. Spans inside point nowhere: errors in a rendered
/// template are reported at the call.
pub fn parse_template(text: &str) -> Result<Vec<TemplatePart>, String> {
    let template = hcl_edit::parser::parse_template(text).map_err(|e| {
        format!(
            "{} (line {}, column {})",
            e.message(),
            e.location().line(),
            e.location().column()
        )
    })?;
    let file = FileId(u32::MAX);
    Ok(Converter { file, text }.template(&template, Span::new(file, 0..0)))
}

/// hcl-edit's message, with a hint for the mistakes people make most.
fn syntax_help(message: &str, line: &str) -> String {
    let mut text = format!("The file is not valid HCL: {message}.");
    if message.contains("expected `=`") || line.contains('{') && line.matches('=').count() > 1 {
        text.push_str(
            "\nEach attribute goes on its own line as `name = value`; a one-line block such as `host { cpu = 64 }` can hold only one attribute.",
        );
    }
    text
}

struct Converter<'t> {
    file: FileId,
    /// The text being converted, for the exact digits of number literals.
    text: &'t str,
}

impl Converter<'_> {
    /// A number literal, read from its source text so that no digit is lost; hcl-edit's
    /// value (an `f64` for fractions and large numbers) when the text is not at hand.
    fn number(&self, n: &hcl_edit::Formatted<hcl_edit::Number>) -> Number {
        n.span()
            .and_then(|range| self.text.get(range))
            .and_then(Number::parse)
            .or_else(|| n.value().as_f64().and_then(Number::from_f64))
            .unwrap_or(Number::ZERO)
    }

    fn span(&self, item: &impl hcl_edit::Span, fallback: Span) -> Span {
        item.span().map_or(fallback, |r| Span::new(self.file, r))
    }

    fn ident(&self, ident: &hcl_edit::Decorated<hcl_edit::Ident>, fallback: Span) -> Ident {
        Ident {
            name: ident.as_str().to_string(),
            span: self.span(ident, fallback),
        }
    }

    fn body(&self, body: &hs::Body, fallback: Span) -> Body {
        let mut out = Body::default();
        for structure in body.iter() {
            match structure {
                hs::Structure::Attribute(attr) => {
                    let span = self.span(attr, fallback);
                    out.attributes.push(Attribute {
                        name: self.ident(&attr.key, span),
                        value: self.expr(&attr.value, span),
                        span,
                    });
                }
                hs::Structure::Block(block) => out.blocks.push(self.block(block, fallback)),
            }
        }
        out
    }

    fn block(&self, block: &hs::Block, fallback: Span) -> Block {
        let span = self.span(block, fallback);
        let labels = block
            .labels
            .iter()
            .map(|label| Ident {
                name: label.as_str().to_string(),
                span: self.span(label, span),
            })
            .collect();
        Block {
            kind: self.ident(&block.ident, span),
            labels,
            body: self.body(&block.body, span),
            span,
        }
    }

    fn expr(&self, expr: &Expression, fallback: Span) -> Expr {
        let span = self.span(expr, fallback);
        let kind = match expr {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => ExprKind::Number(self.number(n)),
            Expression::String(s) => {
                ExprKind::Template(vec![TemplatePart::Literal(s.value().to_string())])
            }
            Expression::StringTemplate(t) => ExprKind::Template(self.template(t, span)),
            Expression::HeredocTemplate(h) => {
                let mut parts = self.template(&h.template, span);
                // `<<-`: hcl-edit removed the common indentation from the top-level lines;
                // remove it from the lines inside %{ } directives too.
                if let Some(indent) = h.indent() {
                    dedent(&mut parts, indent, &mut true, false);
                }
                ExprKind::Template(parts)
            }
            Expression::Array(a) => ExprKind::Tuple(a.iter().map(|e| self.expr(e, span)).collect()),
            Expression::Object(o) => ExprKind::Object(
                o.iter()
                    .map(|(k, v)| (self.object_key(k, span), self.expr(v.expr(), span)))
                    .collect(),
            ),
            Expression::Parenthesis(p) => ExprKind::Parens(Box::new(self.expr(p.inner(), span))),
            Expression::Variable(v) => ExprKind::Variable(v.as_str().to_string()),
            Expression::Conditional(c) => ExprKind::Conditional(
                Box::new(self.expr(&c.cond_expr, span)),
                Box::new(self.expr(&c.true_expr, span)),
                Box::new(self.expr(&c.false_expr, span)),
            ),
            Expression::FuncCall(call) => self.call(call, span),
            Expression::Traversal(t) => ExprKind::Traversal(
                Box::new(self.expr(&t.expr, span)),
                t.operators
                    .iter()
                    .map(|op| self.traverse(op, span))
                    .collect(),
            ),
            Expression::UnaryOp(op) => ExprKind::Unary(
                match op.operator.value() {
                    hx::UnaryOperator::Neg => UnaryOp::Neg,
                    hx::UnaryOperator::Not => UnaryOp::Not,
                },
                Box::new(self.expr(&op.expr, span)),
            ),
            Expression::BinaryOp(op) => ExprKind::Binary(
                binary_op(*op.operator.value()),
                Box::new(self.expr(&op.lhs_expr, span)),
                Box::new(self.expr(&op.rhs_expr, span)),
            ),
            Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_string()),
                value_var: f.intro.value_var.as_str().to_string(),
                collection: self.expr(&f.intro.collection_expr, span),
                key: f.key_expr.as_ref().map(|k| self.expr(k, span)),
                value: self.expr(&f.value_expr, span),
                grouping: f.grouping,
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr, span)),
            })),
        };
        Expr { kind, span }
    }

    fn call(&self, call: &hx::FuncCall, span: Span) -> ExprKind {
        let mut name = self.ident(&call.name.name, span);
        if call.name.is_namespaced() {
            let mut parts: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
            parts.push(call.name.name.as_str());
            name.name = parts.join("::");
        }
        ExprKind::Call {
            name,
            args: call.args.iter().map(|a| self.expr(a, span)).collect(),
            expand: call.args.expand_final(),
        }
    }

    fn object_key(&self, key: &hx::ObjectKey, span: Span) -> ObjectKey {
        match key {
            hx::ObjectKey::Ident(i) => ObjectKey::Ident(self.ident(i, span)),
            hx::ObjectKey::Expression(e) => ObjectKey::Expr(self.expr(e, span)),
        }
    }

    fn traverse(
        &self,
        op: &hcl_edit::Decorated<hx::TraversalOperator>,
        fallback: Span,
    ) -> Traverse {
        let span = self.span(op, fallback);
        let op = match op.value() {
            hx::TraversalOperator::AttrSplat(_) => TraverseOp::AttrSplat,
            hx::TraversalOperator::FullSplat(_) => TraverseOp::FullSplat,
            hx::TraversalOperator::GetAttr(name) => TraverseOp::Attr(name.as_str().to_string()),
            hx::TraversalOperator::Index(e) => TraverseOp::Index(self.expr(e, span)),
            hx::TraversalOperator::LegacyIndex(i) => TraverseOp::Index(Expr {
                kind: ExprKind::Number(Number::from(*i.value())),
                span,
            }),
        };
        Traverse { op, span }
    }

    /// A template's parts, with `~` strip markers applied to the literals next to them.
    fn template(&self, template: &ht::Template, span: Span) -> Vec<TemplatePart> {
        let mut parts = Vec::new();
        let mut strip_next = false;
        for element in template.iter() {
            let (strip_before, part, strip_after) = match element {
                ht::Element::Literal(l) => {
                    (false, TemplatePart::Literal(l.value().to_string()), false)
                }
                ht::Element::Interpolation(i) => (
                    i.strip.strip_start(),
                    TemplatePart::Interp(self.expr(&i.expr, span)),
                    i.strip.strip_end(),
                ),
                ht::Element::Directive(directive) => match &**directive {
                    ht::Directive::If(d) => (
                        d.if_expr.strip.strip_start(),
                        self.if_directive(d, span),
                        d.endif_expr.strip.strip_end(),
                    ),
                    ht::Directive::For(d) => (
                        d.for_expr.strip.strip_start(),
                        self.for_directive(d, span),
                        d.endfor_expr.strip.strip_end(),
                    ),
                },
            };
            if strip_before {
                trim(&mut parts, false, true);
            }
            let mut piece = vec![part];
            if strip_next {
                trim(&mut piece, true, false);
            }
            parts.extend(piece);
            strip_next = strip_after;
        }
        parts
    }

    fn if_directive(&self, d: &ht::IfDirective, span: Span) -> TemplatePart {
        let mut then = self.template(&d.if_expr.template, span);
        let else_strip_start = d
            .else_expr
            .as_ref()
            .map_or(d.endif_expr.strip.strip_start(), |e| e.strip.strip_start());
        trim(&mut then, d.if_expr.strip.strip_end(), else_strip_start);
        let other = d.else_expr.as_ref().map_or_else(Vec::new, |e| {
            let mut other = self.template(&e.template, span);
            trim(
                &mut other,
                e.strip.strip_end(),
                d.endif_expr.strip.strip_start(),
            );
            other
        });
        TemplatePart::If(self.expr(&d.if_expr.cond_expr, span), then, other)
    }

    fn for_directive(&self, d: &ht::ForDirective, span: Span) -> TemplatePart {
        let mut body = self.template(&d.for_expr.template, span);
        trim(
            &mut body,
            d.for_expr.strip.strip_end(),
            d.endfor_expr.strip.strip_start(),
        );
        TemplatePart::For {
            key_var: d.for_expr.key_var.as_ref().map(|k| k.as_str().to_string()),
            value_var: d.for_expr.value_var.as_str().to_string(),
            collection: self.expr(&d.for_expr.collection_expr, span),
            body,
        }
    }
}

/// Removes up to `indent` leading spaces from every line of the literals inside
/// directives (`nested`), tracking where lines start through the top-level ones.
fn dedent(parts: &mut [TemplatePart], indent: usize, line_start: &mut bool, nested: bool) {
    for part in parts {
        match part {
            TemplatePart::Literal(text) if !nested => {
                *line_start = text.ends_with('\n') || text.is_empty() && *line_start
            }
            TemplatePart::Literal(text) => {
                let mut out = String::with_capacity(text.len());
                for piece in text.split_inclusive('\n') {
                    let piece = if *line_start {
                        let spaces = piece.len() - piece.trim_start_matches(' ').len();
                        &piece[spaces.min(indent)..]
                    } else {
                        piece
                    };
                    out.push_str(piece);
                    *line_start = piece.ends_with('\n');
                }
                *text = out;
            }
            TemplatePart::Interp(_) => *line_start = false,
            TemplatePart::If(_, then, other) => {
                let mut other_start = *line_start;
                dedent(then, indent, line_start, true);
                dedent(other, indent, &mut other_start, true);
            }
            TemplatePart::For { body, .. } => dedent(body, indent, line_start, true),
        }
    }
}

/// Strips white space from the start of the first literal and/or the end of the last one.
fn trim(parts: &mut [TemplatePart], start: bool, end: bool) {
    if start && let Some(TemplatePart::Literal(text)) = parts.first_mut() {
        *text = text.trim_start().to_string();
    }
    if end && let Some(TemplatePart::Literal(text)) = parts.last_mut() {
        *text = text.trim_end().to_string();
    }
}

fn binary_op(op: hx::BinaryOperator) -> BinaryOp {
    match op {
        hx::BinaryOperator::Eq => BinaryOp::Eq,
        hx::BinaryOperator::NotEq => BinaryOp::NotEq,
        hx::BinaryOperator::LessEq => BinaryOp::LessEq,
        hx::BinaryOperator::GreaterEq => BinaryOp::GreaterEq,
        hx::BinaryOperator::Less => BinaryOp::Less,
        hx::BinaryOperator::Greater => BinaryOp::Greater,
        hx::BinaryOperator::Plus => BinaryOp::Add,
        hx::BinaryOperator::Minus => BinaryOp::Sub,
        hx::BinaryOperator::Mul => BinaryOp::Mul,
        hx::BinaryOperator::Div => BinaryOp::Div,
        hx::BinaryOperator::Mod => BinaryOp::Mod,
        hx::BinaryOperator::And => BinaryOp::And,
        hx::BinaryOperator::Or => BinaryOp::Or,
    }
}
