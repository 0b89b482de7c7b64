//! Values as `terraform console` prints them (its `repl.FormatValue`): strings quoted,
//! multi-line strings as heredocs, sequences and mappings one element per line with a
//! two-space indent, sets as `toset([...])`, `(known after apply)` and
//! `(sensitive value)` for what cannot be shown.
//!
//! Strata's values do not tell a list from a tuple nor a map from an object, so lists
//! print as tuples (`[...]`, not `tolist([...])`) and maps as objects (`{...}`, not
//! `tomap({...})`); a resource instance prints as the object of its attributes.

use std::fmt::Write;

use blueprint::Value;

/// What a sensitive value prints as.
pub const SENSITIVE: &str = "(sensitive value)";

/// `value` at `indent` spaces (the indentation of the line it starts on).
pub fn show(value: &Value, indent: usize) -> String {
    match value {
        Value::Unknown => "(known after apply)".to_owned(),
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, indent),
        Value::List(items) => sequence(items, indent),
        Value::Set(items) => format!("toset({})", sequence(items, indent)),
        Value::Map(entries) => mapping(entries.iter().map(|(k, v)| (k, v, false)), indent),
        Value::Ref(resource) => mapping(
            resource.attrs.iter().map(|(name, value)| {
                let sensitive = resource.sensitive.iter().any(|s| s == name);
                (name, value, sensitive)
            }),
            indent,
        ),
    }
}

fn sequence(items: &[Value], indent: usize) -> String {
    let mut out = String::from("[");
    for item in items {
        let _ = write!(
            out,
            "\n{:inner$}{},",
            "",
            show(item, indent + 2),
            inner = indent + 2
        );
    }
    if !items.is_empty() {
        let _ = write!(out, "\n{:indent$}", "");
    }
    out.push(']');
    out
}

/// A mapping; each entry is (key, value, whether the value is sensitive).
fn mapping<'a>(
    entries: impl Iterator<Item = (&'a String, &'a Value, bool)>,
    indent: usize,
) -> String {
    let mut out = String::from("{");
    let mut empty = true;
    for (key, value, sensitive) in entries {
        empty = false;
        let shown = if sensitive {
            SENSITIVE.to_owned()
        } else {
            show(value, indent + 2)
        };
        let _ = write!(
            out,
            "\n{:inner$}{} = {shown}",
            "",
            quote(key),
            inner = indent + 2
        );
    }
    if !empty {
        let _ = write!(out, "\n{:indent$}", "");
    }
    out.push('}');
    out
}

/// A string: quoted, or a heredoc if it has more than one line (`<<-` when indented),
/// its delimiter `EOT` lengthened with `_` until no line is the delimiter.
fn string(s: &str, indent: usize) -> String {
    if !s.contains('\n') {
        return quote(s);
    }
    let mut delimiter = String::from("EOT");
    while s.lines().any(|line| line.trim() == delimiter) {
        delimiter.push('_');
    }
    let operator = if indent > 0 { "<<-" } else { "<<" };
    let mut out = format!("{operator}{delimiter}");
    for line in s.split('\n') {
        let _ = write!(out, "\n{:indent$}{line}", "");
    }
    let _ = write!(out, "\n{:indent$}{delimiter}", "");
    out
}

/// Go's `strconv.Quote`: `"` and `\` escaped, control characters as `\n`, `\t`, `\xNN`...
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x80 && c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A number from its decimal text.
    fn num(text: &str) -> Value {
        blueprint::Number::parse(text).map_or(Value::Null, Value::Number)
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(std::sync::Arc::new(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        ))
    }

    #[test]
    fn nested_values_print_as_terraform_console_prints_them() {
        let value = map(&[
            ("a", Value::number(1i64)),
            (
                "b",
                Value::list(vec![Value::number(1i64), Value::string("x"), Value::Null]),
            ),
            ("c d", map(&[("e", Value::Bool(true))])),
            ("f", Value::list(vec![])),
            ("g", map(&[])),
        ]);
        assert_eq!(
            show(&value, 0),
            "{\n  \"a\" = 1\n  \"b\" = [\n    1,\n    \"x\",\n    null,\n  ]\n  \"c d\" = {\n    \"e\" = true\n  }\n  \"f\" = []\n  \"g\" = {}\n}"
        );
    }

    #[test]
    fn strings_are_quoted_as_go_quotes_them() {
        assert_eq!(
            show(&Value::string("a\"b\\c\t\u{1}é"), 0),
            r#""a\"b\\c\t\x01é""#
        );
    }

    #[test]
    fn multi_line_strings_are_heredocs() {
        assert_eq!(show(&Value::string("a\nb"), 0), "<<EOT\na\nb\nEOT");
        assert_eq!(
            show(&Value::string("EOT\nx\n"), 0),
            "<<EOT_\nEOT\nx\n\nEOT_"
        );
        let nested = Value::list(vec![Value::string("a\nb")]);
        assert_eq!(show(&nested, 0), "[\n  <<-EOT\n  a\n  b\n  EOT,\n]");
    }

    #[test]
    fn sets_unknowns_and_numbers() {
        let set = Value::Set(std::sync::Arc::new(vec![Value::string("a")]));
        assert_eq!(show(&set, 0), "toset([\n  \"a\",\n])");
        assert_eq!(show(&Value::Unknown, 0), "(known after apply)");
        assert_eq!(show(&num("0.5"), 0), "0.5");
        assert_eq!(show(&num("1e20"), 0), "100000000000000000000");
        assert_eq!(show(&num("0.1"), 0), "0.1");
    }
}
