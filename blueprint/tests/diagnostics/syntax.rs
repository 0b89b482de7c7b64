//! Syntax errors: text the HCL parser cannot read.

use crate::common::load;

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
