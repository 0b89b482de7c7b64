//! Splitting the token stream into lines, and the blank-line rules.
//!
//! As in hclwrite, each line is divided into up to three cells: the lead,
//! the "assign" cell from the `=` of an attribute whose value ends on that
//! line (the brackets after the `=` are balanced), and a trailing line
//! comment. The assign and comment cells are what gets aligned across
//! consecutive lines.

use super::token::{Kind, Token};

/// One line: the tokens `start..end`, the last of which is a line ending.
#[derive(Clone, Copy, Debug)]
pub(super) struct Line {
    pub(super) start: usize,
    pub(super) end: usize,
    /// Index of the `=` starting the assign cell, if the line has one.
    pub(super) assign: Option<usize>,
    /// Index of the trailing line comment, if the line has one.
    pub(super) comment: Option<usize>,
}

impl Line {
    /// Whether the line holds nothing but its line ending.
    pub(super) fn is_blank(&self) -> bool {
        self.end - self.start == 1
    }
}

/// Appends a line ending if the tokens do not end with one.
pub(super) fn terminate(tokens: &mut Vec<Token>, src_len: usize) {
    if tokens
        .last()
        .is_some_and(|token| token.kind != Kind::Newline)
    {
        tokens.push(Token {
            kind: Kind::Newline,
            start: src_len,
            end: src_len,
            in_heredoc: false,
        });
    }
}

/// Splits terminated tokens into lines and their cells.
pub(super) fn split(tokens: &[Token]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (index, token) in tokens.iter().enumerate() {
        if token.kind == Kind::Newline {
            lines.push(line(tokens, start, index + 1));
            start = index + 1;
        }
    }
    lines
}

fn line(tokens: &[Token], start: usize, end: usize) -> Line {
    let last = end - 1;
    let comment =
        (last >= start + 2 && tokens[last - 1].kind == Kind::LineComment).then(|| last - 1);
    let lead_end = comment.unwrap_or(end);
    let assign = tokens[start..lead_end]
        .iter()
        .skip(1)
        .position(|token| token.kind == Kind::Equal)
        .map(|offset| start + 1 + offset)
        .filter(|&equal| net_nesting(&tokens[equal..lead_end]) == 0);
    Line {
        start,
        end,
        assign,
        comment,
    }
}

/// The net number of brackets opened by `tokens`.
fn net_nesting(tokens: &[Token]) -> i32 {
    tokens.iter().map(Token::nesting_change).sum()
}

/// Drops leading and trailing blank lines, blank lines right after a line
/// ending in `{` or right before a line starting with `}`, and all but one
/// of each run of blank lines.
pub(super) fn drop_blank_lines(tokens: &[Token], lines: Vec<Line>) -> Vec<Line> {
    let mut kept: Vec<Line> = Vec::with_capacity(lines.len());
    let mut pending_blank = None;
    for line in lines {
        if line.is_blank() {
            pending_blank = pending_blank.or(Some(line));
            continue;
        }
        if let (Some(blank), Some(previous)) = (pending_blank.take(), kept.last()) {
            let after_open = last_code_kind(tokens, previous) == Some(Kind::OBrace);
            let before_close = tokens[line.start].kind == Kind::CBrace;
            if !after_open && !before_close {
                kept.push(blank);
            }
        }
        kept.push(line);
    }
    kept
}

/// The kind of the last token of a line that is neither a comment nor its line ending.
fn last_code_kind(tokens: &[Token], line: &Line) -> Option<Kind> {
    tokens[line.start..line.end - 1]
        .iter()
        .rev()
        .map(|token| token.kind)
        .find(|kind| !kind.is_comment())
}
