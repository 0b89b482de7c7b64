//! Functions over lists and sets: `length`, `concat`, `flatten`, `range`, `contains`,
//! `distinct`, `coalesce`, `element`, `slice`, `reverse` and `sort`. (Maps, sets and the
//! other list functions have their own modules.)

use std::cmp::Ordering;
use std::collections::BTreeSet;

use super::args::{arg, integer, label, mismatch, number, seq, strings};
use super::strings::graphemes;
use super::types::unify;
use super::{Arity, Function};
use crate::number::Number;
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("length", Arity::Exact(1), length),
    Function::new("concat", Arity::AtLeast(1), concat),
    Function::new("flatten", Arity::Exact(1), flatten),
    Function::new("range", Arity::Between(1, 3), range),
    Function::new("contains", Arity::Exact(2), contains),
    Function::new("distinct", Arity::Exact(1), distinct),
    Function::new("coalesce", Arity::AtLeast(1), coalesce),
    Function::new("element", Arity::Exact(2), element),
    Function::new("slice", Arity::Exact(3), slice),
    Function::new("reverse", Arity::Exact(1), reverse),
    Function::new("sort", Arity::Exact(1), sort),
];

/// A count as a number value.
fn number_of(n: usize) -> Value {
    Value::number(n)
}

fn length(args: &[Value]) -> Result<Value, String> {
    match arg(args, 0)? {
        Value::String(s) => Ok(number_of(graphemes(s))),
        Value::List(items) | Value::Set(items) => Ok(number_of(items.len())),
        Value::Map(entries) => Ok(number_of(entries.len())),
        other => Err(mismatch(&label(0), "a string, list, set or map", other)),
    }
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

fn range(args: &[Value]) -> Result<Value, String> {
    let first = number(args, 0)?;
    let (start, limit) = match args.get(1) {
        Some(_) => (first, number(args, 1)?),
        None => (Number::ZERO, first),
    };
    let step = match args.get(2) {
        Some(_) => number(args, 2)?,
        None if start <= limit => Number::from(1i64),
        None => Number::from(-1i64),
    };
    check_range_direction(&start, &limit, &step)?;
    let too_many = || {
        format!(
            "the range from {start} to {limit} in steps of {step} would have more than {MAX_RANGE} elements"
        )
    };
    let steps = limit
        .sub(&start)
        .div(&step)
        .map(|n| n.ceil())
        .and_then(|n| n.to_u64())
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n <= MAX_RANGE)
        .ok_or_else(too_many)?;
    let items = (0..steps)
        .map(|i| Value::Number(start.add(&step.mul(&Number::from(i)))))
        .collect();
    Ok(Value::list(items))
}

/// Checks that `step` leads from `start` towards `limit`.
fn check_range_direction(start: &Number, limit: &Number, step: &Number) -> Result<(), String> {
    if step.is_zero() {
        Err("argument 3 (the step) must not be zero".to_string())
    } else if !step.is_negative() && start > limit {
        Err(format!(
            "the start {start} is greater than the limit {limit}, so the step must be negative, not {step}"
        ))
    } else if step.is_negative() && start < limit {
        Err(format!(
            "the start {start} is less than the limit {limit}, so the step must be positive, not {step}"
        ))
    } else {
        Ok(())
    }
}

fn contains(args: &[Value]) -> Result<Value, String> {
    let items = seq(args, 0)?;
    let wanted = arg(args, 1)?;
    if matches!(wanted, Value::Null) {
        return Err("argument 2 must not be null".to_string());
    }
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

/// The distinct elements, in the order they first appear, after the elements are given one
/// type as Terraform's list does (`distinct([1, "1"])` is `["1"]`).
fn distinct(args: &[Value]) -> Result<Value, String> {
    let mut seen = BTreeSet::new();
    let unified = unify(&label(0), seq(args, 0)?.iter())?;
    let items = unified
        .iter()
        .filter(|item| seen.insert(Ordered(item)))
        .cloned()
        .collect();
    Ok(Value::list(items))
}

/// The first argument that is neither null nor an empty string, after the arguments are
/// given one type (`coalesce(1, "a")` is `"1"`).
fn coalesce(args: &[Value]) -> Result<Value, String> {
    let unified = unify("the arguments", args.iter())?;
    unified
        .into_iter()
        .find(|value| !matches!(value, Value::Null) && value.as_str() != Some(""))
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

/// The most elements `range` produces.
const MAX_RANGE: usize = 1 << 20;

#[cfg(test)]
#[path = "collections_tests.rs"]
mod tests;
