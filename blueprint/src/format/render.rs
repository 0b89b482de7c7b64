//! Writing the formatted tokens out.

use super::token::Token;

/// Writes `tokens` with `spaces` before each, then `trailing` spaces.
///
/// Every token is written as it is, line endings and comments included.
pub(super) fn render(tokens: &[Token], spaces: &[usize], trailing: usize) -> String {
    let length: usize = tokens.iter().map(|token| token.text.len()).sum();
    let mut out = String::with_capacity(length + length / 4);
    for (token, &before) in tokens.iter().zip(spaces) {
        out.extend(std::iter::repeat_n(' ', before));
        out.push_str(&token.text);
    }
    out.extend(std::iter::repeat_n(' ', trailing));
    out
}
