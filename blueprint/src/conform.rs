//! Conformance: an evaluated block checked against its kind's schema and turned into typed
//! [`Fields`]: unknown or missing attributes, wrong types, units and bounds, references to
//! the wrong kind, and catalog defaults for platform services.

mod check;
mod coerce;
mod defaults;

use crate::ast::Ident;
use crate::config::{Field, Fields, NestedBlock, Typed};
use crate::diagnostic::Diagnostic;
use crate::schema::{BlockSchema, KindSchema};
use crate::source::Span;
use crate::suggest;
use crate::value::Value;

pub(crate) use check::check_value;
use check::{Given, check_attr};
use defaults::{apply_catalog, default_attr};

/// An evaluated attribute.
#[derive(Debug)]
pub(crate) struct RawAttr {
    pub name: Ident,
    pub value: Value,
    pub span: Span,
    /// Computed from a sensitive value.
    pub sensitive: bool,
}

/// An evaluated block: attribute values and nested blocks, not yet checked.
#[derive(Debug)]
pub(crate) struct RawBlock {
    pub kind: Ident,
    pub labels: Vec<Ident>,
    pub attrs: Vec<RawAttr>,
    pub blocks: Vec<RawBlock>,
    pub span: Span,
    /// Stands for blocks a `dynamic` block will generate from a value known only after
    /// apply: not checked, but not missing either.
    pub unknown: bool,
}

/// Checks a resource block against its kind and returns its typed fields.
pub(crate) fn conform(kind: &KindSchema, raw: &RawBlock, diags: &mut Vec<Diagnostic>) -> Fields {
    let mut fields = conform_body(kind.kind, &kind.body, raw, diags);
    if kind.kind == "service" {
        apply_catalog(&mut fields, raw.span);
    }
    if kind.kind == "job" {
        default_attr(&mut fields, "cpu", Typed::Num(1.0), raw.span);
        default_attr(&mut fields, "memory", Typed::Size(1 << 30), raw.span);
    }
    fields
}

fn conform_body(
    context: &str,
    schema: &BlockSchema,
    raw: &RawBlock,
    diags: &mut Vec<Diagnostic>,
) -> Fields {
    let mut fields = Fields::default();
    for attr in &raw.attrs {
        let name = attr.name.name.as_str();
        let Some(spec) = schema.attr(name) else {
            diags.push(unknown_attribute(context, schema, &attr.name));
            continue;
        };
        if matches!(attr.value, Value::Null) {
            continue;
        }
        let given = Given {
            value: &attr.value,
            span: attr.span,
            sensitive: attr.sensitive,
        };
        if let Some(value) = check_attr(context, spec, given, diags) {
            fields.attrs.insert(
                name.to_string(),
                Field {
                    value,
                    span: attr.span,
                },
            );
        }
    }
    for spec in &schema.attrs {
        if fields.attrs.contains_key(spec.name)
            || raw
                .attrs
                .iter()
                .any(|a| a.name.name == spec.name && !matches!(a.value, Value::Null))
        {
            continue;
        }
        if spec.required {
            diags.push(Diagnostic::error(
                raw_header(raw),
                format!("Missing required attribute \"{}\"", spec.name),
                format!(
                    "A {context} block needs `{} = ...`: {} ({}).",
                    spec.name,
                    spec.doc.trim_end_matches('.'),
                    spec.ty.describe()
                ),
            ));
        } else if let Some(default) = &spec.default {
            let given = Given {
                value: default,
                span: raw.span,
                sensitive: false,
            };
            if let Some(value) = check_attr(context, spec, given, diags) {
                fields.attrs.insert(
                    spec.name.to_string(),
                    Field {
                        value,
                        span: raw.span,
                    },
                );
                fields.implied.insert(spec.name.to_string());
            }
        } else if spec.computed {
            fields.implied.insert(spec.name.to_string());
            fields.attrs.insert(
                spec.name.to_string(),
                Field {
                    value: Typed::Unknown,
                    span: raw.span,
                },
            );
        }
    }
    conform_blocks(context, schema, raw, &mut fields, diags);
    fields
}

fn raw_header(raw: &RawBlock) -> Span {
    raw.labels
        .last()
        .map_or(raw.kind.span, |l| raw.kind.span.to(l.span))
}

fn unknown_attribute(context: &str, schema: &BlockSchema, name: &Ident) -> Diagnostic {
    if schema.block(&name.name).is_some() {
        return Diagnostic::error(
            name.span,
            format!("\"{}\" is a block, not an attribute", name.name),
            format!(
                "Write it as a block: `{} {{ ... }}`, without `=`.",
                name.name
            ),
        );
    }
    let candidates = schema
        .attrs
        .iter()
        .map(|a| a.name)
        .chain(schema.blocks.iter().map(|b| b.name));
    let names: Vec<&str> = schema.attrs.iter().map(|a| a.name).collect();
    Diagnostic::error(
        name.span,
        format!("Unknown attribute \"{}\"", name.name),
        format!(
            "A {context} block has no attribute \"{}\".{} It takes {}.",
            name.name,
            suggest::hint(&name.name, candidates),
            names.join(", ")
        ),
    )
}

fn conform_blocks(
    context: &str,
    schema: &BlockSchema,
    raw: &RawBlock,
    fields: &mut Fields,
    diags: &mut Vec<Diagnostic>,
) {
    // Blocks written but rejected (wrong labels, written as attributes) are reported once,
    // not again as missing.
    let attempted: Vec<&str> = raw
        .blocks
        .iter()
        .map(|b| b.kind.name.as_str())
        .chain(raw.attrs.iter().map(|a| a.name.name.as_str()))
        .collect();
    for block in raw.blocks.iter().filter(|b| !b.unknown) {
        let Some(spec) = schema.block(&block.kind.name) else {
            if schema.attr(&block.kind.name).is_some() {
                diags.push(Diagnostic::error(
                    block.kind.span,
                    format!("\"{}\" is an attribute, not a block", block.kind.name),
                    format!("Write it as `{} = value`.", block.kind.name),
                ));
                continue;
            }
            let candidates = schema
                .blocks
                .iter()
                .map(|b| b.name)
                .chain(schema.attrs.iter().map(|a| a.name));
            let blocks: Vec<&str> = schema.blocks.iter().map(|b| b.name).collect();
            let takes = if blocks.is_empty() {
                "no nested blocks".to_string()
            } else {
                format!("the blocks {}", blocks.join(", "))
            };
            diags.push(Diagnostic::error(
                block.kind.span,
                format!("Unknown block \"{}\"", block.kind.name),
                format!(
                    "A {context} block has no block \"{}\".{} It takes {takes}.",
                    block.kind.name,
                    suggest::hint(&block.kind.name, candidates)
                ),
            ));
            continue;
        };
        let wanted = usize::from(spec.label.is_some());
        if block.labels.len() != wanted {
            let form = match spec.label {
                Some(l) => format!("`{} \"{l}\" {{ ... }}`", spec.name),
                None => format!("`{} {{ ... }}`, without a label", spec.name),
            };
            diags.push(Diagnostic::error(
                block.kind.span,
                format!("Wrong labels on a {} block", spec.name),
                format!("Write it as {form}."),
            ));
            continue;
        }
        let nested = conform_body(spec.name, &spec.body, block, diags);
        let label = block.labels.first().map(|l| l.name.clone());
        let list = fields.blocks.entry(spec.name.to_string()).or_default();
        if let Some(l) = &label
            && let Some(first) = list.iter().find(|b| b.label.as_deref() == Some(l))
        {
            diags.push(
                Diagnostic::error(
                    block.labels[0].span,
                    format!("Duplicate {} \"{l}\"", spec.name),
                    format!(
                        "Each {} needs a name of its own in this {context}.",
                        spec.name
                    ),
                )
                .with_note("first declared here", first.span),
            );
            continue;
        }
        list.push(NestedBlock {
            label,
            fields: nested,
            span: block.span,
        });
    }
    for spec in &schema.blocks {
        let n = fields.blocks.get(spec.name).map_or(0, Vec::len);
        if n < spec.min && !attempted.contains(&spec.name) {
            let form = match spec.label {
                Some(l) => format!("{} \"{l}\" {{ ... }}", spec.name),
                None => format!("{} {{ ... }}", spec.name),
            };
            diags.push(Diagnostic::error(
                raw_header(raw),
                format!("Missing required block \"{}\"", spec.name),
                format!(
                    "A {context} block needs at least one `{form}`: {}",
                    spec.doc
                ),
            ));
        }
        if let Some(max) = spec.max
            && n > max
        {
            let extra = &fields.blocks[spec.name][max];
            diags.push(Diagnostic::error(
                extra.span,
                format!("Too many \"{}\" blocks", spec.name),
                format!(
                    "A {context} block takes at most {max} `{}` block.",
                    spec.name
                ),
            ));
        }
    }
}
