//! Before/after examples of the formatting rules.

use super::{FormatError, check, format};

// Indentation.

#[test]
fn indents_nested_blocks_by_two_spaces() {
    check(
        r#"
resource "a" "b" {
network {
      subnet {
id = 1
}
}
}
"#,
        r#"
resource "a" "b" {
  network {
    subnet {
      id = 1
    }
  }
}
"#,
    );
}

#[test]
fn indents_multi_line_lists_objects_and_calls() {
    check(
        r#"
a = [
1,
    2,
]
b = {
x = 1
}
c = merge(
local.a,
local.b,
)
"#,
        r#"
a = [
  1,
  2,
]
b = {
  x = 1
}
c = merge(
  local.a,
  local.b,
)
"#,
    );
}

#[test]
fn one_indentation_level_per_line_however_many_brackets_open() {
    check("x = foo(bar([\n1\n]))\n", "x = foo(bar([\n  1\n]))\n");
}

#[test]
fn dedents_a_line_that_starts_with_a_closing_bracket() {
    check(
        "a = [\n  1,\n  2\n  ]\nb {\n  c = 1\n  }\n",
        "a = [\n  1,\n  2\n]\nb {\n  c = 1\n}\n",
    );
}

#[test]
fn dedents_a_line_that_closes_and_reopens() {
    check(
        r#"
x = [
{
a = 1
}, {
b = 2
}
]
y = c ? [
1
] : [
2
]
z = f({
a = 1
}, {
b = 2
})
"#,
        r#"
x = [
  {
    a = 1
  }, {
    b = 2
  }
]
y = c ? [
  1
] : [
  2
]
z = f({
  a = 1
}, {
  b = 2
})
"#,
    );
}

#[test]
fn indents_comment_lines_like_code() {
    check(
        "b {\n# one\n      // two\n/* three */\na = 1\n}\n",
        "b {\n  # one\n  // two\n  /* three */\n  a = 1\n}\n",
    );
}

// Spacing.

#[test]
fn one_space_around_equals_and_binary_operators() {
    check(
        "a=1+2*3\nb   =   x==y&&z||w\nc=a/b -c%d\nd=x<=y!=z>=w\n",
        "a = 1 + 2 * 3\nb = x == y && z || w\nc = a / b - c % d\nd = x <= y != z >= w\n",
    );
}

#[test]
fn one_space_around_conditional_and_arrow() {
    check(
        "a = b?c:d\nb = {for k,v in m: k=>v}\n",
        "a = b ? c : d\nb = { for k, v in m : k => v }\n",
    );
}

#[test]
fn one_space_after_commas_and_none_inside_parens_and_brackets() {
    check(
        "a = [ 1 ,2,3 ]\nb = f( x,y )\nc = ( 1 + 2 ) * 3\n",
        "a = [1, 2, 3]\nb = f(x, y)\nc = (1 + 2) * 3\n",
    );
}

#[test]
fn single_spaces_inside_one_line_braces() {
    check(
        "a = {x=1,y=2}\nb {   }\nc = {}\nd {c=1}\n",
        "a = { x = 1, y = 2 }\nb {}\nc = {}\nd { c = 1 }\n",
    );
}

#[test]
fn no_space_in_traversals_and_calls() {
    check(
        "a = b . c [ 0 ] . d\nb = f (1)\nc = x [*] . y\nd = x .* . y\ne = x . 0 . 1\n",
        "a = b.c[0].d\nb = f(1)\nc = x[*].y\nd = x.*.y\ne = x.0.1\n",
    );
}

#[test]
fn keeps_namespaced_function_names_together() {
    check("a = provider :: ns :: f (1)\n", "a = provider::ns::f(1)\n");
}

#[test]
fn expansion_ellipsis_is_attached() {
    check(
        "a = f(x ...)\nb = {for k, v in m: k => v ...}\n",
        "a = f(x...)\nb = { for k, v in m : k => v... }\n",
    );
}

#[test]
fn unary_operators_stay_attached() {
    check(
        "a = - 1\nb = ! c\nc = x - -y\nd = [ - 1, - 2 ]\ne = x ? - 1 : - 2\nf = {for k in x: k => - 1}\ng = \"${ - 1 }\"\nh = a * - b\n",
        "a = -1\nb = !c\nc = x - -y\nd = [-1, -2]\ne = x ? -1 : -2\nf = { for k in x : k => -1 }\ng = \"${-1}\"\nh = a * -b\n",
    );
}

#[test]
fn binary_minus_keeps_its_spaces() {
    check(
        "a = b-1\nc = (d) -1\ne = f[0]- 1\n",
        "a = b-1\nc = (d) - 1\ne = f[0] - 1\n",
    );
}

#[test]
fn a_number_and_a_dot_do_not_merge_into_a_number() {
    check("a = 1 .5\nb = 1. 5\n", "a = 1 .5\nb = 1 .5\n");
}

#[test]
fn removes_trailing_whitespace() {
    check(
        "a = 1   \nb {  \n  c = 2\t\n}  \n",
        "a = 1\nb {\n  c = 2\n}\n",
    );
}

#[test]
fn tabs_between_tokens_become_canonical_spaces() {
    check("b {\n\ta\t=\t1\n}\n", "b {\n  a = 1\n}\n");
}

// Blank lines and line endings.

#[test]
fn collapses_runs_of_blank_lines() {
    check(
        "a = 1\n\n\n\nb = 2\n  \n\t\nc = 3\n",
        "a = 1\n\nb = 2\n\nc = 3\n",
    );
}

#[test]
fn drops_blank_lines_at_the_start_and_end() {
    check("\n\n  \na = 1\n\n\n", "a = 1\n");
}

#[test]
fn drops_blank_lines_after_open_and_before_close_braces() {
    check(
        "b {\n\n  a = 1\n\n  c {\n\n  }\n\n}\nd = {\n\n  e = 1\n\n}\n",
        "b {\n  a = 1\n\n  c {\n  }\n}\nd = {\n  e = 1\n}\n",
    );
}

#[test]
fn keeps_blank_lines_inside_brackets_and_parens() {
    check("a = [\n  1,\n\n  2,\n]\n", "a = [\n  1,\n\n  2,\n]\n");
}

#[test]
fn ends_with_exactly_one_line_ending() {
    check("a = 1", "a = 1\n");
    check("# c", "# c\n");
    check("a = <<EOF\nx\nEOF", "a = <<EOF\nx\nEOF\n");
}

#[test]
fn empty_input_stays_empty() {
    check("", "");
    check("\n \n\t\n", "");
}

#[test]
fn line_endings_become_line_feeds() {
    check(
        "a = 1\r\nb {\r\n  c = 2 # c\r\n}\r\n",
        "a = 1\nb {\n  c = 2 # c\n}\n",
    );
}

#[test]
fn drops_a_byte_order_mark() {
    check("\u{feff}a = 1\n", "a = 1\n");
}

// Alignment.

#[test]
fn aligns_equals_of_consecutive_attributes() {
    check("a = 1\nbbb = 2\ncc = 3\n", "a   = 1\nbbb = 2\ncc  = 3\n");
}

#[test]
fn a_blank_line_breaks_an_alignment_run() {
    check(
        "a = 1\nbbb = 2\n\ncccc = 3\nd = 4\n",
        "a   = 1\nbbb = 2\n\ncccc = 3\nd    = 4\n",
    );
}

#[test]
fn a_nested_block_breaks_an_alignment_run() {
    check(
        r#"
resource "x" "y" {
a = 1
bbbb = 2
nested {
ccccccc = 3
}
dd = 4
e = 5
one_line { x = 1 }
fffff = 6
}
"#,
        r#"
resource "x" "y" {
  a    = 1
  bbbb = 2
  nested {
    ccccccc = 3
  }
  dd = 4
  e  = 5
  one_line { x = 1 }
  fffff = 6
}
"#,
    );
}

#[test]
fn a_comment_line_breaks_an_alignment_run() {
    check(
        "a = 1\n# about bbb\nbbb = 2\ncc = 3\n",
        "a = 1\n# about bbb\nbbb = 2\ncc  = 3\n",
    );
}

#[test]
fn multi_line_values_break_alignment_runs() {
    check(
        r#"
name = "x"
tags = {
Name = "x"
Environment = "prod"
}
ami = "abc"
instance_type = "t2"
list = [
1,
]
"#,
        r#"
name = "x"
tags = {
  Name        = "x"
  Environment = "prod"
}
ami           = "abc"
instance_type = "t2"
list = [
  1,
]
"#,
    );
}

#[test]
fn aligns_keys_of_multi_line_objects_including_quoted_and_colon_keys() {
    check(
        "a = {\nb = 1,\ncc = 2,\n\"ddd\" = 3\n(e) = 4\nf: 5\n}\n",
        "a = {\n  b     = 1,\n  cc    = 2,\n  \"ddd\" = 3\n  (e)   = 4\n  f : 5\n}\n",
    );
}

#[test]
fn heredoc_attributes_take_part_in_alignment_runs() {
    check(
        "x = <<EOF\nfoo\nEOF\nbb = 2\n",
        "x  = <<EOF\nfoo\nEOF\nbb = 2\n",
    );
}

#[test]
fn aligns_trailing_comments_of_consecutive_lines() {
    check(
        "a = 1 # one\nbbbb = 22 // two\nc {\n}\nlist = [\n1, # one\n22, # two\n]\n",
        "a    = 1  # one\nbbbb = 22 // two\nc {\n}\nlist = [\n  1,  # one\n  22, # two\n]\n",
    );
}

#[test]
fn alignment_counts_characters_not_bytes() {
    check("é = 1\nab = 2\n", "é  = 1\nab = 2\n");
}

#[test]
fn alignment_is_capped_for_absurdly_long_keys() {
    let long = "k".repeat(1200);
    let input = format!("a = {{\n\"{long}\" = 1\nb = 2\n}}\n");
    let expected = format!("a = {{\n  \"{long}\" = 1\n  b = 2\n}}\n");
    check(&input, &expected);
}

// Comments.

#[test]
fn keeps_all_three_comment_kinds_verbatim() {
    check(
        "  #   hash  \n    //   slashes\n/*  block\n      inner   lines\n  */\na = 1 /* inline */ + 2\n",
        "#   hash\n//   slashes\n/*  block\n      inner   lines\n  */\na = 1 /* inline */ + 2\n",
    );
}

#[test]
fn trailing_comments_keep_one_space() {
    check("a = 1# c\n\nb {// c\n}\n", "a = 1 # c\n\nb { // c\n}\n");
}

// Templates.

#[test]
fn formats_expressions_inside_template_sequences() {
    check(
        "a = \"${ var.a+var.b } and ${ f( x,y ) }\"\nb = \"%{ if x }y%{ else }z%{ endif }\"\nc = \"${~ a ~}\"\n",
        "a = \"${var.a + var.b} and ${f(x, y)}\"\nb = \"%{if x}y%{else}z%{endif}\"\nc = \"${~a~}\"\n",
    );
}

#[test]
fn never_changes_template_literals() {
    check(
        "a = \"  two  spaces ,x ( y )  \"\nb = \"$${ escaped } %%{ too } \\\" \\n \"\nc = \"${ \"inner  ${ x }\" }\"\n",
        "a = \"  two  spaces ,x ( y )  \"\nb = \"$${ escaped } %%{ too } \\\" \\n \"\nc = \"${\"inner  ${x}\"}\"\n",
    );
}

#[test]
fn spaces_a_lone_object_in_an_interpolation() {
    check("a = \"${{a=1}}\"\n", "a = \"${ { a = 1 } }\"\n");
}

// Heredocs.

#[test]
fn never_changes_heredoc_content() {
    let input = "b {\na = <<EOF\n  keep   this  \n\n\tand ( this ) ,\nEOF\n}\n";
    let expected = "b {\n  a = <<EOF\n  keep   this  \n\n\tand ( this ) ,\nEOF\n}\n";
    check(input, expected);
}

#[test]
fn keeps_the_closing_marker_of_indented_heredocs() {
    check(
        "b {\n      a = <<-EOT\n    one\n      two\n    EOT\n}\n",
        "b {\n  a = <<-EOT\n    one\n      two\n    EOT\n}\n",
    );
}

#[test]
fn formats_interpolations_inside_heredocs() {
    check(
        "a = <<EOF\nx ${ a+b } %{ if c }y%{ endif }\nEOF\n",
        "a = <<EOF\nx ${a + b} %{if c}y%{endif}\nEOF\n",
    );
}

#[test]
fn heredocs_as_arguments() {
    check(
        "a = f(<<EOF\nhi\nEOF\n, 2)\nb = jsonencode(<<EOF\n{}\nEOF\n)\n",
        "a = f(<<EOF\nhi\nEOF\n, 2)\nb = jsonencode(<<EOF\n{}\nEOF\n)\n",
    );
}

#[test]
fn closing_marker_followed_by_more_code() {
    check("a = f(<<EOF\nhi\nEOF , 2)\n", "a = f(<<EOF\nhi\nEOF, 2)\n");
}

#[test]
fn empty_heredocs() {
    check("a = <<EOF\nEOF\n", "a = <<EOF\nEOF\n");
}

#[test]
fn a_marker_on_the_first_line_closes_only_if_no_later_one_does() {
    // hcl-edit reads this as one heredoc holding "EOF\n  b   =   <<EOF\nx\n".
    check(
        "a = <<EOF\nEOF\n  b   =   <<EOF\nx\nEOF\n",
        "a = <<EOF\nEOF\n  b   =   <<EOF\nx\nEOF\n",
    );
}

#[test]
fn heredoc_marker_lookalikes_do_not_close_it() {
    check(
        "a = <<EOF\nEOFX\n  EOF-y\nEOF\n",
        "a = <<EOF\nEOFX\n  EOF-y\nEOF\n",
    );
}

// Expressions.

#[test]
fn formats_for_expressions() {
    check(
        "a = [ for x in var.list : upper(x) if x!=\"\" ]\nb = {for i,v in var.m:v=>i...}\nc = [for x in [1,2]: x]\n",
        "a = [for x in var.list : upper(x) if x != \"\"]\nb = { for i, v in var.m : v => i... }\nc = [for x in [1, 2] : x]\n",
    );
}

#[test]
fn formats_multi_line_for_expressions() {
    check(
        "a = [\nfor x in var.list:\nx\nif x\n]\n",
        "a = [\n  for x in var.list :\n  x\n  if x\n]\n",
    );
}

#[test]
fn formats_nested_conditionals() {
    check(
        "a = x?y?1:2:(z ? 3 : 4)\nb = (\nx\n? 1\n: 2\n)\n",
        "a = x ? y ? 1 : 2 : (z ? 3 : 4)\nb = (\n  x\n  ? 1\n  : 2\n)\n",
    );
}

#[test]
fn quotes_no_labels_and_keeps_identifier_labels() {
    check(
        "resource   aws_instance   \"web\"{\n}\n",
        "resource aws_instance \"web\" {\n}\n",
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
