//! Evaluating a resource block: its instances under count / for_each, each body checked
//! against the kind's schema, and the value other blocks see when they refer to it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::address::{Address, InstanceKey};
use crate::ast::{Block, Body, Expr, ExprKind, TraverseOp};
use crate::config::{Config, Fields, Instance, Lifecycle, Resource, Typed};
use crate::conform::{RawAttr, RawBlock, conform};
use crate::diagnostic::Diagnostic;
use crate::module::ResourceDecl;
use crate::schema::{self, KindSchema};
use crate::value::{ResourceRef, Value};

use super::expr::{Ctx, Fail, count_value, deps_of, for_each_pairs};
use super::state::{Slot, Store};

const META: &[&str] = &["count", "for_each", "depends_on", "provider"];

/// The instance keys of a block with `count` or `for_each`, with `each.value` for each.
pub(crate) enum Keys {
    Single,
    Count(i64),
    ForEach(Vec<(String, Value)>),
}

/// Evaluates `count` / `for_each` of a block in module instance `inst`.
pub(crate) fn keys(
    store: &Store,
    inst: usize,
    count: Option<&Expr>,
    for_each: Option<&Expr>,
    diags: &mut Vec<Diagnostic>,
) -> Result<(Keys, Vec<usize>), Fail> {
    let mut ctx = Ctx::new(store, inst);
    let result = match (count, for_each) {
        (Some(c), Some(f)) => {
            ctx.diags.push(
                Diagnostic::error(f.span, "count and for_each together", "A block can have `count` or `for_each`, not both. Keep the one that fits: count for identical copies, for_each for copies that differ.")
                    .with_note("count is set here", c.span),
            );
            Err(Fail)
        }
        (Some(c), None) => ctx
            .eval(c)
            .and_then(|v| refuse_sensitive(&mut ctx, c.span, "count", v))
            .and_then(|v| match count_value(&v) {
                Ok(n) if n > 1_000_000 => ctx
                    .fail(
                        c.span,
                        "count too large",
                        format!(
                            "count is {n}; at most 1000000 instances of one block are allowed."
                        ),
                    )
                    .map(|_| Keys::Single),
                Ok(n) => Ok(Keys::Count(n)),
                Err(msg) => ctx
                    .fail(c.span, "Invalid count", format!("{msg}."))
                    .map(|_| Keys::Single),
            }),
        (None, Some(f)) => ctx
            .eval(f)
            .and_then(|v| refuse_sensitive(&mut ctx, f.span, "for_each", v))
            .and_then(|v| match for_each_pairs(&v) {
                Ok(pairs) => Ok(Keys::ForEach(pairs)),
                Err(msg) => ctx
                    .fail(f.span, "Invalid for_each", format!("{msg}."))
                    .map(|_| Keys::Single),
            }),
        (None, None) => Ok(Keys::Single),
    };
    diags.append(&mut ctx.diags);
    result.map(|k| (k, ctx.deps))
}

/// `count` and `for_each` cannot come from sensitive values: instance keys and indexes are
/// shown everywhere (plans, the state, addresses on the command line), as in Terraform.
fn refuse_sensitive(
    ctx: &mut Ctx,
    span: crate::source::Span,
    meta: &str,
    value: Value,
) -> Result<Value, Fail> {
    if !ctx.sensitive {
        return Ok(value);
    }
    let detail = format!(
        "{meta} decides the instances of the block, and their keys or indexes are shown everywhere (plans, the state, addresses), so it cannot be computed from sensitive values. Compute it from values that are not sensitive."
    );
    ctx.sensitive = false;
    ctx.fail(span, format!("Sensitive value in {meta}"), detail)
}

/// Evaluates every instance of a resource block in module instance `inst`, adding them
/// to `config`, and returns the value references to the block see.
pub(crate) fn evaluate(
    store: &Store,
    inst: usize,
    decl: &ResourceDecl,
    config: &mut Config,
    diags: &mut Vec<Diagnostic>,
) -> Slot {
    // A block that cannot be expanded reads as unknown, so it causes no further errors.
    let empty = || Slot {
        value: Value::Unknown,
        deps: Arc::from([]),
        sensitive: false,
    };
    let Some(kind) = schema::kind(&decl.kind.name) else {
        return empty();
    };
    let Ok((keys, key_deps)) = keys(
        store,
        inst,
        decl.meta.count.as_ref(),
        decl.meta.for_each.as_ref(),
        diags,
    ) else {
        return empty();
    };
    let lifecycle = lifecycle(decl, kind, diags);
    let provider = decl
        .provider
        .as_ref()
        .and_then(|e| super::providers::reference(e, "`provider`", diags));
    config.resources.push(Resource {
        module: store.insts[inst].steps.clone(),
        kind: kind.kind,
        name: decl.name.name.clone(),
        lifecycle: lifecycle.clone(),
        span: decl.block.header_span(),
    });
    let mut one = |key: Option<InstanceKey>, count: Option<i64>, each: Option<(Value, Value)>| {
        let mut ctx = Ctx::new(store, inst);
        ctx.count = count;
        ctx.each = each;
        ctx.deps.extend(key_deps.iter());
        ctx.deps.extend(store.insts[inst].extra_deps.iter());
        depends_on(&mut ctx, store, inst, decl.meta.depends_on.as_ref());
        let raw = raw_block(&mut ctx, &decl.block, true);
        let fields = conform(kind, &raw, &mut ctx.diags);
        let index = config.instances.len();
        if ctx.diags.iter().any(Diagnostic::is_error) {
            config.invalid.insert(index);
        }
        diags.append(&mut ctx.diags);
        let address = Address {
            module: store.insts[inst].steps.clone(),
            kind: decl.kind.name.clone(),
            name: decl.name.name.clone(),
            key,
        };
        let sensitive = sensitive_names(kind, &raw);
        let value = Value::Ref(Arc::new(ResourceRef {
            index,
            sensitive: sensitive.clone(),
            address: address.clone(),
            attrs: ref_attrs(
                kind,
                &fields,
                &raw,
                &decl.name.name,
                store.known.get(&address),
            ),
        }));
        let mut deps = ctx.deps;
        deps.sort_unstable();
        deps.dedup();
        config.instances.push(Instance {
            address,
            kind: kind.kind,
            managed: kind.managed,
            fields,
            deps,
            lifecycle: lifecycle.clone(),
            provider: provider.clone(),
            span: decl.block.header_span(),
            sensitive,
        });
        (index, value)
    };
    let (indexes, value): (Vec<usize>, Value) = match keys {
        Keys::Single => {
            let (i, v) = one(None, None, None);
            (vec![i], v)
        }
        Keys::Count(n) => {
            let (idx, vals): (Vec<_>, Vec<_>) = (0..n)
                .map(|i| one(Some(InstanceKey::Index(i)), Some(i), None))
                .unzip();
            (idx, Value::list(vals))
        }
        Keys::ForEach(pairs) => {
            let mut map = BTreeMap::new();
            let mut idx = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                let (i, r) = one(
                    Some(InstanceKey::Key(k.clone())),
                    None,
                    Some((Value::string(k.as_str()), v)),
                );
                idx.push(i);
                map.insert(k, r);
            }
            (idx, Value::map(map))
        }
    };
    Slot {
        value,
        deps: deps_of(indexes),
        sensitive: false,
    }
}

/// The attributes a reference to an instance reads: its fields, `name` and `id`.
/// References keep their evaluated value (the resource itself), so that
/// `module.prod.cluster.pool` is the host pool, not its address as a string.
fn ref_attrs(
    kind: &KindSchema,
    fields: &Fields,
    raw: &RawBlock,
    name: &str,
    known: Option<&serde_json::Map<String, serde_json::Value>>,
) -> BTreeMap<String, Value> {
    let mut attrs: BTreeMap<String, Value> = fields
        .attrs
        .iter()
        .map(|(k, f)| {
            let value = match (&f.value, raw.attrs.iter().find(|a| a.name.name == *k)) {
                (Typed::Ref(_) | Typed::List(_), Some(given)) if holds_ref(&given.value) => {
                    given.value.clone()
                }
                _ => f.value.to_value(),
            };
            (k.clone(), value)
        })
        .collect();
    for spec in &kind.body.blocks {
        let blocks = fields.blocks(spec.name);
        let as_map = |f: &Fields| {
            Value::map(
                f.attrs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value.to_value()))
                    .collect(),
            )
        };
        let value = if spec.label.is_some() {
            Value::map(
                blocks
                    .iter()
                    .map(|b| (b.label.clone().unwrap_or_default(), as_map(&b.fields)))
                    .collect(),
            )
        } else if spec.max == Some(1) {
            blocks.first().map_or(Value::Null, |b| as_map(&b.fields))
        } else {
            Value::list(blocks.iter().map(|b| as_map(&b.fields)).collect())
        };
        attrs.insert(spec.name.to_string(), value);
    }
    attrs
        .entry("name".into())
        .or_insert_with(|| Value::string(name));
    attrs.insert("id".into(), Value::Unknown);
    // What exists already is known: its computed attributes read as their real values.
    if let Some(existing) = known {
        for (name, value) in attrs.iter_mut() {
            if matches!(value, Value::Unknown)
                && let Some(real) = existing.get(name)
            {
                *value = Value::from_json(real);
            }
        }
    }
    attrs
}

/// Top-level attributes and blocks computed from sensitive values, and those the kind
/// marks always sensitive.
fn sensitive_names(kind: &KindSchema, raw: &RawBlock) -> Vec<String> {
    fn any(raw: &RawBlock) -> bool {
        raw.attrs.iter().any(|a| a.sensitive) || raw.blocks.iter().any(any)
    }
    let attrs = raw
        .attrs
        .iter()
        .filter(|a| a.sensitive)
        .map(|a| a.name.name.clone());
    let blocks = raw
        .blocks
        .iter()
        .filter(|b| any(b))
        .map(|b| b.kind.name.clone());
    let always = crate::schema::sensitive_attrs(kind.kind).map(str::to_string);
    let mut names: Vec<String> = attrs.chain(blocks).chain(always).collect();
    names.sort();
    names.dedup();
    names
}

fn holds_ref(value: &Value) -> bool {
    match value {
        Value::Ref(_) => true,
        Value::List(items) | Value::Set(items) => items.iter().any(holds_ref),
        _ => false,
    }
}

/// Evaluates a block's attributes and nested blocks (expanding `dynamic` blocks). An
/// attribute whose expression failed is kept as unknown so it is not reported missing.
pub(crate) fn raw_block(ctx: &mut Ctx, block: &Block, top: bool) -> RawBlock {
    let mut raw = RawBlock {
        kind: block.kind.clone(),
        labels: block.labels.clone(),
        attrs: Vec::new(),
        blocks: Vec::new(),
        span: block.span,
        unknown: false,
    };
    body_into(ctx, &block.body, top, &mut raw);
    raw
}

fn body_into(ctx: &mut Ctx, body: &Body, top: bool, raw: &mut RawBlock) {
    for attr in &body.attributes {
        if top && META.contains(&attr.name.name.as_str()) {
            continue;
        }
        let (value, sensitive) = ctx.eval_apart(&attr.value);
        let value = value.unwrap_or(Value::Unknown);
        raw.attrs.push(RawAttr {
            name: attr.name.clone(),
            value,
            span: attr.value.span,
            sensitive,
        });
    }
    for inner in &body.blocks {
        match inner.kind.name.as_str() {
            "lifecycle" if top => {}
            "dynamic" => dynamic(ctx, inner, &mut raw.blocks),
            _ => raw.blocks.push(raw_block(ctx, inner, false)),
        }
    }
}

/// `dynamic "node_group" { for_each = ..., labels = [...], content { ... } }`.
fn dynamic(ctx: &mut Ctx, block: &Block, out: &mut Vec<RawBlock>) {
    let [label] = block.labels.as_slice() else {
        let _ = ctx.fail(block.header_span(), "A dynamic block needs one label", "Write `dynamic \"BLOCK_TYPE\" { for_each = ..., content { ... } }`, where BLOCK_TYPE is the block to generate.");
        return;
    };
    let Some(for_each) = block.body.attribute("for_each") else {
        let _ = ctx.fail(
            block.header_span(),
            "Missing for_each in a dynamic block",
            "A dynamic block generates one block per element of `for_each`.",
        );
        return;
    };
    let Some(content) = block.body.blocks_of("content").next() else {
        let _ = ctx.fail(
            block.header_span(),
            "Missing content block",
            "A dynamic block needs a `content { ... }` block: the body of each generated block.",
        );
        return;
    };
    let iterator = block
        .body
        .attribute("iterator")
        .and_then(|a| match &a.value.kind {
            ExprKind::Variable(v) => Some(v.clone()),
            _ => None,
        })
        .unwrap_or_else(|| label.name.clone());
    let Ok(collection) = ctx.eval(&for_each.value) else {
        return;
    };
    let pairs: Vec<(Value, Value)> = match &collection {
        Value::List(items) | Value::Set(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (Value::number(i), v.clone()))
            .collect(),
        Value::Map(m) => m
            .iter()
            .map(|(k, v)| (Value::string(k.as_str()), v.clone()))
            .collect(),
        Value::Null => Vec::new(),
        Value::Unknown => {
            out.push(RawBlock {
                kind: label.clone(),
                labels: Vec::new(),
                attrs: Vec::new(),
                blocks: Vec::new(),
                span: content.span,
                unknown: true,
            });
            return;
        }
        other => {
            let _ = ctx.fail(
                for_each.value.span,
                "Invalid for_each",
                format!(
                    "A dynamic block iterates over a list, set or map, got {}.",
                    other.type_name()
                ),
            );
            return;
        }
    };
    for (key, value) in pairs {
        ctx.bind(
            &iterator,
            Value::map(BTreeMap::from([
                ("key".to_string(), key),
                ("value".to_string(), value),
            ])),
        );
        let labels = match block.body.attribute("labels") {
            Some(attr) => match ctx.eval(&attr.value) {
                Ok(v) => v
                    .as_seq()
                    .unwrap_or(&[])
                    .iter()
                    .map(|l| crate::ast::Ident {
                        name: l.to_template_string().unwrap_or_default(),
                        span: attr.value.span,
                    })
                    .collect(),
                Err(_) => Vec::new(),
            },
            None => Vec::new(),
        };
        let mut raw = RawBlock {
            kind: label.clone(),
            labels,
            attrs: Vec::new(),
            blocks: Vec::new(),
            span: content.span,
            unknown: false,
        };
        body_into(ctx, &content.body, false, &mut raw);
        ctx.unbind();
        out.push(raw);
    }
}

/// Adds the instances named in `depends_on` to the context's dependencies.
pub(crate) fn depends_on(ctx: &mut Ctx, store: &Store, inst: usize, expr: Option<&Expr>) {
    let Some(expr) = expr else { return };
    let ExprKind::Tuple(items) = &expr.kind else {
        let _ = ctx.fail(
            expr.span,
            "Invalid depends_on",
            "depends_on takes a list of references, such as [vm.bastion, module.monitoring].",
        );
        return;
    };
    for item in items {
        match &item.kind {
            ExprKind::Traversal(base, ops) if matches!(&base.kind, ExprKind::Variable(v) if v == "module") =>
            {
                let Some(TraverseOp::Attr(call)) = ops.first().map(|o| &o.op) else {
                    continue;
                };
                match store.insts[inst].calls.get(call) {
                    Some(calls) => {
                        let mut deps = Vec::new();
                        for id in calls.ids() {
                            store.resource_deps_below(id, &mut deps);
                        }
                        ctx.deps.extend(deps);
                    }
                    None => {
                        let _ = ctx.eval(item);
                    }
                }
            }
            ExprKind::Traversal(base, _) if matches!(&base.kind, ExprKind::Variable(v) if schema::kind(v).is_some()) =>
            {
                let _ = ctx.eval(item);
            }
            _ => {
                let _ = ctx.fail(item.span, "Invalid depends_on entry", "Each entry of depends_on is a resource or module reference, such as vm.bastion or module.monitoring.");
            }
        }
    }
}

fn literal_bool(body: &Body, name: &str, diags: &mut Vec<Diagnostic>) -> bool {
    match body.attribute(name).map(|a| (&a.value.kind, a.value.span)) {
        None => false,
        Some((ExprKind::Bool(b), _)) => *b,
        Some((_, span)) => {
            diags.push(Diagnostic::error(
                span,
                format!("\"{name}\" must be true or false"),
                "Lifecycle settings are literal: write true or false.",
            ));
            false
        }
    }
}

fn lifecycle(decl: &ResourceDecl, kind: &KindSchema, diags: &mut Vec<Diagnostic>) -> Lifecycle {
    let Some(block) = &decl.lifecycle else {
        return Lifecycle::default();
    };
    let mut ignore_changes = Vec::new();
    if let Some(attr) = block.body.attribute("ignore_changes") {
        match &attr.value.kind {
            ExprKind::Tuple(items) => {
                for item in items {
                    match &item.kind {
                        ExprKind::Variable(name) if kind.body.attr(name).is_some() || kind.body.block(name).is_some() => ignore_changes.push(name.clone()),
                        ExprKind::Variable(name) => diags.push(Diagnostic::error(
                            item.span,
                            format!("Unknown attribute \"{name}\" in ignore_changes"),
                            format!("A {} has no attribute \"{name}\".{}", kind.kind, crate::suggest::hint(name, kind.body.attrs.iter().map(|a| a.name))),
                        )),
                        _ => diags.push(Diagnostic::error(item.span, "Invalid ignore_changes entry", "List attribute names without quotes, such as ignore_changes = [replicas].")),
                    }
                }
            }
            ExprKind::Variable(all) if all == "all" => ignore_changes.push("all".into()),
            _ => diags.push(Diagnostic::error(
                attr.value.span,
                "Invalid ignore_changes",
                "Write a list of attribute names, such as [replicas], or all.",
            )),
        }
    }
    Lifecycle {
        prevent_destroy: literal_bool(&block.body, "prevent_destroy", diags),
        create_before_destroy: literal_bool(&block.body, "create_before_destroy", diags),
        ignore_changes,
    }
}
