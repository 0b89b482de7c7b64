//! Splitting the token stream into lines, as hclwrite's `linesForFormat`.
//!
//! A line ends with a line ending or a line comment (which includes its
//! line ending); the last line may end with neither. Each line is divided
//! into up to three cells: the lead, the "assign" cell from the first `=`
//! after the first token if the brackets after it are balanced (an
//! attribute whose value ends on that line), and a trailing comment (the
//! last token, if the line has others before it). The assign and comment
//! cells are what gets aligned across consecutive lines.

use super::token::Token;

/// One line: the tokens `start..end`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Line {
    pub(super) start: usize,
    pub(super) end: usize,
    /// Index of the `=` starting the assign cell, if the line has one.
    pub(super) assign: Option<usize>,
    /// Index of the trailing comment, if the line has one.
    pub(super) comment: Option<usize>,
}

impl Line {
    /// The end of the lead cell.
    pub(super) fn lead_end(&self) -> usize {
        self.assign.or(self.comment).unwrap_or(self.end)
    }

    /// The end of the assign cell, if there is one.
    pub(super) fn assign_end(&self) -> usize {
        self.comment.unwrap_or(self.end)
    }
}

/// Splits tokens into lines and their cells.
pub(super) fn split(tokens: &[Token]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (index, token) in tokens.iter().enumerate() {
        if token.ends_line() {
            lines.push(line(tokens, start, index + 1));
            start = index + 1;
        }
    }
    if start < tokens.len() {
        lines.push(line(tokens, start, tokens.len()));
    }
    lines
}

fn line(tokens: &[Token], start: usize, end: usize) -> Line {
    let last = end - 1;
    let comment = (last > start && tokens[last].kind.is_comment()).then_some(last);
    let lead_end = comment.unwrap_or(end);
    let assign = tokens[start..lead_end]
        .iter()
        .skip(1)
        .position(|token| token.kind == super::token::Kind::Equal)
        .map(|offset| start + 1 + offset)
        .filter(|&equal| net_brackets(&tokens[equal..lead_end]) == 0);
    Line {
        start,
        end,
        assign,
        comment,
    }
}

/// The net number of brackets opened by `tokens`.
pub(super) fn net_brackets(tokens: &[Token]) -> i32 {
    tokens.iter().map(|token| token.kind.bracket_change()).sum()
}
