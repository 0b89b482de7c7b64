//! Exact decimal rendering for `format`: `%f`, `%e` and `%g` of a [`Number`] with Go's
//! layout (`1.234568e+04`, `1e+08`), rounding ties to even, and whole numbers in bases 2,
//! 8, 10 and 16.

use std::num::NonZeroU64;

use bigdecimal::{BigDecimal, RoundingMode};

use super::format::Verb;
use crate::number::Number;

/// The significant digits of a non-negative decimal and the position of its decimal point:
/// the value is `0.DIGITS × 10^point`. Zero has no digits.
fn digits_of(d: &BigDecimal) -> (String, i64) {
    let (int, scale) = d.as_bigint_and_exponent();
    let text = int.magnitude().to_string();
    if text == "0" {
        return (String::new(), 0);
    }
    let len = i64::try_from(text.len()).unwrap_or(i64::MAX);
    let trimmed = text.trim_end_matches('0').to_string();
    (trimmed, len - scale)
}

/// `d` rounded to `prec` significant digits, ties to even: its digits (exactly `prec`,
/// padded with zeros) and decimal point.
fn round_significant(d: &BigDecimal, prec: usize) -> (String, i64) {
    let wanted = NonZeroU64::new(prec.max(1) as u64).unwrap_or(NonZeroU64::MIN);
    let (mut digits, point) = digits_of(&d.with_precision_round(wanted, RoundingMode::HalfEven));
    if digits.is_empty() {
        return ("0".repeat(prec.max(1)), 1);
    }
    digits.truncate(prec.max(1));
    let padded = format!("{digits:0<width$}", width = prec.max(1));
    (padded, point)
}

/// `%e`: one digit, the point, `precision` digits, and a signed exponent of two digits or
/// more.
fn exponent_form(digits: &str, point: i64, letter: char, sharp: bool) -> String {
    let (first, rest) = digits.split_at(1.min(digits.len()));
    let exponent = point - 1;
    let sign = if exponent < 0 { '-' } else { '+' };
    let dot = if rest.is_empty() && !sharp { "" } else { "." };
    format!(
        "{first}{dot}{rest}{letter}{sign}{:02}",
        exponent.unsigned_abs()
    )
}

/// Plain notation of `0.DIGITS × 10^point` with at least `places` digits after the point.
fn plain_form(digits: &str, point: i64, places: usize) -> String {
    let mut whole = String::new();
    let mut fraction = String::new();
    for (i, c) in digits.chars().enumerate() {
        if (i as i64) < point {
            whole.push(c);
        } else {
            fraction.push(c);
        }
    }
    if point > digits.len() as i64 {
        whole.push_str(&"0".repeat((point - digits.len() as i64) as usize));
    }
    if point < 0 {
        fraction.insert_str(0, &"0".repeat(point.unsigned_abs() as usize));
    }
    if whole.is_empty() {
        whole.push('0');
    }
    while fraction.len() < places {
        fraction.push('0');
    }
    if fraction.is_empty() {
        whole
    } else {
        format!("{whole}.{fraction}")
    }
}

/// `%f`, `%e`, `%E`, `%g` and `%G` of a non-negative number.
pub(super) fn float(verb: &Verb, n: &Number) -> String {
    let d = n.to_decimal();
    match verb.letter {
        'f' => {
            let places = verb.precision.unwrap_or(6);
            let rounded = d.with_scale_round(places as i64, RoundingMode::HalfEven);
            let (digits, point) = digits_of(&rounded);
            plain_form(&digits, point, places)
        }
        'e' | 'E' => {
            let precision = verb.precision.unwrap_or(6);
            let (digits, point) = round_significant(&d, precision + 1);
            exponent_form(&digits, point, verb.letter, verb.sharp)
        }
        _ => {
            let letter = if verb.letter == 'G' { 'E' } else { 'e' };
            let (digits, point, eprec) = match verb.precision {
                None => {
                    let (digits, point) = digits_of(&d);
                    (digits, point, 6)
                }
                Some(p) => {
                    let p = p.max(1);
                    let (digits, point) = round_significant(&d, p);
                    let digits = digits.trim_end_matches('0').to_string();
                    let shown = digits.len() as i64;
                    let eprec = if (p as i64) > shown && shown >= point {
                        shown
                    } else {
                        p as i64
                    };
                    (digits, point, eprec)
                }
            };
            if digits.is_empty() {
                return "0".to_string();
            }
            let exponent = point - 1;
            if exponent < -4 || exponent >= eprec {
                exponent_form(&digits, point, letter, false)
            } else {
                plain_form(&digits, point, 0)
            }
        }
    }
}

/// A non-negative whole number in base 2, 8, 10 or 16 (lower-case digits).
pub(super) fn whole_in_base(n: &Number, base: u32) -> String {
    let (int, _) = n.to_decimal().with_scale(0).into_bigint_and_exponent();
    int.magnitude().to_str_radix(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verb(letter: char, precision: Option<usize>) -> Verb {
        Verb {
            letter,
            precision,
            ..Verb::default()
        }
    }

    fn show(letter: char, precision: Option<usize>, text: &str) -> String {
        let n = Number::parse(text).unwrap_or(Number::ZERO);
        float(&verb(letter, precision), &n)
    }

    #[test]
    fn like_go() {
        assert_eq!(show('e', None, "12345.678"), "1.234568e+04");
        assert_eq!(show('E', None, "0.000123"), "1.230000E-04");
        assert_eq!(show('e', Some(3), "1234.5678"), "1.235e+03");
        assert_eq!(show('e', None, "0"), "0.000000e+00");
        assert_eq!(show('g', None, "12345.678"), "12345.678");
        assert_eq!(show('g', None, "0.00001234"), "1.234e-05");
        assert_eq!(show('g', None, "100000000"), "1e+08");
        assert_eq!(show('G', None, "1e21"), "1E+21");
        assert_eq!(show('g', None, "1"), "1");
        assert_eq!(show('g', Some(3), "1234.5"), "1.23e+03");
        assert_eq!(show('f', Some(0), "2.5"), "2");
        assert_eq!(show('f', Some(0), "3.5"), "4");
        assert_eq!(show('f', None, "1.5"), "1.500000");
        assert_eq!(show('f', Some(2), "0.001"), "0.00");
        assert_eq!(show('f', Some(1), "99.96"), "100.0");
        assert_eq!(show('e', Some(1), "9.96"), "1.0e+01");
    }

    #[test]
    fn bases() {
        let big = Number::parse("12345678901234567890").unwrap_or(Number::ZERO);
        assert_eq!(whole_in_base(&big, 10), "12345678901234567890");
        assert_eq!(whole_in_base(&Number::from(255i64), 16), "ff");
        assert_eq!(whole_in_base(&Number::from(5i64), 2), "101");
    }
}
