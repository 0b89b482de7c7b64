//! The rewrites `terraform fmt` makes before laying tokens out (its
//! `formatBody`, `formatValueExpr` and `formatTypeExpr`):
//!
//! - an attribute whose value is a single interpolation, `"${x}"`, becomes
//!   `x` (in parentheses if it spans lines and is not parenthesized);
//! - the `type` of a top-level `variable` block written as a bare `list`,
//!   `map` or `set` becomes `list(any)`, `map(any)` or `set(any)`, and the
//!   legacy quoted `"string"`, `"list"` and `"map"` become `string`,
//!   `list(string)` and `map(string)`;
//! - block labels are written quoted (`resource aws_vpc main` becomes
//!   `resource "aws_vpc" "main"`), with their escapes normalized, and
//!   comments between the block type and its last label are dropped.
//!
//! Only attributes of bodies are rewritten, not the items of object
//! constructors. The body structure is found on the tokens: an item starts
//! with an identifier and is an attribute (`name = value`, the value ending
//! at a line break or at the `}` of a one-line block) or a block. Input
//! whose structure is not recognized is left as it is from there on.
//!
//! Where Terraform would damage the file, Strata does not: a label that
//! Terraform cannot read back as a single literal token (one containing `$`
//! or `%`) is kept, requoted, where Terraform drops it; a line comment at
//! the top level of an unwrapped interpolation gets it parenthesized, where
//! Terraform's output would not parse. And nested lone interpolations are
//! unwrapped in one run (`"${"${x}"}"` becomes `x`; Terraform needs two),
//! so that the output is a fixed point.

use std::borrow::Cow;

use super::quote;
use super::token::{Kind, Token};

/// Applies Terraform's rewrites to `tokens`.
pub(super) fn rewrite<'a>(tokens: Vec<Token<'a>>) -> Vec<Token<'a>> {
    let mut walker = Walker {
        tokens: &tokens,
        edits: Vec::new(),
    };
    walker.body(0, BodyKind::Root);
    if walker.edits.is_empty() {
        return tokens;
    }
    let edits = std::mem::take(&mut walker.edits);
    apply(tokens, edits)
}

/// A replacement of the tokens `start..end`.
struct Edit<'a> {
    start: usize,
    end: usize,
    with: Vec<Token<'a>>,
}

/// Replaces each edit's range by its tokens; edits are in order and do not overlap.
fn apply<'a>(tokens: Vec<Token<'a>>, edits: Vec<Edit<'a>>) -> Vec<Token<'a>> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut edits = edits.into_iter().peekable();
    let mut skip_to = 0;
    for (index, token) in tokens.into_iter().enumerate() {
        if let Some(edit) = edits.next_if(|edit| edit.start == index) {
            skip_to = edit.end;
            out.extend(edit.with);
        }
        if index >= skip_to {
            out.push(token);
        }
    }
    out
}

/// Which body is being walked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    /// The file's body.
    Root,
    /// The body of a top-level `variable` block, whose `type` is a type.
    Variable,
    /// Any other block's body.
    Block,
}

struct Walker<'t, 'a> {
    tokens: &'t [Token<'a>],
    edits: Vec<Edit<'a>>,
}

impl<'a> Walker<'_, 'a> {
    fn kind(&self, at: usize) -> Option<Kind> {
        self.tokens.get(at).map(|token| token.kind)
    }

    /// The first token at or after `at` that is not a block comment.
    fn skip_comments(&self, mut at: usize) -> usize {
        while self.kind(at) == Some(Kind::BlockComment) {
            at += 1;
        }
        at
    }

    /// Walks the items of a body from `at`; returns where it ends (its
    /// closing `}` or the end of the tokens), or `None` if it is not
    /// recognized.
    fn body(&mut self, mut at: usize, kind: BodyKind) -> Option<usize> {
        loop {
            match self.kind(at) {
                None if kind == BodyKind::Root => return Some(at),
                Some(Kind::CBrace) if kind != BodyKind::Root => return Some(at),
                Some(Kind::Newline | Kind::LineComment | Kind::BlockComment) => at += 1,
                Some(Kind::Ident) => at = self.item(at, kind)?,
                _ => return None,
            }
        }
    }

    /// Walks the attribute or block starting at `at`; returns where it ends.
    fn item(&mut self, at: usize, kind: BodyKind) -> Option<usize> {
        let next = self.skip_comments(at + 1);
        if self.kind(next) == Some(Kind::Equal) {
            let name = &self.tokens[at].text;
            let is_type = kind == BodyKind::Variable && name == "type";
            return Some(self.attribute(next + 1, is_type));
        }
        let (labels, open) = self.labels(next)?;
        if let Some(&(_, end)) = labels.last() {
            let with = labels
                .iter()
                .flat_map(|&(start, end)| self.quoted(start, end))
                .collect();
            self.edits.push(Edit {
                start: at + 1,
                end,
                with,
            });
        }
        let body_kind = match (kind, &*self.tokens[at].text) {
            (BodyKind::Root, "variable") => BodyKind::Variable,
            _ => BodyKind::Block,
        };
        let close = self.body(open + 1, body_kind)?;
        Some(close + 1)
    }

    /// The labels of a block from `at` (each as a token range) and the
    /// index of its `{`.
    fn labels(&self, mut at: usize) -> Option<(Vec<(usize, usize)>, usize)> {
        let mut labels = Vec::new();
        loop {
            at = self.skip_comments(at);
            match self.kind(at)? {
                Kind::OBrace => return Some((labels, at)),
                Kind::Ident => {
                    labels.push((at, at + 1));
                    at += 1;
                }
                Kind::OQuote => {
                    let mut end = at + 1;
                    while self.kind(end)? == Kind::QuotedLit {
                        end += 1;
                    }
                    (self.kind(end)? == Kind::CQuote).then_some(())?;
                    labels.push((at, end + 1));
                    at = end + 1;
                }
                _ => return None,
            }
        }
    }

    /// The label `start..end` in its quoted form; an invalid one as it is.
    fn quoted(&self, start: usize, end: usize) -> Vec<Token<'a>> {
        let tokens = &self.tokens[start..end];
        let value = match tokens {
            [ident] if ident.kind == Kind::Ident => Some(ident.text.to_string()),
            [_, literals @ .., _] => {
                let text: String = literals.iter().map(|token| &*token.text).collect();
                quote::decode(&text)
            }
            _ => None,
        };
        let Some(value) = value else {
            return tokens.to_vec();
        };
        let text = quote::encode(&value);
        let mut quoted = vec![Token::new(Kind::OQuote, "\"")];
        if !text.is_empty() {
            quoted.push(Token::new(Kind::QuotedLit, text));
        }
        quoted.push(Token::new(Kind::CQuote, "\""));
        quoted
    }

    /// Walks the value of an attribute starting at `at` and rewrites it;
    /// returns where it ends (a line ending, a line comment, the `}` of a
    /// one-line block, or the end of the tokens).
    fn attribute(&mut self, at: usize, is_type: bool) -> usize {
        let mut depth = 0;
        let mut end = at;
        while let Some(token) = self.tokens.get(end) {
            let change = token.kind.bracket_change();
            let ends = matches!(token.kind, Kind::Newline | Kind::LineComment) || change < 0;
            if depth == 0 && ends {
                break;
            }
            depth += change;
            end += 1;
        }
        let (start, value_end) = without_comments(&self.tokens[at..end]);
        let (start, value_end) = (at + start, at + value_end);
        let value = &self.tokens[start..value_end];
        let rewritten = if is_type {
            type_expr(value)
        } else {
            unwrapped(value)
        };
        if let Some(with) = rewritten {
            self.edits.push(Edit {
                start,
                end: value_end,
                with,
            });
        }
        end
    }
}

/// Terraform's `formatValueExpr`: the expression inside `"${ ... }"` if the
/// value is nothing but one interpolation, in parentheses if it spans lines
/// and is not parenthesized already.
///
/// Unlike Terraform, the unwrapping is repeated while the expression is
/// itself a lone interpolation before parentheses are added, and a line
/// comment at the top level of the expression makes it multi-line: without
/// parentheses, its line ending would end the attribute.
fn unwrapped<'a>(value: &[Token<'a>]) -> Option<Vec<Token<'a>>> {
    let mut inner = interpolated(value)?.to_vec();
    loop {
        let (start, end) = without_comments(&inner);
        let Some(again) = interpolated(&inner[start..end]) else {
            break;
        };
        inner = [&inner[..start], again, &inner[end..]].concat();
    }
    let mut depth = 0;
    let multi_line = inner.iter().enumerate().any(|(index, token)| {
        depth += token.kind.bracket_change();
        let top_level_comment = token.kind == Kind::LineComment && depth == 0;
        (index > 0 && token.kind == Kind::Newline) || top_level_comment
    });
    let parenthesized = inner.len() > 1
        && inner[0].kind == Kind::OParen
        && inner[inner.len() - 1].kind == Kind::CParen;
    if multi_line && !parenthesized {
        let mut wrapped = Vec::with_capacity(inner.len() + 2);
        wrapped.push(Token::new(Kind::OParen, "("));
        wrapped.extend_from_slice(&inner);
        wrapped.push(Token::new(Kind::CParen, ")"));
        return Some(wrapped);
    }
    Some(inner)
}

/// The range of `tokens` without the block comments at either end.
fn without_comments(tokens: &[Token]) -> (usize, usize) {
    let is_code = |token: &Token| token.kind != Kind::BlockComment;
    let start = tokens.iter().position(is_code).unwrap_or(tokens.len());
    let end = tokens
        .iter()
        .rposition(is_code)
        .map_or(start, |last| last + 1);
    (start, end)
}

/// The tokens inside `"${ ... }"`, without the line endings at either end,
/// if `value` is one interpolation and nothing else.
fn interpolated<'t, 'a>(value: &'t [Token<'a>]) -> Option<&'t [Token<'a>]> {
    let [open, interp, inside @ .., seq_end, close] = value else {
        return None;
    };
    let delimited = open.kind == Kind::OQuote
        && interp.kind == Kind::TemplateInterp
        && seq_end.kind == Kind::TemplateSeqEnd
        && close.kind == Kind::CQuote;
    if !delimited {
        return None;
    }
    let mut quotes = 0;
    for token in inside {
        match token.kind {
            Kind::OQuote => quotes += 1,
            Kind::CQuote => quotes -= 1,
            _ if quotes > 0 => {}
            Kind::TemplateInterp | Kind::TemplateSeqEnd | Kind::QuotedLit => return None,
            _ => {}
        }
    }
    let first = inside
        .iter()
        .position(|token| token.kind != Kind::Newline)?;
    let last = inside
        .iter()
        .rposition(|token| token.kind != Kind::Newline)?;
    Some(&inside[first..=last])
}

/// Terraform's `formatTypeExpr`: a variable's `type` in its modern form.
fn type_expr<'a>(value: &[Token<'a>]) -> Option<Vec<Token<'a>>> {
    let call = |name: &'a str, element: &'a str| {
        Some(vec![
            Token::new(Kind::Ident, name),
            Token::new(Kind::OParen, "("),
            Token::new(Kind::Ident, element),
            Token::new(Kind::CParen, ")"),
        ])
    };
    match value {
        [keyword] if keyword.kind == Kind::Ident => match &*keyword.text {
            "list" => call("list", "any"),
            "map" => call("map", "any"),
            "set" => call("set", "any"),
            _ => None,
        },
        [open, literal, close]
            if open.kind == Kind::OQuote
                && literal.kind == Kind::QuotedLit
                && close.kind == Kind::CQuote =>
        {
            match &*literal.text {
                "string" => Some(vec![Token::new(Kind::Ident, Cow::Borrowed("string"))]),
                "list" => call("list", "string"),
                "map" => call("map", "string"),
                _ => None,
            }
        }
        _ => None,
    }
}
