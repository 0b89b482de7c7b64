//! Encodings: `base64encode`, `base64decode`, `textencodebase64`, `textdecodebase64`,
//! `urlencode` and `csvdecode`. (JSON and YAML have their own modules.)

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::args::string;
use super::{Arity, Function};
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("base64encode", Arity::Exact(1), base64encode),
    Function::new("base64decode", Arity::Exact(1), base64decode),
    Function::new("textencodebase64", Arity::Exact(2), textencodebase64),
    Function::new("textdecodebase64", Arity::Exact(2), textdecodebase64),
    Function::new("urlencode", Arity::Exact(1), urlencode),
    Function::new("csvdecode", Arity::Exact(1), csvdecode),
];

/// Base64 of some bytes, in the standard alphabet with padding.
pub(super) fn base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Bytes from standard Base64 with padding; the error quotes the input.
fn unbase64(text: &str) -> Result<Vec<u8>, String> {
    STANDARD
        .decode(text)
        .map_err(|_| format!("{text:?} is not Base64 (the standard alphabet, with = padding)"))
}

fn base64encode(args: &[Value]) -> Result<Value, String> {
    Ok(Value::string(base64(string(args, 0)?.as_bytes())))
}

fn base64decode(args: &[Value]) -> Result<Value, String> {
    let bytes = unbase64(&string(args, 0)?)?;
    String::from_utf8(bytes).map(Value::string).map_err(|_| {
        "the decoded bytes are not UTF-8 text; to carry binary data, keep it in Base64".to_string()
    })
}

/// A character encoding named as IANA names them.
enum Charset {
    Utf16 { big_endian: bool },
    Latin1,
    Other(&'static encoding_rs::Encoding),
}

fn charset(name: &str) -> Result<Charset, String> {
    match name.to_ascii_uppercase().as_str() {
        "UTF-16LE" => Ok(Charset::Utf16 { big_endian: false }),
        "UTF-16BE" | "UTF-16" => Ok(Charset::Utf16 { big_endian: true }),
        "ISO-8859-1" | "ISO_8859-1" | "LATIN1" | "L1" | "IBM819" | "CP819" => Ok(Charset::Latin1),
        _ => encoding_rs::Encoding::for_label(name.as_bytes())
            .map(Charset::Other)
            .ok_or_else(|| format!("{name:?} is not an encoding name Strata knows (such as UTF-8, UTF-16LE, ISO-8859-1, windows-1252, Shift_JIS)")),
    }
}

fn textencodebase64(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    let name = string(args, 1)?;
    let bytes = match charset(&name)? {
        Charset::Utf16 { big_endian } => text
            .encode_utf16()
            .flat_map(|unit| {
                if big_endian {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                }
            })
            .collect(),
        Charset::Latin1 => text
            .chars()
            .map(|c| u8::try_from(u32::from(c)))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| format!("the text has characters that {name} cannot encode"))?,
        Charset::Other(encoding) => {
            let (bytes, _, unmappable) = encoding.encode(&text);
            if unmappable {
                return Err(format!("the text has characters that {name} cannot encode"));
            }
            bytes.into_owned()
        }
    };
    Ok(Value::string(base64(&bytes)))
}

fn textdecodebase64(args: &[Value]) -> Result<Value, String> {
    let bytes = unbase64(&string(args, 0)?)?;
    let name = string(args, 1)?;
    let text = match charset(&name)? {
        Charset::Utf16 { big_endian } => {
            if bytes.len() % 2 != 0 {
                return Err(format!("the bytes are not {name}: their number is odd"));
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|pair| {
                    let pair = [pair[0], pair[1]];
                    if big_endian {
                        u16::from_be_bytes(pair)
                    } else {
                        u16::from_le_bytes(pair)
                    }
                })
                .collect();
            String::from_utf16(&units).map_err(|_| format!("the bytes are not valid {name}"))?
        }
        Charset::Latin1 => bytes.iter().map(|b| char::from(*b)).collect(),
        Charset::Other(encoding) => {
            let (text, malformed) = encoding.decode_without_bom_handling(&bytes);
            if malformed {
                return Err(format!("the bytes are not valid {name}"));
            }
            text.into_owned()
        }
    };
    Ok(Value::string(text))
}

/// Escapes text for a URL query, as Go's `url.QueryEscape` (and so Terraform) does: letters,
/// digits and `-_.~` stay, a space becomes `+`, every other byte `%XX`.
fn urlencode(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    Ok(Value::string(out))
}

/// CSV with a header line: a list of maps from column name to text, one per line.
fn csvdecode(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(record) => record.map_err(|e| format!("the CSV is not valid: {e}"))?,
        None => return Err("the CSV has no header line".to_string()),
    };
    let names: Vec<String> = header.iter().map(str::to_string).collect();
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            return Err(format!(
                "the column name {name:?} appears twice in the header"
            ));
        }
    }
    let mut rows = Vec::new();
    for (line, record) in records.enumerate() {
        let record = record.map_err(|e| format!("the CSV is not valid: {e}"))?;
        if record.len() != names.len() {
            return Err(format!(
                "line {} has {} fields but the header has {}",
                line + 2,
                record.len(),
                names.len()
            ));
        }
        let row: BTreeMap<String, Value> = names
            .iter()
            .cloned()
            .zip(record.iter().map(Value::string))
            .collect();
        rows.push(Value::map(row));
    }
    Ok(Value::list(rows))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, list, map, ok, s};

    #[test]
    fn base64_both_ways() {
        assert_eq!(ok("base64encode", &[s("Grüße")]), s("R3LDvMOfZQ=="));
        assert_eq!(ok("base64decode", &[s("R3LDvMOfZQ==")]), s("Grüße"));
        assert!(err("base64decode", &[s("/w==")]).contains("not UTF-8"));
        assert!(err("base64decode", &[s("SGVsbG8")]).contains("not Base64"));
    }

    #[test]
    fn text_encodings() {
        assert_eq!(
            ok("textencodebase64", &[s("Hello"), s("UTF-16LE")]),
            s("SABlAGwAbABvAA==")
        );
        assert_eq!(
            ok("textdecodebase64", &[s("R3L832U="), s("ISO-8859-1")]),
            s("Grüße")
        );
        assert_eq!(
            ok("textencodebase64", &[s("é"), s("windows-1252")]),
            s("6Q==")
        );
        assert!(err("textencodebase64", &[s("x"), s("NOPE")]).contains("not an encoding name"));
        assert!(err("textencodebase64", &[s("€"), s("ISO-8859-1")]).contains("cannot encode"));
    }

    #[test]
    fn urls_and_csv() {
        assert_eq!(ok("urlencode", &[s("a b&~*é")]), s("a+b%26~%2A%C3%A9"));
        assert_eq!(
            ok("csvdecode", &[s("a,b\n1,\"x, y\"\n")]),
            list(vec![map(&[("a", s("1")), ("b", s("x, y"))])])
        );
        assert!(err("csvdecode", &[s("a,b\n1\n")]).contains("has 1 fields but the header has 2"));
        assert!(err("csvdecode", &[s("")]).contains("no header line"));
        assert!(err("csvdecode", &[s("a,a\n")]).contains("appears twice"));
    }
}
