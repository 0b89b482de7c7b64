//! Numbers of the expression language: exact decimals of any size, as Terraform's numbers
//! are arbitrary precision.
//!
//! A [`Number`] is a whole number that fits in 64 bits (the fast path: counts, indexes,
//! ports) or a [`BigDecimal`]. Addition, subtraction, multiplication, `floor`, `ceil` and
//! comparison are exact: `0.1 + 0.2` is `0.3` and `9007199254740993` stays itself. A
//! quotient that does not terminate is rounded to [`DIVISION_DIGITS`] significant digits
//! (Terraform computes with 512-bit binary floats, about 154 digits). Functions defined on
//! floating point (`log`, `pow` with a fractional exponent) compute in `f64`, as Terraform
//! does, and give the shortest decimal that reads back as the same `f64`.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use bigdecimal::{BigDecimal, RoundingMode, Signed, ToPrimitive};

/// Significant digits kept by a division whose quotient does not terminate.
pub const DIVISION_DIGITS: u64 = 100;

/// The largest decimal exponent a number may have (`1e4096`): beyond it a number could not
/// even be printed.
pub const MAX_EXPONENT: i64 = 4096;

/// An exact decimal number.
#[derive(Clone)]
pub struct Number(Repr);

#[derive(Clone)]
enum Repr {
    /// A whole number that fits in an `i64`.
    Int(i64),
    /// Anything else; never a whole number that fits in an `i64`.
    Dec(Arc<BigDecimal>),
}

impl Number {
    /// Zero.
    pub const ZERO: Number = Number(Repr::Int(0));

    /// A number from a decimal, kept in its fast form when it is a small whole number.
    fn from_decimal(d: BigDecimal) -> Number {
        if d.is_integer()
            && let Some(i) = d.to_i64()
        {
            return Number(Repr::Int(i));
        }
        Number(Repr::Dec(Arc::new(d.normalized())))
    }

    /// The number as a decimal.
    pub fn to_decimal(&self) -> BigDecimal {
        match &self.0 {
            Repr::Int(i) => BigDecimal::from(*i),
            Repr::Dec(d) => (**d).clone(),
        }
    }

    /// Reads a decimal number: `42`, `-1.5`, `2e3`, `+.5`. `None` for anything else
    /// (`NaN`, `inf`, hexadecimal, spaces) and for exponents beyond [`MAX_EXPONENT`].
    pub fn parse(text: &str) -> Option<Number> {
        let body = text.strip_prefix(['+', '-']).unwrap_or(text);
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(at) => (&body[..at], Some(&body[at + 1..])),
            None => (body, None),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) {
            return None;
        }
        if let Some(exponent) = exponent {
            let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if unsigned.is_empty() || !digits(unsigned) {
                return None;
            }
            let value: i64 = exponent.parse().ok()?;
            if value.abs() > MAX_EXPONENT {
                return None;
            }
        }
        let sign = if text.starts_with('-') { "-" } else { "" };
        if exponent.is_none() && fraction.is_empty() && whole.len() < 19 {
            return format!("{sign}{whole}")
                .parse::<i64>()
                .ok()
                .map(Number::from);
        }
        // BigDecimal reads `1.5e3` but not `5.` or `.5`: give it the digits in full.
        let whole = if whole.is_empty() { "0" } else { whole };
        let fraction = if fraction.is_empty() {
            String::new()
        } else {
            format!(".{fraction}")
        };
        let exponent = exponent.map(|e| format!("e{e}")).unwrap_or_default();
        format!("{sign}{whole}{fraction}{exponent}")
            .parse::<BigDecimal>()
            .ok()
            .map(Number::from_decimal)
    }

    /// The shortest decimal that reads back as `f`; `None` for NaN and infinities.
    pub fn from_f64(f: f64) -> Option<Number> {
        if !f.is_finite() {
            return None;
        }
        if f.fract() == 0.0 && f.abs() < 9.0e18 {
            return Some(Number::from(f as i64));
        }
        Number::parse(&format!("{f:e}"))
    }

    /// The nearest `f64` (infinite when the number is beyond `f64`'s range).
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            Repr::Int(i) => *i as f64,
            // Rust's parser rounds correctly; BigDecimal's conversion may not.
            Repr::Dec(d) => d.to_string().parse().unwrap_or(f64::NAN),
        }
    }

    /// The number, when it is whole and fits in an `i64`.
    pub fn to_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Int(i) => Some(*i),
            Repr::Dec(_) => None,
        }
    }

    /// The number, when it is whole and fits in a `u64`.
    pub fn to_u64(&self) -> Option<u64> {
        match &self.0 {
            Repr::Int(i) => u64::try_from(*i).ok(),
            Repr::Dec(d) if d.is_integer() => d.to_u64(),
            Repr::Dec(_) => None,
        }
    }

    /// True for a whole number, of any size.
    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Int(_) => true,
            Repr::Dec(d) => d.is_integer(),
        }
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        matches!(self.0, Repr::Int(0))
    }

    /// True below zero.
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Int(i) => *i < 0,
            Repr::Dec(d) => d.is_negative(),
        }
    }

    /// `-1`, `0` or `1`.
    pub fn signum(&self) -> Number {
        match &self.0 {
            Repr::Int(i) => Number::from(i.signum()),
            Repr::Dec(d) => Number::from(if d.is_negative() { -1i64 } else { 1i64 }),
        }
    }

    /// Applies `small` to two fast numbers, `big` to anything else.
    fn combine(
        &self,
        other: &Number,
        small: fn(i64, i64) -> Option<i64>,
        big: fn(BigDecimal, BigDecimal) -> BigDecimal,
    ) -> Number {
        if let (Repr::Int(a), Repr::Int(b)) = (&self.0, &other.0)
            && let Some(r) = small(*a, *b)
        {
            return Number(Repr::Int(r));
        }
        Number::from_decimal(big(self.to_decimal(), other.to_decimal()))
    }

    /// `self + other`, exactly.
    pub fn add(&self, other: &Number) -> Number {
        self.combine(other, i64::checked_add, |a, b| a + b)
    }

    /// `self - other`, exactly.
    pub fn sub(&self, other: &Number) -> Number {
        self.combine(other, i64::checked_sub, |a, b| a - b)
    }

    /// `self * other`, exactly.
    pub fn mul(&self, other: &Number) -> Number {
        self.combine(other, i64::checked_mul, |a, b| a * b)
    }

    /// `self / other`: exact when the quotient terminates, else rounded to
    /// [`DIVISION_DIGITS`] significant digits; `None` when `other` is zero.
    pub fn div(&self, other: &Number) -> Option<Number> {
        if other.is_zero() {
            return None;
        }
        let exact = |a: i64, b: i64| {
            a.checked_rem(b)
                .filter(|r| *r == 0)
                .and_then(|_| a.checked_div(b))
        };
        Some(self.combine(other, exact, |a, b| a / b))
    }

    /// The remainder of `self / other` with the sign of `self` (`-7 % 3` is `-1`), as
    /// Terraform's `%`; `self` itself when `other` is zero, as Terraform gives (`5 % 0` is
    /// `5`).
    pub fn rem(&self, other: &Number) -> Number {
        if other.is_zero() {
            return self.clone();
        }
        self.combine(other, i64::checked_rem, |a, b| a % b)
    }

    /// `-self`.
    pub fn neg(&self) -> Number {
        Number::ZERO.sub(self)
    }

    /// `|self|`.
    pub fn abs(&self) -> Number {
        if self.is_negative() {
            self.neg()
        } else {
            self.clone()
        }
    }

    /// The largest whole number not above `self`.
    pub fn floor(&self) -> Number {
        self.round_with(RoundingMode::Floor)
    }

    /// The smallest whole number not below `self`.
    pub fn ceil(&self) -> Number {
        self.round_with(RoundingMode::Ceiling)
    }

    fn round_with(&self, mode: RoundingMode) -> Number {
        match &self.0 {
            Repr::Int(_) => self.clone(),
            Repr::Dec(d) => Number::from_decimal(d.with_scale_round(0, mode)),
        }
    }

    /// Whole-number powers exactly (`pow(10, 30)`), others through `f64` as Terraform.
    /// `None` when the result is not a finite real number or has more than
    /// [`MAX_EXPONENT`] digits.
    pub fn pow(&self, exponent: &Number) -> Option<Number> {
        if let Some(e) = exponent.to_i64()
            && (0..=i64::from(u16::MAX)).contains(&e)
        {
            let magnitude = self.abs().to_f64().log10() * e as f64;
            if magnitude > MAX_EXPONENT as f64 {
                return None;
            }
            let (mut result, mut base, mut e) = (BigDecimal::from(1), self.to_decimal(), e);
            while e > 0 {
                if e & 1 == 1 {
                    result = &result * &base;
                }
                base = &base * &base;
                e >>= 1;
            }
            return Some(Number::from_decimal(result));
        }
        Number::from_f64(self.to_f64().powf(exponent.to_f64()))
    }
}

/// An `f64` as the language prints it: the shortest decimal that reads back as it
/// (`1.5`, `3`, `0.1`); `NaN` and infinities as Rust prints them.
pub fn format_f64(f: f64) -> String {
    Number::from_f64(f).map_or_else(|| f.to_string(), |n| n.to_string())
}

impl From<i64> for Number {
    fn from(i: i64) -> Number {
        Number(Repr::Int(i))
    }
}

impl From<usize> for Number {
    fn from(n: usize) -> Number {
        match i64::try_from(n) {
            Ok(i) => Number(Repr::Int(i)),
            Err(_) => Number::from_decimal(BigDecimal::from(n as u64)),
        }
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Number {
        match i64::try_from(n) {
            Ok(i) => Number(Repr::Int(i)),
            Err(_) => Number::from_decimal(BigDecimal::from(n)),
        }
    }
}

impl From<BigDecimal> for Number {
    fn from(d: BigDecimal) -> Number {
        Number::from_decimal(d)
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Int(a), Repr::Int(b)) => a.cmp(b),
            _ => self.to_decimal().cmp(&other.to_decimal()),
        }
    }
}

impl fmt::Display for Number {
    /// Plain decimal notation, without an exponent or trailing zeros: `1.5`,
    /// `1000000000000000000000000000000`, `0.0000001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Int(i) => write!(f, "{i}"),
            Repr::Dec(d) => d.write_plain_string(f),
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn num(text: &str) -> Number {
        match Number::parse(text) {
            Some(n) => n,
            None => panic!("{text} is not a number"),
        }
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(num("0.1").add(&num("0.2")).to_string(), "0.3");
        assert_eq!(num("9007199254740993").to_string(), "9007199254740993");
        assert_eq!(
            num("123456789012345678901234567890")
                .mul(&num("10"))
                .to_string(),
            "1234567890123456789012345678900"
        );
        assert_eq!(num("1e30").to_string(), "1000000000000000000000000000000");
        assert_eq!(num("1e-7").to_string(), "0.0000001");
        assert_eq!(num("1.50").to_string(), "1.5");
        assert_eq!(num("-0").to_string(), "0");
    }

    #[test]
    fn small_integers_stay_fast_and_overflow_to_big() {
        let max = Number::from(i64::MAX);
        let sum = max.add(&Number::from(1i64));
        assert_eq!(sum.to_string(), "9223372036854775808");
        assert_eq!(sum.to_i64(), None);
        assert_eq!(sum.to_u64(), Some(9223372036854775808));
        assert_eq!(sum.sub(&Number::from(1i64)).to_i64(), Some(i64::MAX));
    }

    #[test]
    fn division_and_remainder() {
        assert_eq!(
            num("7").div(&num("2")).map(|n| n.to_string()),
            Some("3.5".into())
        );
        assert_eq!(num("6").div(&num("3")).and_then(|n| n.to_i64()), Some(2));
        let third = num("1")
            .div(&num("3"))
            .map(|n| n.to_string())
            .unwrap_or_default();
        assert_eq!(third.len(), 2 + DIVISION_DIGITS as usize);
        assert!(num("1").div(&Number::ZERO).is_none());
        assert_eq!(num("-7").rem(&num("3")).to_string(), "-1");
        assert_eq!(num("7.5").rem(&num("2")).to_string(), "1.5");
        assert_eq!(num("5").rem(&Number::ZERO).to_string(), "5");
    }

    #[test]
    fn rounding_and_powers() {
        assert_eq!(num("-1.2").floor().to_string(), "-2");
        assert_eq!(num("-1.2").ceil().to_string(), "-1");
        assert_eq!(
            num("2").pow(&num("100")).map(|n| n.to_string()),
            Some("1267650600228229401496703205376".into())
        );
        assert_eq!(
            num("2").pow(&num("0.5")).map(|n| n.to_string()),
            Some("1.4142135623730951".into())
        );
        assert!(num("-8").pow(&num("0.5")).is_none());
        assert!(num("10").pow(&num("5000")).is_none());
    }

    #[test]
    fn parsing_rejects_what_is_not_decimal() {
        for bad in [
            "", "-", ".", "e5", "1e", "NaN", "inf", "0x10", " 1", "1 ", "1e99999", "1.2.3",
        ] {
            assert!(Number::parse(bad).is_none(), "{bad:?}");
        }
        assert_eq!(num("+.5").to_string(), "0.5");
        assert_eq!(num("5.").to_string(), "5");
    }

    proptest! {
        #[test]
        fn integer_arithmetic_matches_i128(a in any::<i64>(), b in any::<i64>()) {
            let (x, y) = (Number::from(a), Number::from(b));
            prop_assert_eq!(x.add(&y).to_string(), (i128::from(a) + i128::from(b)).to_string());
            prop_assert_eq!(x.sub(&y).to_string(), (i128::from(a) - i128::from(b)).to_string());
            prop_assert_eq!(x.mul(&y).to_string(), (i128::from(a) * i128::from(b)).to_string());
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
        }

        #[test]
        fn printing_reads_back(a in any::<i64>(), scale in 0u32..20) {
            let n = Number::from(a).div(&Number::from(10i64.pow(scale.min(18)))).unwrap_or(Number::ZERO);
            prop_assert_eq!(Number::parse(&n.to_string()), Some(n));
        }

        #[test]
        fn floats_read_back(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
            let n = Number::from_f64(f);
            prop_assert_eq!(n.map(|n| n.to_f64()), Some(f + 0.0));
        }
    }
}
