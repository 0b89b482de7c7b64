//! Evaluating more expressions after a blueprint's evaluation, in its root module's
//! scope: what `strata console` does with each expression typed at it.

use crate::ast::Expr;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::value::Value;

use super::expr::Ctx;
use super::state::Store;

/// The root module of an evaluated blueprint: its variables, locals, resources (with the
/// attributes of the objects that exist) and module outputs.
pub struct Scope {
    store: Store,
}

/// The value of an expression evaluated in a [`Scope`].
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluated {
    /// The value; [`Value::Unknown`] where it is known only after apply.
    pub value: Value,
    /// Whether it was computed from a sensitive value (and so must not be shown).
    pub sensitive: bool,
}

impl Scope {
    pub(super) fn new(store: Store) -> Self {
        Scope { store }
    }

    /// Evaluates `expr` in the root module, as an expression of a `locals` block would
    /// be: references to anything the root module declares, functions, no `count` or
    /// `each`. On failure, the diagnostics say why.
    pub fn eval(&self, expr: &Expr) -> Result<Evaluated, Diagnostics> {
        let mut ctx = Ctx::new(&self.store, 0);
        match ctx.eval(expr) {
            Ok(value) if !ctx.diags.iter().any(Diagnostic::is_error) => Ok(Evaluated {
                value,
                sensitive: ctx.sensitive,
            }),
            _ => Err(ctx.diags.into_iter().collect()),
        }
    }
}
