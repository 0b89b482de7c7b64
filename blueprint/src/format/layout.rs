//! Indentation and the spaces between tokens of a line.
//!
//! Indentation follows hclwrite: a line that opens brackets indents the
//! lines after it by one level of two spaces (however many brackets it
//! opens), and a line that closes them is dedented. Unlike hclwrite, a line
//! that starts by closing brackets and then opens as many or more (`}, {`,
//! `] : [`) is dedented too, its new brackets indenting the lines after it.
//!
//! Spacing follows hclwrite's `spaceAfterToken`: one space between most
//! tokens, none around `.` and `::`, before `,` and `...`, inside `()` and
//! `[]`, before the `(` of a call or the `[` of an index, after `!` and a
//! unary `-`, and none next to template literals; one space inside
//! non-empty `{ }`. A minus is taken as unary after an operator, an opening
//! bracket, `=`, `,`, `?`, `:` or `=>` (hclwrite misses `=>` and `${`), the
//! token before it being looked for past comments. A few pairs keep a space
//! that hclwrite drops, where dropping it would make the tokens read
//! differently (`1 .5`, `! =`, `. ...`).

use super::lines::Line;
use super::token::{Kind, Token};

/// The number of spaces before each token: indentation for the first token
/// of a line, the canonical spacing for the others. The assign and comment
/// cells get one space here, and their alignment later.
pub(super) fn spaces(src: &str, tokens: &[Token], lines: &[Line]) -> Vec<usize> {
    let mut spaces = vec![0; tokens.len()];
    let mut indenter = Indenter::default();
    for line in lines {
        let line_spaces = &mut spaces[line.start..line.end];
        line_spaces[0] = 2 * indenter.indent(tokens, line);
        for (index, space) in (line.start..).zip(line_spaces).skip(1) {
            *space = usize::from(space_before(src, tokens, line, index));
        }
    }
    spaces
}

/// Tracks the brackets opened on earlier lines, one entry per indentation level.
#[derive(Default)]
struct Indenter {
    levels: Vec<i32>,
}

impl Indenter {
    /// The indentation level of `line`, updating the state for the lines after it.
    fn indent(&mut self, tokens: &[Token], line: &Line) -> usize {
        let line_tokens = &tokens[line.start..line.end];
        if line.is_blank() {
            return 0;
        }
        let leading_closers = line_tokens
            .iter()
            .take_while(|token| token.nesting_change() < 0)
            .count() as i32;
        let net: i32 = line_tokens.iter().map(Token::nesting_change).sum();
        if leading_closers > 0 && net >= 0 {
            return self.reopen(leading_closers, net + leading_closers);
        }
        let level = self.levels.len();
        match net {
            1.. => self.levels.push(net),
            ..0 => {
                self.close(-net);
                return self.levels.len();
            }
            0 => {}
        }
        level
    }

    /// Closes `closed` brackets; returns whether the last level is still open.
    fn close(&mut self, mut closed: i32) -> bool {
        while closed > 0 {
            let Some(top) = self.levels.last_mut() else {
                return false;
            };
            if closed < *top {
                *top -= closed;
                return true;
            }
            closed -= *top;
            self.levels.pop();
        }
        false
    }

    /// A line that closes `closed` brackets and then opens `opened`.
    fn reopen(&mut self, closed: i32, opened: i32) -> usize {
        if self.close(closed) {
            if let Some(top) = self.levels.last_mut() {
                *top += opened;
            }
            return self.levels.len() - 1;
        }
        let level = self.levels.len();
        self.levels.push(opened);
        level
    }
}

/// Whether there is a space between token `index - 1` and token `index`,
/// both of `line`.
fn space_before(src: &str, tokens: &[Token], line: &Line, index: usize) -> bool {
    let subject = &tokens[index - 1];
    let after = &tokens[index];
    let earlier = &tokens[line.start..index - 1];
    if subject.kind == Kind::Number && after.kind == Kind::Dot {
        return number_before_dot_needs_space(tokens, line, index);
    }
    let before = earlier.iter().rev().find(|token| !token.kind.is_comment());
    let negation = subject.kind == Kind::Minus && is_unary(before.map(|token| token.kind));
    space_after(src, before, subject, after, negation)
}

/// A number literal, a dot and another number (`1 .5`) stay apart: joined,
/// they would read as one number. A legacy index (`a.0.1`) joins.
fn number_before_dot_needs_space(tokens: &[Token], line: &Line, index: usize) -> bool {
    let legacy_index = index >= line.start + 2 && tokens[index - 2].kind == Kind::Dot;
    let number_follows = tokens
        .get(index + 1)
        .is_some_and(|t| t.kind == Kind::Number);
    number_follows && !legacy_index
}

/// Whether a minus after a token of kind `before` is a negation.
fn is_unary(before: Option<Kind>) -> bool {
    let Some(before) = before else {
        return true;
    };
    before.bracket_change() > 0
        || matches!(
            before,
            Kind::Equal
                | Kind::Colon
                | Kind::Comma
                | Kind::Question
                | Kind::FatArrow
                | Kind::Plus
                | Kind::Minus
                | Kind::Star
                | Kind::Slash
                | Kind::Percent
                | Kind::EqualOp
                | Kind::NotEqual
                | Kind::Lt
                | Kind::Le
                | Kind::Gt
                | Kind::Ge
                | Kind::And
                | Kind::Or
                | Kind::Bang
        )
}

/// hclwrite's `spaceAfterToken`; `negation` tells whether a minus subject is unary.
fn space_after(
    src: &str,
    before: Option<&Token>,
    subject: &Token,
    after: &Token,
    negation: bool,
) -> bool {
    use Kind::*;
    let (s, a) = (subject.kind, after.kind);
    match (s, a) {
        (_, Newline) => false,
        (Ident, OParen) | (Ident, DoubleColon) | (DoubleColon, Ident) => false,
        (Dot, Dot | Ellipsis) => true,
        (Dot, _) | (_, Dot) => false,
        (_, Comma) | (_, Ellipsis) => false,
        (Comma, _) => true,
        (QuotedLit | HeredocLit | OQuote | OHeredoc, _) => false,
        (_, QuotedLit | HeredocLit | CQuote | CHeredoc) => false,
        (Ident, _) if is_in_keyword(src, before, subject) => true,
        (Ident | Number, OBrack) => false,
        (_, OBrack) if s.bracket_change() < 0 => false,
        (Bang, Equal | EqualOp | FatArrow) => true,
        (Bang, _) => false,
        (Minus, _) => !negation,
        (OBrace, CBrace) => false,
        (OBrace, _) | (_, CBrace) => true,
        (TemplateInterp | TemplateControl, OBrace) => true,
        (CBrace, TemplateSeqEnd) => true,
        (TemplateSeqEnd, TemplateInterp | TemplateControl) => false,
        _ => s.bracket_change() <= 0 && a.bracket_change() >= 0,
    }
}

/// `in` of a for expression (`for x in [a]`), as opposed to a variable `in`.
fn is_in_keyword(src: &str, before: Option<&Token>, subject: &Token) -> bool {
    subject.text(src) == "in" && before.is_some_and(|token| token.kind == Kind::Ident)
}
