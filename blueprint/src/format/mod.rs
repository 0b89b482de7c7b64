//! `strata fmt`: rewrites HCL files as `terraform fmt` does.
//!
//! Like HashiCorp's hclwrite, which `terraform fmt` uses, the formatter works
//! on tokens, not on a syntax tree: `lexer` splits the file into tokens,
//! `rewrite` makes Terraform's rewrites (`"${x}"` becomes `x`, block labels
//! are quoted, legacy type names are modernized), `lines` groups the tokens
//! into lines and cells, `layout` decides the indentation and the spaces
//! between tokens, `align` lines up the `=` of consecutive attributes and
//! their trailing comments, and `render` writes the tokens back. Apart from
//! the rewrites and a byte order mark, which is dropped, only the spaces
//! between tokens change: blank lines, line endings (`\r\n` too), the
//! content of strings, heredocs and comments, and whether the file ends with
//! a line ending are kept.
//!
//! The result is `terraform fmt`'s byte for byte (the test `fmt_corpus`
//! checks it on 1,728 files of Terraform's own), except:
//! - where Terraform would damage the file: a few pairs of tokens keep a
//!   space that hclwrite drops, where joining them would make them read
//!   differently (`1 .5`, `! =`, `. ...`); a block label containing `$` or
//!   `%` is kept, where Terraform drops it; an unwrapped interpolation
//!   holding a line comment at its top level is parenthesized, where
//!   Terraform's output would not parse;
//! - nested lone interpolations (`"${"${x}"}"`) are unwrapped in one run,
//!   where Terraform needs two, so that the output is always a fixed point;
//! - a run of lines is not aligned when that would take more than 1000
//!   spaces on a line (which keeps the output linear in the input's size);
//! - heredoc closing markers are found as hcl-edit, Strata's parser, finds
//!   them (it accepts a few that Terraform rejects).

mod align;
mod layout;
mod lexer;
mod lines;
mod quote;
mod render;
mod rewrite;
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

/// Formats an HCL file as `terraform fmt` does.
///
/// Fails on input that is not HCL (an unterminated string, heredoc or
/// comment, a character that is no part of the syntax, mismatched
/// brackets, nesting deeper than hcl-edit allows), though not every invalid
/// input is detected: it is meant for files that parse. Formatting a
/// formatted file gives it back unchanged.
pub fn format(src: &str) -> Result<String, FormatError> {
    let lexed = lexer::lex(src)?;
    let tokens = rewrite::rewrite(lexed.tokens);
    let lines = lines::split(&tokens);
    let mut spaces = layout::spaces(&tokens, &lines);
    align::align(&tokens, &lines, &mut spaces);
    Ok(render::render(&tokens, &spaces, lexed.trailing))
}

/// Whether `src` opens brackets, a heredoc or a template sequence that it does not
/// close: an expression that more lines could complete. `strata console` reads another
/// line then, as `terraform console` does.
pub fn is_unfinished(src: &str) -> bool {
    lexer::ends_open(src)
}
