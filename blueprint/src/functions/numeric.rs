//! Numeric functions: `min`, `max`, `ceil`, `floor`, `abs`, `pow` and `signum`.

use super::args::{arg, label, number};
use super::{Arity, Function};
use crate::value::{Value, format_number};

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("min", Arity::AtLeast(1), min),
    Function::new("max", Arity::AtLeast(1), max),
    Function::new("ceil", Arity::Exact(1), ceil),
    Function::new("floor", Arity::Exact(1), floor),
    Function::new("abs", Arity::Exact(1), abs),
    Function::new("pow", Arity::Exact(2), pow),
    Function::new("signum", Arity::Exact(1), signum),
];

/// Every argument as a number; a list given where numbers belong gets a hint to expand it.
fn numbers(name: &str, args: &[Value]) -> Result<Vec<f64>, String> {
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
    Ok(Value::Number(all.into_iter().fold(f64::INFINITY, f64::min)))
}

fn max(args: &[Value]) -> Result<Value, String> {
    let all = numbers("max", args)?;
    Ok(Value::Number(
        all.into_iter().fold(f64::NEG_INFINITY, f64::max),
    ))
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
    let result = base.powf(exponent);
    let call = format!("pow({}, {})", format_number(base), format_number(exponent));
    if result.is_nan() {
        Err(format!("{call} is not a real number"))
    } else if result.is_infinite() {
        Err(format!("{call} is too large"))
    } else {
        Ok(Value::Number(result))
    }
}

fn signum(args: &[Value]) -> Result<Value, String> {
    let n = number(args, 0)?;
    let sign = if n > 0.0 {
        1.0
    } else if n < 0.0 {
        -1.0
    } else {
        0.0
    };
    Ok(Value::Number(sign))
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
        assert_eq!(
            err("max", &[n(f64::NAN)]),
            "max: argument 1 must be a finite number, not NaN"
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
            err("pow", &[n(10.0), n(400.0)]),
            "pow: pow(10, 400) is too large"
        );
        assert_eq!(
            err("pow", &[n(-8.0), n(0.5)]),
            "pow: pow(-8, 0.5) is not a real number"
        );
    }

    #[test]
    fn signum_gives_the_sign() {
        assert_eq!(ok("signum", &[n(-7.0)]), n(-1.0));
        assert_eq!(ok("signum", &[n(0.0)]), n(0.0));
        assert_eq!(ok("signum", &[n(3.2)]), n(1.0));
        assert_eq!(
            err("signum", &[nums(&[])]),
            "signum: argument 1 must be a number, not a list"
        );
    }
}
