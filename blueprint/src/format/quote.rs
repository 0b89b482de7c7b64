//! Block labels in their quoted form, as `terraform fmt` writes them.
//!
//! Terraform reads each label's value (an identifier's name, or a quoted
//! string with its escapes decoded, as hclsyntax's `ParseStringLiteralToken`)
//! and writes it again as hclwrite's `TokensForValue` writes a string:
//! `\n`, `\r`, `\t`, `"` and `\` escaped, `${` and `%{` doubled to `$${`
//! and `%%{`, and characters that Go's `unicode.IsPrint` rejects as `\uXXXX`
//! (or `\UXXXXXXXX` past the basic plane).

use std::fmt::Write;

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// The value of a quoted string literal's text (between the quotes), or
/// `None` if it has an invalid escape.
pub(super) fn decode(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '\\' => {
                let selector = rest.chars().next()?;
                rest = &rest[selector.len_utf8()..];
                out.push(match selector {
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    '"' => '"',
                    '\\' => '\\',
                    'u' | 'U' => {
                        let digits = if selector == 'u' { 4 } else { 8 };
                        let hex = rest.get(..digits)?;
                        rest = &rest[digits..];
                        char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                    }
                    _ => return None,
                });
            }
            '$' | '%' if rest.starts_with(c) && rest[1..].starts_with('{') => {
                out.push(c);
                out.push('{');
                rest = &rest[2..];
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// `value` as the text of a quoted string literal (without the quotes).
pub(super) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' => {
                out.push(c);
                if chars.peek() == Some(&'{') {
                    out.push(c);
                }
            }
            c if is_print(c) => out.push(c),
            c if u32::from(c) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\U{:08x}", u32::from(c));
            }
        }
    }
    out
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols
/// and the ASCII space.
fn is_print(c: char) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_and_doubled_template_introducers() {
        assert_eq!(
            decode(r#"a\n\t\"\\\u00e9\U0001F600"#).unwrap(),
            "a\n\t\"\\é😀"
        );
        assert_eq!(decode("$${x}%%{y}$$z").unwrap(), "${x}%{y}$$z");
        assert_eq!(decode(r"\q"), None);
        assert_eq!(decode(r"\u12"), None);
        assert_eq!(decode(r"\uD800"), None);
    }

    #[test]
    fn encodes_as_hclwrite_writes_strings() {
        assert_eq!(encode("a\nb\t\"c\\"), r#"a\nb\t\"c\\"#);
        assert_eq!(encode("${x} %{y} $z"), "$${x} %%{y} $z");
        assert_eq!(encode("é 😀"), "é 😀");
        assert_eq!(
            encode("\u{7}\u{a0}\u{200b}\u{e000}\u{f0000}"),
            r"\u0007\u00a0\u200b\ue000\U000f0000"
        );
    }

    #[test]
    fn encoding_then_decoding_gives_the_value_back() {
        for value in [
            "",
            "plain",
            "a\"b",
            "$${",
            "${x}",
            "%{ if }",
            "\\n",
            "\u{1}\u{fffe}",
        ] {
            assert_eq!(decode(&encode(value)).as_deref(), Some(value));
        }
    }
}
