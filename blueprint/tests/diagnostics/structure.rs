//! Block structure: unknown, missing, misplaced, unnamed and duplicate blocks and
//! attributes, and unknown providers.

use crate::common::{load, load_files};
use blueprint::Inputs;

#[test]
fn unknown_block_type_with_suggestion() {
    let out = load(
        r#"site "dc1" {}

netwrok_zone "app" {
  cidr = "10.10.0.0/16"
}
"#,
    );
    out.expect(
        1,
        0,
        &[
            "Unknown block type \"netwrok_zone\"",
            "main.hcl:3:1",
            "Did you mean \"network_zone\"?",
        ],
    );
    insta::assert_snapshot!("unknown_block_type_with_suggestion", out.text);
}

#[test]
fn unknown_attribute_with_suggestion() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpus   = 4
  memory = "8GiB"
}
"#
    ));
    // `cpus` is unknown, so `cpu` is also missing.
    out.expect(
        2,
        0,
        &[
            "Unknown attribute \"cpus\"",
            "main.hcl:20:3",
            "Did you mean \"cpu\"?",
            "Missing required attribute \"cpu\"",
        ],
    );
    insta::assert_snapshot!("unknown_attribute_with_suggestion", out.text);
}

#[test]
fn missing_required_attribute() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool = host_pool.main
  zone = network_zone.app
  cpu  = 4
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Missing required attribute \"memory\"",
            "main.hcl:17:1",
            "`memory = ...`",
        ],
    );
    insta::assert_snapshot!("missing_required_attribute", out.text);
}

#[test]
fn missing_required_nested_block() {
    let out = load(
        r#"site "dc1" {}

host_pool "main" {
  site  = site.dc1
  hosts = 4
}
"#,
    );
    out.expect(
        1,
        0,
        &[
            "Missing required block \"host\"",
            "main.hcl:3:1",
            "host { ... }",
        ],
    );
    insta::assert_snapshot!("missing_required_nested_block", out.text);
}

#[test]
fn block_written_as_attribute() {
    // The block written as an attribute is not reported again as a missing block.
    let out = load(
        r#"site "dc1" {}

host_pool "main" {
  site  = site.dc1
  hosts = 4
  host = {
    cpu    = 32
    memory = "256GiB"
  }
}
"#,
    );
    out.expect(
        1,
        0,
        &[
            "\"host\" is a block, not an attribute",
            "main.hcl:6:3",
            "without `=`",
        ],
    );
    insta::assert_snapshot!("block_written_as_attribute", out.text);
}

#[test]
fn attribute_outside_any_block() {
    let out = load(concat!(
        r#"region = "north"

"#,
        platform!()
    ));
    out.expect(
        1,
        0,
        &[
            "Attribute \"region\" outside any block",
            "main.hcl:1:1",
            "locals",
        ],
    );
    insta::assert_snapshot!("attribute_outside_any_block", out.text);
}

#[test]
fn resource_without_a_name() {
    let out = load(concat!(
        platform!(),
        r#"
vm {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 4
  memory = "8GiB"
}
"#
    ));
    out.expect(
        1,
        0,
        &["A vm block needs exactly one name", "main.hcl:17:1"],
    );
    insta::assert_snapshot!("resource_without_a_name", out.text);
}

#[test]
fn wrong_labels_on_nested_blocks() {
    // Two mistakes, two errors: a wrongly labelled block is not also reported missing.
    let out = load(concat!(
        platform!(),
        r#"
kubernetes_cluster "main" {
  pool = host_pool.main
  zone = network_zone.app

  control_plane "cp" {
    count = 3
  }

  node_group {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}
"#
    ));
    out.expect(
        2,
        0,
        &[
            "Wrong labels on a control_plane block",
            "main.hcl:21:3",
            "without a label",
            "Wrong labels on a node_group block",
            "main.hcl:25:3",
            "`node_group \"name\" { ... }`",
        ],
    );
    insta::assert_snapshot!("wrong_labels_on_nested_blocks", out.text);
}

#[test]
fn duplicate_resource() {
    let out = load(
        r#"site "dc1" {
  location = "North"
}

site "dc1" {
  location = "South"
}
"#,
    );
    out.expect(
        1,
        0,
        &[
            "Duplicate site \"dc1\"",
            "main.hcl:5:6",
            "first declared here",
            "main.hcl:1:6",
        ],
    );
    insta::assert_snapshot!("duplicate_resource", out.text);
}

#[test]
fn duplicate_resource_across_files() {
    let out = load_files(
        &[
            ("a.hcl", "site \"dc1\" {}\n"),
            ("b.hcl", "\nsite \"dc1\" {}\n"),
        ],
        &Inputs::default(),
    );
    out.expect(1, 0, &["Duplicate site \"dc1\"", "b.hcl:2:6", "a.hcl:1:6"]);
    insta::assert_snapshot!("duplicate_resource_across_files", out.text);
}

#[test]
fn duplicate_node_group_label() {
    let out = load(concat!(
        platform!(),
        r#"
kubernetes_cluster "main" {
  pool = host_pool.main
  zone = network_zone.app

  control_plane {
    count = 3
  }

  node_group "workers" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }

  node_group "workers" {
    count  = 2
    cpu    = 16
    memory = "64GiB"
  }
}
"#
    ));
    out.expect(
        1,
        0,
        &["Duplicate node_group \"workers\"", "main.hcl:31:14"],
    );
    insta::assert_snapshot!("duplicate_node_group_label", out.text);
}

#[test]
fn unknown_provider() {
    let out = load(concat!(
        r#"provider "simm" {}

"#,
        platform!()
    ));
    out.expect(
        1,
        0,
        &[
            "Unknown provider \"simm\"",
            "main.hcl:1:10",
            "Did you mean \"sim\"?",
        ],
    );
    insta::assert_snapshot!("unknown_provider", out.text);
}
