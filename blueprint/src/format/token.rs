//! Tokens of HCL native syntax, as the formatter sees them.
//!
//! A token is a kind and a byte range of the source. Whitespace between
//! tokens is not represented: the formatter decides it anew.

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
    /// `<<EOF` or `<<-EOF` (the line ending after it is not part of the token).
    OHeredoc,
    /// The closing marker of a heredoc, with the indentation before it.
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
    /// A `#` or `//` comment, without its line ending.
    LineComment,
    /// A `/* */` comment.
    BlockComment,
    /// A line ending (`\n` or `\r\n`) outside of template literals.
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

/// A token: its kind and where it is in the source.
#[derive(Clone, Copy, Debug)]
pub(super) struct Token {
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Whether the token is part of a heredoc's content (its interpolations
    /// included), whose brackets do not count for indentation.
    pub(super) in_heredoc: bool,
}

impl Token {
    /// The source text of the token.
    pub(super) fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }

    /// The bracket change of the token as it counts for indentation.
    pub(super) fn nesting_change(&self) -> i32 {
        if self.in_heredoc {
            0
        } else {
            self.kind.bracket_change()
        }
    }
}
