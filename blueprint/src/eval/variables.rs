//! Input variables: values from the command line, variable files, the environment and
//! defaults (root module) or from the module call (child modules), converted to their
//! declared type and validated.

use crate::diagnostic::Diagnostic;
use crate::module::VariableDecl;
use crate::source::Span;
use crate::types::{self, Type};
use crate::value::Value;

use super::expr::{Ctx, deps_of};
use super::state::{Slot, Store};

/// Where a root variable's value came from.
#[derive(Clone, Debug)]
pub enum InputValue {
    /// Text to read according to the variable's type (`-var`, `STRATA_VAR_name`).
    Raw {
        /// The text.
        text: String,
        /// Where it came from, for messages: "-var", "STRATA_VAR_size".
        origin: String,
    },
    /// A value read from a variable file, with its place in that file.
    Value {
        /// The value.
        value: Value,
        /// Where it is.
        span: Span,
    },
}

/// Attributes of objects that already exist, by address (from the state).
pub type Known =
    std::collections::HashMap<crate::Address, serde_json::Map<String, serde_json::Value>>;

/// What evaluation takes from outside the blueprint.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// Values for root variables, in increasing precedence (later wins): (name, value).
    pub values: Vec<(String, InputValue)>,
    /// Attributes of existing objects: computed attributes (an `id`, a given `address`)
    /// read as their real values instead of unknown.
    pub known: std::sync::Arc<Known>,
}

impl Inputs {
    /// The winning value for `name`.
    pub fn get(&self, name: &str) -> Option<&InputValue> {
        self.values
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// The declared type of a variable (`any` when not given or invalid).
pub(crate) fn declared_type(decl: &VariableDecl, diags: &mut Vec<Diagnostic>) -> Type {
    match &decl.ty {
        None => Type::Any,
        Some(expr) => types::parse_type(expr).unwrap_or_else(|(span, msg)| {
            diags.push(Diagnostic::error(span, "Invalid type", msg));
            Type::Any
        }),
    }
}

/// The value of a root variable before type conversion, and where it came from.
pub(crate) fn root_value(
    decl: &VariableDecl,
    ty: &Type,
    inputs: &Inputs,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Value, Option<Span>, String)> {
    let name = &decl.name.name;
    match inputs.get(name) {
        Some(InputValue::Value { value, span }) => {
            Some((value.clone(), Some(*span), "the variable file".into()))
        }
        Some(InputValue::Raw { text, origin }) => {
            // Only lists, maps and objects are read as HCL; a plain word stays a string, so a
            // number variable given "three" is reported as not a number.
            if types::is_raw_string(ty) || !looks_structured(text) {
                return Some((Value::string(text.as_str()), None, origin.clone()));
            }
            match crate::parse::parse_literal(text) {
                Ok(v) => Some((v, None, origin.clone())),
                Err(msg) => {
                    diags.push(Diagnostic::error(
                        None,
                        format!("Invalid value for variable \"{name}\" from {origin}"),
                        format!(
                            "{msg}. A {ty} value is written in HCL syntax, for example {}.",
                            example(ty)
                        ),
                    ));
                    None
                }
            }
        }
        None => match &decl.default {
            Some(expr) => match types::literal_value(expr) {
                Some(v) => Some((v, Some(expr.span), "its default".into())),
                None => {
                    diags.push(Diagnostic::error(expr.span, "Default must be a literal value", "A variable's default cannot refer to other values or call functions; use a local value for computed defaults."));
                    None
                }
            },
            None => {
                diags.push(Diagnostic::error(
                    decl.name.span,
                    format!("No value for required variable \"{name}\""),
                    format!("Give it with -var '{name}=...', in a -var-file, or in the environment as STRATA_VAR_{name}; or add a default to its declaration."),
                ));
                None
            }
        },
    }
}

fn looks_structured(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('[') || t.starts_with('{')
}

fn example(ty: &Type) -> &'static str {
    match ty {
        Type::List(_) | Type::Set(_) | Type::Tuple(_) => "[\"a\", \"b\"]",
        Type::Map(_) | Type::Object(_) => "{ name = \"a\", size = 2 }",
        Type::Number => "3",
        Type::Bool => "true",
        _ => "\"text\"",
    }
}

/// A variable's value before conversion: where it came from and what it depends on.
pub(crate) struct Incoming {
    pub value: Value,
    pub span: Option<Span>,
    pub origin: String,
    pub deps: Vec<usize>,
}

/// Converts a value to the variable's type, stores it, and runs its validations.
pub(crate) fn store_variable(
    store: &mut Store,
    inst: usize,
    decl: &VariableDecl,
    ty: &Type,
    incoming: Incoming,
    diags: &mut Vec<Diagnostic>,
) {
    let name = &decl.name.name;
    let Incoming {
        value,
        span,
        origin,
        deps,
    } = incoming;
    let value = match types::convert(&value, ty) {
        Ok(Value::Null) if decl.not_null => {
            diags.push(Diagnostic::error(
                span.or(Some(decl.name.span)),
                format!("Null value for variable \"{name}\""),
                format!("The variable is declared with nullable = false, but {origin} gives null. Give it a value."),
            ));
            Value::Unknown
        }
        Ok(v) => v,
        Err(msg) => {
            diags.push(Diagnostic::error(
                span.or(Some(decl.name.span)),
                format!("Invalid value for variable \"{name}\""),
                format!("The value from {origin} does not fit the variable's type: {msg}."),
            ));
            Value::Unknown
        }
    };
    store.insts[inst].vars.insert(
        name.clone(),
        Slot {
            value: value.clone(),
            deps: deps_of(deps),
            sensitive: decl.sensitive,
        },
    );
    if value.is_unknown() {
        return;
    }
    let mut valid = true;
    for (cond, message) in &decl.validations {
        let mut ctx = Ctx::new(store, inst);
        let ok = ctx.eval(cond);
        let text = ctx.eval(message);
        diags.append(&mut ctx.diags);
        match (ok, text) {
            (Ok(Value::Bool(false)), Ok(Value::String(msg))) => {
                valid = false;
                diags.push(
                    Diagnostic::error(
                        span.or(Some(decl.name.span)),
                        format!("Invalid value for variable \"{name}\""),
                        format!("{msg}\nThe value came from {origin}."),
                    )
                    .with_note("the validation rule is here", cond.span),
                );
            }
            (Ok(Value::Bool(_) | Value::Unknown), Ok(_)) => {}
            (Ok(v), _) => diags.push(Diagnostic::error(
                cond.span,
                "Validation condition is not a bool",
                format!(
                    "A validation condition must be true or false, got {} {v}.",
                    v.type_name()
                ),
            )),
            _ => {}
        }
    }
    // A value that failed its validation is not used further, so the same mistake is not
    // reported again where the value is used.
    if !valid && let Some(slot) = store.insts[inst].vars.get_mut(name) {
        slot.value = Value::Unknown;
    }
}

/// Reads a variable file: `name = value` lines of literal values (HCL), or a JSON object
/// when the file ends in `.json`.
pub fn read_var_file(
    path: &std::path::Path,
    sources: &mut crate::source::SourceMap,
    diags: &mut crate::diagnostic::Diagnostics,
) -> Vec<(String, InputValue)> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(
                None,
                format!("Cannot read variable file {}", path.display()),
                format!("{e}."),
            ));
            return Vec::new();
        }
    };
    if path.extension().is_some_and(|e| e == "json") {
        let file = sources.add(path, text);
        let text = &sources.file(file).text;
        return match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(map)) => map
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        InputValue::Value {
                            value: Value::from_json(v),
                            span: Span::new(file, 0..0),
                        },
                    )
                })
                .collect(),
            Ok(_) => {
                diags.push(Diagnostic::error(
                    Span::new(file, 0..0),
                    "Variable file is not a JSON object",
                    "A JSON variable file holds one object: { \"name\": value, ... }.",
                ));
                Vec::new()
            }
            Err(e) => {
                let offset = line_col_offset(text, e.line(), e.column());
                diags.push(Diagnostic::error(
                    Span::new(file, offset..offset),
                    "Invalid JSON in variable file",
                    format!("{e}."),
                ));
                Vec::new()
            }
        };
    }
    let Some(parsed) = crate::parse::parse_source(sources, path, text, diags) else {
        return Vec::new();
    };
    for block in &parsed.body.blocks {
        diags.push(Diagnostic::error(
            block.kind.span,
            "Block in a variable file",
            "A variable file holds only `name = value` lines.",
        ));
    }
    parsed
        .body
        .attributes
        .iter()
        .filter_map(|attr| match types::literal_value(&attr.value) {
            Some(value) => Some((
                attr.name.name.clone(),
                InputValue::Value {
                    value,
                    span: attr.value.span,
                },
            )),
            None => {
                diags.push(Diagnostic::error(
                    attr.value.span,
                    "Variable values must be literal",
                    "A variable file cannot refer to other values or call functions.",
                ));
                None
            }
        })
        .collect()
}

fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}
