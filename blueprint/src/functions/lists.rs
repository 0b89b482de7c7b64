//! More list functions, as Terraform has them: `alltrue`, `anytrue`, `chunklist`,
//! `coalescelist`, `compact`, `index`, `matchkeys` and `one`.

use super::args::{arg, element_label, integer, label, mismatch, seq, to_string};
use super::types::unify;
use super::{Arity, Function};
use crate::types::to_bool;
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("alltrue", Arity::Exact(1), alltrue),
    Function::new("anytrue", Arity::Exact(1), anytrue),
    Function::new("chunklist", Arity::Exact(2), chunklist),
    Function::new("coalescelist", Arity::AtLeast(1), coalescelist),
    Function::new("compact", Arity::Exact(1), compact),
    Function::new("index", Arity::Exact(2), index),
    Function::new("matchkeys", Arity::Exact(3), matchkeys),
    Function::new("one", Arity::Exact(1), one),
];

/// The elements as bools (`"true"` counts); `null` counts as false.
fn bools(args: &[Value]) -> Result<Vec<bool>, String> {
    seq(args, 0)?
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Null => Ok(false),
            other => to_bool(other).ok_or_else(|| mismatch(&element_label(0, i), "a bool", other)),
        })
        .collect()
}

fn alltrue(args: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(bools(args)?.into_iter().all(|b| b)))
}

fn anytrue(args: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(bools(args)?.into_iter().any(|b| b)))
}

/// Lists of at most `size` elements; size 0 gives the whole list as one chunk.
fn chunklist(args: &[Value]) -> Result<Value, String> {
    let items = seq(args, 0)?;
    let size = integer(args, 1)?;
    let size = usize::try_from(size)
        .map_err(|_| format!("argument 2 (the size) must not be negative, not {size}"))?;
    if items.is_empty() {
        return Ok(Value::list(Vec::new()));
    }
    let size = if size == 0 { items.len() } else { size };
    Ok(Value::list(
        items
            .chunks(size)
            .map(|chunk| Value::list(chunk.to_vec()))
            .collect(),
    ))
}

/// The first argument that is a non-empty list.
fn coalescelist(args: &[Value]) -> Result<Value, String> {
    for (index, value) in args.iter().enumerate() {
        match value {
            Value::Null => {}
            Value::List(items) | Value::Set(items) if items.is_empty() => {}
            Value::List(_) | Value::Set(_) => return Ok(value.clone()),
            other => return Err(mismatch(&label(index), "a list", other)),
        }
    }
    Err("every argument is null or an empty list".to_string())
}

/// The strings of a list that are neither null nor empty.
fn compact(args: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for (i, item) in seq(args, 0)?.iter().enumerate() {
        if matches!(item, Value::Null) {
            continue;
        }
        let text = to_string(&element_label(0, i), item)?;
        if !text.is_empty() {
            out.push(Value::string(text.as_ref()));
        }
    }
    Ok(Value::list(out))
}

/// The index of the first element equal to the value.
fn index(args: &[Value]) -> Result<Value, String> {
    let items = seq(args, 0)?;
    let wanted = arg(args, 1)?;
    if items.is_empty() {
        return Err("argument 1 is empty, so it holds no element to find".to_string());
    }
    items
        .iter()
        .position(|item| item == wanted)
        .map(Value::number)
        .ok_or_else(|| format!("argument 1 has no element equal to {wanted}"))
}

/// The values whose key (at the same index) is one of the search keys.
fn matchkeys(args: &[Value]) -> Result<Value, String> {
    let values = seq(args, 0)?;
    let keys = seq(args, 1)?;
    let search = seq(args, 2)?;
    if values.len() != keys.len() {
        return Err(format!(
            "argument 1 has {} values but argument 2 has {} keys; they must have as many",
            values.len(),
            keys.len()
        ));
    }
    let mut all: Vec<Value> = keys.to_vec();
    all.extend(search.iter().cloned());
    let unified = unify("the keys", all.iter())?;
    let (keys, search) = unified.split_at(keys.len());
    Ok(Value::list(
        values
            .iter()
            .zip(keys)
            .filter(|(_, key)| search.contains(key))
            .map(|(value, _)| value.clone())
            .collect(),
    ))
}

/// The only element of a list of at most one, or null for an empty one.
fn one(args: &[Value]) -> Result<Value, String> {
    match seq(args, 0)? {
        [] => Ok(Value::Null),
        [only] => Ok(only.clone()),
        more => Err(format!(
            "argument 1 must have zero or one elements, not {}",
            more.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{b, err, list, n, nums, ok, s, strs};
    use super::*;

    #[test]
    fn truth_of_lists() {
        assert_eq!(ok("alltrue", &[list(vec![b(true), s("true")])]), b(true));
        assert_eq!(ok("alltrue", &[list(vec![Value::Null])]), b(false));
        assert_eq!(ok("alltrue", &[list(vec![])]), b(true));
        assert_eq!(ok("anytrue", &[list(vec![])]), b(false));
        assert!(err("alltrue", &[nums(&[1.0])]).contains("must be a bool"));
    }

    #[test]
    fn chunks_and_searches() {
        assert_eq!(
            ok("chunklist", &[strs(&["a", "b", "c"]), n(2.0)]),
            list(vec![strs(&["a", "b"]), strs(&["c"])])
        );
        assert_eq!(
            ok("chunklist", &[strs(&["a", "b"]), n(0.0)]),
            list(vec![strs(&["a", "b"])])
        );
        assert!(err("chunklist", &[strs(&["a"]), n(-1.0)]).contains("negative"));
        assert_eq!(ok("index", &[strs(&["a", "b"]), s("b")]), n(1.0));
        assert!(err("index", &[nums(&[1.0]), s("1")]).contains("no element equal"));
        assert_eq!(
            ok(
                "matchkeys",
                &[strs(&["i1", "i2"]), strs(&["us", "eu"]), strs(&["us"])]
            ),
            strs(&["i1"])
        );
    }

    #[test]
    fn picks() {
        assert_eq!(
            ok("coalescelist", &[list(vec![]), strs(&["a"])]),
            strs(&["a"])
        );
        assert!(err("coalescelist", &[list(vec![])]).contains("every argument"));
        assert_eq!(
            ok("compact", &[list(vec![s("a"), s(""), Value::Null, n(1.0)])]),
            strs(&["a", "1"])
        );
        assert_eq!(ok("one", &[list(vec![])]), Value::Null);
        assert_eq!(ok("one", &[strs(&["x"])]), s("x"));
        assert!(err("one", &[strs(&["x", "y"])]).contains("zero or one"));
    }
}
