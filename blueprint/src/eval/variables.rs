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
    /// The variable files read (their lines that set sensitive variables are masked in
    /// snippets, even where the file could not be parsed).
    pub var_files: Vec<crate::source::FileId>,
    /// Attributes of existing objects: computed attributes (an `id`, a given `address`)
    /// read as their real values instead of unknown.
    pub known: std::sync::Arc<Known>,
    /// The current workspace, `strata.workspace` in expressions (`default` when empty).
    pub workspace: String,
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
                    // The parser's message quotes the text, which is not shown when secret.
                    let msg = if decl.sensitive {
                        "The value is not valid HCL (it is sensitive, so it is not shown)".into()
                    } else {
                        msg
                    };
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
    /// Computed from a sensitive value (a module input): the variable is sensitive too.
    pub sensitive: bool,
    /// `span` is the literal text of the value (a variable file's value, a default), which
    /// snippets mask when the variable is sensitive.
    pub literal: bool,
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
        sensitive,
        literal,
    } = incoming;
    let sensitive = sensitive || decl.sensitive;
    if sensitive {
        store.redactor.add_value(&value);
        if let (Some(span), true) = (span, literal) {
            store.redactor.add_span(span);
        }
    }
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
            // The message quotes the value (and the keys of a map): not when it is secret.
            let detail = if sensitive {
                format!(
                    "The value from {origin} does not fit the variable's type, {ty}. The value is sensitive, so it is not shown."
                )
            } else {
                format!("The value from {origin} does not fit the variable's type: {msg}.")
            };
            diags.push(Diagnostic::error(
                span.or(Some(decl.name.span)),
                format!("Invalid value for variable \"{name}\""),
                detail,
            ));
            Value::Unknown
        }
    };
    if sensitive {
        store.redactor.add_value(&value);
    }
    store.insts[inst].vars.insert(
        name.clone(),
        Slot {
            value: value.clone(),
            deps: deps_of(deps),
            sensitive,
        },
    );
    if value.is_unknown() {
        return;
    }
    let mut valid = true;
    for (cond, message) in &decl.validations {
        let mut ctx = Ctx::new(store, inst);
        let (ok, cond_sensitive) = ctx.eval_apart(cond);
        let (text, text_sensitive) = ctx.eval_apart(message);
        diags.append(&mut ctx.diags);
        match (ok, text) {
            (Ok(Value::Bool(false)), Ok(Value::String(msg))) => {
                valid = false;
                // As Terraform does: a message computed from a secret is not shown.
                let msg = if text_sensitive {
                    "The error message refers to sensitive values, so it is not shown.".into()
                } else {
                    msg.to_string()
                };
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
                if cond_sensitive {
                    format!(
                        "A validation condition must be true or false, got a sensitive {}.",
                        v.type_name()
                    )
                } else {
                    format!(
                        "A validation condition must be true or false, got {} {v}.",
                        v.type_name()
                    )
                },
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

/// Reads a variable file into `inputs`: `name = value` lines of literal values (HCL), or a
/// JSON object when the file ends in `.json`. Each value keeps the place of its text.
pub fn read_var_file(
    path: &std::path::Path,
    inputs: &mut Inputs,
    sources: &mut crate::source::SourceMap,
    diags: &mut crate::diagnostic::Diagnostics,
) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(
                None,
                format!("Cannot read variable file {}", path.display()),
                format!("{e}."),
            ));
            return;
        }
    };
    if path.extension().is_some_and(|e| e == "json") {
        let file = sources.add(path, text);
        inputs.var_files.push(file);
        let text = &sources.file(file).text;
        let values = json_values(text).map_err(|e| {
            let offset = line_col_offset(text, e.line(), e.column());
            (Span::new(file, offset..offset), e)
        });
        match values {
            Ok(Some(values)) => inputs
                .values
                .extend(values.into_iter().map(|(k, value, at)| {
                    let span = Span::new(file, at);
                    (k, InputValue::Value { value, span })
                })),
            Ok(None) => diags.push(Diagnostic::error(
                Span::new(file, 0..0),
                "Variable file is not a JSON object",
                "A JSON variable file holds one object: { \"name\": value, ... }.",
            )),
            Err((span, e)) => diags.push(Diagnostic::error(
                span,
                "Invalid JSON in variable file",
                format!("{e}."),
            )),
        }
        return;
    }
    let parsed = crate::parse::parse_source(sources, path, text, diags);
    // The file was added to `sources` even when it could not be parsed.
    if let Some((file, _)) = sources.files().last() {
        inputs.var_files.push(file);
    }
    let Some(parsed) = parsed else {
        return;
    };
    for block in &parsed.body.blocks {
        diags.push(Diagnostic::error(
            block.kind.span,
            "Block in a variable file",
            "A variable file holds only `name = value` lines.",
        ));
    }
    for attr in &parsed.body.attributes {
        match types::literal_value(&attr.value) {
            Some(value) => inputs.values.push((
                attr.name.name.clone(),
                InputValue::Value {
                    value,
                    span: attr.value.span,
                },
            )),
            None => diags.push(Diagnostic::error(
                attr.value.span,
                "Variable values must be literal",
                "A variable file cannot refer to other values or call functions.",
            )),
        }
    }
}

/// A member of a JSON variable file: its name, its value and the byte range of its text.
type JsonMember = (String, Value, std::ops::Range<usize>);

/// The members of a JSON object; `None` when the document is not an object.
fn json_values(text: &str) -> Result<Option<Vec<JsonMember>>, serde_json::Error> {
    let document: serde_json::Value = serde_json::from_str(text)?;
    if !document.is_object() {
        return Ok(None);
    }
    let members: std::collections::BTreeMap<String, &serde_json::value::RawValue> =
        serde_json::from_str(text)?;
    let base = text.as_ptr() as usize;
    members
        .into_iter()
        .map(|(k, raw)| {
            let start = (raw.get().as_ptr() as usize).saturating_sub(base);
            let value: serde_json::Value = serde_json::from_str(raw.get())?;
            Ok((k, Value::from_json(&value), start..start + raw.get().len()))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}
