//! Moves applied to addresses: renames, modules, count and for_each, chains, conflicts.

use std::collections::BTreeSet;

use super::*;
use crate::diagnostic::Diagnostics;
use crate::source::SourceMap;

/// The moves written in `text` (moved blocks of one root module), then `implied` ones.
fn moves(text: &str, implied: &[(&str, &str)]) -> Vec<Move> {
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let file = crate::parse::parse_source(
        &mut sources,
        std::path::Path::new("main.hcl"),
        text.to_string(),
        &mut diags,
    )
    .expect("parses");
    let id = file.file;
    let mut out: Vec<Move> = file
        .body
        .blocks
        .iter()
        .filter_map(|b| moved_block(b, &mut diags))
        .collect();
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    for (from, to) in implied {
        let end = |text: &str| {
            let a: Address = text.parse().unwrap();
            Endpoint {
                scope: Vec::new(),
                module: a.module,
                resource: Some(ResourceStep {
                    kind: a.kind,
                    name: a.name,
                    key: a.key,
                }),
                span: Span::new(id, 0..0),
            }
        };
        out.push(Move {
            from: end(from),
            to: end(to),
            span: Span::new(id, 0..0),
            implied: true,
        });
    }
    out
}

/// `from -> to` for every object that moves, and the conflicts, as text.
fn run(moves: &[Move], state: &[&str]) -> Vec<String> {
    let addresses: BTreeSet<Address> = state.iter().map(|a| a.parse().unwrap()).collect();
    let resolution = resolve(moves, &addresses);
    let mut out: Vec<String> = resolution
        .moved
        .iter()
        .map(|m| format!("{} -> {}", m.from, m.to))
        .collect();
    for c in &resolution.conflicts {
        out.push(match c {
            Conflict::Taken(m) => format!("taken {} -> {}", m.from, m.to),
            Conflict::Collision(ms) => format!(
                "collision {}",
                ms.iter()
                    .map(|m| format!("{} -> {}", m.from, m.to))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Conflict::Cycle { at, .. } => format!("cycle at {at}"),
        });
    }
    out
}

#[test]
fn renames_a_resource_with_all_its_instances() {
    let m = moves("moved {\n  from = vm.a\n  to = vm.b\n}\n", &[]);
    assert_eq!(
        run(&m, &["vm.a", "vm.a[0]", "vm.a[\"x\"]", "vm.c"]),
        [
            "vm.a -> vm.b",
            "vm.a[0] -> vm.b[0]",
            "vm.a[\"x\"] -> vm.b[\"x\"]"
        ]
    );
}

#[test]
fn moves_one_instance_and_count_to_for_each() {
    let m = moves(
        "moved {\n  from = vm.a[0]\n  to = vm.a[\"web\"]\n}\nmoved {\n  from = vm.a[1]\n  to = vm.a[\"db\"]\n}\n",
        &[],
    );
    assert_eq!(
        run(&m, &["vm.a[0]", "vm.a[1]", "vm.a[2]"]),
        ["vm.a[0] -> vm.a[\"web\"]", "vm.a[1] -> vm.a[\"db\"]"]
    );
}

#[test]
fn moves_into_out_of_and_between_modules() {
    let m = moves(
        "moved {\n  from = vm.a\n  to = module.m.vm.a\n}\nmoved {\n  from = module.old.vm.b\n  to = vm.b\n}\nmoved {\n  from = module.x\n  to = module.y\n}\n",
        &[],
    );
    assert_eq!(
        run(
            &m,
            &[
                "vm.a",
                "module.old.vm.b",
                "module.x.vm.c",
                "module.x[\"k\"].module.z.vm.d[1]"
            ]
        ),
        [
            "vm.a -> module.m.vm.a",
            "module.old.vm.b -> vm.b",
            "module.x.vm.c -> module.y.vm.c",
            "module.x[\"k\"].module.z.vm.d[1] -> module.y[\"k\"].module.z.vm.d[1]"
        ]
    );
}

#[test]
fn a_module_without_key_moves_to_an_instance_of_a_module() {
    let m = moves("moved {\n  from = module.a\n  to = module.a[0]\n}\n", &[]);
    assert_eq!(
        run(&m, &["module.a.vm.x", "module.a[1].vm.x"]),
        ["module.a.vm.x -> module.a[0].vm.x"]
    );
}

#[test]
fn chains_are_followed_to_the_end() {
    let m = moves(
        "moved {\n  from = vm.b\n  to = vm.c\n}\nmoved {\n  from = vm.a\n  to = vm.b\n}\n",
        &[],
    );
    assert_eq!(run(&m, &["vm.a"]), ["vm.a -> vm.c"]);
    // Objects at both old addresses would end at one: neither moves.
    assert_eq!(
        run(&m, &["vm.a", "vm.b"]),
        ["collision vm.a -> vm.c, vm.b -> vm.c"]
    );
}

#[test]
fn a_taken_address_refuses_the_move_but_a_vacated_one_does_not() {
    let m = moves("moved {\n  from = vm.a\n  to = vm.b\n}\n", &[]);
    assert_eq!(run(&m, &["vm.a", "vm.b"]), ["taken vm.a -> vm.b"]);
    let chain = moves(
        "moved {\n  from = vm.a\n  to = vm.b\n}\nmoved {\n  from = vm.x\n  to = vm.a\n}\n",
        &[],
    );
    // vm.x -> vm.a -> vm.b and vm.a -> vm.b collide.
    assert_eq!(
        run(&chain, &["vm.a", "vm.x"]),
        ["collision vm.a -> vm.b, vm.x -> vm.b"]
    );
}

#[test]
fn the_most_precise_move_wins() {
    let m = moves(
        "moved {\n  from = vm.a\n  to = vm.b\n}\nmoved {\n  from = vm.a[0]\n  to = vm.c\n}\n",
        &[],
    );
    assert_eq!(
        run(&m, &["vm.a[0]", "vm.a[1]"]),
        ["vm.a[0] -> vm.c", "vm.a[1] -> vm.b[1]"]
    );
}

#[test]
fn cycles_move_nothing() {
    let m = moves(
        "moved {\n  from = vm.a\n  to = vm.b\n}\nmoved {\n  from = vm.b\n  to = vm.a\n}\n",
        &[],
    );
    assert_eq!(run(&m, &["vm.a"]), ["cycle at vm.a"]);
}

#[test]
fn inferred_moves_apply_only_to_free_addresses_and_never_conflict() {
    let m = moves("", &[("vm.a", "vm.a[0]"), ("vm.b[0]", "vm.b")]);
    assert_eq!(
        run(&m, &["vm.a", "vm.b[0]", "vm.b[1]"]),
        ["vm.a -> vm.a[0]", "vm.b[0] -> vm.b"]
    );
    assert_eq!(run(&m, &["vm.a", "vm.a[0]"]), Vec::<String>::new());
    // A written move wins over an inferred one.
    let mut both = moves("moved {\n  from = vm.a\n  to = vm.z\n}\n", &[]);
    both.extend(m);
    assert_eq!(run(&both, &["vm.a"]), ["vm.a -> vm.z"]);
}

#[test]
fn endpoints_cover_and_name_addresses() {
    let m = moves(
        "moved {\n  from = module.m.vm.a\n  to = vm.a[\"k\"]\n}\n",
        &[],
    );
    let a: Address = "module.m.vm.a".parse().unwrap();
    assert!(m[0].from.names(&a) && m[0].from.covers(&a));
    assert_eq!(m[0].to.to_string(), "vm.a[\"k\"]");
    assert!(!m[0].to.covers(&"vm.a".parse().unwrap()));
}
