//! Input variables: undeclared, failing validation, of the wrong type, missing or given
//! for no declaration.

use crate::common::{load, load_files};
use blueprint::{InputValue, Inputs};

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
