//! HCL quoted strings: the one rule for writing a string in double quotes (instance keys
//! in addresses, values in plans and outputs) and for reading an address's key back.
//!
//! [`write`] escapes `"` and `\`, writes newline, carriage return and tab as `\n`, `\r`,
//! `\t`, and any other character that is not printable (Unicode categories other than
//! letters, marks, numbers, punctuation and symbols; the ASCII space is printable) as
//! `\uNNNN` or `\UNNNNNNNN`. With [`Templates::Escape`] it also doubles the `$` of `${` and
//! the `%` of `%{` (`$${`, `%%{`: HCL's template escapes), which makes the text HCL source:
//! this is the rule of Terraform's `addrs.StringKey`, so an address reads the same in both,
//! and [`read`] is then its exact inverse for every string.

use std::fmt::{self, Write};

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// What [`write`] does with the template sequences `${` and `%{`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Templates {
    /// `$${` and `%%{`: the text is HCL source, as an address is.
    Escape,
    /// As they are: the text shows a value, as Terraform prints values.
    Keep,
}

/// Writes `text` as an HCL quoted string, quotes included.
pub fn write(f: &mut impl Write, text: &str, templates: Templates) -> fmt::Result {
    f.write_char('"')?;
    for (i, c) in text.char_indices() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '$' | '%' if templates == Templates::Escape && text[i + 1..].starts_with('{') => {
                f.write_char(c)?;
                f.write_char(c)?;
            }
            c if printable(c) => f.write_char(c)?,
            c if u32::from(c) < 0x1_0000 => write!(f, "\\u{:04x}", u32::from(c))?,
            c => write!(f, "\\U{:08x}", u32::from(c))?,
        }
    }
    f.write_char('"')
}

/// Whether a character is written as itself (Go's `unicode.IsPrint`, which Terraform uses).
fn printable(c: char) -> bool {
    c == ' '
        || matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Letter
                | GeneralCategoryGroup::Mark
                | GeneralCategoryGroup::Number
                | GeneralCategoryGroup::Punctuation
                | GeneralCategoryGroup::Symbol
        )
}

/// Why a quoted key cannot be read, and where: a byte offset into the text given to
/// [`read`].
#[derive(Debug, PartialEq, Eq)]
pub struct QuoteError {
    /// Byte offset of the fault.
    pub at: usize,
    /// What is wrong and how to write it instead.
    pub reason: String,
}

fn fault(at: usize, reason: impl Into<String>) -> QuoteError {
    QuoteError {
        at,
        reason: reason.into(),
    }
}

/// Reads an HCL quoted string at the start of `text` (which must begin with `"`): the
/// string it stands for and the number of bytes it took, closing quote included.
///
/// Accepts every escape [`write`] produces with [`Templates::Escape`], and any character written as itself except an
/// unescaped `"` or `\`. A template sequence (`${`, `%{`) is refused: an address names
/// one instance, it computes nothing.
pub fn read(text: &str) -> Result<(String, usize), QuoteError> {
    debug_assert!(text.starts_with('"'));
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => {
                let Some((_, e)) = chars.next() else { break };
                match e {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'u' | 'U' => {
                        let digits = if e == 'u' { 4 } else { 8 };
                        let start = i + 2;
                        let hex = text.get(start..start + digits).unwrap_or_default();
                        if hex.len() != digits || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return Err(fault(
                                i,
                                format!("\\{e} must be followed by {digits} hexadecimal digits"),
                            ));
                        }
                        let code = u32::from_str_radix(hex, 16).unwrap_or(u32::MAX);
                        let c = char::from_u32(code).ok_or_else(|| {
                            fault(i, format!("\\{e}{hex} is not a Unicode character"))
                        })?;
                        out.push(c);
                        for _ in 0..digits {
                            chars.next();
                        }
                    }
                    other => {
                        return Err(fault(
                            i,
                            format!(
                                "\\{other} is not an escape; a key can use \\n \\r \\t \\\" \\\\ \\uNNNN and \\UNNNNNNNN"
                            ),
                        ));
                    }
                }
            }
            '$' | '%' if text[i + 1..].starts_with('{') => {
                return Err(fault(
                    i,
                    format!(
                        "a key cannot hold a template sequence; write {c}{c}{{ for a literal {c}{{"
                    ),
                ));
            }
            '$' | '%' if text[i + 1..].starts_with(&format!("{c}{{")) => {
                out.push(c);
                out.push('{');
                chars.next();
                chars.next();
            }
            c => out.push(c),
        }
    }
    Err(fault(0, "the key's opening \" has no closing \""))
}
