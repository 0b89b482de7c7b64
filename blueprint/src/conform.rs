//! Conformance: an evaluated block checked against its kind's schema and turned into typed
//! [`Fields`]: unknown or missing attributes, wrong types, units and bounds, references to
//! the wrong kind, and catalog defaults for platform services.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;

use crate::ast::Ident;
use crate::config::{Field, Fields, NestedBlock, Typed};
use crate::diagnostic::Diagnostic;
use crate::number::format_f64 as format_number;
use crate::schema::{AttrSchema, AttrType, BlockSchema, KindSchema, catalog_entry, quote_list};
use crate::source::Span;
use crate::suggest;
use crate::types::to_number;
use crate::units::{self, UnitError};
use crate::value::Value;

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

fn default_attr(fields: &mut Fields, name: &str, value: Typed, span: Span) {
    if let std::collections::btree_map::Entry::Vacant(slot) = fields.attrs.entry(name.to_string()) {
        slot.insert(Field { value, span });
        fields.implied.insert(name.to_string());
    }
}

/// Fills what a platform service's catalog entry implies and the blueprint left unset.
fn apply_catalog(fields: &mut Fields, span: Span) {
    let Some(entry) = fields.str("kind").and_then(catalog_entry) else {
        return;
    };
    default_attr(fields, "replicas", Typed::Int(entry.replicas), span);
    default_attr(
        fields,
        "quorum",
        Typed::Int(entry.quorum.unwrap_or(1)),
        span,
    );
    default_attr(fields, "stateful", Typed::Bool(entry.stateful), span);
    default_attr(fields, "cpu", Typed::Num(entry.cpu), span);
    if let Ok(bytes) = units::parse_size(entry.memory) {
        default_attr(fields, "memory", Typed::Size(bytes), span);
    }
    default_attr(fields, "port", Typed::Int(i64::from(entry.port)), span);
    // An application on VMs keeps its data on its VMs' disks.
    if let (Some(size), None, None) = (
        entry.volume.and_then(|v| units::parse_size(v).ok()),
        fields.block("volume"),
        fields.get("vms"),
    ) {
        let mut volume = Fields::default();
        volume.attrs.insert(
            "size".into(),
            Field {
                value: Typed::Size(size),
                span,
            },
        );
        fields.implied.insert("volume".into());
        fields.blocks.insert(
            "volume".into(),
            vec![NestedBlock {
                label: None,
                fields: volume,
                span,
            }],
        );
    }
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

/// A value given to an attribute, where, and whether it is sensitive.
#[derive(Clone, Copy)]
struct Given<'a> {
    value: &'a Value,
    span: Span,
    sensitive: bool,
}

/// What is wrong with a sensitive value: said without quoting it.
const HIDDEN: &str = "the value is sensitive, so it is not shown";

fn check_attr(
    context: &str,
    spec: &AttrSchema,
    given: Given,
    diags: &mut Vec<Diagnostic>,
) -> Option<Typed> {
    let Given {
        value,
        span,
        sensitive,
    } = given;
    match coerce(&spec.ty, value, span) {
        Ok(mut typed) => {
            if let (true, Typed::List(items)) = (spec.unordered, &mut typed) {
                items.sort_by_cached_key(|f| f.value.to_json().to_string());
            }
            if let Some(problem) = out_of_bounds(spec, &typed) {
                let problem = if sensitive {
                    format!("is out of its bounds ({HIDDEN})")
                } else {
                    problem
                };
                diags.push(Diagnostic::error(
                    span,
                    format!("Invalid value for \"{}\"", spec.name),
                    format!(
                        "In {} {context} block, \"{}\" {problem}.",
                        article(context),
                        spec.name
                    ),
                ));
                return None;
            }
            Some(typed)
        }
        Err(problem) => {
            let problem = if sensitive {
                format!("{HIDDEN}.")
            } else {
                problem
            };
            diags.push(Diagnostic::error(
                span,
                format!("Invalid value for \"{}\"", spec.name),
                format!(
                    "In {} {context} block, \"{}\" must be {}: {problem}",
                    article(context),
                    spec.name,
                    spec.ty.describe()
                ),
            ));
            None
        }
    }
}

/// "a" or "an", for the word that follows.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) || word == "ha" {
        "an"
    } else {
        "a"
    }
}

fn bound_text(ty: &AttrType, n: f64) -> String {
    match ty {
        AttrType::Size => units::format_size(n as u64),
        AttrType::Duration => units::format_duration(n as u64),
        AttrType::Ratio => format!("{}%", format_number(n * 100.0)),
        _ => format_number(n),
    }
}

fn out_of_bounds(spec: &AttrSchema, typed: &Typed) -> Option<String> {
    let n = match typed {
        Typed::Int(i) => *i as f64,
        Typed::Num(x) | Typed::Ratio(x) => *x,
        Typed::Size(b) => *b as f64,
        Typed::Duration(ms) => *ms as f64,
        _ => return None,
    };
    let shown = match typed {
        Typed::Size(b) => units::format_size(*b),
        Typed::Duration(ms) => units::format_duration(*ms),
        Typed::Ratio(r) => format!("{}%", format_number(r * 100.0)),
        _ => format_number(n),
    };
    if let Some(min) = spec.min
        && n < min
    {
        return Some(format!(
            "must be at least {}, but is {shown}",
            bound_text(&spec.ty, min)
        ));
    }
    if let Some(max) = spec.max
        && n > max
    {
        let hint = match typed {
            // `target = 99.95`: a percentage written as a bare number.
            Typed::Ratio(r) if *r <= 100.0 => format!(
                ". Did you mean \"{}%\"? A bare number is a fraction of one (0.5 is 50%)",
                format_number(*r)
            ),
            _ => String::new(),
        };
        return Some(format!(
            "must be at most {}, but is {shown}{hint}",
            bound_text(&spec.ty, max)
        ));
    }
    None
}

/// Checks one value against an attribute's schema as a block's value is checked: type,
/// unit and bounds. A reference is checked as an address of one of its kinds, as the
/// provider records it (text). The error completes "\"name\" ...".
pub(crate) fn check_value(spec: &AttrSchema, value: &Value) -> Result<(), String> {
    if matches!(value, Value::Null) {
        return match spec.required {
            true => Err("is required: it cannot be null".into()),
            false => Ok(()),
        };
    }
    if let AttrType::Ref(kinds) | AttrType::Refs(kinds) = &spec.ty {
        return check_address_text(kinds, value);
    }
    let span = Span::new(crate::source::FileId(0), 0..0);
    let typed = coerce(&spec.ty, value, span)
        .map_err(|problem| format!("must be {}: {problem}", spec.ty.describe()))?;
    match out_of_bounds(spec, &typed) {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// A reference as text: an address (or a list of them) of one of `kinds`.
fn check_address_text(kinds: &[&str], value: &Value) -> Result<(), String> {
    let one = |v: &Value| match v {
        Value::String(s) => match s.parse::<crate::Address>() {
            Ok(a) if kinds.contains(&a.kind.as_str()) => Ok(()),
            _ => Err(format!(
                "must be the address of {}, such as {}.main: {}",
                kinds.join(" or "),
                kinds[0],
                shown(v)
            )),
        },
        other => Err(format!("must be an address: {}", shown(other))),
    };
    match value {
        Value::List(items) => items.iter().try_for_each(one),
        single => one(single),
    }
}

fn unit_problem(e: UnitError) -> String {
    format!("{}. {}", e.message, e.help)
}

fn shown(value: &Value) -> String {
    format!("got {} {value}", value.type_name())
}

/// Converts a value to an attribute type; the error completes "must be <type>: ...".
fn coerce(ty: &AttrType, value: &Value, span: Span) -> Result<Typed, String> {
    if matches!(value, Value::Unknown) {
        return Ok(Typed::Unknown);
    }
    if let (Value::Ref(r), false) = (value, matches!(ty, AttrType::Ref(_) | AttrType::Refs(_))) {
        return Err(format!(
            "got the resource {}. Use one of its attributes, such as {}.name",
            r.address, r.address
        ));
    }
    match ty {
        AttrType::String => value
            .to_template_string()
            .map(|s| Typed::Str(Arc::from(s)))
            .ok_or_else(|| shown(value)),
        AttrType::Bool => match value {
            Value::Bool(b) => Ok(Typed::Bool(*b)),
            Value::String(s) if &**s == "true" || &**s == "false" => {
                Ok(Typed::Bool(&**s == "true"))
            }
            _ => Err(shown(value)),
        },
        AttrType::Integer | AttrType::Port => {
            integer(value).map(Typed::Int).and_then(|i| match (ty, &i) {
                (AttrType::Port, Typed::Int(p)) if !(1..=65535).contains(p) => {
                    Err(format!("{p} is not a port number"))
                }
                _ => Ok(i),
            })
        }
        AttrType::Number => number(value).map(Typed::Num),
        AttrType::Cpu => cpu(value).map(Typed::Num),
        AttrType::Size => unit_text(value)
            .and_then(|s| units::parse_size(&s).map(Typed::Size).map_err(unit_problem)),
        AttrType::Duration => unit_text(value).and_then(|s| {
            units::parse_duration(&s)
                .map(Typed::Duration)
                .map_err(unit_problem)
        }),
        AttrType::Ratio => match value {
            Value::Number(n) if !n.is_negative() => Ok(Typed::Ratio(n.to_f64())),
            Value::String(s) => units::parse_ratio(s)
                .map(Typed::Ratio)
                .map_err(unit_problem),
            _ => Err(shown(value)),
        },
        AttrType::Cidr => text(value).and_then(|s| cidr(&s)).map(Typed::Cidr),
        AttrType::Ip => text(value)
            .and_then(|s| {
                s.parse::<IpAddr>()
                    .map_err(|_| format!("\"{s}\" is not an IP address"))
            })
            .map(Typed::Ip),
        AttrType::Enum(allowed) => text(value).and_then(|s| {
            if allowed.contains(&s.as_str()) {
                Ok(Typed::Str(Arc::from(s)))
            } else {
                Err(format!(
                    "\"{s}\" is not one of them.{}",
                    suggest::hint(&s, allowed.iter().copied())
                ))
            }
        }),
        AttrType::Ref(kinds) => reference(kinds, value),
        AttrType::Refs(kinds) => match value {
            Value::List(items) | Value::Set(items) => items
                .iter()
                .map(|v| reference(kinds, v).map(|t| Field { value: t, span }))
                .collect::<Result<Vec<_>, _>>()
                .map(Typed::List),
            single => reference(kinds, single).map(|t| Typed::List(vec![Field { value: t, span }])),
        },
        AttrType::List(inner) => {
            let items = value.as_seq().ok_or_else(|| shown(value))?;
            items
                .iter()
                .map(|v| coerce(inner, v, span).map(|t| Field { value: t, span }))
                .collect::<Result<Vec<_>, _>>()
                .map(Typed::List)
        }
        AttrType::Map(inner) => match value {
            Value::Map(m) => m
                .iter()
                .map(|(k, v)| coerce(inner, v, span).map(|t| (k.clone(), Field { value: t, span })))
                .collect::<Result<BTreeMap<_, _>, _>>()
                .map(Typed::Map),
            _ => Err(shown(value)),
        },
    }
}

fn text(value: &Value) -> Result<String, String> {
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| shown(value))
}

/// The text of a unit value; a bare number is passed on so the unit parser explains.
fn unit_text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(shown(value)),
    }
}

/// A whole number that fits in 64 bits, from a number or a string holding one.
fn integer(value: &Value) -> Result<i64, String> {
    let n = exact_number(value)?;
    match n.to_i64() {
        Some(i) => Ok(i),
        None if n.is_integer() => Err(format!("{n} is too large (at most {})", i64::MAX)),
        None => Err(format!("{n} is not a whole number")),
    }
}

/// A number, or a string holding one.
fn exact_number(value: &Value) -> Result<crate::number::Number, String> {
    match value {
        Value::String(s) => to_number(value).ok_or_else(|| format!("got the string \"{s}\"")),
        _ => to_number(value).ok_or_else(|| shown(value)),
    }
}

/// A number as the nearest `f64`; an error when it is beyond `f64`'s range.
fn number(value: &Value) -> Result<f64, String> {
    let n = exact_number(value)?;
    let f = n.to_f64();
    if f.is_finite() {
        Ok(f)
    } else {
        Err(format!("{n} is too large"))
    }
}

fn cpu(value: &Value) -> Result<f64, String> {
    match value {
        Value::String(s) if s.ends_with('m') => s[..s.len() - 1]
            .parse::<f64>()
            .ok()
            .filter(|m| *m > 0.0 && m.is_finite())
            .map(|m| m / 1000.0)
            .ok_or_else(|| format!("\"{s}\" is not a number of millicores such as \"500m\"")),
        other => number(other),
    }
}

fn cidr(s: &str) -> Result<IpNet, String> {
    let net: IpNet = s
        .parse()
        .map_err(|_| format!("\"{s}\" is not in CIDR notation (address/prefix)"))?;
    if net.network() != net.addr() {
        return Err(format!(
            "\"{s}\" has host bits set; the network is \"{}\"",
            net.trunc()
        ));
    }
    Ok(net)
}

fn reference(kinds: &[&str], value: &Value) -> Result<Typed, String> {
    match value {
        Value::Unknown => Ok(Typed::Unknown),
        Value::Ref(r) if kinds.contains(&r.address.kind.as_str()) => {
            Ok(Typed::Ref(r.address.clone()))
        }
        Value::Ref(r) => Err(format!("{} is a {}", r.address, r.address.kind)),
        Value::List(items) if items.iter().all(|v| matches!(v, Value::Ref(_))) => Err(format!(
            "got a list of {} resources; pick one with [index]",
            items.len()
        )),
        Value::String(s) if s.contains('.') => Err(format!(
            "got the string \"{s}\"; refer to the resource itself, without quotes: {s}"
        )),
        Value::String(s) => Err(format!(
            "got the string \"{s}\"; refer to the resource itself, as in {}.{s}, without quotes",
            kinds.first().copied().unwrap_or("kind")
        )),
        other => Err(format!(
            "{}; write a reference such as {}.NAME ({})",
            shown(other),
            kinds.first().copied().unwrap_or("kind"),
            quote_list(kinds)
        )),
    }
}
