//! Vertical alignment of the `=` of consecutive single-line attributes and
//! of consecutive trailing comments, as hclwrite's `formatCells`.
//!
//! A run of aligned lines is a run of consecutive lines that all have the
//! cell in question; any other line (blank, comment-only, block header,
//! opening or closing a multi-line value) ends it. Like hclwrite, a line's
//! width counts the spaces before its tokens and the grapheme clusters of
//! their text, line breaks inside a token (a multi-line comment, a heredoc)
//! counting as one each.

use unicode_segmentation::UnicodeSegmentation;

use super::lines::Line;
use super::token::Token;

/// The most spaces alignment adds to a line; a run that would need more is
/// left unaligned, which keeps the output linear in the size of the input.
/// (hclwrite has no such bound.)
const MAX_PADDING: usize = 1000;

/// Adjusts `spaces` so that assign cells, then comment cells, line up.
pub(super) fn align(tokens: &[Token], lines: &[Line], spaces: &mut [usize]) {
    align_cells(tokens, lines, spaces, |line| line.assign);
    align_cells(tokens, lines, spaces, |line| line.comment);
}

/// Aligns the cells that `cell` finds, run by run.
fn align_cells(
    tokens: &[Token],
    lines: &[Line],
    spaces: &mut [usize],
    cell: impl Fn(&Line) -> Option<usize>,
) {
    for run in lines.chunk_by(|a, b| cell(a).is_some() == cell(b).is_some()) {
        let cells: Vec<(usize, usize)> = run
            .iter()
            .filter_map(|line| {
                let at = cell(line)?;
                Some((
                    at,
                    columns(&tokens[line.start..at], &spaces[line.start..at]),
                ))
            })
            .collect();
        let widest = cells.iter().map(|&(_, columns)| columns).max().unwrap_or(0);
        let narrowest = cells.iter().map(|&(_, columns)| columns).min().unwrap_or(0);
        let aligned = widest - narrowest <= MAX_PADDING;
        for (at, columns) in cells {
            spaces[at] = if aligned { widest - columns + 1 } else { 1 };
        }
    }
}

/// hclwrite's `Tokens.Columns`: the spaces before `tokens` and the grapheme
/// clusters of their text.
fn columns(tokens: &[Token], spaces: &[usize]) -> usize {
    tokens
        .iter()
        .zip(spaces)
        .map(|(token, &before)| before + token.text.graphemes(true).count())
        .sum()
}
