//! Exact decimal numbers as unit strings write them, and splitting a number from the
//! unit after it.

/// At most this many decimal places (after dropping trailing zeros) are accepted.
pub(super) const MAX_DECIMALS: usize = 18;

/// A non-negative decimal number, exactly: `digits / divisor`, where `divisor` is a power of ten.
pub(super) struct Decimal {
    digits: u128,
    divisor: u128,
}

/// Why a number could not be read.
pub(super) enum DecimalError {
    Malformed,
    TooManyDecimals,
    TooLarge,
}

/// A decimal multiplied by a unit's factor.
pub(super) enum Scaled {
    Exact(u128),
    NotWhole,
    TooLarge,
}

impl Decimal {
    /// Multiplies by `factor`, exactly.
    pub(super) fn times(&self, factor: u64) -> Scaled {
        match self.digits.checked_mul(u128::from(factor)) {
            None => Scaled::TooLarge,
            Some(product) if !product.is_multiple_of(self.divisor) => Scaled::NotWhole,
            Some(product) => Scaled::Exact(product / self.divisor),
        }
    }
}

/// True for `digits` or `digits.digits`.
pub(super) fn is_decimal(text: &str) -> bool {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match text.split_once('.') {
        Some((int, frac)) => all_digits(int) && all_digits(frac),
        None => all_digits(text),
    }
}

/// Reads `digits` or `digits.digits` exactly.
pub(super) fn parse_decimal(text: &str) -> Result<Decimal, DecimalError> {
    if !is_decimal(text) {
        return Err(DecimalError::Malformed);
    }
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = frac.trim_end_matches('0');
    if frac.len() > MAX_DECIMALS {
        return Err(DecimalError::TooManyDecimals);
    }
    let digits = int
        .bytes()
        .chain(frac.bytes())
        .try_fold(0u128, |acc, b| {
            acc.checked_mul(10)?.checked_add(u128::from(b - b'0'))
        })
        .ok_or(DecimalError::TooLarge)?;
    let divisor = u32::try_from(frac.len())
        .ok()
        .and_then(|places| 10u128.checked_pow(places))
        .ok_or(DecimalError::TooManyDecimals)?;
    Ok(Decimal { digits, divisor })
}

/// Splits a leading run of digits and decimal points from the rest.
pub(super) fn split_number(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    s.split_at(end)
}

/// Splits a leading run of ASCII letters from the rest.
pub(super) fn split_letters(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(s.len());
    s.split_at(end)
}
