//! Set functions: `setunion`, `setintersection`, `setsubtract` and `setproduct`. Elements
//! are given one type first (`setunion(["a"], [1])` is `["1", "a"]`), as Terraform's sets
//! hold elements of one type.

use super::args::{label, seq};
use super::types::unify;
use super::{Arity, Function};
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("setunion", Arity::AtLeast(1), setunion),
    Function::new("setintersection", Arity::AtLeast(1), setintersection),
    Function::new("setsubtract", Arity::Exact(2), setsubtract),
    Function::new("setproduct", Arity::AtLeast(2), setproduct),
];

/// The elements of every argument, given one type, with the argument each came from.
fn unified(args: &[Value]) -> Result<Vec<Vec<Value>>, String> {
    let mut all = Vec::new();
    let mut lengths = Vec::new();
    for index in 0..args.len() {
        let items = seq(args, index)?;
        lengths.push(items.len());
        all.extend(items.iter().cloned());
    }
    let mut unified = unify("the elements", all.iter())?.into_iter();
    Ok(lengths
        .into_iter()
        .map(|n| unified.by_ref().take(n).collect())
        .collect())
}

fn setunion(args: &[Value]) -> Result<Value, String> {
    Ok(Value::set(unified(args)?.into_iter().flatten().collect()))
}

fn setintersection(args: &[Value]) -> Result<Value, String> {
    let mut sets = unified(args)?.into_iter();
    let first = sets.next().unwrap_or_default();
    let rest: Vec<Vec<Value>> = sets.collect();
    Ok(Value::set(
        first
            .into_iter()
            .filter(|item| rest.iter().all(|set| set.contains(item)))
            .collect(),
    ))
}

fn setsubtract(args: &[Value]) -> Result<Value, String> {
    let sets = unified(args)?;
    let (from, take) = match sets.as_slice() {
        [from, take] => (from, take),
        _ => return Err(format!("{} and argument 2 are both needed", label(0))),
    };
    Ok(Value::set(
        from.iter()
            .filter(|item| !take.contains(item))
            .cloned()
            .collect(),
    ))
}

/// Every combination of one element of each argument, in order; a set when every argument
/// is a set, else a list.
fn setproduct(args: &[Value]) -> Result<Value, String> {
    let mut combos: Vec<Vec<Value>> = vec![Vec::new()];
    for index in 0..args.len() {
        let items = seq(args, index)?;
        let total = combos.len().saturating_mul(items.len());
        if total > MAX_PRODUCT {
            return Err(format!(
                "the product would have more than {MAX_PRODUCT} elements"
            ));
        }
        combos = combos
            .iter()
            .flat_map(|combo| {
                items.iter().map(move |item| {
                    let mut next = combo.clone();
                    next.push(item.clone());
                    next
                })
            })
            .collect();
    }
    let combos = combos.into_iter().map(Value::list).collect();
    if args.iter().all(|a| matches!(a, Value::Set(_))) {
        Ok(Value::set(combos))
    } else {
        Ok(Value::list(combos))
    }
}

/// The most combinations `setproduct` makes.
const MAX_PRODUCT: usize = 1 << 20;

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, n, ok, s, strs};
    use super::*;

    #[test]
    fn set_operations() {
        let ab = strs(&["a", "b"]);
        let bc = strs(&["b", "c"]);
        assert_eq!(
            ok("setintersection", &[ab.clone(), bc.clone()]),
            Value::set(vec![s("b")])
        );
        assert_eq!(
            ok("setsubtract", &[ab.clone(), bc.clone()]),
            Value::set(vec![s("a")])
        );
        assert_eq!(
            ok("setunion", &[strs(&["a"]), Value::list(vec![n(1.0)])]),
            Value::set(vec![s("1"), s("a")])
        );
        assert_eq!(
            ok("setproduct", &[ab, strs(&["x"])]),
            Value::list(vec![strs(&["a", "x"]), strs(&["b", "x"])])
        );
        assert_eq!(
            ok("setproduct", &[strs(&["a"]), strs(&[])]),
            Value::list(vec![])
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
