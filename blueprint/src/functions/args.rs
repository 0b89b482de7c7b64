//! Typed access to function arguments, with messages that name the argument and say what
//! was given instead.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::number::Number;
use crate::types;
use crate::value::{ResourceRef, Value};

/// How messages name the argument at `index` (counted from zero): `argument 1`.
pub(super) fn label(index: usize) -> String {
    format!("argument {}", index.saturating_add(1))
}

/// How messages name an element of the list or set at argument `index`.
pub(super) fn element_label(index: usize, element: usize) -> String {
    format!("the element at index {element} of {}", label(index))
}

/// `1 argument`, `2 arguments`.
pub(super) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `was` for one, `were` otherwise.
pub(super) fn was_or_were(n: usize) -> &'static str {
    if n == 1 { "was" } else { "were" }
}

/// The argument at `index`.
pub(super) fn arg(args: &[Value], index: usize) -> Result<&Value, String> {
    args.get(index)
        .ok_or_else(|| format!("{} is missing", label(index)))
}

/// A value, as messages describe it: `the string "a"`, `a list`, `the resource site.dc1`.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            format!("the {} {value}", value.type_name())
        }
        Value::Null => "null".to_string(),
        Value::Unknown => "an unknown value".to_string(),
        Value::Ref(r) => format!("the resource {}", r.address),
        Value::List(_) | Value::Set(_) | Value::Map(_) => format!("a {}", value.type_name()),
    }
}

/// The message for `what` being `got` where `expected` was needed.
pub(super) fn mismatch(what: &str, expected: &str, got: &Value) -> String {
    match got {
        Value::Null => format!("{what} must not be null"),
        Value::Ref(r) => format!(
            "{what} must be {expected}, but the resource {addr} was given; use one of its attributes, e.g. {addr}.{attr}",
            addr = r.address,
            attr = example_attribute(r)
        ),
        other => format!("{what} must be {expected}, not {}", describe(other)),
    }
}

/// The attribute to suggest for a resource given where a value was needed.
fn example_attribute(resource: &ResourceRef) -> &str {
    ["name", "id"]
        .into_iter()
        .find(|name| resource.attrs.contains_key(*name))
        .or_else(|| resource.attrs.keys().next().map(String::as_str))
        .unwrap_or("name")
}

/// A string, or a number or bool converted to one, as Terraform converts them.
pub(super) fn to_string<'a>(what: &str, value: &'a Value) -> Result<Cow<'a, str>, String> {
    match value {
        Value::String(s) => Ok(Cow::Borrowed(s)),
        other => other
            .to_template_string()
            .map(Cow::Owned)
            .ok_or_else(|| mismatch(what, "a string", other)),
    }
}

/// A number, or a string holding one (`"2"`), as Terraform converts them.
pub(super) fn to_number(what: &str, value: &Value) -> Result<Number, String> {
    types::to_number(value).ok_or_else(|| mismatch(what, "a number", value))
}

/// A whole number that fits in 64 bits.
pub(super) fn to_integer(what: &str, value: &Value) -> Result<i64, String> {
    let n = to_number(what, value)?;
    match n.to_i64() {
        Some(i) => Ok(i),
        None if n.is_integer() => Err(format!("{what} is too large: {n}")),
        None => Err(format!("{what} must be a whole number, not {n}")),
    }
}

/// A bool, or the string `"true"` or `"false"`.
pub(super) fn to_bool(what: &str, value: &Value) -> Result<bool, String> {
    types::to_bool(value).ok_or_else(|| mismatch(what, "a bool", value))
}

/// The argument at `index` as a string.
pub(super) fn string(args: &[Value], index: usize) -> Result<Cow<'_, str>, String> {
    to_string(&label(index), arg(args, index)?)
}

/// The argument at `index` as a number.
pub(super) fn number(args: &[Value], index: usize) -> Result<Number, String> {
    to_number(&label(index), arg(args, index)?)
}

/// The argument at `index` as a whole number.
pub(super) fn integer(args: &[Value], index: usize) -> Result<i64, String> {
    to_integer(&label(index), arg(args, index)?)
}

/// The elements of the list or set at `index`.
pub(super) fn seq(args: &[Value], index: usize) -> Result<&[Value], String> {
    let value = arg(args, index)?;
    value
        .as_seq()
        .ok_or_else(|| mismatch(&label(index), "a list or set", value))
}

/// The entries of the map at `index`.
pub(super) fn map(args: &[Value], index: usize) -> Result<&BTreeMap<String, Value>, String> {
    match arg(args, index)? {
        Value::Map(m) => Ok(m),
        other => Err(mismatch(&label(index), "a map", other)),
    }
}

/// The elements of the list or set at `index`, each converted to a string.
pub(super) fn strings(args: &[Value], index: usize) -> Result<Vec<Cow<'_, str>>, String> {
    seq(args, index)?
        .iter()
        .enumerate()
        .map(|(i, item)| to_string(&element_label(index, i), item))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{list, n, resource, s};
    use super::*;

    #[test]
    fn mismatch_messages() {
        assert_eq!(
            mismatch("argument 1", "a string", &list(vec![])),
            "argument 1 must be a string, not a list"
        );
        assert_eq!(
            mismatch("argument 2", "a map", &Value::Null),
            "argument 2 must not be null"
        );
        assert_eq!(
            mismatch(
                "argument 1",
                "a string",
                &resource("site.dc1", &["id", "name"])
            ),
            "argument 1 must be a string, but the resource site.dc1 was given; use one of its attributes, e.g. site.dc1.name"
        );
        assert!(mismatch("x", "a string", &resource("a.b", &["zone", "id"])).ends_with("a.b.id"));
        assert!(mismatch("x", "a string", &resource("a.b", &["zone"])).ends_with("a.b.zone"));
        assert!(mismatch("x", "a string", &resource("a.b", &[])).ends_with("a.b.name"));
    }

    #[test]
    fn conversions() {
        assert_eq!(to_string("x", &n(1.5)).as_deref(), Ok("1.5"));
        assert_eq!(to_string("x", &Value::Bool(true)).as_deref(), Ok("true"));
        assert_eq!(
            to_number("x", &s("2e3")).map(|n| n.to_string()),
            Ok("2000".into())
        );
        assert_eq!(
            to_number("x", &s("inf")).map(|n| n.to_string()),
            Err("x must be a number, not the string \"inf\"".to_string())
        );
        assert_eq!(to_integer("x", &s("7")), Ok(7));
        assert_eq!(
            to_integer("x", &n(1.5)),
            Err("x must be a whole number, not 1.5".to_string())
        );
        assert_eq!(
            to_integer("x", &s("1e19")),
            Err("x is too large: 10000000000000000000".to_string())
        );
        assert_eq!(to_bool("x", &s("false")), Ok(false));
        assert!(to_bool("x", &s("yes")).is_err());
    }

    #[test]
    fn missing_arguments_do_not_panic() {
        assert_eq!(arg(&[], 0), Err("argument 1 is missing".to_string()));
        assert!(string(&[], 3).is_err());
        assert!(seq(&[n(1.0)], 1).is_err());
    }

    #[test]
    fn counting_words() {
        assert_eq!(count(1, "verb"), "1 verb");
        assert_eq!(count(0, "verb"), "0 verbs");
        assert_eq!(was_or_were(1), "was");
        assert_eq!(was_or_were(2), "were");
        assert_eq!(element_label(1, 0), "the element at index 0 of argument 2");
    }
}
