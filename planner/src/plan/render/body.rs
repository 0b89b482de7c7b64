//! The body of one object in a plan: its attributes, then its nested blocks as blocks,
//! each line marked as Terraform marks it.

use std::fmt::Write;

use blueprint::schema::BlockSchema;
use serde_json::Value;

use super::value::{SENSITIVE, UNKNOWN, changed, whole};
use crate::provider::Attrs;

/// How the object's attributes are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Everything is new: `+`.
    Create,
    /// Everything goes: `- name = value -> null`.
    Delete,
    /// Only what differs, with the count of what does not.
    Update,
    /// As an update, but the object is new: what the provider computes becomes unknown.
    Replace,
}

/// What the body needs to know about the change beyond its attribute values.
#[derive(Default)]
pub struct Marks<'a> {
    /// Attributes whose values are hidden.
    pub sensitive: &'a [String],
    /// Attributes set from values known only after apply.
    pub unknown: &'a [String],
    /// Attributes (dotted paths for nested ones) the blueprint did not write.
    pub implied: &'a [String],
    /// Attributes whose change forces a replacement.
    pub forces: &'a [String],
    /// Attributes the provider computes (shown as unknown when a create leaves them unset).
    pub computed: &'a [&'a str],
}

/// One body to draw: its schema (to tell blocks from attributes), its attributes before
/// and after, and how.
pub struct Body<'a> {
    /// The schema of the object or block.
    pub schema: Option<&'a BlockSchema>,
    /// Its attributes now (`None` when it does not exist).
    pub before: Option<&'a Attrs>,
    /// Its attributes after the apply (`None` when it is deleted).
    pub after: Option<&'a Attrs>,
    /// How it changes.
    pub mode: Mode,
}

/// Writes the lines of a body whose markers sit at column `col` (6 for an object);
/// `path` is the dotted path of a nested block (empty for the object itself).
pub fn write(out: &mut String, body: &Body, marks: &Marks, path: &str, col: usize) {
    let empty = Attrs::new();
    let (b, a) = (body.before.unwrap_or(&empty), body.after.unwrap_or(&empty));
    let (schema, mode, top) = (body.schema, body.mode, path.is_empty());
    let is_block = |k: &str| schema.is_some_and(|s| s.block(k).is_some());
    // What the provider computes is unknown until a new object exists.
    let computed_missing: Vec<String> = marks
        .computed
        .iter()
        .filter(|c| top && matches!(mode, Mode::Create | Mode::Replace) && !a.contains_key(**c))
        .map(|c| c.to_string())
        .collect();
    let mut names: Vec<&String> = b
        .keys()
        .chain(a.keys())
        .chain(computed_missing.iter())
        .chain(marks.unknown.iter().filter(|_| top))
        .filter(|k| !is_block(k))
        .collect();
    names.sort();
    names.dedup();
    let mut lines: Vec<(char, &str, String, &str)> = Vec::new();
    let mut hidden = 0;
    for name in names {
        let secret = top && marks.sensitive.iter().any(|s| s == name);
        // A new object: what the provider kept on its own for the old one comes anew.
        let renewed = mode == Mode::Replace
            && b.contains_key(name)
            && !a.contains_key(name)
            && schema.and_then(|s| s.attr(name)).is_none_or(|s| s.computed);
        let later =
            top && (marks.unknown.contains(name) || computed_missing.contains(name) || renewed);
        let shown = |v: &Value, sign: char| {
            if secret {
                SENSITIVE.to_string()
            } else {
                whole(v, sign, col)
            }
        };
        let dotted = if top {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        let comment = if marks.forces.contains(name) && top {
            " # forces replacement"
        } else if mode != Mode::Delete && marks.implied.contains(&dotted) && !later {
            " # default"
        } else {
            ""
        };
        let line = match (mode, b.get(name), a.get(name)) {
            (Mode::Create, _, _) if later => ('+', UNKNOWN.to_string()),
            (Mode::Create, _, Some(v)) => ('+', shown(v, '+')),
            (Mode::Delete, Some(v), _) => ('-', format!("{} -> null", shown(v, '-'))),
            (Mode::Create | Mode::Delete, _, _) => continue,
            (_, Some(v), _) if later => ('~', format!("{} -> {UNKNOWN}", shown(v, '-'))),
            (_, None, _) if later => ('+', UNKNOWN.to_string()),
            (_, Some(bv), Some(av)) if bv == av => {
                if top && name == "id" {
                    (' ', shown(av, ' '))
                } else {
                    hidden += 1;
                    continue;
                }
            }
            (_, Some(bv), Some(av)) if secret => {
                ('~', format!("{} -> {}", shown(bv, '-'), shown(av, '+')))
            }
            (_, Some(bv), Some(av)) => ('~', changed(bv, av, col)),
            (_, Some(bv), None) => ('-', format!("{} -> null", shown(bv, '-'))),
            (_, None, Some(av)) => ('+', shown(av, '+')),
            (_, None, None) => continue,
        };
        lines.push((line.0, name.as_str(), line.1, comment));
    }
    let width = lines.iter().map(|l| l.1.len()).max().unwrap_or(0);
    for (sign, name, text, comment) in &lines {
        let _ = writeln!(
            out,
            "{}{sign} {name:width$} = {text}{comment}",
            " ".repeat(col)
        );
    }
    let pad = " ".repeat(col + 2);
    if hidden > 0 {
        let s = if hidden == 1 { "" } else { "s" };
        let _ = writeln!(out, "{pad}# ({hidden} unchanged attribute{s} hidden)");
    }
    let mut hidden_blocks = 0;
    if let Some(schema) = schema {
        for spec in &schema.blocks {
            let pair = (b.get(spec.name), a.get(spec.name));
            hidden_blocks += blocks(out, spec, pair, mode, marks, path, col);
        }
    }
    if hidden_blocks > 0 {
        let s = if hidden_blocks == 1 { "" } else { "s" };
        let _ = writeln!(out, "\n{pad}# ({hidden_blocks} unchanged block{s} hidden)");
    }
}

/// Writes the blocks of one type; returns how many were unchanged and hidden.
fn blocks(
    out: &mut String,
    spec: &blueprint::schema::NestedSchema,
    (before, after): (Option<&Value>, Option<&Value>),
    mode: Mode,
    marks: &Marks,
    path: &str,
    col: usize,
) -> usize {
    let list = |v: Option<&Value>| -> Vec<Attrs> {
        match v {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_object().cloned())
                .collect(),
            _ => Vec::new(),
        }
    };
    let (bl, al) = (list(before), list(after));
    let label = |o: &Attrs| o.get("_label").and_then(Value::as_str).map(str::to_string);
    // Pair blocks by label, or by position when they have none.
    let mut pairs: Vec<(Option<&Attrs>, Option<&Attrs>)> = Vec::new();
    if spec.label.is_some() {
        for b in &bl {
            pairs.push((Some(b), al.iter().find(|a| label(a) == label(b))));
        }
        for a in al
            .iter()
            .filter(|a| !bl.iter().any(|b| label(b) == label(a)))
        {
            pairs.push((None, Some(a)));
        }
    } else {
        for i in 0..bl.len().max(al.len()) {
            pairs.push((bl.get(i), al.get(i)));
        }
    }
    let top = path.is_empty();
    let secret = top && marks.sensitive.iter().any(|s| s == spec.name);
    let mut hidden = 0;
    for (i, (b, a)) in pairs.into_iter().enumerate() {
        // As `attrs::implied` names it: type, label or index.
        let which = b.or(a).and_then(label).unwrap_or_else(|| i.to_string());
        let nested_path = if top {
            format!("{}.{which}", spec.name)
        } else {
            format!("{path}.{}.{which}", spec.name)
        };
        let (sign, inner) = match (mode, b, a) {
            (Mode::Create, _, Some(_)) => ('+', Mode::Create),
            (Mode::Delete, Some(_), _) => ('-', Mode::Delete),
            (Mode::Create | Mode::Delete, _, _) => continue,
            (_, Some(b), Some(a)) if b == a => {
                hidden += 1;
                continue;
            }
            (_, Some(_), Some(_)) => ('~', Mode::Update),
            (_, Some(_), None) => ('-', Mode::Delete),
            (_, None, Some(_)) => ('+', Mode::Create),
            (_, None, None) => continue,
        };
        let name = match b.or(a).and_then(label) {
            Some(l) => format!("{} {}", spec.name, blueprint::literal::quote(&l)),
            None => spec.name.to_string(),
        };
        let strip = |o: Option<&Attrs>| {
            o.map(|o| {
                let mut o = o.clone();
                o.remove("_label");
                o
            })
        };
        let _ = writeln!(out, "\n{}{sign} {name} {{", " ".repeat(col));
        if secret {
            let _ = writeln!(
                out,
                "{}# At least one attribute in this block is (or was) sensitive,\n{}# so its contents will not be displayed.",
                " ".repeat(col + 4),
                " ".repeat(col + 4)
            );
        } else {
            let nested = Marks {
                implied: marks.implied,
                ..Marks::default()
            };
            let (b, a) = (strip(b), strip(a));
            let body = Body {
                schema: Some(&spec.body),
                before: b.as_ref(),
                after: a.as_ref(),
                mode: inner,
            };
            write(out, &body, &nested, &nested_path, col + 4);
        }
        let _ = writeln!(out, "{}}}", " ".repeat(col + 2));
    }
    hidden
}
