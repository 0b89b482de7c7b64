//! Tests of the list and set functions.

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
fn concat_joins_lists() {
    assert_eq!(
        ok("concat", &[strs(&["a"]), strs(&["b", "c"])]),
        strs(&["a", "b", "c"])
    );
    assert_eq!(ok("concat", &[list(vec![])]), list(vec![]));
    assert!(err("concat", &[]).contains("at least 1 argument"));
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
        err("contains", &[list(vec![Value::Null]), Value::Null]),
        "contains: argument 2 must not be null"
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
        list(vec![s("1")])
    );
    assert_eq!(
        err("distinct", &[n(1.0)]),
        "distinct: argument 1 must be a list or set, not the number 1"
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
