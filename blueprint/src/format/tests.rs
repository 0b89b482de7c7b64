//! Tests of the formatter: before/after examples of each rule, and property
//! tests over random valid bodies and random garbage.

mod cells;
mod examples;
mod generate;
mod meaning;
mod properties;
mod rewrites;

use super::{FormatError, format};

/// Asserts that `input` formats to `expected`, and that `expected` is stable.
///
/// A line break at the very start of `input` and of `expected` is ignored,
/// so that examples can be written as raw strings starting on their own
/// line. Every example's `expected` is what `terraform fmt` (1.11) makes of
/// its `input`, except where a test says Strata differs on purpose.
#[track_caller]
fn check(input: &str, expected: &str) {
    let input = input.strip_prefix('\n').unwrap_or(input);
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    let formatted = format(input).unwrap_or_else(|error| panic!("{error} in {input:?}"));
    assert_eq!(formatted, expected, "formatting {input:?}");
    let again = format(expected).unwrap_or_else(|error| panic!("{error} in {expected:?}"));
    assert_eq!(again, expected, "formatting the expected output again");
}
