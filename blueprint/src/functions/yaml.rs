//! `yamldecode` and `yamlencode`, as Terraform's (whose YAML is that of go-yaml).
//!
//! Decoding uses yaml-rust2's parser for the syntax and resolves plain scalars with the
//! YAML 1.1 rules Terraform applies: `yes`, `on`, `y` are true, `no`, `off`, `n` false,
//! `~` and `null` null, `0x1F` and `0b101` whole numbers, `1e3` a number. Encoding writes
//! Terraform's layout: keys and strings double-quoted, multi-line strings as literal
//! blocks, two-space indentation, sequences under a key not indented.

use std::collections::BTreeMap;

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::TScalarStyle;

use super::args::{arg, string};
use super::{Arity, Function};
use crate::number::Number;
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("yamldecode", Arity::Exact(1), yamldecode),
    Function::new("yamlencode", Arity::Exact(1), yamlencode),
];

/// The deepest nesting `yamldecode` accepts.
const MAX_DEPTH: usize = 256;

fn yamldecode(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    let mut reader = Reader {
        parser: Parser::new_from_str(&text),
        anchors: BTreeMap::new(),
    };
    reader.expect(
        |e| matches!(e, Event::StreamStart),
        "the start of the stream",
    )?;
    match reader.next()? {
        Event::DocumentStart => {}
        _ => return Err("on line 1, column 1: missing start of document".to_string()),
    }
    let first = reader.next()?;
    let value = reader.node(first, 0)?;
    reader.expect(
        |e| matches!(e, Event::DocumentEnd),
        "the end of the document",
    )?;
    match reader.next()? {
        Event::StreamEnd => Ok(value),
        _ => Err("unexpected extra content after value: a second document".to_string()),
    }
}

struct Reader<'t> {
    parser: Parser<std::str::Chars<'t>>,
    anchors: BTreeMap<usize, Value>,
}

impl Reader<'_> {
    fn next(&mut self) -> Result<Event, String> {
        self.parser
            .next_token()
            .map(|(event, _)| event)
            .map_err(|e| {
                let at = e.marker();
                format!(
                    "on line {}, column {}: {}",
                    at.line(),
                    at.col() + 1,
                    e.info()
                )
            })
    }

    fn expect(&mut self, wanted: fn(&Event) -> bool, what: &str) -> Result<(), String> {
        let event = self.next()?;
        if wanted(&event) {
            Ok(())
        } else {
            Err(format!("expected {what}"))
        }
    }

    fn remember(&mut self, anchor: usize, value: &Value) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
    }

    fn node(&mut self, event: Event, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(format!("the document is nested more than {MAX_DEPTH} deep"));
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar(&text, style, tag.as_ref())?;
                self.remember(anchor, &value);
                Ok(value)
            }
            Event::Alias(id) => self
                .anchors
                .get(&id)
                .cloned()
                .ok_or_else(|| "an alias refers to an unknown anchor".to_string()),
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        Event::SequenceEnd => break,
                        event => items.push(self.node(event, depth + 1)?),
                    }
                }
                let value = Value::list(items);
                self.remember(anchor, &value);
                Ok(value)
            }
            Event::MappingStart(anchor, _) => {
                let mut entries = BTreeMap::new();
                loop {
                    let key = match self.next()? {
                        Event::MappingEnd => break,
                        event => self.node(event, depth + 1)?,
                    };
                    let key = key
                        .to_template_string()
                        .ok_or_else(|| format!("a mapping key must be a string, not {key}"))?;
                    let event = self.next()?;
                    let value = self.node(event, depth + 1)?;
                    entries.insert(key, value);
                }
                let value = Value::map(entries);
                self.remember(anchor, &value);
                Ok(value)
            }
            _ => Err("did not find expected node content".to_string()),
        }
    }
}

/// A scalar's value: quoted and block scalars are strings; plain ones are resolved.
fn scalar(text: &str, style: TScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    if let Some(tag) = tag.filter(|t| t.handle == "!!" || t.handle == "tag:yaml.org,2002:") {
        return match tag.suffix.as_str() {
            "str" => Ok(Value::string(text)),
            "null" => Ok(Value::Null),
            "bool" | "int" | "float" => resolve(text),
            other => Err(format!("the tag !!{other} is not supported")),
        };
    }
    if style == TScalarStyle::Plain {
        resolve(text)
    } else {
        Ok(Value::string(text))
    }
}

/// YAML 1.1's resolution of a plain scalar, as go-yaml does it.
fn resolve(text: &str) -> Result<Value, String> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Ok(Value::Bool(true));
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Ok(Value::Bool(false));
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Err(format!(
                "{text} is not a finite number, which Strata cannot hold"
            ));
        }
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let radix = [("0x", 16), ("0b", 2), ("0o", 8)]
        .into_iter()
        .find_map(|(prefix, radix)| unsigned.strip_prefix(prefix).map(|d| (d, radix)));
    if let Some((digits, radix)) = radix
        && let Ok(n) = i64::from_str_radix(&digits.replace('_', ""), radix)
    {
        let n = Number::from(n);
        return Ok(Value::Number(if text.starts_with('-') {
            n.neg()
        } else {
            n
        }));
    }
    Ok(Number::parse(text).map_or_else(|| Value::string(text), Value::Number))
}

fn yamlencode(args: &[Value]) -> Result<Value, String> {
    let value = arg(args, 0)?;
    let mut out = String::new();
    match value {
        Value::List(items) | Value::Set(items) if !items.is_empty() => {
            sequence(items, 0, &mut out)?
        }
        Value::Map(entries) if !entries.is_empty() => mapping(entries, 0, &mut out)?,
        Value::String(_) => {
            out.push_str(&inline(value, 0)?);
            out.push('\n');
        }
        other => {
            out.push_str(&inline(other, 0)?);
            out.push('\n');
            if !matches!(other, Value::List(_) | Value::Set(_) | Value::Map(_)) {
                out.push_str("...\n");
            }
        }
    }
    Ok(Value::string(out))
}

/// A scalar or empty collection on one line; a multi-line string as a literal block whose
/// lines are indented by `indent + 2`.
fn inline(value: &Value, indent: usize) -> Result<String, String> {
    Ok(match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if is_block(s) => block(s, indent),
        Value::String(s) => quoted(s),
        Value::List(_) | Value::Set(_) => "[]".to_string(),
        Value::Map(_) => "{}".to_string(),
        Value::Unknown => return Err("the value is not known yet".to_string()),
        Value::Ref(r) => {
            return Err(format!(
                "the resource {} is not a value to encode; use one of its attributes",
                r.address
            ));
        }
    })
}

/// Whether a string is written as a literal block: several lines, none starting with a
/// space, nothing a block cannot hold.
fn is_block(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && !s.chars().any(|c| c.is_control() && c != '\n')
        && !s.ends_with("\n\n")
}

fn block(s: &str, indent: usize) -> String {
    let chomp = if s.ends_with('\n') { "" } else { "-" };
    let pad = " ".repeat(indent + 2);
    let mut out = format!("|{chomp}");
    for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
        }
        out.push_str(line);
    }
    out
}

/// A double-quoted YAML string.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_nested(value: &Value) -> bool {
    match value {
        Value::List(items) | Value::Set(items) => !items.is_empty(),
        Value::Map(entries) => !entries.is_empty(),
        _ => false,
    }
}

fn mapping(
    entries: &BTreeMap<String, Value>,
    indent: usize,
    out: &mut String,
) -> Result<(), String> {
    let pad = " ".repeat(indent);
    for (key, value) in entries {
        out.push_str(&format!("{pad}{}:", quoted(key)));
        match value {
            Value::Map(inner) if is_nested(value) => {
                out.push('\n');
                mapping(inner, indent + 2, out)?;
            }
            Value::List(items) | Value::Set(items) if is_nested(value) => {
                out.push('\n');
                sequence(items, indent, out)?;
            }
            other => {
                out.push(' ');
                out.push_str(&inline(other, indent)?);
                out.push('\n');
            }
        }
    }
    Ok(())
}

fn sequence(items: &[Value], indent: usize, out: &mut String) -> Result<(), String> {
    let pad = " ".repeat(indent);
    for item in items {
        out.push_str(&pad);
        out.push_str("- ");
        match item {
            Value::Map(inner) if is_nested(item) => {
                let mut nested = String::new();
                mapping(inner, indent + 2, &mut nested)?;
                out.push_str(nested.trim_start());
            }
            Value::List(inner) | Value::Set(inner) if is_nested(item) => {
                let mut nested = String::new();
                sequence(inner, indent + 2, &mut nested)?;
                out.push_str(nested.trim_start());
            }
            other => {
                out.push_str(&inline(other, indent)?);
                out.push('\n');
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{b, err, list, map, n, ok, s, strs};
    use super::*;

    #[test]
    fn decodes_with_yaml_1_1_scalars() {
        assert_eq!(
            ok("yamldecode", &[s("a: 1\nb: [x, y, yes, off, ~, '1']\n")]),
            map(&[
                ("a", n(1.0)),
                (
                    "b",
                    list(vec![
                        s("x"),
                        b(true),
                        b(true),
                        b(false),
                        Value::Null,
                        s("1")
                    ])
                ),
            ])
        );
        assert_eq!(ok("yamldecode", &[s("0x10")]), n(16.0));
        assert_eq!(ok("yamldecode", &[s("010")]), n(10.0));
        assert_eq!(
            ok("yamldecode", &[s("a: &x [1]\nb: *x\n")]),
            map(&[("a", list(vec![n(1.0)])), ("b", list(vec![n(1.0)]))])
        );
        assert!(err("yamldecode", &[s("")]).contains("missing start of document"));
        assert!(err("yamldecode", &[s("a: 1\n---\nb: 2\n")]).contains("extra content"));
        assert!(err("yamldecode", &[s(".inf")]).contains("not a finite number"));
    }

    #[test]
    fn encodes_in_terraforms_layout() {
        assert_eq!(
            ok(
                "yamlencode",
                &[map(&[("a", n(1.0)), ("b", strs(&["x", "y"]))])]
            ),
            s("\"a\": 1\n\"b\":\n- \"x\"\n- \"y\"\n")
        );
        assert_eq!(ok("yamlencode", &[n(1.5)]), s("1.5\n...\n"));
        assert_eq!(
            ok("yamlencode", &[s("multi\nline")]),
            s("|-\n  multi\n  line\n")
        );
        assert_eq!(
            ok(
                "yamlencode",
                &[list(vec![map(&[("a", n(1.0)), ("b", n(2.0))])])]
            ),
            s("- \"a\": 1\n  \"b\": 2\n")
        );
        assert_eq!(ok("yamlencode", &[list(vec![])]), s("[]\n"));
    }
}
