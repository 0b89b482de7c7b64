//! Tokens of HCL native syntax, as the formatter sees them.
//!
//! A token is a kind and its text, as hclsyntax's scanner makes them (which
//! hclwrite, the formatter of `terraform fmt`, works on). Whitespace between
//! tokens is not represented: the formatter decides it anew.

use std::borrow::Cow;

/// The kind of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// `{` of a block body or an object constructor.
    OBrace,
    /// `}` closing an [`Kind::OBrace`].
    CBrace,
    /// `[`.
    OBrack,
    /// `]`.
    CBrack,
    /// `(`.
    OParen,
    /// `)`.
    CParen,
    /// `"` opening a quoted template.
    OQuote,
    /// `"` closing a quoted template.
    CQuote,
    /// `<<EOF` or `<<-EOF` with the line ending after it.
    OHeredoc,
    /// The closing marker of a heredoc, with the blanks around it on its line.
    CHeredoc,
    /// `${` or `${~`.
    TemplateInterp,
    /// `%{` or `%{~`.
    TemplateControl,
    /// `}` or `~}` closing a template sequence.
    TemplateSeqEnd,
    /// Literal text of a quoted template, escapes included.
    QuotedLit,
    /// Literal text of a heredoc template, line endings included.
    HeredocLit,
    /// A number literal.
    Number,
    /// An identifier or keyword.
    Ident,
    /// A `#` or `//` comment with its line ending (none at the end of the file).
    LineComment,
    /// A `/* */` comment.
    BlockComment,
    /// A line ending (`\n` or `\r\n`) outside of template literals and comments.
    Newline,
    /// `=`.
    Equal,
    /// `==`.
    EqualOp,
    /// `!=`.
    NotEqual,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `&&`.
    And,
    /// `||`.
    Or,
    /// `!`.
    Bang,
    /// `+`.
    Plus,
    /// `-`.
    Minus,
    /// `*`.
    Star,
    /// `/`.
    Slash,
    /// `%`.
    Percent,
    /// `.`.
    Dot,
    /// `,`.
    Comma,
    /// `...`.
    Ellipsis,
    /// `::`.
    DoubleColon,
    /// `=>`.
    FatArrow,
    /// `?`.
    Question,
    /// `:`.
    Colon,
}

impl Kind {
    /// `+1` for tokens that open a bracket, `-1` for those that close one.
    pub(super) fn bracket_change(self) -> i32 {
        match self {
            Kind::OBrace
            | Kind::OBrack
            | Kind::OParen
            | Kind::TemplateInterp
            | Kind::TemplateControl => 1,
            Kind::CBrace | Kind::CBrack | Kind::CParen | Kind::TemplateSeqEnd => -1,
            _ => 0,
        }
    }

    /// Whether the token is a comment of either form.
    pub(super) fn is_comment(self) -> bool {
        matches!(self, Kind::LineComment | Kind::BlockComment)
    }
}

/// A token: its kind and its text.
///
/// The text is borrowed from the source, except for the tokens that
/// Terraform's rewrites insert (parentheses, `any`, requoted labels).
#[derive(Clone, Debug)]
pub(super) struct Token<'a> {
    pub(super) kind: Kind,
    pub(super) text: Cow<'a, str>,
}

impl<'a> Token<'a> {
    /// A token of `kind` with `text`.
    pub(super) fn new(kind: Kind, text: impl Into<Cow<'a, str>>) -> Self {
        Token {
            kind,
            text: text.into(),
        }
    }

    /// Whether the token ends a line: a line ending, or a line comment
    /// (which includes its line ending, as in hclsyntax).
    pub(super) fn ends_line(&self) -> bool {
        match self.kind {
            Kind::Newline => true,
            Kind::LineComment => self.text.ends_with('\n'),
            _ => false,
        }
    }
}
