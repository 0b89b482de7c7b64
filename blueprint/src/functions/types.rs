//! Types and conversions: `tostring`, `tonumber` and `tobool` (each passes `null` through,
//! as Terraform's do), `tolist`, `toset` and `tomap` (which give the elements one type),
//! and `type`.

use std::collections::BTreeMap;

use super::args::{arg, describe, label, map, mismatch, seq, to_bool, to_number};
use super::{Arity, Function};
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("tostring", Arity::Exact(1), tostring),
    Function::new("tonumber", Arity::Exact(1), tonumber),
    Function::new("tobool", Arity::Exact(1), tobool),
    Function::new("toset", Arity::Exact(1), toset),
    Function::new("tolist", Arity::Exact(1), tolist),
    Function::new("tomap", Arity::Exact(1), tomap),
    Function::new("type", Arity::Exact(1), type_of),
];

/// The type of a value, as Terraform writes types: `string`, `tuple([number, string])`,
/// `set(string)`, `object({a = number})`; `dynamic` for null. (Strata's lists and maps do
/// not record whether they were converted to `list(...)` or `map(...)`, so lists read as
/// tuples and maps as objects.)
pub fn type_name(value: &Value) -> String {
    match value {
        Value::Null | Value::Unknown => "dynamic".to_string(),
        Value::Bool(_) => "bool".to_string(),
        Value::Number(_) => "number".to_string(),
        Value::String(_) => "string".to_string(),
        Value::List(items) => format!(
            "tuple([{}])",
            items.iter().map(type_name).collect::<Vec<_>>().join(", ")
        ),
        Value::Set(items) => format!(
            "set({})",
            items
                .first()
                .map_or_else(|| "dynamic".to_string(), type_name)
        ),
        Value::Map(entries) => format!(
            "object({{{}}})",
            entries
                .iter()
                .map(|(k, v)| format!("{k} = {}", type_name(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Ref(r) => format!("{} resource", r.address.kind),
    }
}

fn type_of(args: &[Value]) -> Result<Value, String> {
    Ok(Value::string(type_name(arg(args, 0)?)))
}

/// Whether a value is a string, number or bool.
pub(super) fn is_primitive(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// Gives elements one type, as Terraform's conversions do: mixed strings, numbers and bools
/// all become strings; lists of the same length are unified position by position, other
/// lists element by element; maps with the same keys key by key, other maps value by
/// value; other mixtures are an error.
pub(super) fn unify<'a>(
    what: &str,
    items: impl Iterator<Item = &'a Value>,
) -> Result<Vec<Value>, String> {
    let items: Vec<&Value> = items.collect();
    unify_refs(what, &items)
}

fn unify_refs(what: &str, items: &[&Value]) -> Result<Vec<Value>, String> {
    let cloned = || items.iter().map(|v| (*v).clone()).collect();
    let mut present = items.iter().filter(|item| !matches!(item, Value::Null));
    let Some(first) = present.next() else {
        return Ok(cloned());
    };
    let Some(other) = present.find(|item| item.type_name() != first.type_name()) else {
        return match first {
            Value::List(_) => unify_lists(what, items),
            Value::Map(_) => unify_maps(what, items),
            _ => Ok(cloned()),
        };
    };
    let all_primitive = items
        .iter()
        .all(|item| matches!(item, Value::Null) || is_primitive(item));
    if !all_primitive {
        return Err(format!(
            "{what} mixes {} and {}, which have no common type",
            describe(first),
            describe(other)
        ));
    }
    Ok(items
        .iter()
        .map(|item| item.to_template_string().map_or(Value::Null, Value::string))
        .collect())
}

fn toset(args: &[Value]) -> Result<Value, String> {
    let items = seq(args, 0)?;
    Ok(Value::set(unify(&label(0), items.iter())?))
}

fn tolist(args: &[Value]) -> Result<Value, String> {
    let items = seq(args, 0)?;
    Ok(Value::list(unify(&label(0), items.iter())?))
}

fn tomap(args: &[Value]) -> Result<Value, String> {
    let entries = map(args, 0)?;
    let unified = unify(&label(0), entries.values())?;
    Ok(Value::map(entries.keys().cloned().zip(unified).collect()))
}

/// Unifies lists: position by position when they have one length, else all elements.
fn unify_lists(what: &str, items: &[&Value]) -> Result<Vec<Value>, String> {
    let lists: Vec<Option<&[Value]>> = items.iter().map(|v| v.as_seq()).collect();
    let lengths: Vec<usize> = lists.iter().flatten().map(|l| l.len()).collect();
    let same_length = lengths.windows(2).all(|w| w[0] == w[1]);
    let width = lengths.first().copied().unwrap_or(0);
    let columns: Vec<Vec<Value>> = if same_length {
        (0..width)
            .map(|i| {
                let column: Vec<&Value> = lists.iter().flatten().map(|l| &l[i]).collect();
                unify_refs(what, &column)
            })
            .collect::<Result<_, _>>()?
    } else {
        let every: Vec<&Value> = lists.iter().flatten().flat_map(|l| l.iter()).collect();
        let all = unify_refs(what, &every)?;
        let mut all = all.into_iter();
        return Ok(lists
            .iter()
            .map(|l| match l {
                Some(l) => Value::list(all.by_ref().take(l.len()).collect()),
                None => Value::Null,
            })
            .collect());
    };
    let mut row = 0;
    Ok(lists
        .iter()
        .map(|l| match l {
            Some(_) => {
                let value = Value::list(columns.iter().map(|c| c[row].clone()).collect());
                row += 1;
                value
            }
            None => Value::Null,
        })
        .collect())
}

/// Unifies maps: key by key when they have the same keys, else all values.
fn unify_maps(what: &str, items: &[&Value]) -> Result<Vec<Value>, String> {
    let maps: Vec<Option<&BTreeMap<String, Value>>> = items
        .iter()
        .map(|v| match v {
            Value::Map(m) => Some(&**m),
            _ => None,
        })
        .collect();
    let mut present = maps.iter().flatten();
    let first_keys: Vec<&String> = present
        .next()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    let same_keys = maps
        .iter()
        .flatten()
        .all(|m| m.keys().collect::<Vec<_>>() == first_keys);
    let mut unified: BTreeMap<String, std::vec::IntoIter<Value>> = BTreeMap::new();
    if same_keys {
        for key in &first_keys {
            let column: Vec<&Value> = maps.iter().flatten().filter_map(|m| m.get(*key)).collect();
            let column = unify_refs(what, &column)?;
            unified.insert((*key).clone(), column.into_iter());
        }
        return Ok(maps
            .iter()
            .map(|m| match m {
                Some(m) => Value::map(
                    m.keys()
                        .map(|k| {
                            let v = unified.get_mut(k).and_then(Iterator::next);
                            (k.clone(), v.unwrap_or(Value::Null))
                        })
                        .collect(),
                ),
                None => Value::Null,
            })
            .collect());
    }
    let every: Vec<&Value> = maps.iter().flatten().flat_map(|m| m.values()).collect();
    let all = unify_refs(what, &every)?;
    let mut all = all.into_iter();
    Ok(maps
        .iter()
        .map(|m| match m {
            Some(m) => Value::map(
                m.keys()
                    .map(|k| (k.clone(), all.next().unwrap_or(Value::Null)))
                    .collect(),
            ),
            None => Value::Null,
        })
        .collect())
}

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
    use super::super::test_support::{b, err, list, map as m, n, ok, resource, s, strs};
    use super::*;

    #[test]
    fn nested_collections_unify() {
        assert_eq!(
            ok("tolist", &[list(vec![list(vec![n(1.0)]), strs(&["a"])])]),
            list(vec![strs(&["1"]), strs(&["a"])])
        );
        assert_eq!(
            ok(
                "tolist",
                &[list(vec![m(&[("a", n(1.0))]), m(&[("a", s("x"))])])]
            ),
            list(vec![m(&[("a", s("1"))]), m(&[("a", s("x"))])])
        );
        assert_eq!(
            ok("type", &[list(vec![n(1.0), s("a")])]),
            s("tuple([number, string])")
        );
    }

    #[test]
    fn toset_sorts_and_dedups() {
        assert_eq!(
            ok("toset", &[strs(&["b", "a", "b"])]),
            Value::set(vec![s("a"), s("b")])
        );
        assert_eq!(
            ok("toset", &[list(vec![s("a"), n(1.0)])]),
            Value::set(vec![s("1"), s("a")])
        );
        assert_eq!(ok("toset", &[list(vec![])]), Value::set(vec![]));
        assert_eq!(
            err("toset", &[list(vec![s("a"), strs(&["b"])])]),
            "toset: argument 1 mixes the string \"a\" and a list, which have no common type"
        );
        assert_eq!(
            err("toset", &[s("a")]),
            "toset: argument 1 must be a list or set, not the string \"a\""
        );
    }

    #[test]
    fn tolist_converts_sets() {
        assert_eq!(
            ok("tolist", &[Value::set(vec![s("b"), s("a")])]),
            strs(&["a", "b"])
        );
        assert_eq!(
            ok("tolist", &[list(vec![b(true), s("x")])]),
            strs(&["true", "x"])
        );
        assert_eq!(
            ok("tolist", &[list(vec![Value::Null, n(1.0)])]),
            list(vec![Value::Null, n(1.0)])
        );
        assert_eq!(
            err("tolist", &[m(&[])]),
            "tolist: argument 1 must be a list or set, not a map"
        );
    }

    #[test]
    fn tomap_unifies_values() {
        assert_eq!(ok("tomap", &[m(&[("a", n(1.0))])]), m(&[("a", n(1.0))]));
        assert_eq!(
            ok("tomap", &[m(&[("a", n(1.0)), ("b", s("x"))])]),
            m(&[("a", s("1")), ("b", s("x"))])
        );
        assert_eq!(
            err("tomap", &[m(&[("a", n(1.0)), ("b", m(&[]))])]),
            "tomap: argument 1 mixes the number 1 and a map, which have no common type"
        );
        assert_eq!(
            err("tomap", &[strs(&[])]),
            "tomap: argument 1 must be a map, not a list"
        );
    }

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
