//! Operators and the conditional, with Terraform's conversions: arithmetic and comparison
//! take numbers or strings that hold them (`"2" + 3` is `5`), `&&`, `||`, `!` and a
//! condition take bools or `"true"`/`"false"`, `==` compares values of the same type, and
//! the two results of `? :` are unified to one type (`true ? 1 : "a"` is `"1"`).

use crate::ast::{BinaryOp, Expr, UnaryOp};
use crate::number::Number;
use crate::source::Span;
use crate::types::{to_bool, to_number};
use crate::value::Value;

use super::expr::{Ctx, Fail, R};

/// The hint for a string where a number was needed.
fn number_hint(op: &str, bad: &Value) -> &'static str {
    match bad {
        Value::String(_) if op == "+" => " To join strings, use a template such as \"${a}${b}\".",
        Value::String(_) => {
            " Sizes and durations are strings such as \"4GiB\"; compute with plain numbers and add the unit in a template: \"${n}GiB\"."
        }
        _ => "",
    }
}

impl Ctx<'_> {
    /// `value` as a number for the operator `op`, or a diagnostic at `span`.
    fn operand_number(&mut self, op: &str, value: &Value, span: Span) -> Result<Number, Fail> {
        match to_number(value) {
            Some(n) => Ok(n),
            None => {
                let hint = number_hint(op, value);
                Err(self.error(
                    span,
                    "Invalid operand",
                    format!(
                        "`{op}` needs numbers, got {} {value}.{hint}",
                        value.type_name()
                    ),
                ))
            }
        }
    }

    /// `value` as a bool for `what`, or a diagnostic at `span`.
    fn operand_bool(&mut self, what: &str, value: &Value, span: Span) -> Result<bool, Fail> {
        match to_bool(value) {
            Some(b) => Ok(b),
            None => Err(self.error(
                span,
                "Invalid operand",
                format!(
                    "{what} needs true or false, got {} {value}.",
                    value.type_name()
                ),
            )),
        }
    }

    pub(super) fn unary(&mut self, op: UnaryOp, inner: &Expr, span: Span) -> R {
        let value = self.eval(inner)?;
        if matches!(value, Value::Unknown) {
            return Ok(Value::Unknown);
        }
        match op {
            UnaryOp::Neg => Ok(Value::Number(self.operand_number("-", &value, span)?.neg())),
            UnaryOp::Not => Ok(Value::Bool(!self.operand_bool("`!`", &value, span)?)),
        }
    }

    pub(super) fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> R {
        let a = self.eval(lhs)?;
        let b = self.eval(rhs)?;
        if matches!(op, BinaryOp::Eq | BinaryOp::NotEq) {
            if a.is_unknown() || b.is_unknown() {
                return Ok(Value::Unknown);
            }
            return Ok(Value::Bool((a == b) == (op == BinaryOp::Eq)));
        }
        if matches!(a, Value::Unknown) || matches!(b, Value::Unknown) {
            return Ok(Value::Unknown);
        }
        let symbol = op.symbol();
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            let what = format!("`{symbol}`");
            let x = self.operand_bool(&what, &a, lhs.span)?;
            let y = self.operand_bool(&what, &b, rhs.span)?;
            return Ok(Value::Bool(if op == BinaryOp::And {
                x && y
            } else {
                x || y
            }));
        }
        let x = self.operand_number(symbol, &a, lhs.span)?;
        let y = self.operand_number(symbol, &b, rhs.span)?;
        let result = match op {
            BinaryOp::Add => Some(x.add(&y)),
            BinaryOp::Sub => Some(x.sub(&y)),
            BinaryOp::Mul => Some(x.mul(&y)),
            BinaryOp::Div => x.div(&y),
            BinaryOp::Mod => Some(x.rem(&y)),
            BinaryOp::Less => return Ok(Value::Bool(x < y)),
            BinaryOp::LessEq => return Ok(Value::Bool(x <= y)),
            BinaryOp::Greater => return Ok(Value::Bool(x > y)),
            BinaryOp::GreaterEq => return Ok(Value::Bool(x >= y)),
            BinaryOp::Eq | BinaryOp::NotEq | BinaryOp::And | BinaryOp::Or => None,
        };
        match result {
            Some(n) => Ok(Value::Number(n)),
            None => self.fail(
                span,
                "Division by zero",
                format!("The right side of `{symbol}` is zero."),
            ),
        }
    }

    pub(super) fn conditional(&mut self, cond: &Expr, then: &Expr, other: &Expr) -> R {
        let condition = self.eval(cond)?;
        if matches!(condition, Value::Unknown) {
            self.eval(then)?;
            self.eval(other)?;
            return Ok(Value::Unknown);
        }
        let chosen = to_bool(&condition);
        let Some(chosen) = chosen else {
            return self.fail(
                cond.span,
                "Condition is not a bool",
                format!(
                    "The condition of `? :` must be true or false, got {} {condition}.",
                    condition.type_name()
                ),
            );
        };
        let (taken, skipped) = if chosen { (then, other) } else { (other, then) };
        let value = self.eval(taken)?;
        if !matches!(value, Value::Number(_) | Value::Bool(_)) {
            return Ok(value);
        }
        // Terraform gives both results one type: a number or bool beside a string becomes
        // a string. The other result is only looked at, not depended on.
        Ok(match self.peek(skipped) {
            Some(Value::String(_)) => value.to_template_string().map_or(value, Value::string),
            _ => value,
        })
    }
}
