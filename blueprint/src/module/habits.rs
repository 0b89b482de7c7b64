//! Terraform's block forms that a Terraform user writes by reflex, and the Strata form to
//! write instead: `resource "vm" "x" {}` and `data "site" "x" {}` are `vm "x" {}`; an
//! `import` block is the `strata import` command.

use crate::ast::Block;
use crate::diagnostic::Diagnostic;
use crate::schema;

/// The error for a `resource`, `data` or `import` block, or `None` for any other block.
pub(super) fn terraform_block(block: &Block) -> Option<Diagnostic> {
    let keyword = block.kind.name.as_str();
    if keyword == "import" {
        return Some(Diagnostic::error(
            block.kind.span,
            "Strata has no `import` blocks",
            "Take an existing object under management with the command `strata import ADDRESS ID` (the address's block written first), then remove this block; docs/state.md, \"Importing\", says what an id is for each provider.",
        ));
    }
    if keyword != "resource" && keyword != "data" {
        return None;
    }
    let labels: Vec<&str> = block.labels.iter().map(|l| l.name.as_str()).collect();
    let detail = match labels.as_slice() {
        [kind, name] if schema::kind(kind).is_some() => format!(
            "Strata blocks are written `{kind} \"{name}\" {{ ... }}`: the kind is the block type, without `{keyword}`, and other blocks refer to it as {kind}.{name}."
        ),
        _ => format!(
            "Strata blocks are written `KIND \"name\" {{ ... }}`, without `{keyword}`, where KIND is one of {}.",
            schema::kind_names().collect::<Vec<_>>().join(", ")
        ),
    };
    let detail = if keyword == "data" {
        format!(
            "{detail} Strata has no data sources: every block describes something in the blueprint."
        )
    } else {
        detail
    };
    Some(Diagnostic::error(
        block.kind.span,
        format!("Strata has no `{keyword}` blocks"),
        detail,
    ))
}
