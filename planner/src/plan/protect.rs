//! Protection: `prevent_destroy` checked on every object a plan would destroy.
//!
//! Every delete and replacement in the plan is checked, whatever brings it: an attribute
//! that forces a replacement, `-replace`, a lowered `count` or a shorter `for_each`, a
//! deleted block, a move to an address the blueprint no longer declares, `strata
//! destroy`. The check runs after `-target` has narrowed the plan, so the blame falls on
//! what is really destroyed. The protection comes from the object's block while the
//! blueprint declares it (even when `count` no longer includes the object), else from the
//! state, which records `prevent_destroy` at every apply: deleting the block does not
//! drop the protection (Terraform's does; Strata's goes further). A `removed` block with
//! `destroy = true` lifts it. Objects an interrupted create_before_destroy left deposed
//! are not checked: their replacement was.

use std::collections::{HashMap, HashSet};

use blueprint::address::ModuleStep;
use blueprint::config::Resource;
use blueprint::{Address, Config, Diagnostic, Span};

use super::{Action, Change};
use crate::state::Object;

/// Where an object's protection comes from.
enum Source {
    /// Its block, which the blueprint still declares.
    Block(Span),
    /// The state, as recorded at its last apply.
    State,
}

/// Reports every change that would destroy a protected object. `current` holds the
/// object each address has (not a deposed one); `recorded` every object of the state.
pub(super) fn check(
    changes: &[Change],
    config: &Config,
    current: &HashMap<&Address, &Object>,
    recorded: &[Object],
    diags: &mut Vec<Diagnostic>,
) {
    let blocks: HashMap<(&[ModuleStep], &str, &str), &Resource> = config
        .resources
        .iter()
        .map(|r| ((r.module.as_slice(), r.kind, r.name.as_str()), r))
        .collect();
    let declared: HashSet<&Address> = config.instances.iter().map(|i| &i.address).collect();
    let protected: HashSet<(&Address, &str)> = recorded
        .iter()
        .filter(|o| o.prevent_destroy)
        .map(|o| (&o.address, o.id.as_str()))
        .collect();
    for change in changes {
        if !matches!(change.action, Action::Delete | Action::Replace) {
            continue;
        }
        let address = &change.address;
        let deposed = current
            .get(address)
            .is_some_and(|o| Some(&o.id) != change.id.as_ref());
        let lifted = config
            .removals
            .iter()
            .any(|r| r.destroy && r.from.covers(address));
        if deposed || lifted {
            continue;
        }
        let block = blocks.get(&(
            address.module.as_slice(),
            address.kind.as_str(),
            address.name.as_str(),
        ));
        let recorded = change
            .id
            .as_deref()
            .is_some_and(|id| protected.contains(&(address, id)));
        let source = match block {
            Some(block) if block.lifecycle.prevent_destroy => Source::Block(block.span),
            Some(_) => continue,
            None if recorded => Source::State,
            None => continue,
        };
        diags.push(diagnostic(change, declared.contains(address), source));
    }
}

fn diagnostic(change: &Change, declared: bool, source: Source) -> Diagnostic {
    let address = &change.address;
    let (verb, because) = match change.action {
        Action::Replace if !change.replace_because.is_empty() => (
            "replace",
            format!(
                " ({} forces a replacement)",
                change.replace_because.join(", ")
            ),
        ),
        Action::Replace => ("replace", String::new()),
        _ => ("destroy", String::new()),
    };
    let because = change
        .reason
        .as_ref()
        .map(|r| format!(" (because {})", r.explain(&change.address)))
        .unwrap_or(because);
    let summary = format!("{address} cannot be destroyed");
    let remove = |destroy: bool| {
        format!("`removed {{ from = {address}  lifecycle {{ destroy = {destroy} }} }}`")
    };
    match source {
        Source::Block(span) => {
            let instead = if declared {
                "; or change the plan (the attribute that forces the replacement, -replace, -target)".to_string()
            } else {
                format!(
                    "; or, to destroy this one object and keep the others protected, add {}",
                    remove(true)
                )
            };
            Diagnostic::error(
                span,
                summary,
                format!(
                    "Its block sets prevent_destroy = true, and this plan would {verb} it{because}. If that is meant, set prevent_destroy = false and apply, then plan again{instead}."
                ),
            )
        }
        Source::State => {
            // Its block is gone, so every instance of it goes: name the whole resource.
            let whole = Address {
                key: None,
                ..change.address.clone()
            };
            let remove = |destroy: bool| {
                format!("`removed {{ from = {whole}  lifecycle {{ destroy = {destroy} }} }}`")
            };
            Diagnostic::error(
                None,
                summary,
                format!(
                    "prevent_destroy = true was recorded in the state at its last apply, and the blueprint no longer declares it, so this plan would {verb} it. To destroy it, add {}; to stop managing it and leave it running, add {}; or declare its block again with prevent_destroy = false and apply first.",
                    remove(true),
                    remove(false)
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use blueprint::config::{Fields, Instance, Lifecycle, Resource};
    use blueprint::refactor::{Endpoint, Removal, ResourceStep};
    use blueprint::source::FileId;

    use super::*;

    fn span() -> Span {
        Span::new(FileId(0), 1..2)
    }

    fn address(text: &str) -> Address {
        text.parse().unwrap()
    }

    /// The blueprint: `vm.a` with `count = instances` when `block` is `Some(protected)`.
    fn config(block: Option<bool>, instances: i64, removal: Option<(&str, bool)>) -> Config {
        let mut config = Config::default();
        if let Some(protected) = block {
            let lifecycle = Lifecycle {
                prevent_destroy: protected,
                ..Lifecycle::default()
            };
            config.resources.push(Resource {
                module: Vec::new(),
                kind: "vm",
                name: "a".into(),
                lifecycle: lifecycle.clone(),
                span: span(),
            });
            for i in 0..instances {
                config.instances.push(Instance {
                    address: address(&format!("vm.a[{i}]")),
                    kind: "vm",
                    managed: true,
                    fields: Fields::default(),
                    deps: Vec::new(),
                    lifecycle: lifecycle.clone(),
                    provider: None,
                    span: span(),
                    sensitive: Vec::new(),
                });
            }
        }
        if let Some((from, destroy)) = removal {
            let a = address(from);
            config.removals.push(Removal {
                from: Endpoint {
                    scope: Vec::new(),
                    module: Vec::new(),
                    resource: Some(ResourceStep {
                        kind: a.kind,
                        name: a.name,
                        key: a.key,
                    }),
                    span: span(),
                },
                destroy,
                span: span(),
            });
        }
        config
    }

    fn object(at: &str, id: &str, protected: bool) -> Object {
        Object {
            address: address(at),
            kind: "vm".into(),
            provider: "sim".into(),
            id: id.into(),
            attributes: Default::default(),
            dependencies: Vec::new(),
            created_at: 0,
            sensitive: Vec::new(),
            prevent_destroy: protected,
        }
    }

    fn change(at: &str, id: &str, action: Action) -> Change {
        Change {
            address: address(at),
            kind: "vm".into(),
            provider: "sim".into(),
            action,
            id: Some(id.into()),
            before: None,
            after: None,
            replace_because: Vec::new(),
            reason: None,
            dependencies: Vec::new(),
            create_before_destroy: false,
            retire: None,
            sensitive: Vec::new(),
            unknown: Vec::new(),
            implied: Vec::new(),
            notes: Vec::new(),
            previous_address: None,
            prior_dependencies: Vec::new(),
            prevent_destroy: false,
            prior_prevent_destroy: false,
        }
    }

    /// What the check says about `vm.a[1]` (id `1`), given the blueprint, what the state
    /// recorded, and the plan's action.
    fn verdict(config: &Config, recorded: bool, action: Action, current_id: &str) -> String {
        let objects = [
            object("vm.a[1]", "1", recorded),
            object("vm.a[1]", current_id, false),
        ];
        let target = address("vm.a[1]");
        let current: HashMap<&Address, &Object> = [(
            &target,
            objects.iter().find(|o| o.id == current_id).unwrap(),
        )]
        .into();
        let mut diags = Vec::new();
        check(
            &[change("vm.a[1]", "1", action)],
            config,
            &current,
            &objects,
            &mut diags,
        );
        match diags.as_slice() {
            [] => "allowed".into(),
            [d] if d.span.is_some() && d.detail.contains("`removed {") => {
                "refused by the block, removed offered".into()
            }
            [d] if d.span.is_some() => "refused by the block".into(),
            [d] if d.detail.contains("recorded in the state") => "refused by the state".into(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn every_destroy_is_checked_against_the_block_or_else_the_state() {
        use Action::*;
        let cases: &[(&str, Config, bool, Action, &str, &str)] = &[
            (
                "declared, protected, replaced",
                config(Some(true), 2, None),
                false,
                Replace,
                "1",
                "refused by the block",
            ),
            (
                "declared, protected, updated",
                config(Some(true), 2, None),
                true,
                Update,
                "1",
                "allowed",
            ),
            (
                "declared, protection lifted, state still protected",
                config(Some(false), 2, None),
                true,
                Delete,
                "1",
                "allowed",
            ),
            (
                "count lowered on a protected block",
                config(Some(true), 1, None),
                false,
                Delete,
                "1",
                "refused by the block, removed offered",
            ),
            (
                "count lowered to zero on a protected block",
                config(Some(true), 0, None),
                false,
                Delete,
                "1",
                "refused by the block, removed offered",
            ),
            (
                "block gone, protected in the state",
                config(None, 0, None),
                true,
                Delete,
                "1",
                "refused by the state",
            ),
            (
                "block gone, not protected",
                config(None, 0, None),
                false,
                Delete,
                "1",
                "allowed",
            ),
            (
                "block gone, removed with destroy = true",
                config(None, 0, Some(("vm.a", true))),
                true,
                Delete,
                "1",
                "allowed",
            ),
            (
                "one instance removed with destroy = true",
                config(Some(true), 1, Some(("vm.a[1]", true))),
                true,
                Delete,
                "1",
                "allowed",
            ),
            (
                "removed with destroy = false only forgets",
                config(None, 0, Some(("vm.a", false))),
                true,
                Forget,
                "1",
                "allowed",
            ),
            (
                "a deposed object",
                config(Some(true), 2, None),
                true,
                Delete,
                "2",
                "allowed",
            ),
        ];
        for (name, config, recorded, action, current, expected) in cases {
            assert_eq!(
                verdict(config, *recorded, *action, current),
                *expected,
                "{name}"
            );
        }
    }
}
