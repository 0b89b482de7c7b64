//! Shorthands for the functions' unit tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Scope, call};
use crate::address::Address;
use crate::value::{ResourceRef, Value};

pub(super) fn s(text: &str) -> Value {
    Value::string(text)
}

/// A number from an `f64` literal (exactly as written, for the literals tests use).
pub(super) fn n(number: f64) -> Value {
    match crate::number::Number::from_f64(number) {
        Some(n) => Value::Number(n),
        None => panic!("{number} is not a finite number"),
    }
}

pub(super) fn b(value: bool) -> Value {
    Value::Bool(value)
}

pub(super) fn list(items: Vec<Value>) -> Value {
    Value::list(items)
}

pub(super) fn strs(items: &[&str]) -> Value {
    Value::list(items.iter().map(|item| s(item)).collect())
}

pub(super) fn nums(items: &[f64]) -> Value {
    Value::list(items.iter().map(|item| n(*item)).collect())
}

pub(super) fn map(entries: &[(&str, Value)]) -> Value {
    Value::map(
        entries
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect(),
    )
}

/// A resource with the given attribute names, all set to strings.
pub(super) fn resource(address: &str, attrs: &[&str]) -> Value {
    let attrs: BTreeMap<String, Value> = attrs
        .iter()
        .map(|name| ((*name).to_string(), s("x")))
        .collect();
    let address = match address.parse::<Address>() {
        Ok(address) => address,
        Err(e) => panic!("bad address {address}: {e:?}"),
    };
    Value::Ref(Arc::new(ResourceRef {
        address,
        index: 0,
        attrs,
        sensitive: Vec::new(),
    }))
}

/// The scope of the functions' tests: files are read from the conformance suite's folder.
pub(super) fn scope() -> Scope<'static> {
    Scope {
        base_dir: std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance")),
        plan_time: jiff::Timestamp::UNIX_EPOCH,
    }
}

/// Calls a function that must succeed.
pub(super) fn ok(name: &str, args: &[Value]) -> Value {
    match call(name, args, &scope()) {
        Ok(value) => value,
        Err(message) => panic!("{name} failed: {message}"),
    }
}

/// Calls a function that must fail, and returns its message.
pub(super) fn err(name: &str, args: &[Value]) -> String {
    match call(name, args, &scope()) {
        Ok(value) => panic!("{name} returned {value}"),
        Err(message) => message,
    }
}
