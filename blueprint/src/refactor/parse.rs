//! Reading the address of a `moved` or `removed` block from its expression.

use crate::address::{InstanceKey, ModuleStep};
use crate::ast::{Block, Expr, ExprKind, TemplatePart, TraverseOp};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::module::{check_fields, literal, required_attr};
use crate::schema;

use super::{Endpoint, Move, Removal, ResourceStep};

const EXAMPLES: &str = "Write a resource address such as vm.web, vm.web[0], vm.web[\"a\"] or module.prod.vm.web, or a module call such as module.prod, without quotes.";

/// The endpoint an expression names, relative to its module (an empty scope); `None`
/// (with a diagnostic) when it is not an address.
pub fn endpoint(expr: &Expr, diags: &mut Diagnostics) -> Option<Endpoint> {
    match read(expr) {
        Ok(endpoint) => Some(endpoint),
        Err(why) => {
            let mut detail = format!("{why}. {EXAMPLES}");
            if literal(expr).is_some() {
                detail = format!("The address is a quoted string. {EXAMPLES}");
            }
            diags.push(Diagnostic::error(expr.span, "Invalid address", detail));
            None
        }
    }
}

/// One name of the traversal, with the key that follows it.
struct Part<'a> {
    name: &'a str,
    key: Option<&'a Expr>,
}

fn parts(expr: &Expr) -> Result<Vec<Part<'_>>, String> {
    let (root, ops) = match &expr.kind {
        ExprKind::Variable(name) => (name, &[][..]),
        ExprKind::Traversal(base, ops) => match &base.kind {
            ExprKind::Variable(name) => (name, ops.as_slice()),
            _ => return Err("This is not an address".into()),
        },
        _ => return Err("This is not an address".into()),
    };
    let mut parts = vec![Part {
        name: root,
        key: None,
    }];
    for op in ops {
        match &op.op {
            TraverseOp::Attr(name) => parts.push(Part { name, key: None }),
            TraverseOp::Index(index) => {
                let named = parts.len() > 1;
                match parts.last_mut() {
                    Some(last) if last.key.is_none() && named => last.key = Some(index),
                    _ => {
                        return Err(
                            "An index may follow only a module call or a resource name".into()
                        );
                    }
                }
            }
            TraverseOp::AttrSplat | TraverseOp::FullSplat => {
                return Err("A splat ([*]) names no single object".into());
            }
        }
    }
    Ok(parts)
}

fn key(expr: &Expr) -> Result<InstanceKey, String> {
    match &expr.kind {
        ExprKind::Number(n)
            if !n.is_negative()
                && let Some(i) = n.to_i64() =>
        {
            Ok(InstanceKey::Index(i))
        }
        ExprKind::Template(parts) => match parts.as_slice() {
            [TemplatePart::Literal(s)] => Ok(InstanceKey::Key(s.clone())),
            [] => Ok(InstanceKey::Key(String::new())),
            _ => Err("An instance key is a literal number or string".into()),
        },
        _ => Err("An instance key is a literal number or string".into()),
    }
}

fn read(expr: &Expr) -> Result<Endpoint, String> {
    let parts = parts(expr)?;
    let mut module = Vec::new();
    let mut rest = parts.as_slice();
    while let [first, ..] = rest
        && first.name == "module"
    {
        let [_, call, tail @ ..] = rest else {
            return Err("`module` must be followed by the name of a module call".into());
        };
        if first.key.is_some() {
            return Err("An index must follow the module call's name".into());
        }
        module.push(ModuleStep {
            name: call.name.to_string(),
            key: call.key.map(key).transpose()?,
        });
        rest = tail;
    }
    let resource = match rest {
        [] => None,
        [kind, name] => {
            if schema::kind(kind.name).is_none_or(|k| !k.managed) {
                return Err(format!("\"{}\" is not a resource kind", kind.name));
            }
            if kind.key.is_some() {
                return Err("An index must follow the resource's name".into());
            }
            Some(ResourceStep {
                kind: kind.name.to_string(),
                name: name.name.to_string(),
                key: name.key.map(key).transpose()?,
            })
        }
        [_] => return Err("A resource address has a kind and a name".into()),
        _ => return Err("Unexpected text after the address".into()),
    };
    Ok(Endpoint {
        scope: Vec::new(),
        module,
        resource,
        span: expr.span,
    })
}

fn no_labels(block: &Block, diags: &mut Diagnostics) {
    if let Some(label) = block.labels.first() {
        diags.push(Diagnostic::error(
            label.span,
            format!("A {} block has no name", block.kind.name),
            format!(
                "Write it as `{} {{ ... }}`: the addresses inside say what it is about.",
                block.kind.name
            ),
        ));
    }
}

fn address_of(block: &Block, name: &str, diags: &mut Diagnostics) -> Option<Endpoint> {
    endpoint(&required_attr(block, name, diags)?.value, diags)
}

/// A `moved { from = ADDRESS  to = ADDRESS }` block, relative to its module.
pub(crate) fn moved_block(block: &Block, diags: &mut Diagnostics) -> Option<Move> {
    no_labels(block, diags);
    check_fields(block, &["from", "to"], &[], diags);
    let from = address_of(block, "from", diags);
    let to = address_of(block, "to", diags);
    Some(Move {
        from: from?,
        to: to?,
        span: block.header_span(),
        implied: false,
    })
}

/// A `removed { from = ADDRESS  lifecycle { destroy = BOOL } }` block, relative to its
/// module. Unlike Terraform, `lifecycle { destroy }` is required: whether the objects are
/// destroyed or left running is said, not assumed.
pub(crate) fn removed_block(block: &Block, diags: &mut Diagnostics) -> Option<Removal> {
    no_labels(block, diags);
    check_fields(block, &["from"], &["lifecycle"], diags);
    let from = address_of(block, "from", diags);
    let Some(lifecycle) = block.body.blocks_of("lifecycle").next() else {
        diags.push(Diagnostic::error(
            block.header_span(),
            "A removed block needs lifecycle { destroy = ... }",
            "Say what happens to the objects: `lifecycle { destroy = false }` forgets them and leaves them running; `lifecycle { destroy = true }` destroys them.",
        ));
        return None;
    };
    check_fields(lifecycle, &["destroy"], &[], diags);
    let destroy =
        match required_attr(lifecycle, "destroy", diags).map(|a| (&a.value.kind, a.value.span)) {
            Some((ExprKind::Bool(b), _)) => *b,
            Some((_, span)) => {
                diags.push(Diagnostic::error(
                    span,
                    "\"destroy\" must be true or false",
                    "Write the literal true (destroy the objects) or false (forget them).",
                ));
                return None;
            }
            None => return None,
        };
    Some(Removal {
        from: from?,
        destroy,
        span: block.header_span(),
    })
}
