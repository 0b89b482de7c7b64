//! Type conversions: `tostring`, `tonumber` and `tobool`. Each passes `null` through, as
//! Terraform's do.

use super::args::{arg, label, mismatch, to_bool, to_number};
use super::{Arity, Function};
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("tostring", Arity::Exact(1), tostring),
    Function::new("tonumber", Arity::Exact(1), tonumber),
    Function::new("tobool", Arity::Exact(1), tobool),
];

fn tostring(args: &[Value]) -> Result<Value, String> {
    match arg(args, 0)? {
        Value::Null => Ok(Value::Null),
        Value::String(s) => Ok(Value::String(s.clone())),
        other => other
            .to_template_string()
            .map(Value::string)
            .ok_or_else(|| mismatch(&label(0), "a string, number or bool", other)),
    }
}

fn tonumber(args: &[Value]) -> Result<Value, String> {
    match arg(args, 0)? {
        Value::Null => Ok(Value::Null),
        other => to_number(&label(0), other).map(Value::Number),
    }
}

fn tobool(args: &[Value]) -> Result<Value, String> {
    match arg(args, 0)? {
        Value::Null => Ok(Value::Null),
        other => to_bool(&label(0), other).map(Value::Bool),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{b, err, n, ok, resource, s, strs};
    use super::*;

    #[test]
    fn tostring_converts_primitives() {
        assert_eq!(ok("tostring", &[s("a")]), s("a"));
        assert_eq!(ok("tostring", &[n(1.5)]), s("1.5"));
        assert_eq!(ok("tostring", &[n(3.0)]), s("3"));
        assert_eq!(ok("tostring", &[b(false)]), s("false"));
        assert_eq!(ok("tostring", &[Value::Null]), Value::Null);
    }

    #[test]
    fn tostring_errors() {
        assert_eq!(
            err("tostring", &[strs(&["a"])]),
            "tostring: argument 1 must be a string, number or bool, not a list"
        );
        assert_eq!(
            err("tostring", &[resource("site.dc1", &["name"])]),
            "tostring: argument 1 must be a string, number or bool, but the resource site.dc1 was given; use one of its attributes, e.g. site.dc1.name"
        );
    }

    #[test]
    fn tonumber_parses() {
        assert_eq!(ok("tonumber", &[s("42")]), n(42.0));
        assert_eq!(ok("tonumber", &[s("-1.5")]), n(-1.5));
        assert_eq!(ok("tonumber", &[n(7.0)]), n(7.0));
        assert_eq!(ok("tonumber", &[Value::Null]), Value::Null);
        assert_eq!(
            err("tonumber", &[s("ten")]),
            "tonumber: argument 1 must be a number, not the string \"ten\""
        );
        assert_eq!(
            err("tonumber", &[s("NaN")]),
            "tonumber: argument 1 must be a number, not the string \"NaN\""
        );
        assert_eq!(
            err("tonumber", &[b(true)]),
            "tonumber: argument 1 must be a number, not the bool true"
        );
    }

    #[test]
    fn tobool_parses() {
        assert_eq!(ok("tobool", &[s("true")]), b(true));
        assert_eq!(ok("tobool", &[s("false")]), b(false));
        assert_eq!(ok("tobool", &[b(true)]), b(true));
        assert_eq!(ok("tobool", &[Value::Null]), Value::Null);
        assert_eq!(
            err("tobool", &[s("yes")]),
            "tobool: argument 1 must be a bool, not the string \"yes\""
        );
        assert_eq!(
            err("tobool", &[n(1.0)]),
            "tobool: argument 1 must be a bool, not the number 1"
        );
    }
}
