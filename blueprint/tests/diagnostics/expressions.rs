//! Expressions: references to the wrong kind or to nothing, unknown locals and functions,
//! function errors, `depends_on` entries and resources interpolated in strings.

use crate::common::load;

#[test]
fn reference_to_the_wrong_kind() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = site.dc1
  zone   = network_zone.app
  cpu    = 4
  memory = "8GiB"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Invalid value for \"pool\"",
            "main.hcl:18:12",
            "site.dc1 is a site",
            "host_pool",
        ],
    );
    insta::assert_snapshot!("reference_to_the_wrong_kind", out.text);
}

#[test]
fn reference_to_undeclared_resource() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = host_pool.mian
  zone   = network_zone.app
  cpu    = 4
  memory = "8GiB"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Reference to undeclared resource host_pool.mian",
            "main.hcl:18:12",
            "Did you mean \"main\"?",
        ],
    );
    insta::assert_snapshot!("reference_to_undeclared_resource", out.text);
}

#[test]
fn resource_name_in_quotes() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = "main"
  zone   = network_zone.app
  cpu    = 4
  memory = "8GiB"
}
"#
    ));
    out.expect(1, 0, &["main.hcl:18:12", "host_pool.main, without quotes"]);
    insta::assert_snapshot!("resource_name_in_quotes", out.text);
}

#[test]
fn unknown_local() {
    let out = load(concat!(
        platform!(),
        r#"
locals {
  vm_memory = "8GiB"
}

vm "web" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 4
  memory = local.vm_mem
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Unknown local value \"vm_mem\"",
            "main.hcl:25:12",
            "Did you mean \"vm_memory\"?",
        ],
    );
    insta::assert_snapshot!("unknown_local", out.text);
}

#[test]
fn unknown_function_with_suggestion() {
    let out = load(
        r#"network_zone "app" {
  cidr = cidrsubnt("10.0.0.0/8", 8, 1)
}
"#,
    );
    out.expect(
        1,
        0,
        &[
            "Unknown function \"cidrsubnt\"",
            "main.hcl:2:10",
            "Did you mean \"cidrsubnet\"?",
        ],
    );
    insta::assert_snapshot!("unknown_function_with_suggestion", out.text);
}

#[test]
fn function_error_cidrsubnet_without_room() {
    let out = load(
        r#"network_zone "app" {
  cidr = cidrsubnet("10.0.0.0/30", 4, 1)
}
"#,
    );
    out.expect(
        1,
        0,
        &[
            "Call to function \"cidrsubnet\" failed",
            "main.hcl:2:10",
            "no room for 4 more bits (at most 2)",
        ],
    );
    insta::assert_snapshot!("function_error_cidrsubnet_without_room", out.text);
}

#[test]
fn depends_on_with_a_string() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool       = host_pool.main
  zone       = network_zone.app
  cpu        = 4
  memory     = "8GiB"
  depends_on = ["network_zone.app"]
}
"#
    ));
    out.expect(1, 0, &["Invalid depends_on entry", "main.hcl:22:17"]);
    insta::assert_snapshot!("depends_on_with_a_string", out.text);
}

#[test]
fn resource_interpolated_in_a_string() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool        = host_pool.main
  zone        = network_zone.app
  cpu         = 4
  memory      = "8GiB"
  description = "runs on ${host_pool.main}"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Cannot use this value in a string",
            "main.hcl:22:28",
            "such as .name",
        ],
    );
    insta::assert_snapshot!("resource_interpolated_in_a_string", out.text);
}
