//! Reading the fields of language blocks: string and bool literals, required attributes,
//! and the attributes and blocks a block does not take.

use crate::ast::{Attribute, Block, Body, Expr, ExprKind, TemplatePart};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::suggest;

/// True for names usable as `kind.name`.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Reports attributes and blocks a language block does not take.
pub(crate) fn check_fields(
    block: &Block,
    attrs: &[&str],
    blocks: &[&str],
    diags: &mut Diagnostics,
) {
    for attr in &block.body.attributes {
        if !attrs.contains(&attr.name.name.as_str()) {
            diags.push(Diagnostic::error(
                attr.name.span,
                format!(
                    "Unknown attribute \"{}\" in a {} block",
                    attr.name.name, block.kind.name
                ),
                format!(
                    "A {} block takes {}.{}",
                    block.kind.name,
                    attrs.join(", "),
                    suggest::hint(&attr.name.name, attrs.iter().copied())
                ),
            ));
        }
    }
    for inner in &block.body.blocks {
        if !blocks.contains(&inner.kind.name.as_str()) {
            diags.push(Diagnostic::error(
                inner.kind.span,
                format!(
                    "Unexpected block \"{}\" in a {} block",
                    inner.kind.name, block.kind.name
                ),
                format!(
                    "A {} block holds {}.",
                    block.kind.name,
                    if blocks.is_empty() {
                        "no nested blocks".to_string()
                    } else {
                        format!("only {} blocks", blocks.join(", "))
                    }
                ),
            ));
        }
    }
}

pub(crate) fn required_attr<'a>(
    block: &'a Block,
    name: &str,
    diags: &mut Diagnostics,
) -> Option<&'a Attribute> {
    let found = block.body.attribute(name);
    if found.is_none() {
        diags.push(Diagnostic::error(
            block.header_span(),
            format!("Missing required attribute \"{name}\""),
            format!("A {} block needs `{name} = ...`.", block.kind.name),
        ));
    }
    found
}

/// The text of a string literal without interpolations.
pub fn literal(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Template(parts) => match parts.as_slice() {
            [TemplatePart::Literal(s)] => Some(s),
            [] => Some(""),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn literal_string(body: &Body, name: &str, diags: &mut Diagnostics) -> Option<String> {
    let attr = body.attribute(name)?;
    let text = literal(&attr.value);
    if text.is_none() {
        diags.push(Diagnostic::error(
            attr.value.span,
            format!("\"{name}\" must be a literal string"),
            "Write plain text in quotes; it cannot refer to other values.",
        ));
    }
    text.map(str::to_string)
}

pub(super) fn literal_bool(body: &Body, name: &str, diags: &mut Diagnostics) -> bool {
    let Some(attr) = body.attribute(name) else {
        return false;
    };
    match attr.value.kind {
        ExprKind::Bool(b) => b,
        _ => {
            diags.push(Diagnostic::error(
                attr.value.span,
                format!("\"{name}\" must be true or false"),
                "Write the literal true or false; it cannot refer to other values.",
            ));
            false
        }
    }
}
