//! Before/after examples of Terraform's rewrites, a realistic file, errors
//! and speed.

use super::{FormatError, check, format};

// Terraform's rewrites.

#[test]
fn quotes_identifier_labels() {
    check(
        "resource   aws_instance   \"web\"{\n}\nb {\n  c d {}\n}\n",
        "resource \"aws_instance\" \"web\" {\n}\nb {\n  c \"d\" {}\n}\n",
    );
}

#[test]
fn normalizes_the_escapes_of_labels() {
    check(
        "a \"\\u0041\\t\" \"\\u00a0\" \"\" {}\n",
        "a \"A\\t\" \"\\u00a0\" \"\" {}\n",
    );
}

#[test]
fn drops_comments_between_block_type_and_last_label() {
    check(
        "a /* 1 */ b /* 2 */ \"c\" /* 3 */ {}\n",
        "a \"b\" \"c\" /* 3 */ {}\n",
    );
}

/// Terraform drops a label with a `$` or `%` in it (hclwrite cannot read
/// it back as one token); Strata keeps it.
#[test]
fn keeps_labels_with_dollar_or_percent_signs() {
    check("a \"x$y\" \"50%\" {}\n", "a \"x$y\" \"50%\" {}\n");
    check("a \"$${x}\" b {}\n", "a \"$${x}\" \"b\" {}\n");
}

#[test]
fn unwraps_a_value_that_is_one_interpolation() {
    check(
        "a = \"${var.x}\"\nb {\n  c = \"${f(1)}\" # kept\n  d = \"${x}${y}\"\n  e = \"${x} \"\n}\nf = { g = \"${x}\" }\nh = [\"${x}\"]\n",
        "a = var.x\nb {\n  c = f(1) # kept\n  d = \"${x}${y}\"\n  e = \"${x} \"\n}\nf = { g = \"${x}\" }\nh = [\"${x}\"]\n",
    );
}

#[test]
fn unwraps_a_one_line_block_attribute_and_nested_quotes() {
    check(
        "b { c = \"${x}\" }\nd = \"${f(\"${y}\")}\"\n",
        "b { c = x }\nd = f(\"${y}\")\n",
    );
}

#[test]
fn parenthesizes_an_unwrapped_multi_line_interpolation() {
    check(
        "a = \"${x ?\n1 : 2}\"\nb = \"${\nx\n}\"\nc = \"${(x ?\n1 : 2)}\"\n",
        "a = (x ?\n1 : 2)\nb = x\nc = (x ?\n1 : 2)\n",
    );
}

/// Terraform unwraps one level per run (`"${"${x}"}"` needs two); Strata
/// unwraps to the end, so that its output is a fixed point.
#[test]
fn unwraps_nested_interpolations_in_one_run() {
    check("a = \"${\"${x}\"}\"\n", "a = x\n");
}

/// Terraform would write `a = # c` and `0` on the next line, which does not
/// parse; Strata keeps the comment inside parentheses.
#[test]
fn parenthesizes_an_interpolation_holding_a_line_comment() {
    check("a = \"${ # c\n0}\"\n", "a = ( # c\n0)\n");
}

#[test]
fn modernizes_variable_types() {
    check(
        r#"
variable "a" {
  type = list
}
variable "b" {
  type = "map"
}
variable "c" {
  type = "string"
}
variable "d" {
  type = set
}
variable "e" {
  type = "list"
}
variable "f" {
  type = map(string)
}
resource "r" "s" {
  type = list
}
locals {
  type = "string"
}
"#,
        r#"
variable "a" {
  type = list(any)
}
variable "b" {
  type = map(string)
}
variable "c" {
  type = string
}
variable "d" {
  type = set(any)
}
variable "e" {
  type = list(string)
}
variable "f" {
  type = map(string)
}
resource "r" "s" {
  type = list
}
locals {
  type = "string"
}
"#,
    );
}

// A realistic file.

#[test]
fn formats_a_terraform_style_file() {
    check(
        r#"
# Main network.
variable "cidr" {
  type = string
    default = "10.0.0.0/16"   # the default
  description="The CIDR"
}


resource "aws_vpc" "main" {

  cidr_block = var.cidr
  enable_dns_support=true
  tags = merge(var.tags, {
    Name = "main"
  })

  dynamic "subnet" {
    for_each = {for i,cidr in var.subnets: i=>cidr}
    content {
      cidr = subnet.value
      az = element(var.azs,subnet.key)
    }
  }
  user_data = <<-EOT
    #!/bin/sh
    echo "${var.greeting}"
  EOT
}
"#,
        r#"
# Main network.
variable "cidr" {
  type        = string
  default     = "10.0.0.0/16" # the default
  description = "The CIDR"
}


resource "aws_vpc" "main" {

  cidr_block         = var.cidr
  enable_dns_support = true
  tags = merge(var.tags, {
    Name = "main"
  })

  dynamic "subnet" {
    for_each = { for i, cidr in var.subnets : i => cidr }
    content {
      cidr = subnet.value
      az   = element(var.azs, subnet.key)
    }
  }
  user_data = <<-EOT
    #!/bin/sh
    echo "${var.greeting}"
  EOT
}
"#,
    );
}

// Errors.

#[track_caller]
fn error(input: &str) -> FormatError {
    match format(input) {
        Ok(output) => panic!("{input:?} formatted as {output:?}"),
        Err(error) => error,
    }
}

#[test]
fn rejects_unterminated_strings_heredocs_and_comments() {
    assert_eq!(error("a = \"abc\n").offset, 4);
    assert_eq!(error("a = \"${x\n").offset, 5);
    assert_eq!(error("a = <<EOF\nabc\n").offset, 4);
    assert_eq!(error("a = 1 /* abc").offset, 6);
}

#[test]
fn rejects_mismatched_brackets() {
    assert_eq!(error("a = [1)\n").offset, 6);
    assert_eq!(error("a = (1\n").offset, 4);
    assert_eq!(error("b {\n").offset, 2);
    assert_eq!(error("}\n").offset, 0);
}

#[test]
fn rejects_characters_outside_the_syntax() {
    let error = error("a = 1 @ 2\n");
    assert_eq!(error.offset, 6);
    assert_eq!(error.message, "unexpected character `@`");
    assert_eq!(error.to_string(), "unexpected character `@` at byte 6");
}

#[test]
fn rejects_malformed_heredoc_introducers() {
    assert_eq!(error("a = <<\nx\n").offset, 4);
    assert_eq!(error("a = <<EOF x\nEOF\n").offset, 9);
}

#[test]
fn rejects_absurd_nesting() {
    let deep = format!("a = {}{}\n", "[".repeat(300), "]".repeat(300));
    assert_eq!(error(&deep).message, "nesting deeper than 256 levels");
}

// Performance.

#[test]
fn formats_a_megabyte_quickly() {
    let block = "resource \"a\" \"b\" {\n  name=\"x\"\n  tags = {\n    a = [1,2,3]\n  }\n  v = \"${var.x}-y\"\n}\n\n";
    let input = block.repeat(1 << 20 >> 7);
    let start = std::time::Instant::now();
    let output = format(&input).map(|output| output.len());
    assert!(output.is_ok());
    assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
}

// Unfinished input, for the console.

#[test]
fn input_that_more_lines_could_complete_is_unfinished() {
    use super::super::is_unfinished;
    for open in ["[1,", "f(", "{\n a = 1", "<<EOT\nx", "\"${x", "[\"a\", {"] {
        assert!(is_unfinished(open), "{open:?}");
    }
    for done in [
        "1",
        "[1]",
        "\"abc",
        "f(\"x",
        "]",
        "[1)",
        "",
        "<<EOT\nx\nEOT\n",
    ] {
        assert!(!is_unfinished(done), "{done:?}");
    }
}
