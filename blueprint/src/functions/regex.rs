//! Regular expressions (RE2 syntax, as Terraform's): `regex`, `regexall`, and the
//! `/pattern/` form of `replace`.
//!
//! A pattern without capture groups gives the matched text; with unnamed groups, a list of
//! the groups' texts (`null` for a group that did not take part); with named groups, a map
//! from name to text. Mixing named and unnamed groups is an error, as in Terraform.

use regex::{Captures, Regex};

use super::args::string;
use super::{Arity, Function};
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("regex", Arity::Exact(2), regex),
    Function::new("regexall", Arity::Exact(2), regexall),
];

/// The longest pattern accepted, in bytes: a guard against compiling megabytes.
const MAX_PATTERN: usize = 1 << 16;

/// Compiles a pattern, explaining a syntax error.
fn compile(pattern: &str) -> Result<Regex, String> {
    if pattern.len() > MAX_PATTERN {
        return Err(format!(
            "the pattern is {} bytes long; at most {MAX_PATTERN} are accepted",
            pattern.len()
        ));
    }
    Regex::new(pattern).map_err(|e| {
        let detail = e.to_string();
        let last = detail.lines().last().unwrap_or_default().trim();
        format!("{pattern:?} is not a valid regular expression ({last})")
    })
}

/// How a pattern's matches become values.
enum Shape {
    Whole,
    Unnamed(usize),
    Named(Vec<(usize, String)>),
}

fn shape(re: &Regex) -> Result<Shape, String> {
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named = names.iter().filter(|n| n.is_some()).count();
    match (names.len(), named) {
        (0, _) => Ok(Shape::Whole),
        (all, 0) => Ok(Shape::Unnamed(all)),
        (all, some) if all == some => Ok(Shape::Named(
            names
                .iter()
                .enumerate()
                .filter_map(|(i, n)| n.map(|n| (i + 1, n.to_string())))
                .collect(),
        )),
        _ => Err("the pattern mixes named and unnamed capture groups; use one kind".to_string()),
    }
}

fn value_of(shape: &Shape, caps: &Captures<'_>) -> Value {
    let group = |i: usize| {
        caps.get(i)
            .map_or(Value::Null, |m| Value::string(m.as_str()))
    };
    match shape {
        Shape::Whole => group(0),
        Shape::Unnamed(count) => Value::list((1..=*count).map(group).collect()),
        Shape::Named(names) => Value::map(
            names
                .iter()
                .map(|(i, name)| (name.clone(), group(*i)))
                .collect(),
        ),
    }
}

/// The matches of `re` in `text`, left to right; an empty match right after another match
/// is skipped, as Go's regexp (and so Terraform) skips it.
fn matches<'t>(re: &Regex, text: &'t str) -> Vec<Captures<'t>> {
    let mut out: Vec<Captures<'t>> = Vec::new();
    let mut last_end = None;
    for caps in re.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        if whole.is_empty() && last_end == Some(whole.start()) {
            continue;
        }
        last_end = Some(whole.end());
        out.push(caps);
    }
    out
}

fn regex(args: &[Value]) -> Result<Value, String> {
    let re = compile(&string(args, 0)?)?;
    let text = string(args, 1)?;
    let shape = shape(&re)?;
    re.captures(&text)
        .map(|caps| value_of(&shape, &caps))
        .ok_or_else(|| "the pattern did not match any part of the string".to_string())
}

fn regexall(args: &[Value]) -> Result<Value, String> {
    let re = compile(&string(args, 0)?)?;
    let text = string(args, 1)?;
    let shape = shape(&re)?;
    Ok(Value::list(
        matches(&re, &text)
            .iter()
            .map(|caps| value_of(&shape, caps))
            .collect(),
    ))
}

/// `replace` with a `/pattern/`: every match replaced, `$1`, `${1}` and `$name` in the
/// replacement standing for the groups' texts.
pub(super) fn replace_all(text: &str, pattern: &str, replacement: &str) -> Result<String, String> {
    let re = compile(pattern)?;
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for caps in matches(&re, text) {
        let Some(whole) = caps.get(0) else { continue };
        out.push_str(&text[copied..whole.start()]);
        caps.expand(replacement, &mut out);
        copied = whole.end();
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, list, map, ok, s, strs};
    use super::*;

    #[test]
    fn shapes_of_results() {
        assert_eq!(ok("regex", &[s("[a-z]+"), s("12abc3")]), s("abc"));
        assert_eq!(
            ok("regex", &[s("(a)(b)?"), s("a")]),
            list(vec![s("a"), Value::Null])
        );
        assert_eq!(
            ok("regex", &[s("(?P<k>\\w)=(?P<v>\\w)"), s("a=b")]),
            map(&[("k", s("a")), ("v", s("b"))])
        );
        assert!(err("regex", &[s("(?P<k>a)(b)"), s("ab")]).contains("mixes named and unnamed"));
    }

    #[test]
    fn matches_like_go() {
        assert_eq!(
            ok("regexall", &[s("a*"), s("baaac")]),
            strs(&["", "aaa", ""])
        );
        assert_eq!(replace_all("aaa", "a*", "-"), Ok("-".to_string()));
        assert_eq!(replace_all("hello", "l", "${1}"), Ok("heo".to_string()));
        assert_eq!(ok("regexall", &[s("x"), s("")]), list(vec![]));
    }

    #[test]
    fn errors() {
        assert!(err("regex", &[s("("), s("x")]).contains("not a valid regular expression"));
        assert_eq!(
            err("regex", &[s("x"), s("y")]),
            "regex: the pattern did not match any part of the string"
        );
    }
}
