//! Checking one evaluated value against its attribute's schema: type, unit and bounds, said
//! without quoting a sensitive value.

use crate::config::Typed;
use crate::diagnostic::Diagnostic;
use crate::number::format_f64 as format_number;
use crate::schema::{AttrSchema, AttrType};
use crate::source::Span;
use crate::units::{self};
use crate::value::Value;

use super::coerce::{coerce, shown};

/// A value given to an attribute, where, and whether it is sensitive.
#[derive(Clone, Copy)]
pub(super) struct Given<'a> {
    pub(super) value: &'a Value,
    pub(super) span: Span,
    pub(super) sensitive: bool,
}

/// What is wrong with a sensitive value: said without quoting it.
const HIDDEN: &str = "the value is sensitive, so it is not shown";

pub(super) fn check_attr(
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
