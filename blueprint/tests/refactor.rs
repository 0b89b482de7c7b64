//! Snapshots of the diagnostics of `moved` and `removed` blocks, one mistake per test, and
//! what a valid one evaluates to.

mod common;

use blueprint::{Inputs, SourceMap};
use common::load;

/// A site, a pool, a zone and one VM `vm.b` (lines 1 to 23).
const BASE: &str = r#"site "dc" {}

host_pool "p" {
  site  = site.dc
  hosts = 2

  host {
    cpu    = 16
    memory = "64GiB"
  }
}

network_zone "z" {
  cidr = "10.0.0.0/24"
}

vm "b" {
  pool   = host_pool.p
  zone   = network_zone.z
  cpu    = 2
  memory = "4GiB"
}

"#;

fn with(extra: &str) -> String {
    format!("{BASE}{extra}")
}

#[test]
fn moved_to_another_kind() {
    let out = load(&with("moved {\n  from = vm.a\n  to   = storage.b\n}\n"));
    out.expect(
        1,
        0,
        &[
            "Cannot move vm.a to storage.b: an object keeps its kind",
            "main.hcl:26:10",
        ],
    );
    insta::assert_snapshot!("moved_to_another_kind", out.text);
}

#[test]
fn moved_object_still_declared() {
    let out = load(&with("moved {\n  from = vm.b\n  to   = vm.c\n}\n"));
    out.expect(
        1,
        0,
        &[
            "Moved object vm.b is still declared",
            "main.hcl:25:10",
            "main.hcl:17:1",
        ],
    );
    insta::assert_snapshot!("moved_object_still_declared", out.text);
}

#[test]
fn moved_blocks_in_a_cycle() {
    let out = load(&with(
        "moved {\n  from = vm.x\n  to   = vm.y\n}\n\nmoved {\n  from = vm.y\n  to   = vm.x\n}\n",
    ));
    out.expect(
        1,
        0,
        &["The moved blocks form a cycle", "vm.x -> vm.y -> vm.x"],
    );
    insta::assert_snapshot!("moved_blocks_in_a_cycle", out.text);
}

#[test]
fn two_moved_blocks_from_one_address() {
    let out = load(&with(
        "moved {\n  from = vm.a\n  to   = vm.b\n}\n\nmoved {\n  from = vm.a\n  to   = vm.c\n}\n",
    ));
    out.expect(
        1,
        0,
        &["Two moved blocks move vm.a", "the other moved block"],
    );
    insta::assert_snapshot!("two_moved_blocks_from_one_address", out.text);
}

#[test]
fn moved_address_written_as_a_string() {
    let out = load(&with("moved {\n  from = \"vm.a\"\n  to   = vm.b\n}\n"));
    out.expect(
        1,
        0,
        &["Invalid address", "quoted string", "main.hcl:25:10"],
    );
    insta::assert_snapshot!("moved_address_written_as_a_string", out.text);
}

#[test]
fn moved_address_of_an_unknown_kind() {
    let out = load(&with("moved {\n  from = vmm.a\n  to   = vm.b\n}\n"));
    out.expect(1, 0, &["Invalid address", "\"vmm\" is not a resource kind"]);
    insta::assert_snapshot!("moved_address_of_an_unknown_kind", out.text);
}

#[test]
fn removed_object_still_declared() {
    let out = load(&with(
        "removed {\n  from = vm.b\n\n  lifecycle {\n    destroy = false\n  }\n}\n",
    ));
    out.expect(
        1,
        0,
        &["Removed object vm.b is still declared", "main.hcl:17:1"],
    );
    insta::assert_snapshot!("removed_object_still_declared", out.text);
}

#[test]
fn removed_without_lifecycle() {
    let out = load(&with("removed {\n  from = vm.a\n}\n"));
    out.expect(
        1,
        0,
        &[
            "A removed block needs lifecycle { destroy = ... }",
            "main.hcl:24:1",
        ],
    );
    insta::assert_snapshot!("removed_without_lifecycle", out.text);
}

#[test]
fn removed_one_instance_left_by_count_is_valid() {
    let text = with(
        "vm \"a\" {\n  count  = 1\n  pool   = host_pool.p\n  zone   = network_zone.z\n  cpu    = 1\n  memory = \"1GiB\"\n}\n\nremoved {\n  from = vm.a[1]\n\n  lifecycle {\n    destroy = true\n  }\n}\n",
    );
    load(&text).expect(0, 0, &[]);
    let still = text.replace("vm.a[1]", "vm.a[0]");
    load(&still).expect(1, 0, &["Removed object vm.a[0] is still declared"]);
}

#[test]
fn valid_blocks_evaluate_with_their_module_and_inferred_moves() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("m")).unwrap();
    std::fs::write(
        dir.path().join("main.hcl"),
        with("module \"m\" {\n  source = \"./m\"\n}\n\nmoved {\n  from = vm.a\n  to   = module.m.vm.a\n}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("m/main.hcl"),
        "vm \"a\" {\n  count  = 1\n  pool   = \"host_pool.p\"\n  zone   = \"network_zone.z\"\n  cpu    = 1\n  memory = \"1GiB\"\n}\n\nremoved {\n  from = vm.gone\n\n  lifecycle {\n    destroy = false\n  }\n}\n",
    )
    .unwrap();
    let mut sources = SourceMap::default();
    let (config, diags) = blueprint::load(dir.path(), &Inputs::default(), &mut sources);
    let shown: Vec<String> = config
        .moves
        .iter()
        .map(|m| {
            format!(
                "{:?} {}/{} -> {}",
                m.implied,
                m.from.scope.join("."),
                m.from,
                m.to
            )
        })
        .collect();
    assert!(
        shown.contains(&"false /vm.a -> module.m.vm.a".to_string()),
        "{shown:?}\n{}",
        diags.render(&sources)
    );
    assert!(
        shown.contains(&"true m/vm.a -> vm.a[0]".to_string()),
        "{shown:?}"
    );
    assert!(
        shown.contains(&"true /vm.b[0] -> vm.b".to_string()),
        "{shown:?}"
    );
    assert_eq!(config.removals.len(), 1);
    assert_eq!(config.removals[0].from.scope, ["m"]);
    assert!(!config.removals[0].destroy);
}
