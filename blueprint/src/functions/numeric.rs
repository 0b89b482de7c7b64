//! Numeric functions: `min`, `max`, `ceil`, `floor`, `abs`, `pow`, `signum`, `log`,
//! `parseint` and `sum`. Arithmetic is exact (see [`crate::number`]); `log` and `pow` with
//! a fractional exponent compute in `f64`, as Terraform's do.

use super::args::{arg, element_label, integer, label, number, seq, string, to_number};
use super::{Arity, Function};
use crate::number::Number;
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("min", Arity::AtLeast(1), min),
    Function::new("max", Arity::AtLeast(1), max),
    Function::new("ceil", Arity::Exact(1), ceil),
    Function::new("floor", Arity::Exact(1), floor),
    Function::new("abs", Arity::Exact(1), abs),
    Function::new("pow", Arity::Exact(2), pow),
    Function::new("signum", Arity::Exact(1), signum),
    Function::new("log", Arity::Exact(2), log),
    Function::new("parseint", Arity::Exact(2), parseint),
    Function::new("sum", Arity::Exact(1), sum),
];

/// Every argument as a number; a list given where numbers belong gets a hint to expand it.
fn numbers(name: &str, args: &[Value]) -> Result<Vec<Number>, String> {
    (0..args.len())
        .map(|index| {
            if arg(args, index)?.as_seq().is_some() {
                return Err(format!(
                    "{} must be a number, not a list; to pass the elements of a list, expand it with ...: {name}(list...)",
                    label(index)
                ));
            }
            number(args, index)
        })
        .collect()
}

fn min(args: &[Value]) -> Result<Value, String> {
    let all = numbers("min", args)?;
    all.into_iter()
        .min()
        .map(Value::Number)
        .ok_or_else(|| "at least one number is needed".to_string())
}

fn max(args: &[Value]) -> Result<Value, String> {
    let all = numbers("max", args)?;
    all.into_iter()
        .max()
        .map(Value::Number)
        .ok_or_else(|| "at least one number is needed".to_string())
}

fn ceil(args: &[Value]) -> Result<Value, String> {
    Ok(Value::Number(number(args, 0)?.ceil()))
}

fn floor(args: &[Value]) -> Result<Value, String> {
    Ok(Value::Number(number(args, 0)?.floor()))
}

fn abs(args: &[Value]) -> Result<Value, String> {
    Ok(Value::Number(number(args, 0)?.abs()))
}

fn pow(args: &[Value]) -> Result<Value, String> {
    let base = number(args, 0)?;
    let exponent = number(args, 1)?;
    base.pow(&exponent).map(Value::Number).ok_or_else(|| {
        format!("pow({base}, {exponent}) is not a real number that can be written out")
    })
}

/// The sign of a whole number: Terraform's `signum` takes whole numbers only.
fn signum(args: &[Value]) -> Result<Value, String> {
    let n = number(args, 0)?;
    if !n.is_integer() {
        return Err(format!("argument 1 must be a whole number, not {n}"));
    }
    Ok(Value::Number(n.signum()))
}

fn log(args: &[Value]) -> Result<Value, String> {
    let x = number(args, 0)?;
    let base = number(args, 1)?;
    let result = x.to_f64().ln() / base.to_f64().ln();
    Number::from_f64(result)
        .map(Value::Number)
        .ok_or_else(|| format!("log({x}, {base}) is not a finite real number"))
}

/// The value of a digit in bases up to 62, as Go's `big.Int` reads them: `0-9`, then
/// `a-z`, then `A-Z` (in bases up to 36, `A-Z` are the same as `a-z`).
fn digit_value(c: char, base: u32) -> Option<u32> {
    let value = match c {
        '0'..='9' => u32::from(c) - u32::from('0'),
        'a'..='z' => u32::from(c) - u32::from('a') + 10,
        'A'..='Z' if base <= 36 => u32::from(c) - u32::from('A') + 10,
        'A'..='Z' => u32::from(c) - u32::from('A') + 36,
        _ => return None,
    };
    (value < base).then_some(value)
}

fn parseint(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    let base = integer(args, 1)?;
    let base = u32::try_from(base)
        .ok()
        .filter(|b| (2..=62).contains(b))
        .ok_or_else(|| {
            format!("argument 2 (the base) must be a whole number from 2 to 62, not {base}")
        })?;
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let bad = || format!("{text:?} is not a whole number in base {base}");
    if digits.is_empty() {
        return Err(bad());
    }
    let radix = Number::from(i64::from(base));
    let mut n = Number::ZERO;
    for c in digits.chars() {
        let d = digit_value(c, base).ok_or_else(bad)?;
        n = n.mul(&radix).add(&Number::from(i64::from(d)));
    }
    Ok(Value::Number(if negative { n.neg() } else { n }))
}

fn sum(args: &[Value]) -> Result<Value, String> {
    let items = seq(args, 0)?;
    if items.is_empty() {
        return Err("argument 1 is empty, and an empty list has no sum".to_string());
    }
    let mut total = Number::ZERO;
    for (i, item) in items.iter().enumerate() {
        total = total.add(&to_number(&element_label(0, i), item)?);
    }
    Ok(Value::Number(total))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, n, nums, ok, s};
    use super::*;

    #[test]
    fn min_and_max() {
        assert_eq!(ok("min", &[n(3.0), n(-1.0), n(2.0)]), n(-1.0));
        assert_eq!(ok("max", &[n(3.0), n(-1.0), n(2.0)]), n(3.0));
        assert_eq!(ok("min", &[n(7.5)]), n(7.5));
        assert_eq!(ok("max", &[s("4"), n(2.0)]), n(4.0));
    }

    #[test]
    fn min_and_max_errors() {
        assert_eq!(
            err("max", &[nums(&[1.0, 2.0])]),
            "max: argument 1 must be a number, not a list; to pass the elements of a list, expand it with ...: max(list...)"
        );
        assert_eq!(
            err("min", &[n(1.0), s("x")]),
            "min: argument 2 must be a number, not the string \"x\""
        );
        assert_eq!(
            err("min", &[Value::Null]),
            "min: argument 1 must not be null"
        );
    }

    #[test]
    fn ceil_and_floor() {
        assert_eq!(ok("ceil", &[n(1.2)]), n(2.0));
        assert_eq!(ok("ceil", &[n(-1.2)]), n(-1.0));
        assert_eq!(ok("ceil", &[n(5.0)]), n(5.0));
        assert_eq!(ok("floor", &[n(1.8)]), n(1.0));
        assert_eq!(ok("floor", &[n(-1.2)]), n(-2.0));
        assert_eq!(ok("floor", &[n(5.0)]), n(5.0));
        assert_eq!(
            err("ceil", &[Value::Bool(true)]),
            "ceil: argument 1 must be a number, not the bool true"
        );
        assert_eq!(
            err("floor", &[Value::Null]),
            "floor: argument 1 must not be null"
        );
    }

    #[test]
    fn abs_drops_the_sign() {
        assert_eq!(ok("abs", &[n(-3.5)]), n(3.5));
        assert_eq!(ok("abs", &[n(2.0)]), n(2.0));
        assert_eq!(ok("abs", &[n(0.0)]), n(0.0));
        assert_eq!(
            err("abs", &[s("minus one")]),
            "abs: argument 1 must be a number, not the string \"minus one\""
        );
    }

    #[test]
    fn pow_raises() {
        assert_eq!(ok("pow", &[n(2.0), n(10.0)]), n(1024.0));
        assert_eq!(ok("pow", &[n(4.0), n(0.5)]), n(2.0));
        assert_eq!(ok("pow", &[n(5.0), n(0.0)]), n(1.0));
        assert_eq!(
            ok("pow", &[n(10.0), n(40.0)]),
            Value::Number(Number::parse("1e40").unwrap_or(Number::ZERO))
        );
        assert!(err("pow", &[n(10.0), n(40000.0)]).contains("not a real number"));
        assert_eq!(
            err("pow", &[n(-8.0), n(0.5)]),
            "pow: pow(-8, 0.5) is not a real number that can be written out"
        );
    }

    #[test]
    fn log_parseint_and_sum() {
        assert_eq!(ok("log", &[n(8.0), n(2.0)]), n(3.0));
        assert!(err("log", &[n(0.0), n(10.0)]).contains("not a finite"));
        assert_eq!(ok("parseint", &[s("FF"), n(16.0)]), n(255.0));
        assert_eq!(ok("parseint", &[s("-1010"), n(2.0)]), n(-10.0));
        assert_eq!(ok("parseint", &[s("Z"), n(62.0)]), n(61.0));
        assert!(err("parseint", &[s("12"), n(2.0)]).contains("not a whole number in base 2"));
        assert!(err("parseint", &[s("1"), n(63.0)]).contains("from 2 to 62"));
        assert_eq!(ok("sum", &[nums(&[0.5, 1.5])]), n(2.0));
        assert!(err("sum", &[nums(&[])]).contains("empty"));
    }

    #[test]
    fn signum_gives_the_sign() {
        assert_eq!(ok("signum", &[n(-7.0)]), n(-1.0));
        assert_eq!(ok("signum", &[n(0.0)]), n(0.0));
        assert_eq!(ok("signum", &[n(3.0)]), n(1.0));
        assert!(err("signum", &[n(3.2)]).contains("whole number"));
        assert_eq!(
            err("signum", &[nums(&[])]),
            "signum: argument 1 must be a number, not a list"
        );
    }
}
