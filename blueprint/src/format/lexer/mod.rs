//! Lexer for HCL native syntax.
//!
//! Produces a flat token stream in the manner of hclsyntax's scanner, which
//! hclwrite formats: quoted and heredoc templates are split into literal
//! tokens and the tokens of their `${ }` / `%{ }` sequences, comments are
//! tokens (a line comment with its line ending), and line endings outside
//! of template literals and comments are [`Kind::Newline`] tokens. Spaces,
//! tabs and lone carriage returns between tokens are dropped.
//!
//! The lexer checks that brackets match and that strings, heredocs and
//! comments are terminated; anything else is left to the parser. Heredoc
//! closing markers follow hcl-edit: a line whose first non-blank text is the
//! delimiter not followed by an identifier character.

use std::collections::HashMap;

use hcl_edit::Ident;

mod heredoc;

use heredoc::Heredoc;

use super::FormatError;
use super::token::{Kind, Token};

/// The tokens of a file, and the number of bytes after the last one.
pub(super) struct Lexed<'a> {
    pub(super) tokens: Vec<Token<'a>>,
    /// Bytes (spaces and tabs) after the last token, which hclwrite keeps
    /// as that many spaces at the end of the file.
    pub(super) trailing: usize,
}

/// Splits `src` into tokens.
pub(super) fn lex(src: &str) -> Result<Lexed<'_>, FormatError> {
    let mut lexer = Lexer::new(src);
    lexer.run()?;
    Ok(Lexed {
        trailing: src.len() - lexer.last_end,
        tokens: lexer.tokens,
    })
}

/// Whether `src` ends inside brackets, a heredoc or a template sequence that it opened
/// (not inside a quoted string, which cannot span lines).
pub(super) fn ends_open(src: &str) -> bool {
    let mut lexer = Lexer::new(src);
    lexer.run().is_err()
        && lexer.pos >= lexer.bytes.len()
        && lexer
            .stack
            .last()
            .is_some_and(|frame| !matches!(frame, Frame::Quoted(_)))
}

/// The deepest nesting of brackets, quotes and template sequences accepted.
///
/// hcl-edit accepts 64 levels of nested expressions, templates and blocks;
/// bounding the depth bounds the indentation of the output.
const MAX_DEPTH: usize = 256;

/// Operators and punctuation, longer ones first.
const OPERATORS: [(&str, Kind); 22] = [
    ("...", Kind::Ellipsis),
    ("==", Kind::EqualOp),
    ("!=", Kind::NotEqual),
    ("<=", Kind::Le),
    (">=", Kind::Ge),
    ("&&", Kind::And),
    ("||", Kind::Or),
    ("::", Kind::DoubleColon),
    ("=>", Kind::FatArrow),
    ("=", Kind::Equal),
    ("<", Kind::Lt),
    (">", Kind::Gt),
    ("!", Kind::Bang),
    ("+", Kind::Plus),
    ("-", Kind::Minus),
    ("*", Kind::Star),
    ("/", Kind::Slash),
    ("%", Kind::Percent),
    (".", Kind::Dot),
    (",", Kind::Comma),
    ("?", Kind::Question),
    (":", Kind::Colon),
];

/// What the lexer is inside of, with the offset of its opening token.
#[derive(Clone, Copy)]
enum Frame<'a> {
    Paren(usize),
    Brack(usize),
    Brace(usize),
    /// A `${ }` or `%{ }` template sequence.
    Interp(usize),
    /// The literal part of a quoted template.
    Quoted(usize),
    /// The literal part of a heredoc template.
    Heredoc(Heredoc<'a>),
}

impl Frame<'_> {
    fn describe(self) -> (usize, &'static str) {
        match self {
            Frame::Paren(at) => (at, "unclosed `(`"),
            Frame::Brack(at) => (at, "unclosed `[`"),
            Frame::Brace(at) => (at, "unclosed `{`"),
            Frame::Interp(at) => (at, "unclosed template sequence"),
            Frame::Quoted(at) => (at, "unterminated string"),
            Frame::Heredoc(doc) => (doc.start, "unterminated heredoc"),
        }
    }
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The end of the last token.
    last_end: usize,
    tokens: Vec<Token<'a>>,
    stack: Vec<Frame<'a>>,
    /// Per delimiter, the last search for a closing line: where it started
    /// and where it found one.
    closers: HashMap<&'a str, (usize, Option<usize>)>,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            last_end: 0,
            tokens: Vec::with_capacity(src.len() / 3),
            stack: Vec::new(),
            closers: HashMap::new(),
        }
    }

    fn run(&mut self) -> Result<(), FormatError> {
        if self.src.starts_with('\u{feff}') {
            self.pos = '\u{feff}'.len_utf8();
        }
        loop {
            match self.stack.last().copied() {
                Some(Frame::Quoted(_)) => self.quoted()?,
                Some(Frame::Heredoc(doc)) => self.heredoc(doc)?,
                None if self.pos >= self.bytes.len() => return Ok(()),
                Some(_) if self.pos >= self.bytes.len() => return Err(self.unclosed()),
                _ => self.code()?,
            }
        }
    }

    /// The error for input that ends inside the innermost frame.
    fn unclosed(&self) -> FormatError {
        let (at, message) = self.stack.last().map_or((0, ""), |frame| frame.describe());
        FormatError::new(at, message)
    }

    fn byte(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(0)
    }

    /// Enters `frame`, unless that nests too deep.
    fn enter(&mut self, frame: Frame<'a>) -> Result<(), FormatError> {
        if self.stack.len() >= MAX_DEPTH {
            let message = format!("nesting deeper than {MAX_DEPTH} levels");
            return Err(FormatError::new(self.pos, message));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        self.tokens
            .push(Token::new(kind, self.src.get(start..end).unwrap_or("")));
        self.last_end = end;
    }

    /// Pushes a token of `len` bytes at the current position and skips it.
    fn emit(&mut self, kind: Kind, len: usize) {
        let start = self.pos;
        self.pos += len;
        self.push(kind, start, self.pos);
    }

    fn literal(&mut self, kind: Kind, start: usize) {
        if self.pos > start {
            self.push(kind, start, self.pos);
        }
    }

    /// Reads one token (or one whitespace byte) of expression syntax.
    fn code(&mut self) -> Result<(), FormatError> {
        let start = self.pos;
        let next = self.byte(start + 1);
        match self.byte(start) {
            b' ' | b'\t' => self.pos += 1,
            b'\r' if next == b'\n' => self.emit(Kind::Newline, 2),
            b'\r' => self.pos += 1,
            b'\n' => self.emit(Kind::Newline, 1),
            b'#' => self.line_comment(),
            b'/' if next == b'/' => self.line_comment(),
            b'/' if next == b'*' => self.block_comment()?,
            b'"' => self.open(Kind::OQuote, Frame::Quoted(start))?,
            b'<' if next == b'<' => self.heredoc_intro()?,
            b'0'..=b'9' => self.number(),
            b'{' => self.open(Kind::OBrace, Frame::Brace(start))?,
            b'[' => self.open(Kind::OBrack, Frame::Brack(start))?,
            b'(' => self.open(Kind::OParen, Frame::Paren(start))?,
            b'}' => self.close_brace(1)?,
            b'~' if next == b'}' => self.close_brace(2)?,
            b']' => self.close(Kind::CBrack)?,
            b')' => self.close(Kind::CParen)?,
            _ => self.operator_or_ident()?,
        }
        Ok(())
    }

    fn open(&mut self, kind: Kind, frame: Frame<'a>) -> Result<(), FormatError> {
        self.enter(frame)?;
        self.emit(kind, 1);
        Ok(())
    }

    fn close(&mut self, kind: Kind) -> Result<(), FormatError> {
        match (self.stack.last(), kind) {
            (Some(Frame::Paren(_)), Kind::CParen) | (Some(Frame::Brack(_)), Kind::CBrack) => {
                self.stack.pop();
                self.emit(kind, 1);
                Ok(())
            }
            _ => Err(self.unexpected()),
        }
    }

    /// `}` or `~}`: closes a brace or a template sequence.
    fn close_brace(&mut self, len: usize) -> Result<(), FormatError> {
        let kind = match self.stack.last() {
            Some(Frame::Interp(_)) => Kind::TemplateSeqEnd,
            Some(Frame::Brace(_)) if len == 1 => Kind::CBrace,
            _ => return Err(self.unexpected()),
        };
        self.stack.pop();
        self.emit(kind, len);
        Ok(())
    }

    fn unexpected(&self) -> FormatError {
        let found = self
            .src
            .get(self.pos..)
            .and_then(|rest| rest.chars().next());
        let message = match found {
            Some(c) => format!("unexpected character `{}`", c.escape_debug()),
            None => "unexpected end of input".to_owned(),
        };
        FormatError::new(self.pos, message)
    }

    fn operator_or_ident(&mut self) -> Result<(), FormatError> {
        let rest = &self.bytes[self.pos..];
        if let Some(&(op, kind)) = OPERATORS
            .iter()
            .find(|(op, _)| rest.starts_with(op.as_bytes()))
        {
            self.emit(kind, op.len());
            return Ok(());
        }
        let end = self.ident_end(self.pos);
        if end == self.pos {
            return Err(self.unexpected());
        }
        self.emit(Kind::Ident, end - self.pos);
        Ok(())
    }

    /// The end of the identifier starting at `start`, or `start` if there is none.
    fn ident_end(&self, start: usize) -> usize {
        let Some(rest) = self.src.get(start..) else {
            return start;
        };
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, c)) if is_id_start(c) => {}
            _ => return start,
        }
        chars
            .find(|&(_, c)| !is_id_continue(c))
            .map_or(self.src.len(), |(offset, _)| start + offset)
    }

    fn number(&mut self) {
        let mut end = self.digits(self.pos);
        if self.byte(end) == b'.' && self.byte(end + 1).is_ascii_digit() {
            end = self.digits(end + 1);
        }
        if matches!(self.byte(end), b'e' | b'E') {
            let sign = usize::from(matches!(self.byte(end + 1), b'+' | b'-'));
            if self.byte(end + 1 + sign).is_ascii_digit() {
                end = self.digits(end + 1 + sign);
            }
        }
        self.emit(Kind::Number, end - self.pos);
    }

    fn digits(&self, mut at: usize) -> usize {
        while self.byte(at).is_ascii_digit() {
            at += 1;
        }
        at
    }

    /// A line comment, with its line ending if it has one.
    fn line_comment(&mut self) {
        let rest = &self.bytes[self.pos..];
        let len = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |newline| newline + 1);
        self.emit(Kind::LineComment, len);
    }

    fn block_comment(&mut self) -> Result<(), FormatError> {
        let body = self.src.get(self.pos + 2..).unwrap_or("");
        match body.find("*/") {
            Some(len) => {
                self.emit(Kind::BlockComment, len + 4);
                Ok(())
            }
            None => Err(FormatError::new(self.pos, "unterminated comment")),
        }
    }

    /// Reads quoted template content up to the closing quote or a template sequence.
    fn quoted(&mut self) -> Result<(), FormatError> {
        let start = self.pos;
        loop {
            let Some(&byte) = self.bytes.get(self.pos) else {
                return Err(self.unclosed());
            };
            if byte == b'"' {
                self.literal(Kind::QuotedLit, start);
                self.stack.pop();
                self.emit(Kind::CQuote, 1);
                return Ok(());
            }
            if self.template_start(byte) {
                self.literal(Kind::QuotedLit, start);
                return self.open_sequence(byte);
            }
            self.pos += match byte {
                b'\\' if self.pos + 1 < self.bytes.len() => 2,
                b'\\' => return Err(self.unclosed()),
                _ => self.escaped_marker_len(byte),
            };
        }
    }

    /// Whether `${` or `%{` starts at the current position.
    fn template_start(&self, byte: u8) -> bool {
        matches!(byte, b'$' | b'%') && self.byte(self.pos + 1) == b'{'
    }

    /// 3 for the escapes `$${` and `%%{`, 1 for anything else.
    fn escaped_marker_len(&self, byte: u8) -> usize {
        let escaped = matches!(byte, b'$' | b'%')
            && self.byte(self.pos + 1) == byte
            && self.byte(self.pos + 2) == b'{';
        if escaped { 3 } else { 1 }
    }

    /// `${`, `%{`, `${~` or `%{~`.
    fn open_sequence(&mut self, byte: u8) -> Result<(), FormatError> {
        let start = self.pos;
        self.enter(Frame::Interp(start))?;
        let kind = if byte == b'$' {
            Kind::TemplateInterp
        } else {
            Kind::TemplateControl
        };
        let strip = usize::from(self.byte(start + 2) == b'~');
        self.emit(kind, 2 + strip);
        Ok(())
    }
}

fn is_id_start(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic() || c == '_'
    } else {
        Ident::try_new(c.to_string()).is_ok()
    }
}

fn is_id_continue(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_' || c == '-'
    } else {
        Ident::try_new(format!("a{c}")).is_ok()
    }
}
