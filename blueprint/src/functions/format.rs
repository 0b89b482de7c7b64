//! `format` and `formatlist`: printf-style formatting as Terraform's, with the verbs `%s`,
//! `%d`, `%f`, `%e`, `%E`, `%g`, `%G`, `%v`, `%#v`, `%q`, `%t`, `%x`, `%X`, `%o`, `%b` and
//! `%%`, the flags `-`, `+`, ` `, `0` and `#`, a width, a precision and an argument index
//! (`%-8s`, `%05.1f`, `%.3s`, `%[2]s`). Numbers are formatted from their exact decimal
//! value; a tie rounds to even (`%.0f` of 2.5 is `2`).

use std::iter::Peekable;
use std::str::Chars;

use super::args::{
    count, label, mismatch, seq, string, to_bool, to_number, to_string, was_or_were,
};
use super::decimal;
use super::{Arity, Function};
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("format", Arity::AtLeast(1), format),
    Function::new("formatlist", Arity::AtLeast(1), formatlist),
];

/// The largest width or precision a verb may ask for.
pub(super) const MAX_WIDTH: usize = 4096;

/// The verbs `format` supports, after the `%`.
const VERBS: &str = "vsqdfeEgGtxXob";

/// A piece of a parsed format string.
enum Piece {
    Text(String),
    Verb(Verb),
}

/// One `%` verb with its flags, width, precision and the argument it formats.
#[derive(Default)]
pub(super) struct Verb {
    pub minus: bool,
    pub plus: bool,
    pub space: bool,
    pub zero: bool,
    pub sharp: bool,
    pub width: Option<usize>,
    pub precision: Option<usize>,
    pub letter: char,
    /// The value it formats, counted from 1 (`%[2]s`).
    pub index: usize,
}

/// A parsed format string and the number of values it uses.
fn parse_spec(spec: &str) -> Result<(Vec<Piece>, usize), String> {
    let pieces = parse(spec)?;
    let used = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Verb(v) => Some(v.index),
            Piece::Text(_) => None,
        })
        .max()
        .unwrap_or(0);
    Ok((pieces, used))
}

/// Formats `values` (counted from 1 in the verbs) into one string; `None` when a value a
/// verb uses is null, as Terraform's format gives null then.
fn render_all(pieces: &[Piece], values: &[&Value]) -> Result<Option<String>, String> {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Verb(verb) => {
                let value = values.get(verb.index - 1).copied().ok_or_else(|| {
                    format!(
                        "the verb %{} needs value {} but only {} {} given",
                        verb.letter,
                        verb.index,
                        count(values.len(), "value"),
                        was_or_were(values.len())
                    )
                })?;
                if matches!(value, Value::Null) {
                    return Ok(None);
                }
                out.push_str(&render(verb, value, &label(verb.index))?);
            }
        }
    }
    Ok(Some(out))
}

/// Checks that every value given is used.
fn check_unused(used: usize, given: usize) -> Result<(), String> {
    if used < given {
        let has = if used == 0 {
            "uses no values".to_string()
        } else {
            format!("uses only {}", count(used, "value"))
        };
        return Err(format!(
            "{} {} given but the format string {has}",
            count(given, "value"),
            was_or_were(given)
        ));
    }
    Ok(())
}

fn format(args: &[Value]) -> Result<Value, String> {
    let spec = string(args, 0)?;
    let (pieces, used) = parse_spec(&spec)?;
    let values: Vec<&Value> = args.iter().skip(1).collect();
    check_unused(used, values.len())?;
    Ok(render_all(&pieces, &values)?.map_or(Value::Null, Value::string))
}

/// `format` for each element of the list arguments; other arguments are repeated.
fn formatlist(args: &[Value]) -> Result<Value, String> {
    let spec = string(args, 0)?;
    let (pieces, used) = parse_spec(&spec)?;
    check_unused(used, args.len() - 1)?;
    let mut length: Option<(usize, usize)> = None;
    for index in 1..args.len() {
        if let Value::List(_) | Value::Set(_) = &args[index] {
            let n = seq(args, index)?.len();
            match length {
                Some((first, other)) if other != n => {
                    return Err(format!(
                        "{} has {} but {} has {}; lists given to formatlist must have as many elements",
                        label(first),
                        count(other, "element"),
                        label(index),
                        count(n, "element")
                    ));
                }
                None => length = Some((index, n)),
                _ => {}
            }
        }
    }
    let rows = length.map_or(1, |(_, n)| n);
    let mut out = Vec::with_capacity(rows);
    for row in 0..rows {
        let values: Vec<&Value> = args[1..]
            .iter()
            .map(|a| match a {
                Value::List(items) | Value::Set(items) => &items[row],
                other => other,
            })
            .collect();
        out.push(render_all(&pieces, &values)?.map_or(Value::Null, Value::string));
    }
    Ok(Value::list(out))
}

/// Splits a format string into text and verbs.
fn parse(spec: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = spec.chars().peekable();
    let mut next = 1;
    while let Some(c) = chars.next() {
        if c != '%' {
            text.push(c);
        } else if chars.next_if_eq(&'%').is_some() {
            text.push('%');
        } else {
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            let verb = parse_verb(&mut chars, next)?;
            next = verb.index + 1;
            pieces.push(Piece::Verb(verb));
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// Reads `[n]`, an argument index, if there is one.
fn parse_index(chars: &mut Peekable<Chars<'_>>) -> Result<Option<usize>, String> {
    if chars.next_if_eq(&'[').is_none() {
        return Ok(None);
    }
    let index = parse_count(chars, "argument index")?;
    if chars.next_if_eq(&']').is_none() {
        return Err("an argument index is written [n], such as %[2]s".to_string());
    }
    match index {
        Some(i) if i > 0 => Ok(Some(i)),
        _ => Err("argument indexes count from 1, as in %[1]s".to_string()),
    }
}

/// Reads the flags, width, precision, index and letter of a verb, just after its `%`;
/// `next` is the value it formats when it has no index.
fn parse_verb(chars: &mut Peekable<Chars<'_>>, next: usize) -> Result<Verb, String> {
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
    let early = parse_index(chars)?;
    verb.width = parse_count(chars, "width")?;
    if chars.next_if_eq(&'.').is_some() {
        verb.precision = Some(parse_count(chars, "precision")?.unwrap_or(0));
    }
    verb.index = parse_index(chars)?.or(early).unwrap_or(next);
    verb.letter = match chars.next() {
        Some(letter) if VERBS.contains(letter) => letter,
        Some('*') => {
            return Err(
                "a width or precision given as * is not supported; write the number".to_string(),
            );
        }
        Some(other) => {
            return Err(format!(
                "%{other} is not a supported verb; use %s, %d, %f, %e, %g, %v, %q, %t, %x, %X, %o or %b, or %% for a percent sign"
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
        'f' | 'e' | 'E' | 'g' | 'G' => {
            let n = to_number(what, value)?;
            (sign(verb, n.is_negative()), decimal::float(verb, &n.abs()))
        }
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
        Value::Number(n) if !verb.sharp => Ok(n.to_string()),
        other => {
            let mut out = String::new();
            super::json::encode(other, &mut out)?;
            Ok(out)
        }
    }
}

/// A string cut to the verb's precision, in characters.
fn truncated(verb: &Verb, text: &str) -> String {
    match verb.precision {
        Some(limit) => text.chars().take(limit).collect(),
        None => text.to_string(),
    }
}

/// A string quoted with JSON's escapes, as Terraform's `%q` quotes it.
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

/// `%d`, `%x`, `%X`, `%o` and `%b`: a whole number (of any size) in its base; the
/// precision is the least number of digits, `#` prefixes `0x`, `0X` or `0`.
fn integer(verb: &Verb, value: &Value, what: &str) -> Result<(String, String), String> {
    if matches!(value, Value::String(_)) && verb.letter != 'd' {
        return Err(mismatch(what, "a number", value));
    }
    let n = to_number(what, value)?;
    if !n.is_integer() {
        return Err(format!(
            "{what} must be a whole number, not {n}; %{} needs one (use %f, or floor() first)",
            verb.letter
        ));
    }
    let base = match verb.letter {
        'x' | 'X' => 16,
        'o' => 8,
        'b' => 2,
        _ => 10,
    };
    let mut digits = decimal::whole_in_base(&n.abs(), base);
    if verb.letter == 'X' {
        digits = digits.to_uppercase();
    }
    let digits = format!("{digits:0>width$}", width = verb.precision.unwrap_or(0));
    let prefix = match verb.letter {
        'x' if verb.sharp => "0x",
        'X' if verb.sharp => "0X",
        'o' if verb.sharp && !digits.starts_with('0') => "0",
        _ => "",
    };
    Ok((format!("{}{prefix}", sign(verb, n.is_negative())), digits))
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
#[path = "format_tests.rs"]
mod tests;
