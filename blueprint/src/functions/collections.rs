//! Functions over lists, sets and maps: `length`, `lookup`, `merge`, `concat`, `flatten`,
//! `keys`, `values`, `range`, `contains`, `distinct`, `toset`, `tolist`, `tomap`,
//! `coalesce`, `element`, `slice`, `reverse`, `sort`, `zipmap` and `setunion`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use super::args::{
    arg, count, describe, integer, label, map, mismatch, number, seq, string, strings,
};
use super::{Arity, Function};
use crate::suggest::did_you_mean;
use crate::value::{Value, format_number};

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("length", Arity::Exact(1), length),
    Function::new("lookup", Arity::Between(2, 3), lookup),
    Function::new("merge", Arity::AtLeast(0), merge),
    Function::new("concat", Arity::AtLeast(0), concat),
    Function::new("flatten", Arity::Exact(1), flatten),
    Function::new("keys", Arity::Exact(1), keys),
    Function::new("values", Arity::Exact(1), values),
    Function::new("range", Arity::Between(1, 3), range),
    Function::new("contains", Arity::Exact(2), contains),
    Function::new("distinct", Arity::Exact(1), distinct),
    Function::new("toset", Arity::Exact(1), toset),
    Function::new("tolist", Arity::Exact(1), tolist),
    Function::new("tomap", Arity::Exact(1), tomap),
    Function::new("coalesce", Arity::AtLeast(1), coalesce),
    Function::new("element", Arity::Exact(2), element),
    Function::new("slice", Arity::Exact(3), slice),
    Function::new("reverse", Arity::Exact(1), reverse),
    Function::new("sort", Arity::Exact(1), sort),
    Function::new("zipmap", Arity::Exact(2), zipmap),
    Function::new("setunion", Arity::AtLeast(1), setunion),
];

/// The most elements `range` produces.
const MAX_RANGE: usize = 1 << 20;

/// A count as a number value.
fn number_of(n: usize) -> Value {
    Value::Number(n as f64)
}

fn length(args: &[Value]) -> Result<Value, String> {
    match arg(args, 0)? {
        Value::String(s) => Ok(number_of(s.chars().count())),
        Value::List(items) | Value::Set(items) => Ok(number_of(items.len())),
        Value::Map(entries) => Ok(number_of(entries.len())),
        other => Err(mismatch(&label(0), "a string, list, set or map", other)),
    }
}

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

fn concat(args: &[Value]) -> Result<Value, String> {
    let mut all = Vec::new();
    for index in 0..args.len() {
        all.extend_from_slice(seq(args, index)?);
    }
    Ok(Value::list(all))
}

fn flatten_into(items: &[Value], out: &mut Vec<Value>) {
    for item in items {
        match item {
            Value::List(inner) | Value::Set(inner) => flatten_into(inner, out),
            other => out.push(other.clone()),
        }
    }
}

fn flatten(args: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    flatten_into(seq(args, 0)?, &mut out);
    Ok(Value::list(out))
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

fn range(args: &[Value]) -> Result<Value, String> {
    let first = number(args, 0)?;
    let (start, limit) = match args.get(1) {
        Some(_) => (first, number(args, 1)?),
        None => (0.0, first),
    };
    let step = match args.get(2) {
        Some(_) => number(args, 2)?,
        None if start <= limit => 1.0,
        None => -1.0,
    };
    check_range_direction(start, limit, step)?;
    let steps = ((limit - start) / step).ceil();
    if steps.is_nan() || steps > MAX_RANGE as f64 {
        return Err(format!(
            "the range from {} to {} in steps of {} would have more than {MAX_RANGE} elements",
            format_number(start),
            format_number(limit),
            format_number(step)
        ));
    }
    let items = (0..steps as usize)
        .map(|i| Value::Number(start + step * i as f64))
        .collect();
    Ok(Value::list(items))
}

/// Checks that `step` leads from `start` towards `limit`.
fn check_range_direction(start: f64, limit: f64, step: f64) -> Result<(), String> {
    let (from, to, by) = (
        format_number(start),
        format_number(limit),
        format_number(step),
    );
    if step == 0.0 {
        Err("argument 3 (the step) must not be zero".to_string())
    } else if step > 0.0 && start > limit {
        Err(format!(
            "the start {from} is greater than the limit {to}, so the step must be negative, not {by}"
        ))
    } else if step < 0.0 && start < limit {
        Err(format!(
            "the start {from} is less than the limit {to}, so the step must be positive, not {by}"
        ))
    } else {
        Ok(())
    }
}

fn contains(args: &[Value]) -> Result<Value, String> {
    let items = seq(args, 0)?;
    let wanted = arg(args, 1)?;
    Ok(Value::Bool(items.contains(wanted)))
}

/// A value ordered by `Value::total_cmp`, to keep in ordered sets.
struct Ordered<'a>(&'a Value);

impl PartialEq for Ordered<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ordered<'_> {}

impl PartialOrd for Ordered<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        Value::total_cmp(self.0, other.0)
    }
}

fn distinct(args: &[Value]) -> Result<Value, String> {
    let mut seen = BTreeSet::new();
    let items = seq(args, 0)?
        .iter()
        .filter(|item| seen.insert(Ordered(item)))
        .cloned()
        .collect();
    Ok(Value::list(items))
}

/// Whether a value is a string, number or bool.
fn is_primitive(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// Gives elements one type, as Terraform's conversions do: mixed strings, numbers and bools
/// all become strings; other mixtures are an error.
fn unify<'a>(
    what: &str,
    items: impl Iterator<Item = &'a Value> + Clone,
) -> Result<Vec<Value>, String> {
    let mut present = items.clone().filter(|item| !matches!(item, Value::Null));
    let Some(first) = present.next() else {
        return Ok(items.cloned().collect());
    };
    let Some(other) = present.find(|item| item.type_name() != first.type_name()) else {
        return Ok(items.cloned().collect());
    };
    let all_primitive = items
        .clone()
        .all(|item| matches!(item, Value::Null) || is_primitive(item));
    if !all_primitive {
        return Err(format!(
            "{what} mixes {} and {}, which have no common type",
            describe(first),
            describe(other)
        ));
    }
    Ok(items
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

fn coalesce(args: &[Value]) -> Result<Value, String> {
    args.iter()
        .find(|value| !matches!(value, Value::Null) && value.as_str() != Some(""))
        .cloned()
        .ok_or_else(|| "every argument is null or an empty string".to_string())
}

fn element(args: &[Value]) -> Result<Value, String> {
    let items = seq(args, 0)?;
    let index = integer(args, 1)?;
    let index = usize::try_from(index)
        .map_err(|_| format!("argument 2 (the index) must not be negative, not {index}"))?;
    let wrapped = index
        .checked_rem(items.len())
        .ok_or_else(|| "argument 1 is empty, so it has no element to take".to_string())?;
    items
        .get(wrapped)
        .cloned()
        .ok_or_else(|| format!("argument 1 has no element at index {wrapped}"))
}

fn slice(args: &[Value]) -> Result<Value, String> {
    let items = seq(args, 0)?;
    let start = integer(args, 1)?;
    let end = integer(args, 2)?;
    let len = items.len();
    let bounds = usize::try_from(start).ok().zip(usize::try_from(end).ok());
    match bounds {
        Some((from, to)) if from <= to && to <= len => items
            .get(from..to)
            .map(|part| Value::list(part.to_vec()))
            .ok_or_else(|| format!("argument 1 has no elements from {from} to {to}")),
        _ => Err(format!(
            "the start {start} and end {end} must satisfy 0 <= start <= end <= {len}, the length of argument 1"
        )),
    }
}

fn reverse(args: &[Value]) -> Result<Value, String> {
    let mut items = seq(args, 0)?.to_vec();
    items.reverse();
    Ok(Value::list(items))
}

fn sort(args: &[Value]) -> Result<Value, String> {
    let mut items = strings(args, 0)?;
    items.sort();
    Ok(Value::list(
        items
            .into_iter()
            .map(|item| Value::string(item.as_ref()))
            .collect(),
    ))
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

fn setunion(args: &[Value]) -> Result<Value, String> {
    let mut all = Vec::new();
    for index in 0..args.len() {
        all.extend_from_slice(seq(args, index)?);
    }
    Ok(Value::set(all))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{b, err, list, map as m, n, nums, ok, resource, s, strs};
    use super::*;

    #[test]
    fn length_counts_characters_and_elements() {
        assert_eq!(ok("length", &[s("héllo")]), n(5.0));
        assert_eq!(ok("length", &[s("")]), n(0.0));
        assert_eq!(ok("length", &[nums(&[1.0, 2.0])]), n(2.0));
        assert_eq!(ok("length", &[Value::set(vec![n(1.0), n(1.0)])]), n(1.0));
        assert_eq!(ok("length", &[m(&[("a", n(1.0))])]), n(1.0));
    }

    #[test]
    fn length_errors() {
        assert_eq!(
            err("length", &[n(5.0)]),
            "length: argument 1 must be a string, list, set or map, not the number 5"
        );
        assert_eq!(
            err("length", &[Value::Null]),
            "length: argument 1 must not be null"
        );
        assert!(err("length", &[resource("site.dc1", &["name"])]).contains("site.dc1.name"));
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
    fn concat_joins_lists() {
        assert_eq!(
            ok("concat", &[strs(&["a"]), strs(&["b", "c"])]),
            strs(&["a", "b", "c"])
        );
        assert_eq!(ok("concat", &[]), list(vec![]));
        assert_eq!(
            ok("concat", &[Value::set(vec![n(2.0), n(1.0)])]),
            nums(&[1.0, 2.0])
        );
        assert_eq!(
            err("concat", &[strs(&["a"]), s("b")]),
            "concat: argument 2 must be a list or set, not the string \"b\""
        );
    }

    #[test]
    fn flatten_is_recursive() {
        let nested = list(vec![
            strs(&["a"]),
            list(vec![list(vec![s("b")]), s("c")]),
            list(vec![]),
        ]);
        assert_eq!(ok("flatten", &[nested]), strs(&["a", "b", "c"]));
        assert_eq!(ok("flatten", &[list(vec![])]), list(vec![]));
        assert_eq!(ok("flatten", &[list(vec![m(&[])])]), list(vec![m(&[])]));
        assert_eq!(
            err("flatten", &[m(&[])]),
            "flatten: argument 1 must be a list or set, not a map"
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
    fn range_forms() {
        assert_eq!(ok("range", &[n(3.0)]), nums(&[0.0, 1.0, 2.0]));
        assert_eq!(ok("range", &[n(1.0), n(4.0)]), nums(&[1.0, 2.0, 3.0]));
        assert_eq!(ok("range", &[n(4.0), n(1.0)]), nums(&[4.0, 3.0, 2.0]));
        assert_eq!(ok("range", &[n(0.0), n(10.0), n(5.0)]), nums(&[0.0, 5.0]));
        assert_eq!(ok("range", &[n(1.0), n(2.0), n(0.5)]), nums(&[1.0, 1.5]));
        assert_eq!(ok("range", &[n(0.0)]), list(vec![]));
        assert_eq!(ok("range", &[n(-2.0)]), nums(&[0.0, -1.0]));
        assert_eq!(ok("range", &[s("2")]), nums(&[0.0, 1.0]));
    }

    #[test]
    fn range_errors() {
        assert_eq!(
            err("range", &[n(0.0), n(5.0), n(0.0)]),
            "range: argument 3 (the step) must not be zero"
        );
        assert_eq!(
            err("range", &[n(5.0), n(0.0), n(1.0)]),
            "range: the start 5 is greater than the limit 0, so the step must be negative, not 1"
        );
        assert_eq!(
            err("range", &[n(0.0), n(5.0), n(-1.0)]),
            "range: the start 0 is less than the limit 5, so the step must be positive, not -1"
        );
        assert_eq!(
            err("range", &[n(2e6)]),
            "range: the range from 0 to 2000000 in steps of 1 would have more than 1048576 elements"
        );
        assert!(err("range", &[n(-1e308), n(1e308), n(1e-300)]).contains("more than"));
        assert_eq!(
            ok("range", &[n(1048576.0)]).as_seq().map(<[Value]>::len),
            Some(1 << 20)
        );
        assert_eq!(
            err("range", &[strs(&[])]),
            "range: argument 1 must be a number, not a list"
        );
    }

    #[test]
    fn contains_compares_values() {
        assert_eq!(ok("contains", &[strs(&["a", "b"]), s("b")]), b(true));
        assert_eq!(ok("contains", &[strs(&["a"]), s("c")]), b(false));
        assert_eq!(ok("contains", &[nums(&[1.0]), n(1.0)]), b(true));
        assert_eq!(
            ok("contains", &[list(vec![Value::Null]), Value::Null]),
            b(true)
        );
        assert_eq!(
            err("contains", &[s("abc"), s("b")]),
            "contains: argument 1 must be a list or set, not the string \"abc\""
        );
    }

    #[test]
    fn distinct_keeps_first_occurrences() {
        assert_eq!(
            ok("distinct", &[strs(&["b", "a", "b", "c", "a"])]),
            strs(&["b", "a", "c"])
        );
        assert_eq!(ok("distinct", &[list(vec![])]), list(vec![]));
        assert_eq!(
            ok("distinct", &[list(vec![n(1.0), s("1"), n(1.0)])]),
            list(vec![n(1.0), s("1")])
        );
        assert_eq!(
            err("distinct", &[n(1.0)]),
            "distinct: argument 1 must be a list or set, not the number 1"
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
    fn coalesce_skips_null_and_empty() {
        assert_eq!(
            ok("coalesce", &[Value::Null, s(""), s("a"), s("b")]),
            s("a")
        );
        assert_eq!(ok("coalesce", &[n(0.0)]), n(0.0));
        assert_eq!(ok("coalesce", &[Value::Null, strs(&[])]), list(vec![]));
        assert_eq!(
            err("coalesce", &[Value::Null, s("")]),
            "coalesce: every argument is null or an empty string"
        );
    }

    #[test]
    fn element_wraps_around() {
        let items = strs(&["a", "b", "c"]);
        assert_eq!(ok("element", &[items.clone(), n(1.0)]), s("b"));
        assert_eq!(ok("element", &[items.clone(), n(4.0)]), s("b"));
        assert_eq!(
            err("element", &[items.clone(), n(-1.0)]),
            "element: argument 2 (the index) must not be negative, not -1"
        );
        assert_eq!(
            err("element", &[list(vec![]), n(0.0)]),
            "element: argument 1 is empty, so it has no element to take"
        );
        assert_eq!(
            err("element", &[items, n(0.5)]),
            "element: argument 2 must be a whole number, not 0.5"
        );
    }

    #[test]
    fn slice_takes_a_part() {
        let items = strs(&["a", "b", "c"]);
        assert_eq!(
            ok("slice", &[items.clone(), n(1.0), n(3.0)]),
            strs(&["b", "c"])
        );
        assert_eq!(ok("slice", &[items.clone(), n(1.0), n(1.0)]), list(vec![]));
        assert_eq!(
            err("slice", &[items.clone(), n(2.0), n(4.0)]),
            "slice: the start 2 and end 4 must satisfy 0 <= start <= end <= 3, the length of argument 1"
        );
        assert!(err("slice", &[items.clone(), n(2.0), n(1.0)]).contains("start <= end"));
        assert!(err("slice", &[items, n(-1.0), n(1.0)]).contains("0 <= start"));
    }

    #[test]
    fn reverse_reverses() {
        assert_eq!(
            ok("reverse", &[strs(&["a", "b", "c"])]),
            strs(&["c", "b", "a"])
        );
        assert_eq!(ok("reverse", &[list(vec![])]), list(vec![]));
        assert_eq!(
            ok("reverse", &[Value::set(vec![n(1.0), n(2.0)])]),
            nums(&[2.0, 1.0])
        );
        assert_eq!(
            err("reverse", &[s("ab")]),
            "reverse: argument 1 must be a list or set, not the string \"ab\""
        );
    }

    #[test]
    fn sort_orders_strings() {
        assert_eq!(
            ok("sort", &[strs(&["b", "c", "a"])]),
            strs(&["a", "b", "c"])
        );
        assert_eq!(ok("sort", &[nums(&[10.0, 9.0])]), strs(&["10", "9"]));
        assert_eq!(ok("sort", &[list(vec![])]), list(vec![]));
        assert_eq!(
            err("sort", &[list(vec![s("a"), list(vec![])])]),
            "sort: the element at index 1 of argument 1 must be a string, not a list"
        );
        assert_eq!(
            err("sort", &[list(vec![Value::Null])]),
            "sort: the element at index 0 of argument 1 must not be null"
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

    #[test]
    fn setunion_merges_sets() {
        let left = Value::set(vec![s("a"), s("b")]);
        let right = Value::set(vec![s("b"), s("c")]);
        assert_eq!(
            ok("setunion", &[left.clone(), right]),
            Value::set(vec![s("a"), s("b"), s("c")])
        );
        assert_eq!(ok("setunion", std::slice::from_ref(&left)), left);
        assert_eq!(
            ok("setunion", &[strs(&["b", "a", "a"])]),
            Value::set(vec![s("a"), s("b")])
        );
        assert_eq!(
            err("setunion", &[n(1.0)]),
            "setunion: argument 1 must be a list or set, not the number 1"
        );
    }
}
