//! Snapshots of the rendered diagnostics of invalid blueprints: one mistake per test (and
//! one test with several), each blueprint written inline, loaded from a temporary folder
//! and rendered as `strata validate` prints it. The temporary folder's path reads `<dir>`.
//!
//! Besides the snapshot, each test checks the error and warning counts and a key phrase,
//! so that a blindly accepted snapshot still fails the test when the diagnostic changes
//! in substance.

mod common;

use blueprint::{InputValue, Inputs};
use common::{load, load_files};

/// A site, a host pool of four 32-core hosts, and one network zone (lines 1 to 15).
macro_rules! platform {
    () => {
        r#"site "dc1" {}

host_pool "main" {
  site  = site.dc1
  hosts = 4

  host {
    cpu    = 32
    memory = "256GiB"
  }
}

network_zone "app" {
  cidr = "10.10.0.0/16"
}
"#
    };
}

/// `platform!()` plus a Kubernetes cluster with three control-plane nodes and three
/// 8-CPU, 32GiB workers (lines 17 to 30).
macro_rules! with_cluster {
    () => {
        concat!(
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
}
"#
        )
    };
}

// ---------------------------------------------------------------------------------------
// Syntax and structure
// ---------------------------------------------------------------------------------------

#[test]
fn syntax_error_two_attributes_on_one_line() {
    // Known problem: the parser's message here is "expected `}`, newline or identifier", so
    // the hint about one-line blocks (given only for "expected `=`") is missing, and the
    // detail does not say how to fix the line.
    let out = load(
        r#"site "dc1" {}

host_pool "main" {
  site  = site.dc1
  hosts = 4
  host { cpu = 64  memory = "512GiB" }
}
"#,
    );
    out.expect(1, 0, &["error: Syntax error", "main.hcl:6:20"]);
    insta::assert_snapshot!("syntax_error_two_attributes_on_one_line", out.text);
}

#[test]
fn syntax_error_unclosed_block() {
    // Known problem: the error points past the last `}` of the file (6:2), not at the
    // block opened on line 1 that is never closed, and does not say a `}` is missing.
    let out = load(
        r#"site "dc1" {
  location = "Main datacenter"

network_zone "app" {
  cidr = "10.10.0.0/16"
}
"#,
    );
    out.expect(1, 0, &["error: Syntax error", "main.hcl:"]);
    insta::assert_snapshot!("syntax_error_unclosed_block", out.text);
}

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

// ---------------------------------------------------------------------------------------
// Types, units and bounds
// ---------------------------------------------------------------------------------------

#[test]
fn wrong_type_string_for_integer() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = "four"
  memory = "8GiB"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Invalid value for \"cpu\"",
            "main.hcl:20:12",
            "got the string \"four\"",
        ],
    );
    insta::assert_snapshot!("wrong_type_string_for_integer", out.text);
}

#[test]
fn wrong_type_bool_for_size() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 4
  memory = true
}
"#
    ));
    out.expect(1, 0, &["Invalid value for \"memory\"", "main.hcl:21:12"]);
    insta::assert_snapshot!("wrong_type_bool_for_size", out.text);
}

#[test]
fn unknown_size_unit() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 4
  memory = "4 parsecs"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Invalid value for \"memory\"",
            "main.hcl:21:12",
            "parsecs",
            "GiB",
        ],
    );
    insta::assert_snapshot!("unknown_size_unit", out.text);
}

#[test]
fn misspelt_size_unit_gets_suggestion() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 4
  memory = "8Gib"
}
"#
    ));
    out.expect(
        1,
        0,
        &["main.hcl:21:12", "Did you mean \"GiB\"? e.g. \"8GiB\""],
    );
    insta::assert_snapshot!("misspelt_size_unit_gets_suggestion", out.text);
}

#[test]
fn duration_written_in_words() {
    // Known problem: the detail says to remove the space, but "5minutes" is still wrong; it
    // should name the unknown unit "minutes" and suggest "5m", as "5min" gets.
    let out = load(concat!(
        with_cluster!(),
        r#"
job "etl" {
  cluster  = kubernetes_cluster.main
  duration = "5 minutes"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Invalid value for \"duration\"",
            "main.hcl:34:14",
            "\"5 minutes\"",
        ],
    );
    insta::assert_snapshot!("duration_written_in_words", out.text);
}

#[test]
fn bare_number_for_a_size() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 4
  memory = 4096
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Invalid value for \"memory\"",
            "main.hcl:21:12",
            "has no unit",
            "\"4096GiB\"",
        ],
    );
    insta::assert_snapshot!("bare_number_for_a_size", out.text);
}

#[test]
fn negative_value() {
    let out = load(
        r#"site "dc1" {}

host_pool "main" {
  site  = site.dc1
  hosts = -2

  host {
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
            "Invalid value for \"hosts\"",
            "main.hcl:5:11",
            "must be at least 1, but is -2",
        ],
    );
    insta::assert_snapshot!("negative_value", out.text);
}

#[test]
fn value_above_maximum() {
    let out = load(
        r#"network_zone "app" {
  cidr = "10.10.0.0/16"
  vlan = 5000
}
"#,
    );
    out.expect(
        1,
        0,
        &[
            "Invalid value for \"vlan\"",
            "main.hcl:3:10",
            "must be at most 4094, but is 5000",
        ],
    );
    insta::assert_snapshot!("value_above_maximum", out.text);
}

#[test]
fn ratio_above_one() {
    let out = load(
        r#"site "dc1" {}

host_pool "main" {
  site  = site.dc1
  hosts = 4

  host {
    cpu    = 32
    memory = "256GiB"
  }

  ha {
    reserve = "150%"
  }
}
"#,
    );
    out.expect(
        1,
        0,
        &[
            "Invalid value for \"reserve\"",
            "main.hcl:13:15",
            "must be at most 100%, but is 150%",
        ],
    );
    insta::assert_snapshot!("ratio_above_one", out.text);
}

#[test]
fn misspelt_enum_value() {
    let out = load(concat!(
        platform!(),
        r#"
kubernetes_cluster "main" {
  pool    = host_pool.main
  zone    = network_zone.app
  purpose = "prdo"

  control_plane {
    count = 3
  }

  node_group "workers" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Invalid value for \"purpose\"",
            "main.hcl:20:13",
            "\"prdo\" is not one of them",
            "Did you mean \"prod\"?",
        ],
    );
    insta::assert_snapshot!("misspelt_enum_value", out.text);
}

#[test]
fn cidr_with_host_bits_set() {
    let out = load(
        r#"network_zone "app" {
  cidr = "10.10.1.0/16"
}
"#,
    );
    out.expect(
        1,
        0,
        &[
            "Invalid value for \"cidr\"",
            "main.hcl:2:10",
            "has host bits set",
            "10.10.0.0/16",
        ],
    );
    insta::assert_snapshot!("cidr_with_host_bits_set", out.text);
}

// ---------------------------------------------------------------------------------------
// References, variables, locals and functions
// ---------------------------------------------------------------------------------------

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
fn undeclared_variable() {
    let out = load(concat!(
        platform!(),
        r#"
variable "cpus" {
  type    = number
  default = 4
}

vm "web" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = var.cpu
  memory = "8GiB"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Undeclared variable \"cpu\"",
            "main.hcl:25:12",
            "Did you mean \"cpus\"?",
        ],
    );
    insta::assert_snapshot!("undeclared_variable", out.text);
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

#[test]
fn several_independent_errors_in_one_run() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = host_pool.main
  zone   = network_zone.ap
  cpus   = 4
  memory = "8GiB"
}

vm "db" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 8
  memory = "32 gigs"
  disk   = 100
}

network_zone "data" {
  cidr = "10.20.0.0/33"
}
"#
    ));
    out.expect(
        6,
        0,
        &[
            "Reference to undeclared resource network_zone.ap",
            "Unknown attribute \"cpus\"",
            "Missing required attribute \"cpu\"",
            "Invalid value for \"memory\"",
            "Invalid value for \"disk\"",
            "Invalid value for \"cidr\"",
        ],
    );
    insta::assert_snapshot!("several_independent_errors_in_one_run", out.text);
}

// ---------------------------------------------------------------------------------------
// Variables
// ---------------------------------------------------------------------------------------

#[test]
fn variable_validation_failure() {
    let out = load_files(
        &[(
            "main.hcl",
            r#"variable "workers" {
  type    = number
  default = 2

  validation {
    condition     = var.workers >= 3
    error_message = "A cluster needs at least three workers."
  }
}
"#,
        )],
        &Inputs {
            values: vec![(
                "workers".into(),
                InputValue::Raw {
                    text: "1".into(),
                    origin: "-var".into(),
                },
            )],
            ..Default::default()
        },
    );
    out.expect(
        1,
        0,
        &[
            "Invalid value for variable \"workers\"",
            "A cluster needs at least three workers.",
            "-var",
            "main.hcl:6:21",
        ],
    );
    insta::assert_snapshot!("variable_validation_failure", out.text);
}

#[test]
fn variable_default_fails_validation() {
    let out = load(
        r#"variable "workers" {
  type    = number
  default = 1

  validation {
    condition     = var.workers >= 3
    error_message = "A cluster needs at least three workers."
  }
}
"#,
    );
    out.expect(
        1,
        0,
        &[
            "Invalid value for variable \"workers\"",
            "main.hcl:3:13",
            "A cluster needs at least three workers.",
            "its default",
        ],
    );
    insta::assert_snapshot!("variable_default_fails_validation", out.text);
}

#[test]
fn variable_type_mismatch_from_command_line() {
    // Known problem: `-var workers=three` is read as the HCL name `three`, so the detail
    // speaks of references and function calls instead of saying that "three" is not a
    // number.
    let out = load_files(
        &[(
            "main.hcl",
            r#"variable "workers" {
  type    = number
  default = 2
}
"#,
        )],
        &Inputs {
            values: vec![(
                "workers".into(),
                InputValue::Raw {
                    text: "three".into(),
                    origin: "-var".into(),
                },
            )],
            ..Default::default()
        },
    );
    out.expect(
        1,
        0,
        &["Invalid value for variable \"workers\"", "-var", "number"],
    );
    insta::assert_snapshot!("variable_type_mismatch_from_command_line", out.text);
}

#[test]
fn variable_list_given_for_a_number() {
    let out = load_files(
        &[(
            "main.hcl",
            r#"variable "workers" {
  type    = number
  default = 2
}
"#,
        )],
        &Inputs {
            values: vec![(
                "workers".into(),
                InputValue::Raw {
                    text: "[1, 2]".into(),
                    origin: "-var".into(),
                },
            )],
            ..Default::default()
        },
    );
    out.expect(
        1,
        0,
        &[
            "Invalid value for variable \"workers\"",
            "main.hcl:1:10",
            "The value from -var does not fit the variable's type",
        ],
    );
    insta::assert_snapshot!("variable_list_given_for_a_number", out.text);
}

#[test]
fn required_variable_without_value() {
    let out = load(
        r#"variable "site_name" {
  type = string
}

site "dc1" {
  location = var.site_name
}
"#,
    );
    out.expect(
        1,
        0,
        &[
            "No value for required variable \"site_name\"",
            "main.hcl:1:10",
            "-var 'site_name=...'",
        ],
    );
    insta::assert_snapshot!("required_variable_without_value", out.text);
}

#[test]
fn value_for_undeclared_variable() {
    let out = load_files(
        &[("main.hcl", "variable \"workers\" {\n  default = 2\n}\n")],
        &Inputs {
            values: vec![(
                "worker".into(),
                InputValue::Raw {
                    text: "3".into(),
                    origin: "-var".into(),
                },
            )],
            ..Default::default()
        },
    );
    out.expect(
        1,
        0,
        &[
            "Value for undeclared variable \"worker\"",
            "Did you mean \"workers\"?",
        ],
    );
    insta::assert_snapshot!("value_for_undeclared_variable", out.text);
}

// ---------------------------------------------------------------------------------------
// Modules
// ---------------------------------------------------------------------------------------

const ZONE_MODULE: &str = r#"variable "cidr" {
  type = string
}

variable "vlan" {
  type    = number
  default = 10
}

network_zone "this" {
  cidr = var.cidr
  vlan = var.vlan
}

output "name" {
  value = network_zone.this.name
}
"#;

#[test]
fn module_with_missing_input() {
    let out = load_files(
        &[
            (
                "main.hcl",
                r#"module "app" {
  source = "./modules/zone"
  vlan   = 20
}
"#,
            ),
            ("modules/zone/main.hcl", ZONE_MODULE),
        ],
        &Inputs::default(),
    );
    out.expect(
        1,
        0,
        &[
            "Missing input \"cidr\" for module \"app\"",
            "main.hcl:1:1",
            "modules/zone/main.hcl:1:10",
            "`cidr = ...`",
        ],
    );
    insta::assert_snapshot!("module_with_missing_input", out.text);
}

#[test]
fn module_input_not_declared() {
    let out = load_files(
        &[
            (
                "main.hcl",
                r#"module "app" {
  source = "./modules/zone"
  cidr   = "10.10.0.0/16"
  vlna   = 20
}
"#,
            ),
            ("modules/zone/main.hcl", ZONE_MODULE),
        ],
        &Inputs::default(),
    );
    out.expect(
        1,
        0,
        &[
            "Module \"app\" has no variable \"vlna\"",
            "main.hcl:4:3",
            "Did you mean \"vlan\"?",
        ],
    );
    insta::assert_snapshot!("module_input_not_declared", out.text);
}

#[test]
fn module_source_folder_missing() {
    let out = load_files(
        &[
            (
                "main.hcl",
                r#"module "app" {
  source = "./modules/zones"
  cidr   = "10.10.0.0/16"
}
"#,
            ),
            ("modules/zone/main.hcl", ZONE_MODULE),
        ],
        &Inputs::default(),
    );
    out.expect(1, 0, &["Module folder", "not found", "main.hcl:2:12"]);
    insta::assert_snapshot!("module_source_folder_missing", out.text);
}

#[test]
fn module_output_not_declared() {
    // Known problem: no "Did you mean \"name\"?" and no list of the outputs. A reference
    // to a missing output adds no edge to the module's outputs, so it is evaluated before
    // they exist and the suggestion has no candidates.
    let out = load_files(
        &[
            (
                "main.hcl",
                r#"module "app" {
  source = "./modules/zone"
  cidr   = "10.10.0.0/16"
}

site "dc1" {
  location = module.app.nmae
}
"#,
            ),
            ("modules/zone/main.hcl", ZONE_MODULE),
        ],
        &Inputs::default(),
    );
    out.expect(
        1,
        0,
        &["Module \"app\" has no output \"nmae\"", "main.hcl:7:14"],
    );
    insta::assert_snapshot!("module_output_not_declared", out.text);
}

// ---------------------------------------------------------------------------------------
// Semantic checks (run once the blueprint evaluates without errors)
// ---------------------------------------------------------------------------------------

#[test]
fn overlapping_zone_cidrs() {
    let out = load(concat!(
        platform!(),
        r#"
network_zone "data" {
  cidr = "10.10.128.0/20"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Network zones network_zone.app and network_zone.data overlap",
            "main.hcl:18:10",
            "note: network_zone.app is 10.10.0.0/16",
            "main.hcl:14:10",
        ],
    );
    insta::assert_snapshot!("overlapping_zone_cidrs", out.text);
}

#[test]
fn vm_address_outside_its_zone() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool    = host_pool.main
  zone    = network_zone.app
  cpu     = 4
  memory  = "8GiB"
  address = "10.20.0.5"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Address of vm.web is outside its zone",
            "main.hcl:22:13",
            "10.20.0.5 is not in network_zone.app (10.10.0.0/16)",
        ],
    );
    insta::assert_snapshot!("vm_address_outside_its_zone", out.text);
}

#[test]
fn quorum_larger_than_replicas() {
    let out = load(concat!(
        with_cluster!(),
        r#"
service "kafka" {
  cluster  = kubernetes_cluster.main
  kind     = "kafka"
  replicas = 3
  quorum   = 4
  cpu      = 2
  memory   = "8GiB"

  volume {
    size    = "100GiB"
    storage = storage.ceph
  }
}

storage "ceph" {
  type     = "ceph"
  pool     = host_pool.main
  capacity = "10TiB"
  replicas = 3
  min_size = 2
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Quorum of service.kafka is larger than its replicas",
            "main.hcl:36:14",
            "Raise replicas or lower quorum",
        ],
    );
    insta::assert_snapshot!("quorum_larger_than_replicas", out.text);
}

#[test]
fn even_control_plane_count_warns() {
    let out = load(concat!(
        platform!(),
        r#"
kubernetes_cluster "main" {
  pool = host_pool.main
  zone = network_zone.app

  control_plane {
    count = 2
  }

  node_group "workers" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}
"#
    ));
    out.expect(
        0,
        1,
        &[
            "warning: Cluster kubernetes_cluster.main has an even number of control-plane nodes (2)",
            "main.hcl:22:13",
            "odd count such as 3",
        ],
    );
    insta::assert_snapshot!("even_control_plane_count_warns", out.text);
}

#[test]
fn prod_cluster_with_one_control_plane_node() {
    let out = load(concat!(
        platform!(),
        r#"
kubernetes_cluster "main" {
  pool    = host_pool.main
  zone    = network_zone.app
  purpose = "prod"

  control_plane {
    count = 1
  }

  node_group "workers" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Production cluster kubernetes_cluster.main has a single control-plane node",
            "main.hcl:23:13",
            "count = 3",
        ],
    );
    insta::assert_snapshot!("prod_cluster_with_one_control_plane_node", out.text);
}

#[test]
fn policy_with_empty_from() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 4
  memory = "8GiB"
}

network_policy "to_app" {
  from  = []
  to    = network_zone.app
  ports = [443]
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Policy network_policy.to_app names nothing on its \"from\" side",
            "main.hcl:25:11",
        ],
    );
    insta::assert_snapshot!("policy_with_empty_from", out.text);
}

#[test]
fn volume_larger_than_its_storage() {
    let out = load(concat!(
        platform!(),
        r#"
storage "nfs" {
  type     = "nfs"
  server   = "nfs.example.org"
  capacity = "1TiB"
}

kubernetes_cluster "main" {
  pool    = host_pool.main
  zone    = network_zone.app
  storage = storage.nfs

  control_plane {
    count = 3
  }

  node_group "workers" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}

service "db" {
  cluster  = kubernetes_cluster.main
  replicas = 1
  cpu      = 2
  memory   = "8GiB"

  volume {
    size = "2TiB"
  }
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Volume of service.db is larger than its storage",
            "main.hcl:46:12",
            "2TiB",
            "1TiB",
        ],
    );
    insta::assert_snapshot!("volume_larger_than_its_storage", out.text);
}

#[test]
fn requests_that_fit_no_node() {
    let out = load(concat!(
        with_cluster!(),
        r#"
service "search" {
  cluster  = kubernetes_cluster.main
  replicas = 2
  cpu      = 4
  memory   = "48GiB"
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "Requests of service.search fit on no node",
            "main.hcl:36:14",
            "node group \"workers\" has 8 CPU and 32GiB",
        ],
    );
    insta::assert_snapshot!("requests_that_fit_no_node", out.text);
}

#[test]
fn ceph_min_size_larger_than_replicas() {
    let out = load(concat!(
        platform!(),
        r#"
storage "ceph" {
  type     = "ceph"
  pool     = host_pool.main
  capacity = "100TiB"
  replicas = 2
  min_size = 3
}
"#
    ));
    out.expect(
        1,
        0,
        &[
            "min_size of storage.ceph is larger than its replicas",
            "main.hcl:22:14",
        ],
    );
    insta::assert_snapshot!("ceph_min_size_larger_than_replicas", out.text);
}

// ---------------------------------------------------------------------------------------
// Dependency cycles
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// More mistakes
// ---------------------------------------------------------------------------------------

#[test]
fn syntax_error_unterminated_string() {
    // Known problem: the error points at `location` (2:3), not at the opening quote of
    // "North (2:14), and does not say that the string is not closed.
    let out = load(
        r#"site "dc1" {
  location = "North
}
"#,
    );
    out.expect(1, 0, &["error: Syntax error", "main.hcl:2:"]);
    insta::assert_snapshot!("syntax_error_unterminated_string", out.text);
}

#[test]
fn bare_word_instead_of_a_string() {
    // Known problem: the detail does not say how to fix it: write "North" in quotes.
    let out = load(
        r#"site "dc1" {
  location = North
}
"#,
    );
    out.expect(1, 0, &["Unknown name \"North\"", "main.hcl:2:14"]);
    insta::assert_snapshot!("bare_word_instead_of_a_string", out.text);
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
