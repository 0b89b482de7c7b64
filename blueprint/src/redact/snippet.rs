//! Masking sensitive values in the source lines of diagnostics: by their place (a
//! variable file's value, a default), by their text, and on the lines of variable files
//! that set a sensitive variable.

use std::ops::Range;

use super::{MASK, Redactor};
use crate::source::FileId;

impl Redactor {
    /// The byte ranges of a source line (starting at byte `start` of `file`) to mask in a
    /// snippet, sorted and merged.
    pub fn line_ranges(&self, file: FileId, start: u32, line: &str) -> Vec<Range<usize>> {
        let end = start as usize + line.len();
        let mut ranges: Vec<Range<usize>> = self
            .spans
            .iter()
            .filter(|s| {
                s.file == file && (s.start as usize) < end && s.end as usize > start as usize
            })
            .map(|s| {
                let from = (s.start as usize).saturating_sub(start as usize);
                let to = (s.end as usize).min(end) - start as usize;
                // An empty span (a place, not a value) masks nothing.
                from..to.max(from)
            })
            .filter(|r| !r.is_empty())
            .collect();
        if let Some(m) = self.matcher() {
            ranges.extend(m.find_iter(line).map(|found| found.range()));
        }
        if self.var_files.contains(&file)
            && let Some(value) = self.setting(line)
        {
            ranges.push(value);
        }
        ranges.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }

    /// Where the value is on a variable-file line that sets a sensitive variable
    /// (`name = value` in HCL, `"name": value` in JSON).
    fn setting(&self, line: &str) -> Option<Range<usize>> {
        let mut found = self
            .names
            .iter()
            .flat_map(|name| line.match_indices(name.as_str()));
        found.find_map(|(at, name)| {
            let prefix = &line[..at];
            let opens = |p: &str| {
                let p = p.trim_end();
                p.is_empty() || p.ends_with('{') || p.ends_with(',')
            };
            let quoted = prefix.strip_suffix('"').is_some_and(opens)
                && line[at + name.len()..].starts_with('"');
            if !(prefix.trim().is_empty() || quoted) {
                return None;
            }
            let after = at + name.len() + usize::from(quoted);
            let rest = &line[after..];
            let sep = rest.trim_start();
            if !(sep.starts_with('=') || sep.starts_with(':')) {
                return None;
            }
            let value_at = after + (rest.len() - sep.len()) + 1;
            let value = line[value_at..].trim();
            if value.is_empty() {
                return None;
            }
            let from = value_at + (line[value_at..].len() - line[value_at..].trim_start().len());
            Some(from..from + value.len())
        })
    }

    /// A line of text with the given byte ranges replaced by [`MASK`], and a map from byte
    /// offsets in the line to byte offsets in the masked line: an offset inside a masked
    /// range goes to the start of its mask, or to its end when `end` (the end of a span).
    pub fn mask_ranges(
        line: &str,
        ranges: &[Range<usize>],
    ) -> (String, impl Fn(usize, bool) -> usize) {
        let mut out = String::with_capacity(line.len());
        let mut at = 0;
        // (original offset, masked offset) at the start and end of each mask.
        let mut marks: Vec<(Range<usize>, usize)> = Vec::new();
        for r in ranges {
            let r = r.start.min(line.len())..r.end.min(line.len());
            if r.start < at || !line.is_char_boundary(r.start) || !line.is_char_boundary(r.end) {
                continue;
            }
            out.push_str(&line[at..r.start]);
            marks.push((r.clone(), out.len()));
            out.push_str(MASK);
            at = r.end;
        }
        out.push_str(&line[at..]);
        let map = move |offset: usize, end: bool| {
            let mut shift: isize = 0;
            for (r, masked) in &marks {
                if offset < r.start || (end && offset == r.start) {
                    break;
                }
                if offset < r.end {
                    return if end { *masked + MASK.len() } else { *masked };
                }
                shift = (*masked + MASK.len()) as isize - r.end as isize;
            }
            (offset as isize + shift).max(0) as usize
        };
        (out, map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::tests::redactor;
    use crate::source::Span;

    #[test]
    fn snippet_ranges_come_from_spans_texts_and_variable_file_lines() {
        let file = FileId(3);
        let mut r = redactor(&["long-secret-1"]);
        r.add_span(Span::new(file, 107..109));
        r.add_name("token");
        r.add_var_file(file);
        // A span on the line (bytes 100.. of the file).
        assert_eq!(r.line_ranges(file, 100, "pin = \"12\" # x"), vec![7..9]);
        // A known text anywhere.
        assert_eq!(
            r.line_ranges(FileId(1), 0, "x = long-secret-1"),
            vec![4..17]
        );
        // Lines that set a sensitive variable, parsed or not.
        assert_eq!(r.line_ranges(file, 0, "token = \"ab"), vec![8..11]);
        assert_eq!(
            r.line_ranges(file, 0, "{\"token\": \"ab\", \"x\": 1}"),
            vec![10..23]
        );
        assert!(r.line_ranges(file, 0, "tokens = \"ab\"").is_empty());
        assert_eq!(
            r.line_ranges(file, 0, "{\"a\": 1, \"token\": \"ab\"}"),
            vec![18..23]
        );
        assert!(r.line_ranges(file, 0, "{\"a\": \"token\"}").is_empty());
        assert!(r.line_ranges(FileId(9), 0, "token = \"ab\"").is_empty());
    }

    #[test]
    fn masking_a_line_maps_offsets_onto_the_masked_text() {
        let (text, map) = Redactor::mask_ranges("ab = \"xyz\" # c", std::slice::from_ref(&(5..10)));
        assert_eq!(text, "ab = (sensitive value) # c");
        let starts = (map(0, false), map(5, false), map(7, false), map(10, false));
        assert_eq!(starts, (0, 5, 5, 22));
        let ends = (map(5, true), map(7, true), map(10, true), map(13, true));
        assert_eq!(ends, (5, 22, 22, 25));
    }
}
