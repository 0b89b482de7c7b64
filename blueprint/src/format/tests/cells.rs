//! Before/after examples of alignment, comments, templates, heredocs and
//! expressions.

use super::check;

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
        "#   hash  \n//   slashes\n/*  block\n      inner   lines\n  */\na = 1 /* inline */ + 2\n",
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
        "a = \"${var.a + var.b} and ${f(x, y)}\"\nb = \"%{if x}y%{else}z%{endif}\"\nc = a\n",
    );
}

#[test]
fn never_changes_template_literals() {
    check(
        "a = \"  two  spaces ,x ( y )  \"\nb = \"$${ escaped } %%{ too } \\\" \\n \"\nc = \"${ \"inner  ${ x }\" }\"\n",
        "a = \"  two  spaces ,x ( y )  \"\nb = \"$${ escaped } %%{ too } \\\" \\n \"\nc = \"inner  ${x}\"\n",
    );
}

#[test]
fn spaces_a_lone_object_in_an_interpolation() {
    check("a = \"x${{a=1}}\"\n", "a = \"x${ { a = 1 } }\"\n");
    check("a = \"${{a=1}}\"\n", "a = { a = 1 }\n");
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
