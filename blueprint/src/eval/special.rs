//! The functions the evaluator implements itself, since they need more than their
//! arguments' values: `try` and `can` see errors; `sensitive`, `nonsensitive` and
//! `issensitive` the sensitivity of what their argument read; `templatefile` and
//! `templatestring` evaluate a template with variables of their own.

use std::collections::BTreeMap;

use crate::ast::{Expr, ExprKind};
use crate::functions;
use crate::source::Span;
use crate::value::Value;

use super::expr::{Ctx, Fail, R};

impl Ctx<'_> {
    /// Evaluates the special form `name`; `None` when `name` is an ordinary function.
    pub(super) fn special_form(&mut self, name: &str, args: &[Expr], span: Span) -> Option<R> {
        Some(match name {
            "try" => self.try_call(args, span),
            "can" => self
                .one_arg(name, args, span)
                .map(|arg| Value::Bool(self.quietly(arg).is_ok())),
            "sensitive" => self.one_arg(name, args, span).and_then(|arg| {
                let value = self.eval(arg)?;
                self.sensitive = true;
                Ok(value)
            }),
            "nonsensitive" => self.one_arg(name, args, span).and_then(|arg| {
                let before = self.sensitive;
                let value = self.eval(arg);
                self.sensitive = before;
                value
            }),
            "issensitive" => self.one_arg(name, args, span).and_then(|arg| {
                let before = self.sensitive;
                self.sensitive = false;
                let value = self.eval(arg);
                let read = self.sensitive;
                self.sensitive = before;
                value.map(|v| match v {
                    Value::Unknown => Value::Unknown,
                    _ => Value::Bool(read),
                })
            }),
            "templatefile" => self.templatefile(args, span),
            "templatestring" => self.templatestring(args, span),
            _ => return None,
        })
    }

    /// The single argument of a special form.
    fn one_arg<'e>(&mut self, name: &str, args: &'e [Expr], span: Span) -> Result<&'e Expr, Fail> {
        match args {
            [arg] => Ok(arg),
            _ => Err(self.function_error(
                span,
                name,
                &format!("{name}: expects 1 argument, but {} were given", args.len()),
            )),
        }
    }

    fn try_call(&mut self, args: &[Expr], span: Span) -> R {
        if args.is_empty() {
            return self.fail(
                span,
                "Wrong number of arguments",
                "try() needs at least one expression.",
            );
        }
        for arg in args {
            if let Ok(v) = self.quietly(arg) {
                return Ok(v);
            }
        }
        self.fail(span, "No expression of try() succeeded", "Every argument of try() failed; add a last argument that cannot fail, such as a default value.")
    }

    /// The two arguments of a template function: the template's text and its variables.
    fn template_args(
        &mut self,
        name: &str,
        args: &[Expr],
        span: Span,
    ) -> Result<(Value, BTreeMap<String, Value>), Fail> {
        let [first, vars] = args else {
            return Err(self.function_error(
                span,
                name,
                &format!("{name}: expects 2 arguments, but {} were given", args.len()),
            ));
        };
        let first = self.eval(first)?;
        let vars = match self.eval(vars)? {
            Value::Map(m) => (*m).clone(),
            Value::Unknown => return Ok((Value::Unknown, BTreeMap::new())),
            other => {
                return Err(self.function_error(
                    span,
                    name,
                    &format!(
                        "{name}: argument 2 must be a map of the template's variables, not {}",
                        other.type_name()
                    ),
                ));
            }
        };
        Ok((first, vars))
    }

    fn templatefile(&mut self, args: &[Expr], span: Span) -> R {
        let (path, vars) = self.template_args("templatefile", args, span)?;
        if matches!(path, Value::Unknown) {
            return Ok(Value::Unknown);
        }
        let scope = self.scope();
        let text = functions::read_file_text(&scope, &path).map_err(|m| {
            self.function_error(span, "templatefile", &format!("templatefile: {m}"))
        })?;
        self.render("templatefile", &text, vars, span)
    }

    fn templatestring(&mut self, args: &[Expr], span: Span) -> R {
        if let Some(Expr {
            kind: ExprKind::Template(_),
            ..
        }) = args.first()
        {
            return Err(self.function_error(
                span,
                "templatestring",
                "templatestring: argument 1 is a quoted template, which Strata has already rendered; give a reference to a string that holds the template, such as local.template",
            ));
        }
        let (text, vars) = self.template_args("templatestring", args, span)?;
        match text {
            Value::String(text) => self.render("templatestring", &text, vars, span),
            Value::Unknown => Ok(Value::Unknown),
            other => Err(self.function_error(
                span,
                "templatestring",
                &format!(
                    "templatestring: argument 1 must be a string, not {}",
                    other.type_name()
                ),
            )),
        }
    }

    /// Renders template text with only `vars` in scope; an error inside the template is
    /// reported at the call.
    fn render(&mut self, name: &str, text: &str, vars: BTreeMap<String, Value>, span: Span) -> R {
        let parts = crate::parse::parse_template(text).map_err(|m| {
            self.function_error(
                span,
                name,
                &format!("{name}: the template is not valid: {m}"),
            )
        })?;
        let mut inner = Ctx::new(self.store, self.inst);
        inner.sealed = true;
        for (key, value) in vars {
            inner.bind(&key, value);
        }
        let result = inner.template(&parts);
        self.deps.append(&mut inner.deps);
        self.sensitive |= inner.sensitive;
        match result {
            Ok(value) => Ok(value),
            Err(_) => {
                let problems: Vec<String> = inner
                    .diags
                    .iter()
                    .map(|d| format!("{}: {}", d.summary, d.detail.trim_end_matches('.')))
                    .collect();
                Err(self.function_error(
                    span,
                    name,
                    &format!("{name}: the template failed: {}", problems.join("; ")),
                ))
            }
        }
    }
}
