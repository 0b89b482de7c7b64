//! Protection follows the object: `prevent_destroy` stops every plan that would destroy a
//! protected object, whether it leaves through a lowered `count`, a deleted block or a
//! targeted destroy, and the protection recorded in the state outlives the block.

mod common;

use common::{apply_ok, code, inline, sim_addresses, stderr_in, strata, text, write};

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

/// Deleting the protected block does not drop the protection: it was recorded in the
/// state at the last apply.
#[test]
fn deleting_a_protected_block_is_refused() {
    let dir = inline(&protected(1));
    apply_ok(dir.path());
    let platform = protected(1);
    write(dir.path(), &platform[..platform.find("vm \"a\"").unwrap()]);
    let out = strata(dir.path(), &["plan"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("recorded in the state at its last apply"),
        "{}",
        text(&out)
    );
    insta::assert_snapshot!("protected_block_deleted", stderr_in(dir.path(), &out));
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
