//! Converting an evaluated value to an attribute's type: text, numbers, CPUs, sizes,
//! durations, ratios, CIDRs, addresses, enums, references, lists and maps.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;

use crate::config::{Field, Typed};
use crate::schema::{AttrType, quote_list};
use crate::source::Span;
use crate::suggest;
use crate::types::to_number;
use crate::units::{self, UnitError};
use crate::value::Value;

fn unit_problem(e: UnitError) -> String {
    format!("{}. {}", e.message, e.help)
}

pub(super) fn shown(value: &Value) -> String {
    format!("got {} {value}", value.type_name())
}

/// Converts a value to an attribute type; the error completes "must be <type>: ...".
pub(super) fn coerce(ty: &AttrType, value: &Value, span: Span) -> Result<Typed, String> {
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
