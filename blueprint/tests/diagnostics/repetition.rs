//! `count` and `for_each`: used together, over the wrong collection, `count.index` and
//! `each` outside them, and an error of a repeated block reported once.

use crate::common::load;

#[test]
fn count_and_for_each_together() {
    // Known problem: the span runs from count's value to for_each's value over two lines,
    // so only the `2` of count is underlined and the for_each line is not shown.
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  count    = 2
  for_each = toset(["a", "b"])
  pool     = host_pool.main
  zone     = network_zone.app
  cpu      = 4
  memory   = "8GiB"
}
"#
    ));
    out.expect(
        1,
        0,
        &["count and for_each together", "main.hcl:18:14", "not both"],
    );
    insta::assert_snapshot!("count_and_for_each_together", out.text);
}

#[test]
fn for_each_over_a_list() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  for_each = ["a", "b"]
  pool     = host_pool.main
  zone     = network_zone.app
  cpu      = 4
  memory   = "8GiB"
}
"#
    ));
    out.expect(1, 0, &["Invalid for_each", "main.hcl:18:14", "toset(...)"]);
    insta::assert_snapshot!("for_each_over_a_list", out.text);
}

#[test]
fn for_each_over_a_set_of_numbers() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  for_each = toset([1, 2])
  pool     = host_pool.main
  zone     = network_zone.app
  cpu      = 4
  memory   = "8GiB"
}
"#
    ));
    out.expect(
        1,
        0,
        &["Invalid for_each", "main.hcl:18:14", "must hold strings"],
    );
    insta::assert_snapshot!("for_each_over_a_set_of_numbers", out.text);
}

#[test]
fn count_index_outside_count() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool        = host_pool.main
  zone        = network_zone.app
  cpu         = 4
  memory      = "8GiB"
  description = "web ${count.index}"
}
"#
    ));
    out.expect(
        1,
        0,
        &["count.index used outside a counted block", "main.hcl:22:24"],
    );
    insta::assert_snapshot!("count_index_outside_count", out.text);
}

#[test]
fn each_outside_for_each() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool        = host_pool.main
  zone        = network_zone.app
  cpu         = 4
  memory      = "8GiB"
  description = "web ${each.key}"
}
"#
    ));
    out.expect(
        1,
        0,
        &["each used outside a for_each block", "main.hcl:22:24"],
    );
    insta::assert_snapshot!("each_outside_for_each", out.text);
}

#[test]
fn error_in_counted_block_reported_once() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  count  = 50
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 2
  memory = "2GB "
}
"#
    ));
    out.expect(1, 0, &["Invalid value for \"memory\"", "main.hcl:22:12"]);
    assert_eq!(out.occurrences("error:"), 1, "{}", out.text);
    insta::assert_snapshot!("error_in_counted_block_reported_once", out.text);
}
