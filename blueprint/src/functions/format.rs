//! `format`: printf-style formatting as Terraform's `format` does it, with the verbs `%s`,
//! `%d`, `%f`, `%v`, `%#v`, `%q`, `%t`, `%x`, `%X`, `%o`, `%b` and `%%`, the flags `-`, `+`,
//! ` `, `0` and `#`, a width and a precision (`%-8s`, `%05.1f`, `%.3s`).

use std::iter::Peekable;
use std::str::Chars;

use super::args::{
    arg, count, label, mismatch, string, to_bool, to_integer, to_number, to_string, was_or_were,
};
use super::{Arity, Function};
use crate::value::{Value, format_number};

pub(super) const FUNCTIONS: &[Function] = &[Function::new("format", Arity::AtLeast(1), format)];

/// The largest width or precision a verb may ask for.
const MAX_WIDTH: usize = 4096;

/// The verbs `format` supports, after the `%`.
const VERBS: &str = "vsqdftxXob";

/// A piece of a parsed format string.
enum Piece {
    Text(String),
    Verb(Verb),
}

/// One `%` verb with its flags, width and precision.
#[derive(Default)]
struct Verb {
    minus: bool,
    plus: bool,
    space: bool,
    zero: bool,
    sharp: bool,
    width: Option<usize>,
    precision: Option<usize>,
    letter: char,
}

fn format(args: &[Value]) -> Result<Value, String> {
    let spec = string(args, 0)?;
    let pieces = parse(&spec)?;
    let verbs = pieces
        .iter()
        .filter(|p| matches!(p, Piece::Verb(_)))
        .count();
    let given = args.len().saturating_sub(1);
    check_counts(verbs, given)?;
    let mut out = String::new();
    let mut next = 1;
    for piece in &pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Verb(verb) => {
                let value = arg(args, next)?;
                out.push_str(&render(verb, value, &label(next))?);
                next += 1;
            }
        }
    }
    Ok(Value::string(out))
}

/// Checks that there is one value for each verb.
fn check_counts(verbs: usize, given: usize) -> Result<(), String> {
    if verbs > given {
        Err(format!(
            "the format string has {} but only {} {} given",
            count(verbs, "verb"),
            count(given, "value"),
            was_or_were(given)
        ))
    } else if verbs < given {
        let has = if verbs == 0 {
            "no verbs".to_string()
        } else {
            format!("only {}", count(verbs, "verb"))
        };
        Err(format!(
            "{} {} given but the format string has {has}",
            count(given, "value"),
            was_or_were(given)
        ))
    } else {
        Ok(())
    }
}

/// Splits a format string into text and verbs.
fn parse(spec: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            text.push(c);
        } else if chars.next_if_eq(&'%').is_some() {
            text.push('%');
        } else {
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(Piece::Verb(parse_verb(&mut chars)?));
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// Reads the flags, width, precision and letter of a verb, just after its `%`.
fn parse_verb(chars: &mut Peekable<Chars<'_>>) -> Result<Verb, String> {
    let mut verb = Verb::default();
    while let Some(c) = chars.next_if(|c| "-+ 0#".contains(*c)) {
        match c {
            '-' => verb.minus = true,
            '+' => verb.plus = true,
            ' ' => verb.space = true,
            '0' => verb.zero = true,
            _ => verb.sharp = true,
        }
    }
    verb.width = parse_count(chars, "width")?;
    if chars.next_if_eq(&'.').is_some() {
        verb.precision = Some(parse_count(chars, "precision")?.unwrap_or(0));
    }
    verb.letter = match chars.next() {
        Some(letter) if VERBS.contains(letter) => letter,
        Some('[') => return Err("argument indexes such as %[1]s are not supported".to_string()),
        Some('*') => {
            return Err(
                "a width or precision given as * is not supported; write the number".to_string(),
            );
        }
        Some(other) => {
            return Err(format!(
                "%{other} is not a supported verb; use %s, %d, %f, %v, %q, %t, %x, %X, %o or %b, or %% for a percent sign"
            ));
        }
        None => {
            return Err(
                "the format string ends in the middle of a verb; write %% for a percent sign"
                    .to_string(),
            );
        }
    };
    Ok(verb)
}

/// Reads the digits of a width or precision, if any.
fn parse_count(chars: &mut Peekable<Chars<'_>>, what: &str) -> Result<Option<usize>, String> {
    let mut value: Option<usize> = None;
    while let Some(digit) = chars.peek().and_then(|c| c.to_digit(10)) {
        chars.next();
        let grown = value
            .unwrap_or(0)
            .checked_mul(10)
            .and_then(|v| v.checked_add(digit as usize))
            .filter(|v| *v <= MAX_WIDTH)
            .ok_or_else(|| format!("the {what} of a verb can be at most {MAX_WIDTH}"))?;
        value = Some(grown);
    }
    Ok(value)
}

/// Formats one value for one verb, padded to the verb's width.
fn render(verb: &Verb, value: &Value, what: &str) -> Result<String, String> {
    let (sign, body) = match verb.letter {
        'v' => (String::new(), default_form(verb, value, what)?),
        's' => (String::new(), truncated(verb, &to_string(what, value)?)),
        'q' => (String::new(), quoted(&to_string(what, value)?)),
        't' => (String::new(), to_bool(what, value)?.to_string()),
        'f' => float(verb, to_number(what, value)?),
        _ => integer(verb, value, what)?,
    };
    Ok(pad(verb, &sign, &body))
}

/// `%v`: strings as they are, numbers and bools as HCL writes them, collections as JSON;
/// `%#v`: everything as JSON.
fn default_form(verb: &Verb, value: &Value, what: &str) -> Result<String, String> {
    match value {
        Value::Null | Value::Unknown | Value::Ref(_) => Err(mismatch(
            what,
            "a string, number, bool, list, set or map",
            value,
        )),
        Value::String(s) if !verb.sharp => Ok(s.to_string()),
        Value::Number(n) if !verb.sharp => Ok(format_number(*n)),
        other => Ok(other.to_json().to_string()),
    }
}

/// A string cut to the verb's precision, in characters.
fn truncated(verb: &Verb, text: &str) -> String {
    match verb.precision {
        Some(limit) => text.chars().take(limit).collect(),
        None => text.to_string(),
    }
}

/// A string quoted as JSON quotes it.
fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// The sign a number gets: `-`, or `+` or a space when the flags ask for one.
fn sign(verb: &Verb, negative: bool) -> String {
    let sign = if negative {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    };
    sign.to_string()
}

/// `%f`: fixed-point with the verb's precision, six places by default.
fn float(verb: &Verb, n: f64) -> (String, String) {
    let places = verb.precision.unwrap_or(6);
    (sign(verb, n < 0.0), format!("{:.*}", places, n.abs()))
}

/// `%d`, `%x`, `%X`, `%o` and `%b`: a whole number in its base; the precision is the least
/// number of digits, and `#` prefixes hexadecimal with `0x`.
fn integer(verb: &Verb, value: &Value, what: &str) -> Result<(String, String), String> {
    let n = to_integer(what, value).map_err(|message| {
        if value.as_number().is_some_and(|n| n.fract() != 0.0) {
            format!(
                "{message}; %{} needs one (use %f, or floor() first)",
                verb.letter
            )
        } else {
            message
        }
    })?;
    let magnitude = n.unsigned_abs();
    let digits = match verb.letter {
        'x' => format!("{magnitude:x}"),
        'X' => format!("{magnitude:X}"),
        'o' => format!("{magnitude:o}"),
        'b' => format!("{magnitude:b}"),
        _ => magnitude.to_string(),
    };
    let digits = format!("{digits:0>width$}", width = verb.precision.unwrap_or(0));
    let prefix = match verb.letter {
        'x' if verb.sharp => "0x",
        'X' if verb.sharp => "0X",
        _ => "",
    };
    Ok((format!("{}{prefix}", sign(verb, n < 0)), digits))
}

/// Pads to the verb's width: spaces on the left, on the right with `-`, or zeros after
/// the sign with `0`.
fn pad(verb: &Verb, sign: &str, body: &str) -> String {
    let length = sign.chars().count().saturating_add(body.chars().count());
    let fill = verb.width.unwrap_or(0).saturating_sub(length);
    if verb.minus {
        format!("{sign}{body}{}", " ".repeat(fill))
    } else if verb.zero {
        format!("{sign}{}{body}", "0".repeat(fill))
    } else {
        format!("{}{sign}{body}", " ".repeat(fill))
    }
}

#[cfg(test)]
mod tests {
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
            "format: the format string has 2 verbs but only 1 value was given"
        );
        assert_eq!(
            fmt_err("%s", &[]),
            "format: the format string has 1 verb but only 0 values were given"
        );
        assert_eq!(
            fmt_err("%s", &[s("a"), s("b")]),
            "format: 2 values were given but the format string has only 1 verb"
        );
        assert_eq!(
            fmt_err("plain", &[s("a")]),
            "format: 1 value was given but the format string has no verbs"
        );
    }

    #[test]
    fn bad_verbs() {
        assert_eq!(
            fmt_err("%y", &[n(1.0)]),
            "format: %y is not a supported verb; use %s, %d, %f, %v, %q, %t, %x, %X, %o or %b, or %% for a percent sign"
        );
        assert_eq!(
            fmt_err("50%", &[]),
            "format: the format string ends in the middle of a verb; write %% for a percent sign"
        );
        assert_eq!(
            fmt_err("%[1]s", &[s("a")]),
            "format: argument indexes such as %[1]s are not supported"
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
        assert_eq!(
            fmt_err("%s", &[Value::Null]),
            "format: argument 2 must not be null"
        );
        assert_eq!(
            fmt_err("%v", &[Value::Null]),
            "format: argument 2 must not be null"
        );
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
}
