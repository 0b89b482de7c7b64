//! Functions over maps and objects: `lookup`, `merge`, `keys`, `values`, `zipmap` and
//! `transpose`. A resource given where a map belongs is read as the map of its attributes.

use std::collections::BTreeMap;

use super::args::{arg, count, label, map, mismatch, seq, string, strings, to_string};
use super::{Arity, Function};
use crate::suggest::did_you_mean;
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("lookup", Arity::Between(2, 3), lookup),
    Function::new("merge", Arity::AtLeast(0), merge),
    Function::new("keys", Arity::Exact(1), keys),
    Function::new("values", Arity::Exact(1), values),
    Function::new("zipmap", Arity::Exact(2), zipmap),
    Function::new("transpose", Arity::Exact(1), transpose),
];

/// The entries of a map, or the attributes of a resource, at `index`.
fn object(args: &[Value], index: usize) -> Result<(&BTreeMap<String, Value>, String), String> {
    match arg(args, index)? {
        Value::Map(entries) => Ok((entries, "the map has no key".to_string())),
        Value::Ref(r) => Ok((
            &r.attrs,
            format!("the resource {} has no attribute", r.address),
        )),
        other => Err(mismatch(&label(index), "a map", other)),
    }
}

fn lookup(args: &[Value]) -> Result<Value, String> {
    let (entries, missing) = object(args, 0)?;
    let key = string(args, 1)?;
    if let Some(value) = entries.get(&*key) {
        return Ok(value.clone());
    }
    if let Some(default) = args.get(2) {
        return Ok(default.clone());
    }
    let closest = did_you_mean(&key, entries.keys().map(String::as_str));
    Err(match closest {
        Some(better) => format!("{missing} {key:?} (did you mean {better:?}?)"),
        None => format!("{missing} {key:?}, and no default was given"),
    })
}

fn merge(args: &[Value]) -> Result<Value, String> {
    let mut merged = BTreeMap::new();
    for (index, value) in args.iter().enumerate() {
        if !matches!(value, Value::Null) {
            merged.extend(
                map(args, index)?
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone())),
            );
        }
    }
    Ok(Value::map(merged))
}

fn keys(args: &[Value]) -> Result<Value, String> {
    let (entries, _) = object(args, 0)?;
    Ok(Value::list(
        entries.keys().map(|k| Value::string(k.as_str())).collect(),
    ))
}

fn values(args: &[Value]) -> Result<Value, String> {
    let (entries, _) = object(args, 0)?;
    Ok(Value::list(entries.values().cloned().collect()))
}

fn zipmap(args: &[Value]) -> Result<Value, String> {
    let keys = strings(args, 0)?;
    let values = seq(args, 1)?;
    if keys.len() != values.len() {
        return Err(format!(
            "argument 1 has {} but argument 2 has {}; they must have as many",
            count(keys.len(), "key"),
            count(values.len(), "value")
        ));
    }
    let entries = keys
        .into_iter()
        .map(|key| key.into_owned())
        .zip(values.iter().cloned())
        .collect();
    Ok(Value::map(entries))
}

/// Swaps keys and values of a map of lists of strings: `{a = ["1", "2"]}` gives
/// `{"1" = ["a"], "2" = ["a"]}`, each list sorted.
fn transpose(args: &[Value]) -> Result<Value, String> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (key, items) in map(args, 0)? {
        let what = format!("the value of {key:?} in argument 1");
        let items = items
            .as_seq()
            .ok_or_else(|| mismatch(&what, "a list of strings", items))?;
        for (i, item) in items.iter().enumerate() {
            let name = to_string(&format!("the element at index {i} of {what}"), item)?;
            out.entry(name.into_owned())
                .or_default()
                .push(Value::string(key.as_str()));
        }
    }
    Ok(Value::map(
        out.into_iter().map(|(k, v)| (k, Value::list(v))).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, list, map as m, n, nums, ok, resource, s, strs};
    use super::*;

    #[test]
    fn transpose_swaps() {
        assert_eq!(
            ok(
                "transpose",
                &[m(&[("a", strs(&["1", "2"])), ("b", strs(&["2"]))])]
            ),
            m(&[("1", strs(&["a"])), ("2", strs(&["a", "b"]))])
        );
        assert_eq!(ok("transpose", &[m(&[("a", list(vec![]))])]), m(&[]));
        assert!(err("transpose", &[m(&[("a", s("x"))])]).contains("must be a list of strings"));
    }

    #[test]
    fn lookup_finds_keys_and_defaults() {
        let zones = m(&[("a", s("x")), ("b", s("y"))]);
        assert_eq!(ok("lookup", &[zones.clone(), s("a")]), s("x"));
        assert_eq!(ok("lookup", &[zones.clone(), s("c"), s("z")]), s("z"));
        assert_eq!(ok("lookup", &[zones, s("c"), Value::Null]), Value::Null);
        assert_eq!(
            ok("lookup", &[resource("site.dc1", &["name"]), s("name")]),
            s("x")
        );
    }

    #[test]
    fn lookup_errors() {
        let entries = m(&[("name", s("x"))]);
        assert_eq!(
            err("lookup", &[entries.clone(), s("nmae")]),
            "lookup: the map has no key \"nmae\" (did you mean \"name\"?)"
        );
        assert_eq!(
            err("lookup", &[entries, s("zone")]),
            "lookup: the map has no key \"zone\", and no default was given"
        );
        assert_eq!(
            err("lookup", &[resource("site.dc1", &["name"]), s("size")]),
            "lookup: the resource site.dc1 has no attribute \"size\", and no default was given"
        );
        assert_eq!(
            err("lookup", &[strs(&["a"]), s("a")]),
            "lookup: argument 1 must be a map, not a list"
        );
        assert_eq!(
            err("lookup", &[Value::Null, s("a")]),
            "lookup: argument 1 must not be null"
        );
    }

    #[test]
    fn merge_later_maps_win() {
        let first = m(&[("a", n(1.0)), ("b", n(2.0))]);
        let second = m(&[("b", n(3.0))]);
        assert_eq!(
            ok("merge", &[first.clone(), second]),
            m(&[("a", n(1.0)), ("b", n(3.0))])
        );
        assert_eq!(ok("merge", &[]), m(&[]));
        assert_eq!(ok("merge", &[Value::Null, first.clone()]), first);
        assert_eq!(
            err("merge", &[first, strs(&["a"])]),
            "merge: argument 2 must be a map, not a list"
        );
    }

    #[test]
    fn keys_and_values_are_sorted_by_key() {
        let entries = m(&[("b", n(2.0)), ("a", n(1.0))]);
        assert_eq!(
            ok("keys", std::slice::from_ref(&entries)),
            strs(&["a", "b"])
        );
        assert_eq!(ok("values", &[entries]), nums(&[1.0, 2.0]));
        assert_eq!(ok("keys", &[m(&[])]), list(vec![]));
        assert_eq!(
            ok("keys", &[resource("a.b", &["y", "x"])]),
            strs(&["x", "y"])
        );
        assert_eq!(
            err("keys", &[s("a")]),
            "keys: argument 1 must be a map, not the string \"a\""
        );
        assert_eq!(
            err("values", &[Value::Null]),
            "values: argument 1 must not be null"
        );
        assert_eq!(ok("values", &[m(&[])]), list(vec![]));
        assert_eq!(ok("values", &[resource("a.b", &["x"])]), strs(&["x"]));
        assert_eq!(
            err("values", &[strs(&["a"])]),
            "values: argument 1 must be a map, not a list"
        );
    }

    #[test]
    fn zipmap_pairs_keys_with_values() {
        assert_eq!(
            ok("zipmap", &[strs(&["a", "b"]), nums(&[1.0, 2.0])]),
            m(&[("a", n(1.0)), ("b", n(2.0))])
        );
        assert_eq!(
            ok("zipmap", &[strs(&["a", "a"]), nums(&[1.0, 2.0])]),
            m(&[("a", n(2.0))])
        );
        assert_eq!(ok("zipmap", &[list(vec![]), list(vec![])]), m(&[]));
        assert_eq!(
            err("zipmap", &[strs(&["a"]), nums(&[1.0, 2.0])]),
            "zipmap: argument 1 has 1 key but argument 2 has 2 values; they must have as many"
        );
    }
}
