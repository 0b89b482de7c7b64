//! Vertical alignment of the `=` of consecutive single-line attributes and
//! of consecutive trailing comments, as hclwrite does it.
//!
//! A run of aligned lines is a run of consecutive lines that all have the
//! cell in question; any other line (blank, comment-only, block header,
//! opening or closing a multi-line value) ends it. Columns are display
//! columns (characters since the last line break), so a multi-line comment
//! or heredoc earlier on the line counts only by its last line.

use super::lines::Line;
use super::render::rendered;
use super::token::Token;

/// The most spaces alignment adds to a line; a run that would need more is
/// left unaligned, which keeps the output linear in the size of the input.
const MAX_PADDING: usize = 1000;

/// Adjusts `spaces` so that assign cells, then comment cells, line up.
pub(super) fn align(src: &str, tokens: &[Token], lines: &[Line], spaces: &mut [usize]) {
    align_cells(src, tokens, lines, spaces, |line| line.assign);
    align_cells(src, tokens, lines, spaces, |line| line.comment);
}

/// Aligns the cells that `cell` finds, run by run.
fn align_cells(
    src: &str,
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
                    column(src, &tokens[line.start..at], &spaces[line.start..at]),
                ))
            })
            .collect();
        let widest = cells.iter().map(|&(_, column)| column).max().unwrap_or(0);
        let narrowest = cells.iter().map(|&(_, column)| column).min().unwrap_or(0);
        let aligned = widest - narrowest <= MAX_PADDING;
        for (at, column) in cells {
            spaces[at] = if aligned { widest - column + 1 } else { 1 };
        }
    }
}

/// The display column after `tokens` written with `spaces`, from column 0.
fn column(src: &str, tokens: &[Token], spaces: &[usize]) -> usize {
    tokens
        .iter()
        .zip(spaces)
        .fold(0, |column, (token, &before)| {
            let (body, line_ending) = rendered(src, token);
            match (line_ending.is_empty(), body.rfind('\n')) {
                (false, _) => 0,
                (true, Some(newline)) => body[newline + 1..].chars().count(),
                (true, None) => column + before + body.chars().count(),
            }
        })
}
