//! Dependency cycles: the shortest cycle named, through locals and module outputs, and no
//! follow-on errors.

use crate::common::{load, load_files};
use crate::modules::ZONE_MODULE;
use blueprint::Inputs;

#[test]
fn cycle_of_two_resources() {
    let out = load(concat!(
        platform!(),
        r#"
vm "a" {
  pool        = host_pool.main
  zone        = network_zone.app
  cpu         = 2
  memory      = "4GiB"
  description = "peer of ${vm.b.name}"
}

vm "b" {
  pool        = host_pool.main
  zone        = network_zone.app
  cpu         = 2
  memory      = "4GiB"
  description = "peer of ${vm.a.name}"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Dependency cycle: vm.a → vm.b → vm.a",
            "note: vm.a refers to vm.b",
            "main.hcl:22:28",
            "note: vm.b refers to vm.a",
            "main.hcl:30:28",
        ],
    );
    insta::assert_snapshot!("cycle_of_two_resources", out.text);
}

#[test]
fn shortest_cycle_in_a_larger_component() {
    // a → b → c → a is the shortest cycle; c → d → e → a makes a longer one through the
    // same component.
    let out = load(
        r#"locals {
  a = local.b + 1
  b = local.c + 1
  c = local.a + local.d
  d = local.e + 1
  e = local.a + 1
}
"#,
    );
    out.expect(
        1,
        0,
        &["Dependency cycle: local.a → local.b → local.c → local.a"],
    );
    assert!(!out.text.contains("local.d refers"), "{}", out.text);
    insta::assert_snapshot!("shortest_cycle_in_a_larger_component", out.text);
}

#[test]
fn shortest_cycle_among_resources() {
    // Five vms in one strongly connected component: a → b → c → d → e → a, and a shortcut
    // d → b that makes the 3-step cycle b → c → d → b.
    let vm = |name: &str, refers: &str| {
        format!(
            "\nvm \"{name}\" {{\n  pool        = host_pool.main\n  zone        = network_zone.app\n  cpu         = 2\n  memory      = \"4GiB\"\n  description = {refers}\n}}\n"
        )
    };
    let text = [
        platform!().to_string(),
        vm("a", "vm.b.name"),
        vm("b", "vm.c.name"),
        vm("c", "vm.d.name"),
        vm("d", "\"${vm.e.name} ${vm.b.name}\""),
        vm("e", "vm.a.name"),
    ]
    .concat();
    let out = load(&text);
    out.expect(1, 0, &["Dependency cycle: vm.b → vm.c → vm.d → vm.b"]);
    insta::assert_snapshot!("shortest_cycle_among_resources", out.text);
}

#[test]
fn cycle_through_a_local_value() {
    let out = load(concat!(
        platform!(),
        r#"
locals {
  web_memory = "${vm.web.cpu * 4}GiB"
}

vm "web" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 4
  memory = local.web_memory
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Dependency cycle:",
            "local.web_memory",
            "vm.web",
            "main.hcl:18:19",
            "main.hcl:25:12",
        ],
    );
    insta::assert_snapshot!("cycle_through_a_local_value", out.text);
}

#[test]
fn cycle_through_a_module_output() {
    let out = load_files(
        &[
            (
                "main.hcl",
                concat!(
                    platform!(),
                    r#"
module "app" {
  source = "./modules/zone"
  cidr   = "10.20.0.0/16"
  vlan   = vm.web.cpu
}

vm "web" {
  pool        = host_pool.main
  zone        = network_zone.app
  cpu         = 4
  memory      = "8GiB"
  description = "in ${module.app.name}"
}
"#
                ),
            ),
            ("modules/zone/main.hcl", ZONE_MODULE),
        ],
        &Inputs::default(),
    );
    out.expect(
        1,
        0,
        &[
            "Dependency cycle:",
            "vm.web",
            "module.app.output.name",
            "module.app.var.vlan",
        ],
    );
    insta::assert_snapshot!("cycle_through_a_module_output", out.text);
}

#[test]
fn cycle_does_not_cause_follow_on_errors() {
    // vm.c and the output refer to vm.a, which is on the cycle: it reads as unknown, so
    // only the cycle is reported.
    let out = load(concat!(
        platform!(),
        r#"
vm "a" {
  pool        = host_pool.main
  zone        = network_zone.app
  cpu         = 2
  memory      = "4GiB"
  description = vm.b.name
}

vm "b" {
  pool        = host_pool.main
  zone        = network_zone.app
  cpu         = 2
  memory      = "4GiB"
  description = vm.a.name
}

vm "c" {
  pool        = host_pool.main
  zone        = network_zone.app
  cpu         = 2
  memory      = "4GiB"
  description = "next to ${vm.a.name}"
}

output "a" {
  value = vm.a.name
}
"#
    ));
    out.expect(1, 0, &["Dependency cycle: vm.a → vm.b → vm.a"]);
    assert_eq!(
        out.occurrences("Reference to undeclared resource vm.a"),
        0,
        "{}",
        out.text
    );
    insta::assert_snapshot!("cycle_does_not_cause_follow_on_errors", out.text);
}
