//! `strata fmt`: rewrites blueprint files in the canonical layout of
//! `terraform fmt`.
//!
//! Like HashiCorp's hclwrite, which `terraform fmt` uses, the formatter works
//! on tokens, not on a syntax tree: `lexer` splits the file into tokens,
//! `lines` groups them into lines, `layout` decides the indentation and the
//! spaces between tokens, `align` lines up the `=` of consecutive attributes
//! and their trailing comments, and `render` writes the tokens back. Only
//! whitespace changes, so the meaning of the file is kept; the content of
//! strings, heredocs and comments is never touched.
//!
//! The result is hclwrite's, with these differences:
//! - blank lines are tidied: runs of them collapse to one, and none are
//!   kept at the start or end of the file, right after a line ending in `{`
//!   or right before a line starting with `}`;
//! - line endings become `\n`, the file ends with exactly one, and line
//!   comments lose their trailing whitespace;
//! - a line that closes brackets and opens new ones (`}, {`) is dedented;
//! - a unary minus stays attached after `=>`, `${` and comments, and `in`
//!   of a `for` keeps its space after a comment;
//! - alignment counts display columns, so a multi-line comment or heredoc
//!   counts by its last line, and a run of lines is not aligned when that
//!   would take more than 1000 spaces;
//! - heredoc closing markers are found as hcl-edit finds them.
//!
//! `terraform fmt`'s rewrites of the syntax tree (unwrapping `"${x}"`,
//! quoting block labels, rewriting legacy type names) are not done: they
//! change what the file says, not how it is laid out.

mod align;
mod layout;
mod lexer;
mod lines;
mod render;
mod token;

#[cfg(test)]
mod tests;

use std::fmt;

/// Why a file could not be formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// Byte offset into the input where the problem is.
    pub offset: usize,
    /// What the problem is.
    pub message: String,
}

impl FormatError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        FormatError {
            offset,
            message: message.into(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for FormatError {}

/// Formats an HCL file in the canonical style of `terraform fmt`.
///
/// Fails on input that is not HCL (an unterminated string, heredoc or
/// comment, a character that is no part of the syntax, mismatched
/// brackets, nesting deeper than hcl-edit allows), though not every invalid
/// input is detected: it is meant for files that parse. Formatting a
/// formatted file gives it back unchanged.
pub fn format(src: &str) -> Result<String, FormatError> {
    let mut tokens = lexer::lex(src)?;
    lines::terminate(&mut tokens, src.len());
    let lines = lines::drop_blank_lines(&tokens, lines::split(&tokens));
    let mut spaces = layout::spaces(src, &tokens, &lines);
    align::align(src, &tokens, &lines, &mut spaces);
    Ok(render::render(src, &tokens, &lines, &spaces))
}
