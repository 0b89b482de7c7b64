//! Protection follows the object: `prevent_destroy` stops every plan that would destroy a
//! protected object, whether it leaves through a lowered `count`, a deleted block or a
//! targeted destroy, and the protection recorded in the state outlives the block.

mod common;

use common::{
    apply_ok, code, inline, sim_addresses, state_addresses, stderr_in, strata, text, write,
};

fn protected(count: usize) -> String {
    format!(
        r#"
site "dc" {{}}

host_pool "p" {{
  site  = site.dc
  hosts = 2
  host {{
    cpu    = 16
    memory = "64GiB"
  }}
}}

network_zone "z" {{
  cidr = "10.0.0.0/24"
}}

vm "a" {{
  count  = {count}
  pool   = host_pool.p
  zone   = network_zone.z
  cpu    = 2
  memory = "4GiB"

  lifecycle {{
    prevent_destroy = true
  }}
}}
"#
    )
}

/// Terraform refuses to destroy `vm.a[1]` when count goes from 2 to 1 on a protected block.
#[test]
fn lowering_count_on_a_protected_block_is_refused() {
    let dir = inline(&protected(2));
    apply_ok(dir.path());
    write(dir.path(), &protected(1));
    let out = strata(dir.path(), &["apply", "-auto-approve"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("vm.a[1] cannot be destroyed"),
        "{}",
        text(&out)
    );
    assert!(sim_addresses(dir.path()).contains(&"vm.a[1]".to_string()));
    insta::assert_snapshot!(
        "count_lowered_on_a_protected_block",
        stderr_in(dir.path(), &out)
    );
}

/// A targeted destroy of one protected instance names that instance.
#[test]
fn targeted_destroy_blames_the_targeted_instance() {
    let dir = inline(&protected(2));
    apply_ok(dir.path());
    let out = strata(
        dir.path(),
        &["destroy", "-auto-approve", "-target", "vm.a[1]"],
    );
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("vm.a[1] cannot be destroyed"),
        "{}",
        text(&out)
    );
    assert!(
        !text(&out).contains("vm.a[0] cannot be destroyed"),
        "{}",
        text(&out)
    );
}

/// The blueprint without the protected block.
fn platform() -> String {
    let text = protected(1);
    text[..text.find("vm \"a\"").unwrap()].to_string()
}

fn removed(from: &str, destroy: bool) -> String {
    format!("\nremoved {{\n  from = {from}\n\n  lifecycle {{\n    destroy = {destroy}\n  }}\n}}\n")
}

/// Deleting the protected block does not drop the protection: it was recorded in the
/// state at the last apply (Terraform would destroy the object). A removed block with
/// destroy = true says the destroy is meant.
#[test]
fn deleting_a_protected_block_is_refused_until_a_removed_block_says_so() {
    let dir = inline(&protected(1));
    apply_ok(dir.path());
    write(dir.path(), &platform());
    let out = strata(dir.path(), &["plan"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let shown = text(&out);
    assert!(shown.contains("vm.a[0] cannot be destroyed"), "{shown}");
    assert!(
        shown.contains("recorded in the state at its last apply"),
        "{shown}"
    );
    assert!(
        shown.contains("removed { from = vm.a  lifecycle { destroy = true } }"),
        "{shown}"
    );
    insta::assert_snapshot!("protected_block_deleted", stderr_in(dir.path(), &out));
    // Nor does `strata destroy` drop it.
    let destroy = strata(dir.path(), &["destroy", "-auto-approve"]);
    assert_eq!(code(&destroy), 1, "{}", text(&destroy));
    write(
        dir.path(),
        &format!("{}{}", platform(), removed("vm.a", true)),
    );
    let out = apply_ok(dir.path());
    assert!(out.contains("1 destroyed"), "{out}");
    assert!(!sim_addresses(dir.path()).contains(&"vm.a[0]".to_string()));
}

/// prevent_destroy = false changes no attribute: the plan is empty, and its apply records
/// the lifted protection, so that deleting the block next destroys the object.
#[test]
fn lifting_the_protection_takes_one_apply() {
    let dir = inline(&protected(1));
    apply_ok(dir.path());
    write(dir.path(), &protected(1).replace("true", "false"));
    let plan = strata(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(code(&plan), 0, "{}", text(&plan));
    apply_ok(dir.path());
    write(dir.path(), &platform());
    let out = apply_ok(dir.path());
    assert!(out.contains("1 destroyed"), "{out}");
}

/// Strata's removed block may name one instance: the one a lowered count leaves out goes,
/// the others stay protected.
#[test]
fn one_instance_left_by_count_can_be_removed_while_the_others_stay_protected() {
    let dir = inline(&protected(2));
    apply_ok(dir.path());
    write(dir.path(), &protected(1));
    let out = strata(dir.path(), &["plan"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("removed { from = vm.a[1]  lifecycle { destroy = true } }"),
        "{}",
        text(&out)
    );
    write(
        dir.path(),
        &format!("{}{}", protected(1), removed("vm.a[1]", true)),
    );
    let out = apply_ok(dir.path());
    assert!(out.contains("1 destroyed"), "{out}");
    let vms: Vec<String> = state_addresses(dir.path())
        .into_iter()
        .filter(|a| a.starts_with("vm."))
        .collect();
    assert_eq!(vms, ["vm.a[0]"]);
}
