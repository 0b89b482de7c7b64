//! Indentation and the spaces between tokens of a line, as hclwrite's
//! `formatIndent` and `formatSpaces`.
//!
//! Indentation: a line that opens brackets indents the lines after it by
//! one level of two spaces (however many brackets it opens), and a line
//! that closes them is dedented; a line that both closes and opens (`}, {`)
//! is indented by its net count only. In the lead cell, brackets after a
//! heredoc's opening marker do not count.
//!
//! Spacing follows hclwrite's `spaceAfterToken`, within each cell: one
//! space between most tokens, none around `.` and `::`, before `,` and
//! `...`, inside `()` and `[]`, before the `(` of a call or the `[` of an
//! index, after `!` and a unary `-`, and none next to template literals;
//! one space inside non-empty `{ }`. A minus is taken as unary when the
//! token before it in its cell is none, an opening bracket, an operator,
//! `=`, `,`, `?` or `:`. A few pairs keep a space that hclwrite drops,
//! where dropping it would make the tokens read differently once written
//! (`1 .5`, `! =`, `. ...`).

use super::lines::Line;
use super::token::{Kind, Token};

/// The number of spaces before each token: indentation for the first token
/// of a line, the canonical spacing for the others. The first token of the
/// assign and comment cells gets one space here, and its alignment later.
pub(super) fn spaces(tokens: &[Token], lines: &[Line]) -> Vec<usize> {
    let mut spaces = vec![0; tokens.len()];
    let mut indents: Vec<i32> = Vec::new();
    for line in lines {
        spaces[line.start] = 2 * indent(tokens, line, &mut indents);
        let lead = line.start..line.lead_end();
        let assign = line.assign.map(|equal| equal..line.assign_end());
        for cell in std::iter::once(lead).chain(assign) {
            for index in cell.clone().skip(1) {
                let before = (index >= cell.start + 2).then(|| &tokens[index - 2]);
                let space = space_after(
                    before,
                    &tokens[index - 1],
                    &tokens[index],
                    tokens.get(index + 1),
                );
                spaces[index] = usize::from(space);
            }
        }
        if let Some(equal) = line.assign {
            spaces[equal] = 1;
        }
        if let Some(comment) = line.comment {
            spaces[comment] = 1;
        }
    }
    spaces
}

/// The indentation level of `line`, updating `indents`, the stack of the
/// number of brackets each open level holds.
fn indent(tokens: &[Token], line: &Line, indents: &mut Vec<i32>) -> usize {
    if tokens[line.start].kind == Kind::Newline {
        return 0;
    }
    let mut net = 0;
    for token in &tokens[line.start..line.lead_end()] {
        net += token.kind.bracket_change();
        if token.kind == Kind::OHeredoc {
            break;
        }
    }
    if let Some(equal) = line.assign {
        net += super::lines::net_brackets(&tokens[equal..line.assign_end()]);
    }
    let level = indents.len();
    if net > 0 {
        indents.push(net);
        return level;
    }
    let mut closed = -net;
    while closed > 0 {
        let Some(top) = indents.last_mut() else {
            break;
        };
        if closed < *top {
            *top -= closed;
            closed = 0;
        } else {
            closed -= *top;
            indents.pop();
        }
    }
    indents.len()
}

/// hclwrite's `spaceAfterToken`: whether `subject` has a space after it,
/// `before` being the token before it in its cell and `after` the one after
/// it (and `next` the one after that, to keep `1 .5` apart).
fn space_after(
    before: Option<&Token>,
    subject: &Token,
    after: &Token,
    next: Option<&Token>,
) -> bool {
    use Kind::*;
    let (s, a) = (subject.kind, after.kind);
    match (s, a) {
        (_, Newline) => false,
        (Ident, OParen) | (Ident, DoubleColon) | (DoubleColon, Ident) => false,
        (Dot, Dot | Ellipsis) => true,
        (Number, Dot) => {
            next.is_some_and(|next| next.kind == Number) && !before.is_some_and(|b| b.kind == Dot)
        }
        (Dot, _) | (_, Dot) => false,
        (_, Comma) | (_, Ellipsis) => false,
        (Comma, _) => true,
        (QuotedLit | HeredocLit | OQuote | OHeredoc, _) => false,
        (_, QuotedLit | HeredocLit | CQuote | CHeredoc) => false,
        (Ident, _) if subject.text == "in" && before.is_some_and(|b| b.kind == Ident) => true,
        (Ident | Number, OBrack) => false,
        (_, OBrack) if s.bracket_change() < 0 => false,
        (Bang, Equal | EqualOp | FatArrow) => true,
        (Bang, _) => false,
        (Minus, _) => !is_negation(before.map(|token| token.kind)),
        (OBrace, CBrace) => false,
        (OBrace, _) | (_, CBrace) => true,
        (TemplateInterp | TemplateControl, OBrace) => true,
        (CBrace, TemplateSeqEnd) => true,
        (TemplateSeqEnd, TemplateInterp | TemplateControl) => false,
        _ => s.bracket_change() <= 0 && a.bracket_change() >= 0,
    }
}

/// Whether a minus after a token of kind `before` (none at the start of
/// its cell) is a negation, as hclwrite guesses it.
fn is_negation(before: Option<Kind>) -> bool {
    use Kind::*;
    let Some(before) = before else {
        return true;
    };
    matches!(
        before,
        OParen
            | OBrace
            | OBrack
            | Equal
            | Colon
            | Comma
            | Question
            | Plus
            | Star
            | Slash
            | Percent
            | Minus
            | EqualOp
            | NotEqual
            | Gt
            | Ge
            | Lt
            | Le
            | And
            | Or
            | Bang
    )
}
