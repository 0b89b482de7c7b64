//! Tests of `format` and `formatlist`.

use super::super::test_support::{b, err, list, map, n, ok, resource, s, strs};
use super::*;

fn fmt(spec: &str, values: &[Value]) -> Value {
    let mut args = vec![s(spec)];
    args.extend_from_slice(values);
    ok("format", &args)
}

fn fmt_err(spec: &str, values: &[Value]) -> String {
    let mut args = vec![s(spec)];
    args.extend_from_slice(values);
    err("format", &args)
}

#[test]
fn strings_and_percent() {
    assert_eq!(fmt("Hello, %s!", &[s("Ander")]), s("Hello, Ander!"));
    assert_eq!(fmt("100%%", &[]), s("100%"));
    assert_eq!(fmt("no verbs", &[]), s("no verbs"));
    assert_eq!(fmt("%s-%s", &[s("a"), n(1.0)]), s("a-1"));
    assert_eq!(fmt("%s", &[b(true)]), s("true"));
}

#[test]
fn widths_and_precision_for_strings() {
    assert_eq!(fmt("[%5s]", &[s("ab")]), s("[   ab]"));
    assert_eq!(fmt("[%-5s]", &[s("ab")]), s("[ab   ]"));
    assert_eq!(fmt("[%.2s]", &[s("héllo")]), s("[hé]"));
    assert_eq!(fmt("[%5.1s]", &[s("xyz")]), s("[    x]"));
    assert_eq!(fmt("[%1s]", &[s("long")]), s("[long]"));
}

#[test]
fn integers() {
    assert_eq!(fmt("%d", &[n(42.0)]), s("42"));
    assert_eq!(fmt("rack-%02d", &[n(7.0)]), s("rack-07"));
    assert_eq!(fmt("%05d", &[n(-42.0)]), s("-0042"));
    assert_eq!(fmt("%+d", &[n(5.0)]), s("+5"));
    assert_eq!(fmt("% d", &[n(5.0)]), s(" 5"));
    assert_eq!(fmt("%-4d|", &[n(5.0)]), s("5   |"));
    assert_eq!(fmt("%.3d", &[n(7.0)]), s("007"));
    assert_eq!(fmt("%d", &[s("12")]), s("12"));
}

#[test]
fn other_bases() {
    assert_eq!(fmt("%x", &[n(255.0)]), s("ff"));
    assert_eq!(fmt("%X", &[n(255.0)]), s("FF"));
    assert_eq!(fmt("%02x:%02x", &[n(10.0), n(171.0)]), s("0a:ab"));
    assert_eq!(fmt("%#x", &[n(255.0)]), s("0xff"));
    assert_eq!(fmt("%#06x", &[n(255.0)]), s("0x00ff"));
    assert_eq!(fmt("%o", &[n(8.0)]), s("10"));
    assert_eq!(fmt("%b", &[n(5.0)]), s("101"));
    assert_eq!(fmt("%x", &[n(-255.0)]), s("-ff"));
}

#[test]
fn floats() {
    assert_eq!(fmt("%f", &[n(1.5)]), s("1.500000"));
    assert_eq!(fmt("%.2f", &[n(1.23456)]), s("1.23"));
    assert_eq!(fmt("%8.3f", &[n(-1.23456)]), s("  -1.235"));
    assert_eq!(fmt("%08.3f", &[n(-1.23456)]), s("-001.235"));
    assert_eq!(fmt("%.0f", &[n(2.0)]), s("2"));
    assert_eq!(fmt("%+.1f", &[n(2.0)]), s("+2.0"));
}

#[test]
fn default_and_quoted_forms() {
    assert_eq!(fmt("%v", &[s("a")]), s("a"));
    assert_eq!(fmt("%v", &[n(1.5)]), s("1.5"));
    assert_eq!(fmt("%v", &[n(3.0)]), s("3"));
    assert_eq!(fmt("%v", &[b(false)]), s("false"));
    assert_eq!(fmt("%v", &[strs(&["a", "b"])]), s("[\"a\",\"b\"]"));
    assert_eq!(fmt("%v", &[map(&[("k", n(1.0))])]), s("{\"k\":1}"));
    assert_eq!(fmt("%#v", &[s("a")]), s("\"a\""));
    assert_eq!(fmt("%q", &[s("say \"hi\"\n")]), s("\"say \\\"hi\\\"\\n\""));
    assert_eq!(fmt("%q", &[n(5.0)]), s("\"5\""));
    assert_eq!(fmt("%t", &[b(true)]), s("true"));
}

#[test]
fn arity_mismatches() {
    assert_eq!(
        fmt_err("%s-%s", &[s("a")]),
        "format: the verb %s needs value 2 but only 1 value was given"
    );
    assert_eq!(
        fmt_err("%s", &[]),
        "format: the verb %s needs value 1 but only 0 values were given"
    );
    assert_eq!(
        fmt_err("%s", &[s("a"), s("b")]),
        "format: 2 values were given but the format string uses only 1 value"
    );
    assert_eq!(
        fmt_err("plain", &[s("a")]),
        "format: 1 value was given but the format string uses no values"
    );
    assert_eq!(fmt("%[2]s %[1]s %s", &[s("a"), s("b")]), s("b a b"));
    assert_eq!(fmt("%[1]s %[1]s", &[s("a")]), s("a a"));
}

#[test]
fn bad_verbs() {
    assert_eq!(
        fmt_err("%y", &[n(1.0)]),
        "format: %y is not a supported verb; use %s, %d, %f, %e, %g, %v, %q, %t, %x, %X, %o or %b, or %% for a percent sign"
    );
    assert_eq!(
        fmt_err("50%", &[]),
        "format: the format string ends in the middle of a verb; write %% for a percent sign"
    );
    assert_eq!(
        fmt_err("%[0]s", &[s("a")]),
        "format: argument indexes count from 1, as in %[1]s"
    );
    assert_eq!(
        fmt_err("%*d", &[n(1.0)]),
        "format: a width or precision given as * is not supported; write the number"
    );
    assert_eq!(
        fmt_err("%99999d", &[n(1.0)]),
        "format: the width of a verb can be at most 4096"
    );
    assert_eq!(
        fmt_err("%.99999999999999999999999f", &[n(1.0)]),
        "format: the precision of a verb can be at most 4096"
    );
}

#[test]
fn bad_values() {
    assert_eq!(
        fmt_err("%d", &[n(1.5)]),
        "format: argument 2 must be a whole number, not 1.5; %d needs one (use %f, or floor() first)"
    );
    assert_eq!(
        fmt_err("%d", &[s("x")]),
        "format: argument 2 must be a number, not the string \"x\""
    );
    assert_eq!(
        fmt_err("%s %s", &[s("a"), list(vec![])]),
        "format: argument 3 must be a string, not a list"
    );
    assert_eq!(fmt("%s", &[Value::Null]), Value::Null);
    assert_eq!(fmt("%v", &[Value::Null]), Value::Null);
    assert_eq!(
        fmt_err("%s", &[resource("site.dc1", &["name"])]),
        "format: argument 2 must be a string, but the resource site.dc1 was given; use one of its attributes, e.g. site.dc1.name"
    );
    assert_eq!(
        fmt_err("%t", &[n(1.0)]),
        "format: argument 2 must be a bool, not the number 1"
    );
    assert_eq!(
        err("format", &[strs(&[])]),
        "format: argument 1 must be a string, not a list"
    );
}
