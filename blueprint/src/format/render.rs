//! Writing the formatted lines out.

use super::lines::Line;
use super::token::{Kind, Token};

/// The text to write for `token`: its body, then a line ending or nothing.
///
/// Line endings become `\n`, line comments lose trailing whitespace; all
/// other tokens are written as they are in the source.
pub(super) fn rendered<'a>(src: &'a str, token: &Token) -> (&'a str, &'static str) {
    match token.kind {
        Kind::Newline => ("", "\n"),
        Kind::OHeredoc => (token.text(src), "\n"),
        Kind::LineComment => (token.text(src).trim_end(), ""),
        _ => (token.text(src), ""),
    }
}

/// Writes `lines` with `spaces` before each token.
pub(super) fn render(src: &str, tokens: &[Token], lines: &[Line], spaces: &[usize]) -> String {
    let mut out = String::with_capacity(src.len() + src.len() / 4);
    for line in lines {
        for index in line.start..line.end {
            let (body, line_ending) = rendered(src, &tokens[index]);
            out.extend(std::iter::repeat_n(' ', spaces[index]));
            out.push_str(body);
            out.push_str(line_ending);
        }
    }
    out
}
