//! `jsonencode` and `jsondecode`, keeping every digit of a number both ways (JSON numbers
//! are decimal, as Strata's are), and escaping as Terraform does (`<`, `>`, `&`, U+2028 and
//! U+2029 as `\u` escapes, keys in sorted order).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::args::{arg, string};
use super::{Arity, Function};
use crate::number::Number;
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("jsonencode", Arity::Exact(1), jsonencode),
    Function::new("jsondecode", Arity::Exact(1), jsondecode),
];

/// The deepest nesting `jsondecode` accepts.
const MAX_DEPTH: usize = 256;

fn jsonencode(args: &[Value]) -> Result<Value, String> {
    let mut out = String::new();
    encode(arg(args, 0)?, &mut out)?;
    Ok(Value::string(out))
}

/// Appends the JSON text of `value`.
pub(super) fn encode(value: &Value, out: &mut String) -> Result<(), String> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => encode_string(s, out),
        Value::List(items) | Value::Set(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode(item, out)?;
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_string(key, out);
                out.push(':');
                encode(item, out)?;
            }
            out.push('}');
        }
        Value::Unknown => return Err("the value is not known yet".to_string()),
        Value::Ref(r) => {
            return Err(format!(
                "the resource {} is not a value to encode; use one of its attributes",
                r.address
            ));
        }
    }
    Ok(())
}

fn encode_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn jsondecode(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    let mut parser = Decoder { text: &text, at: 0 };
    let value = parser.value(0)?;
    parser.skip_space();
    if parser.at < text.len() {
        return Err(parser.error("unexpected text after the value"));
    }
    Ok(value)
}

/// A recursive-descent reader of one JSON value.
struct Decoder<'t> {
    text: &'t str,
    at: usize,
}

impl Decoder<'_> {
    fn error(&self, what: &str) -> String {
        let line = self.text[..self.at].matches('\n').count() + 1;
        format!("{what} at line {line}, byte {}", self.at + 1)
    }

    fn skip_space(&mut self) {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start_matches([' ', '\t', '\n', '\r']).len();
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(self.error(&format!("nesting deeper than {MAX_DEPTH}")));
        }
        self.skip_space();
        match self.peek() {
            None => Err(self.error("unexpected end of the text")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::string),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(_) => self.number(),
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, String> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("invalid literal"))
        }
    }

    fn number(&mut self) -> Result<Value, String> {
        let rest = &self.text[self.at..];
        let len = rest
            .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
            .unwrap_or(rest.len());
        let text = &rest[..len];
        let unsigned = text.strip_prefix('-').unwrap_or(text).as_bytes();
        let leading_zero =
            unsigned.len() > 1 && unsigned[0] == b'0' && unsigned[1].is_ascii_digit();
        let json_form = !leading_zero
            && !text.starts_with('+')
            && !text.starts_with('.')
            && !text.contains(".e")
            && !text.ends_with('.');
        match Number::parse(text).filter(|_| json_form && len > 0) {
            Some(n) => {
                self.at += len;
                Ok(Value::Number(n))
            }
            None => Err(self.error("invalid character looking for the beginning of a value")),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.at..];
            let Some(c) = rest.chars().next() else {
                return Err(self.error("unterminated string"));
            };
            self.at += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => out.push(self.escape()?),
                c if u32::from(c) < 0x20 => {
                    return Err(self.error("a control character in a string"));
                }
                c => out.push(c),
            }
        }
    }

    fn escape(&mut self) -> Result<char, String> {
        let c = self
            .peek()
            .ok_or_else(|| self.error("unterminated string"))?;
        self.at += 1;
        Ok(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                if (0xD800..0xDC00).contains(&first) && self.text[self.at..].starts_with("\\u") {
                    self.at += 2;
                    let second = self.hex4()?;
                    let code =
                        0x10000 + ((first - 0xD800) << 10) + (second.wrapping_sub(0xDC00) & 0x3FF);
                    char::from_u32(code).unwrap_or('\u{FFFD}')
                } else {
                    char::from_u32(first).unwrap_or('\u{FFFD}')
                }
            }
            _ => return Err(self.error("invalid escape in a string")),
        })
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self.text.get(self.at..self.at + 4).unwrap_or("");
        let code = u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\u escape"))?;
        self.at += 4;
        Ok(code)
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        self.at += 1;
        let mut items = Vec::new();
        if self.eat(b']') {
            return Ok(Value::list(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            if self.eat(b']') {
                return Ok(Value::list(items));
            }
            if !self.eat(b',') {
                return Err(self.error("expected , or ] in an array"));
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, String> {
        self.at += 1;
        let mut entries = BTreeMap::new();
        if self.eat(b'}') {
            return Ok(Value::map(entries));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key in an object"));
            }
            let key = self.string()?;
            if !self.eat(b':') {
                return Err(self.error("expected : after an object key"));
            }
            entries.insert(key, self.value(depth + 1)?);
            if self.eat(b'}') {
                return Ok(Value::map(entries));
            }
            if !self.eat(b',') {
                return Err(self.error("expected , or } in an object"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{b, err, list, map, n, ok, s};
    use super::*;

    #[test]
    fn round_trips_exact_numbers() {
        let big = ok("jsondecode", &[s("[9007199254740993, 1e400, -0.5]")]);
        let text = ok("jsonencode", &[big]);
        assert!(
            text.as_str()
                .is_some_and(|t| t.starts_with("[9007199254740993,1000"))
        );
        assert!(text.as_str().is_some_and(|t| t.ends_with(",-0.5]")));
    }

    #[test]
    fn encodes_like_terraform() {
        assert_eq!(
            ok("jsonencode", &[s("<a & b>")]),
            s("\"\\u003ca \\u0026 b\\u003e\"")
        );
        assert_eq!(
            ok(
                "jsonencode",
                &[map(&[
                    ("b", n(1.0)),
                    ("a", list(vec![b(true), Value::Null]))
                ])]
            ),
            s("{\"a\":[true,null],\"b\":1}")
        );
    }

    #[test]
    fn decodes_and_reports_errors() {
        assert_eq!(
            ok(
                "jsondecode",
                &[s(" {\"a\": [\"\\u00e9\\ud83c\\udf0d\", false]} ")]
            ),
            map(&[("a", list(vec![s("é🌍"), b(false)]))])
        );
        assert!(err("jsondecode", &[s("{")]).contains("expected a string key"));
        assert!(err("jsondecode", &[s("[1,]")]).contains("beginning of a value"));
        assert!(err("jsondecode", &[s("1 2")]).contains("after the value"));
        assert!(err("jsondecode", &[s("01")]).contains("beginning of a value"));
    }
}
