//! Heredocs: their introducer, their content and their closing marker.
//!
//! Closing markers follow hcl-edit, Strata's parser: a line whose first
//! non-blank text is the delimiter not followed by an identifier character
//! (a marker on the very first content line only closes the heredoc when no
//! later line could). As in hclsyntax, the closing marker's token holds the
//! blanks around it on its line.

use super::{FormatError, Frame, Kind, Lexer, is_id_continue};

/// State of a heredoc whose content is being read.
#[derive(Clone, Copy)]
pub(super) struct Heredoc<'a> {
    pub(super) start: usize,
    delim: &'a str,
    at_line_start: bool,
    first_line: bool,
}

impl<'a> Lexer<'a> {
    /// `<<EOF` or `<<-EOF` with the line ending after it.
    pub(super) fn heredoc_intro(&mut self) -> Result<(), FormatError> {
        let start = self.pos;
        let name = start + 2 + usize::from(self.byte(start + 2) == b'-');
        let name_end = self.ident_end(name);
        if name_end == name {
            return Err(FormatError::new(
                start,
                "expected a heredoc delimiter after `<<`",
            ));
        }
        let content = match (self.byte(name_end), self.byte(name_end + 1)) {
            (b'\n', _) => name_end + 1,
            (b'\r', b'\n') => name_end + 2,
            _ => {
                let message = "expected a line break after the heredoc delimiter";
                return Err(FormatError::new(name_end, message));
            }
        };
        self.enter(Frame::Heredoc(Heredoc {
            start,
            delim: &self.src[name..name_end],
            at_line_start: true,
            first_line: true,
        }))?;
        self.push(Kind::OHeredoc, start, content);
        self.pos = content;
        Ok(())
    }

    /// Reads heredoc content up to the closing marker or a template sequence.
    pub(super) fn heredoc(&mut self, mut doc: Heredoc<'a>) -> Result<(), FormatError> {
        let start = self.pos;
        loop {
            if doc.at_line_start && self.closes_heredoc(&doc) {
                self.literal(Kind::HeredocLit, start);
                self.stack.pop();
                let end = self.marker_end(self.pos, doc.delim).unwrap_or(self.pos);
                let end = self.blanks_to_line_end(end);
                self.emit(Kind::CHeredoc, end - self.pos);
                return Ok(());
            }
            doc.first_line = false;
            let Some(&byte) = self.bytes.get(self.pos) else {
                return Err(self.unclosed());
            };
            doc.at_line_start = byte == b'\n';
            if self.template_start(byte) {
                self.literal(Kind::HeredocLit, start);
                if let Some(top) = self.stack.last_mut() {
                    *top = Frame::Heredoc(doc);
                }
                return self.open_sequence(byte);
            }
            self.pos += self.escaped_marker_len(byte);
        }
    }

    /// Whether the line at the current position closes the heredoc.
    ///
    /// Like hcl-edit, a marker on the very first content line only closes
    /// the heredoc when no later line could.
    fn closes_heredoc(&mut self, doc: &Heredoc<'a>) -> bool {
        let Some(end) = self.marker_end(self.pos, doc.delim) else {
            return false;
        };
        !doc.first_line || !self.closes_later(end, doc.delim)
    }

    /// The end of a closing marker for `delim` on the line starting at `at`.
    fn marker_end(&self, at: usize, delim: &str) -> Option<usize> {
        let rest = self.bytes.get(at..)?;
        let indent = rest
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let end = at + indent + delim.len();
        let continues = self
            .src
            .get(end..)
            .and_then(|after| after.chars().next())
            .is_some_and(is_id_continue);
        (rest[indent..].starts_with(delim.as_bytes()) && !continues).then_some(end)
    }

    /// Past the spaces and tabs after `at` if only a line ending follows
    /// them (hclsyntax keeps them in the closing marker's token), else `at`.
    fn blanks_to_line_end(&self, at: usize) -> usize {
        let blanks = self.bytes[at..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        match self.bytes.get(at + blanks..) {
            None | Some([] | [b'\n', ..] | [b'\r', b'\n', ..]) => at + blanks,
            Some(_) => at,
        }
    }

    /// Whether a later line, after `from`, is a closing marker for `delim`.
    fn closes_later(&mut self, from: usize, delim: &'a str) -> bool {
        if let Some(&(searched, found)) = self.closers.get(delim)
            && searched <= from
            && found.is_none_or(|at| at > from)
        {
            return found.is_some();
        }
        let found = self.find_marker_line(from, delim);
        self.closers.insert(delim, (from, found));
        found.is_some()
    }

    fn find_marker_line(&self, mut from: usize, delim: &str) -> Option<usize> {
        while let Some(offset) = self.bytes.get(from..)?.iter().position(|&b| b == b'\n') {
            from += offset + 1;
            if self.marker_end(from, delim).is_some() {
                return Some(from);
            }
        }
        None
    }
}
