//! Provider blocks and references: which configuration manages each resource.
//!
//! A `provider "NAME"` block's settings are checked against the provider's schema
//! (`schema::providers`); `provider = NAME.ALIAS` on a resource must name a declared
//! configuration; `strata { default_provider { KIND = NAME } }` gives every resource of a
//! kind a provider when it names none. See docs/providers/README.md.

use std::collections::{BTreeMap, HashMap};

use crate::ast::{Block, Expr, ExprKind, TraverseOp};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::module::ProviderDecl;
use crate::schema::{self, providers};
use crate::source::Span;
use crate::suggest;
use crate::value::Value;

use super::tree::Tree;

fn names() -> impl Iterator<Item = &'static str> {
    providers::providers().iter().map(|p| p.name)
}

fn list() -> String {
    names().collect::<Vec<_>>().join(", ")
}

/// A provider reference written without quotes, `sim` or `libvirt.lab`, as text; an error
/// when it is anything else or names no provider.
pub(crate) fn reference(expr: &Expr, what: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let text = match &expr.kind {
        ExprKind::Variable(name) => name.clone(),
        ExprKind::Traversal(base, ops) => match (&base.kind, ops.as_slice()) {
            (ExprKind::Variable(name), [op]) => match &op.op {
                TraverseOp::Attr(alias) => format!("{name}.{alias}"),
                _ => String::new(),
            },
            _ => String::new(),
        },
        _ => String::new(),
    };
    let name = text.split('.').next().unwrap_or_default();
    if providers::provider(name).is_none() {
        diags.push(Diagnostic::error(
            expr.span,
            "Invalid provider reference",
            format!(
                "{what} names a provider, optionally with an alias, without quotes: sim, or libvirt.lab. The providers are {}.{}",
                list(),
                suggest::hint(name, names())
            ),
        ));
        return None;
    }
    Some(text)
}

/// Checks a provider block: a known provider, known settings of the right type, and an
/// `alias` that is a literal name. Returns the evaluated settings without `alias`, and
/// the alias; `None` when the provider is unknown.
pub(crate) fn check_block(
    decl: &ProviderDecl,
    mut settings: BTreeMap<String, Value>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Option<String>, BTreeMap<String, Value>)> {
    let name = &decl.name.name;
    let Some(schema) = providers::provider(name) else {
        diags.push(Diagnostic::error(
            decl.name.span,
            format!("Unknown provider \"{name}\""),
            format!(
                "The providers are {}.{}",
                list(),
                suggest::hint(name, names())
            ),
        ));
        return None;
    };
    let alias = match settings.remove("alias") {
        None => None,
        Some(Value::String(a)) if crate::module::is_identifier(&a) => Some(a.to_string()),
        Some(_) => {
            let span = decl.body.attribute("alias").map(|a| a.value.span);
            diags.push(Diagnostic::error(
                span,
                "Invalid provider alias",
                "`alias` is a name such as \"lab\": letters, digits, underscores and dashes, starting with a letter. Resources then write `provider = NAME.ALIAS`.",
            ));
            None
        }
    };
    for attr in &decl.body.attributes {
        let setting = attr.name.name.as_str();
        if setting == "alias" {
            continue;
        }
        let Some(s) = schema.setting(setting) else {
            let known: Vec<&str> = schema.settings.iter().map(|s| s.name).collect();
            diags.push(Diagnostic::error(
                attr.name.span,
                format!("Provider \"{name}\" has no setting \"{setting}\""),
                if known.is_empty() {
                    format!("The {name} provider takes no settings besides alias.")
                } else {
                    format!(
                        "It takes {} (and alias).{}",
                        known.join(", "),
                        suggest::hint(setting, known.iter().copied())
                    )
                },
            ));
            settings.remove(setting);
            continue;
        };
        let Some(text) = settings.get(setting).and_then(Value::to_template_string) else {
            if settings
                .get(setting)
                .is_some_and(|v| !matches!(v, Value::Unknown) && !crate::providers::is_digest(v))
            {
                diags.push(Diagnostic::error(
                    attr.value.span,
                    format!("Invalid value for {name} setting \"{setting}\""),
                    format!("{setting} takes {}.", s.ty.describe()),
                ));
            }
            continue;
        };
        if let Err(e) = providers::check_setting(s, &text) {
            diags.push(Diagnostic::error(
                attr.value.span,
                format!("Invalid value for {name} setting \"{setting}\""),
                format!("{e}."),
            ));
        }
    }
    for block in &decl.body.blocks {
        diags.push(Diagnostic::error(
            block.kind.span,
            format!("Unexpected block in provider \"{name}\""),
            "Provider blocks hold settings only: `name = value`.",
        ));
    }
    Some((alias, settings))
}

/// After evaluation: refuses two blocks for one configuration, applies the root module's
/// `default_provider` to resources that name no provider, and checks that every provider
/// a resource uses with an alias is declared.
pub(crate) fn finish(tree: &Tree, config: &mut Config, diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, Span> = HashMap::new();
    for p in &config.providers {
        let key = crate::providers::key(&p.name, p.alias.as_deref());
        if let Some(first) = seen.get(&key) {
            diags.push(
                Diagnostic::error(
                    p.span,
                    format!("Duplicate provider configuration {key}"),
                    "Each provider block needs an alias of its own (`alias = \"lab\"`); resources pick one with `provider = NAME.ALIAS`.",
                )
                .with_note("first declared here", *first),
            );
        } else {
            seen.insert(key, p.span);
        }
    }
    for (n, node) in tree.nodes.iter().enumerate() {
        for block in &tree.modules[node.module].settings {
            if n == 0 {
                defaults(block, config, diags);
            } else {
                diags.push(Diagnostic::error(
                    block.kind.span,
                    "strata block in a module",
                    "Blueprint-wide settings belong to the root folder's strata block; a module's resources follow them.",
                ));
            }
        }
    }
    let defaults = config.default_providers.clone();
    for inst in config.instances.iter_mut().filter(|i| i.managed) {
        if inst.provider.is_none() {
            inst.provider = defaults.get(inst.kind).cloned();
        }
        let Some(used) = &inst.provider else {
            continue;
        };
        if used.contains('.') && !seen.contains_key(used) {
            let name = used.split('.').next().unwrap_or_default();
            diags.push(Diagnostic::error(
                inst.span,
                format!("Provider configuration {used} is not declared"),
                format!(
                    "Declare it with `provider \"{name}\" {{ alias = \"{}\" ... }}`, or use `provider = {name}` for the configuration without an alias.",
                    used.split_once('.').map(|(_, a)| a).unwrap_or_default()
                ),
            ));
        }
    }
}

/// Reads the `currency` setting and the `default_provider { KIND = NAME }` blocks of a
/// `strata` block.
fn defaults(block: &Block, config: &mut Config, diags: &mut Vec<Diagnostic>) {
    for attr in &block.body.attributes {
        if attr.name.name == "currency" {
            match crate::module::literal(&attr.value) {
                Some(code) if is_currency_code(code) => config.currency = Some(code.to_string()),
                _ => diags.push(Diagnostic::error(
                    attr.value.span,
                    "Invalid currency",
                    "`currency` is an ISO 4217 code in quotes, three capital letters: `currency = \"EUR\"`.",
                )),
            }
            continue;
        }
        diags.push(Diagnostic::error(
            attr.name.span,
            format!("Unknown strata setting \"{}\"", attr.name.name),
            format!(
                "A strata block holds `currency = \"EUR\"`, a `default_provider {{ KIND = PROVIDER }}` block and a \
                 `backend \"KIND\" {{ ... }}` block.{}",
                suggest::hint(&attr.name.name, ["currency"])
            ),
        ));
    }
    for inner in &block.body.blocks {
        if inner.kind.name == "backend" {
            // Read with the module (`Module::backend`), before evaluation.
            continue;
        }
        if inner.kind.name != "default_provider" {
            diags.push(Diagnostic::error(
                inner.kind.span,
                format!("Unknown block \"{}\" in strata", inner.kind.name),
                format!(
                    "A strata block holds a `default_provider {{ KIND = PROVIDER }}` block and a `backend \"KIND\" {{ ... }}` block.{}",
                    suggest::hint(&inner.kind.name, ["default_provider", "backend"])
                ),
            ));
            continue;
        }
        for attr in &inner.body.attributes {
            let kind = attr.name.name.as_str();
            if !schema::kind(kind).is_some_and(|k| k.managed) {
                let kinds: Vec<&str> = schema::kind_names()
                    .filter(|k| schema::kind(k).is_some_and(|s| s.managed))
                    .collect();
                diags.push(Diagnostic::error(
                    attr.name.span,
                    format!("\"{kind}\" is not a resource kind"),
                    format!(
                        "default_provider maps resource kinds to providers: {}.{}",
                        kinds.join(", "),
                        suggest::hint(kind, kinds.iter().copied())
                    ),
                ));
                continue;
            }
            if let Some(name) = reference(&attr.value, "default_provider", diags) {
                config.default_providers.insert(kind.to_string(), name);
            }
        }
    }
}

/// An ISO 4217 alphabetic code's shape: three ASCII capital letters (`EUR`, `USD`, `CHF`).
fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}
