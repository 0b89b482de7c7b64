//! Type constraints of variables: `string`, `list(number)`, `object({...})`, and Strata's
//! unit types `size`, `duration` and `ratio`; conversion of values to them.

use std::collections::BTreeMap;
use std::fmt;

use crate::ast::{Expr, ExprKind, ObjectKey};
use crate::number::Number;
use crate::units;
use crate::value::Value;

/// A number, or a string that holds one (`"2"`), as Terraform converts to `number`.
pub fn to_number(value: &Value) -> Option<Number> {
    match value {
        Value::Number(n) => Some(n.clone()),
        Value::String(s) => Number::parse(s),
        _ => None,
    }
}

/// A bool, or the string `"true"` or `"false"`, as Terraform converts to `bool`.
pub fn to_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if &**s == "true" => Some(true),
        Value::String(s) if &**s == "false" => Some(false),
        _ => None,
    }
}

/// A variable's type.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// Anything.
    Any,
    /// A string.
    String,
    /// A number.
    Number,
    /// A boolean.
    Bool,
    /// A string holding a size: `"4GiB"`.
    Size,
    /// A string holding a duration: `"30s"`.
    Duration,
    /// A ratio: `"5%"` or a number.
    Ratio,
    /// `list(T)`.
    List(Box<Type>),
    /// `set(T)`.
    Set(Box<Type>),
    /// `map(T)`.
    Map(Box<Type>),
    /// `tuple([A, B])`.
    Tuple(Vec<Type>),
    /// `object({ a = T, b = optional(U, default) })`.
    Object(BTreeMap<String, ObjectAttr>),
}

/// One attribute of an object type.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectAttr {
    /// Its type.
    pub ty: Type,
    /// `optional(...)`: may be left out.
    pub optional: bool,
    /// The value when left out.
    pub default: Option<Value>,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("any"),
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::Size => f.write_str("size"),
            Type::Duration => f.write_str("duration"),
            Type::Ratio => f.write_str("ratio"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Tuple(ts) => {
                let parts: Vec<String> = ts.iter().map(ToString::to_string).collect();
                write!(f, "tuple([{}])", parts.join(", "))
            }
            Type::Object(attrs) => {
                let parts: Vec<String> = attrs
                    .iter()
                    .map(|(k, a)| {
                        if a.optional {
                            format!("{k} = optional({})", a.ty)
                        } else {
                            format!("{k} = {}", a.ty)
                        }
                    })
                    .collect();
                write!(f, "object({{{}}})", parts.join(", "))
            }
        }
    }
}

const PRIMITIVES: &[&str] = &[
    "any", "string", "number", "bool", "size", "duration", "ratio",
];
const CONSTRUCTORS: &[&str] = &["list", "set", "map", "tuple", "object"];

/// Reads a type expression. The error names what is wrong; its span is the expression's.
pub fn parse_type(expr: &Expr) -> Result<Type, (crate::source::Span, String)> {
    let err = |msg: String| Err((expr.span, msg));
    match &expr.kind {
        ExprKind::Variable(name) => match name.as_str() {
            "any" => Ok(Type::Any),
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "size" => Ok(Type::Size),
            "duration" => Ok(Type::Duration),
            "ratio" => Ok(Type::Ratio),
            other => err(format!(
                "\"{other}\" is not a type. Types are {}, or list(T), set(T), map(T), tuple([...]) and object({{...}}).{}",
                PRIMITIVES.join(", "),
                crate::suggest::hint(other, PRIMITIVES.iter().chain(CONSTRUCTORS).copied())
            )),
        },
        ExprKind::Call { name, args, .. } => {
            let one = |args: &[Expr]| match args {
                [a] => parse_type(a),
                _ => Err((expr.span, format!("{}() takes exactly one type", name.name))),
            };
            match name.name.as_str() {
                "list" => Ok(Type::List(Box::new(one(args)?))),
                "set" => Ok(Type::Set(Box::new(one(args)?))),
                "map" => Ok(Type::Map(Box::new(one(args)?))),
                "tuple" => match args.as_slice() {
                    [Expr { kind: ExprKind::Tuple(items), .. }] => Ok(Type::Tuple(items.iter().map(parse_type).collect::<Result<_, _>>()?)),
                    _ => err("tuple() takes a list of types, such as tuple([string, number])".into()),
                },
                "object" => match args.as_slice() {
                    [Expr { kind: ExprKind::Object(items), .. }] => parse_object(items),
                    _ => err("object() takes an object of attribute types, such as object({ name = string })".into()),
                },
                other => err(format!(
                    "\"{other}\" is not a type constructor; use list, set, map, tuple or object.{}",
                    crate::suggest::hint(other, CONSTRUCTORS.iter().copied())
                )),
            }
        }
        _ => err(
            "A type is written as a keyword such as string or list(number), not as a value.".into(),
        ),
    }
}

fn parse_object(items: &[(ObjectKey, Expr)]) -> Result<Type, (crate::source::Span, String)> {
    let mut attrs = BTreeMap::new();
    for (key, value) in items {
        let name = match key {
            ObjectKey::Ident(i) => i.name.clone(),
            ObjectKey::Expr(e) => match crate::module::literal(e) {
                Some(s) => s.to_string(),
                None => {
                    return Err((
                        e.span,
                        "An object type's attribute names must be plain names".into(),
                    ));
                }
            },
        };
        let attr = match &value.kind {
            ExprKind::Call { name: f, args, .. } if f.name == "optional" => match args.as_slice() {
                [t] => ObjectAttr {
                    ty: parse_type(t)?,
                    optional: true,
                    default: None,
                },
                [t, d] => ObjectAttr {
                    ty: parse_type(t)?,
                    optional: true,
                    default: Some(literal_value(d).ok_or((
                        d.span,
                        "optional()'s default must be a literal value".to_string(),
                    ))?),
                },
                _ => {
                    return Err((
                        value.span,
                        "optional() takes a type and an optional default".into(),
                    ));
                }
            },
            _ => ObjectAttr {
                ty: parse_type(value)?,
                optional: false,
                default: None,
            },
        };
        attrs.insert(name, attr);
    }
    Ok(Type::Object(attrs))
}

/// The value of a literal expression (no references, no functions).
pub fn literal_value(expr: &Expr) -> Option<Value> {
    match &expr.kind {
        ExprKind::Null => Some(Value::Null),
        ExprKind::Bool(b) => Some(Value::Bool(*b)),
        ExprKind::Number(n) => Some(Value::Number(n.clone())),
        ExprKind::Template(_) => crate::module::literal(expr).map(Value::string),
        ExprKind::Tuple(items) => items
            .iter()
            .map(literal_value)
            .collect::<Option<Vec<_>>>()
            .map(Value::list),
        ExprKind::Object(items) => items
            .iter()
            .map(|(k, v)| {
                let key = match k {
                    ObjectKey::Ident(i) => i.name.clone(),
                    ObjectKey::Expr(e) => crate::module::literal(e)?.to_string(),
                };
                Some((key, literal_value(v)?))
            })
            .collect::<Option<BTreeMap<_, _>>>()
            .map(Value::map),
        ExprKind::Unary(crate::ast::UnaryOp::Neg, inner) => match literal_value(inner)? {
            Value::Number(n) => Some(Value::Number(n.neg())),
            _ => None,
        },
        ExprKind::Parens(inner) => literal_value(inner),
        _ => None,
    }
}

/// Converts `value` to `ty` as Terraform does (numbers to strings, tuples to lists, objects
/// to maps, ...). The error says what was expected, with the path inside the value.
pub fn convert(value: &Value, ty: &Type) -> Result<Value, String> {
    convert_at(value, ty, "")
}

fn mismatch(path: &str, ty: &Type, value: &Value) -> String {
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    };
    format!(
        "expected {ty}{at}, got {} {value}",
        article(value.type_name())
    )
}

fn article(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}

fn convert_at(value: &Value, ty: &Type, path: &str) -> Result<Value, String> {
    if matches!(value, Value::Unknown | Value::Null) || *ty == Type::Any {
        return Ok(value.clone());
    }
    match ty {
        Type::Any => Ok(value.clone()),
        Type::String => value
            .to_template_string()
            .map(Value::string)
            .ok_or_else(|| mismatch(path, ty, value)),
        Type::Number => to_number(value)
            .map(Value::Number)
            .ok_or_else(|| mismatch(path, ty, value)),
        Type::Bool => to_bool(value)
            .map(Value::Bool)
            .ok_or_else(|| mismatch(path, ty, value)),
        Type::Size | Type::Duration | Type::Ratio => convert_unit(value, ty, path),
        Type::List(t) | Type::Set(t) => {
            let items = value.as_seq().ok_or_else(|| mismatch(path, ty, value))?;
            let items = items
                .iter()
                .enumerate()
                .map(|(i, v)| convert_at(v, t, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::Set(_)) {
                Value::set(items)
            } else {
                Value::list(items)
            })
        }
        Type::Tuple(ts) => {
            let items = value.as_seq().ok_or_else(|| mismatch(path, ty, value))?;
            if items.len() != ts.len() {
                return Err(format!(
                    "expected {ty} with {} elements, got {}",
                    ts.len(),
                    items.len()
                ));
            }
            let items = items
                .iter()
                .zip(ts)
                .enumerate()
                .map(|(i, (v, t))| convert_at(v, t, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::list(items))
        }
        Type::Map(t) => {
            let Value::Map(m) = value else {
                return Err(mismatch(path, ty, value));
            };
            let m = m
                .iter()
                .map(|(k, v)| Ok((k.clone(), convert_at(v, t, &format!("{path}[{k:?}]"))?)))
                .collect::<Result<BTreeMap<_, _>, String>>()?;
            Ok(Value::map(m))
        }
        Type::Object(attrs) => {
            let Value::Map(m) = value else {
                return Err(mismatch(path, ty, value));
            };
            let mut out = BTreeMap::new();
            for (name, attr) in attrs {
                let sub = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                match m.get(name) {
                    Some(v) => {
                        out.insert(name.clone(), convert_at(v, &attr.ty, &sub)?);
                    }
                    None if attr.optional => {
                        out.insert(name.clone(), attr.default.clone().unwrap_or(Value::Null));
                    }
                    None => return Err(format!("attribute \"{sub}\" is required by {ty}")),
                }
            }
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(format!(
                    "{ty} has no attribute \"{extra}\".{}",
                    crate::suggest::hint(extra, attrs.keys().map(String::as_str))
                ));
            }
            Ok(Value::map(out))
        }
    }
}

fn convert_unit(value: &Value, ty: &Type, path: &str) -> Result<Value, String> {
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    };
    match (ty, value) {
        (Type::Ratio, Value::Number(_)) => Ok(value.clone()),
        (_, Value::String(s)) => {
            let checked = match ty {
                Type::Size => units::parse_size(s).map(|_| ()),
                Type::Duration => units::parse_duration(s).map(|_| ()),
                _ => units::parse_ratio(s).map(|_| ()),
            };
            checked
                .map(|()| value.clone())
                .map_err(|e| format!("{}{at}. {}", e.message, e.help))
        }
        _ => Err(mismatch(path, ty, value)),
    }
}

/// A value given as raw text (`-var k=v`, `STRATA_VAR_k`): strings of string-like types
/// stay as written; other types are read as HCL expressions.
pub fn is_raw_string(ty: &Type) -> bool {
    matches!(ty, Type::String | Type::Size | Type::Duration | Type::Ratio)
}
