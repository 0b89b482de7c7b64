//! Before/after examples of indentation, spacing, blank lines and line
//! endings.

use super::check;

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

/// hclwrite indents by the net count of a line's brackets, so a line that
/// closes one and opens another keeps the indentation of the lines inside.
#[test]
fn indents_a_line_that_closes_and_reopens_by_its_net_brackets() {
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
        "a = - 1\nb = ! c\nc = x - -y\nd = [ - 1, - 2 ]\ne = x ? - 1 : - 2\nh = a * - b\n",
        "a = -1\nb = !c\nc = x - -y\nd = [-1, -2]\ne = x ? -1 : -2\nh = a * -b\n",
    );
}

/// hclwrite takes a minus after `=>` or `${` for a subtraction.
#[test]
fn a_minus_after_an_arrow_or_an_interpolation_keeps_its_space() {
    check(
        "f = {for k in x: k => -1}\ng = \"x${ -1 }\"\n",
        "f = { for k in x : k => - 1 }\ng = \"x${- 1}\"\n",
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
fn keeps_runs_of_blank_lines_without_their_blanks() {
    check(
        "a = 1\n\n\n\nb = 2\n  \n\t\nc = 3\n",
        "a = 1\n\n\n\nb = 2\n\n\nc = 3\n",
    );
}

#[test]
fn keeps_blank_lines_at_the_start_and_end() {
    check("\n\n  \na = 1\n\n\n", "\n\n\na = 1\n\n\n");
}

#[test]
fn keeps_blank_lines_after_open_and_before_close_braces() {
    check(
        "b {\n\n  a = 1\n\n  c {\n\n  }\n\n}\nd = {\n\n  e = 1\n\n}\n",
        "b {\n\n  a = 1\n\n  c {\n\n  }\n\n}\nd = {\n\n  e = 1\n\n}\n",
    );
}

#[test]
fn keeps_blank_lines_inside_brackets_and_parens() {
    check("a = [\n  1,\n\n  2,\n]\n", "a = [\n  1,\n\n  2,\n]\n");
}

#[test]
fn keeps_a_missing_final_line_ending_missing() {
    check("a=1", "a = 1");
    check("# c", "# c");
    check("b {\n}", "b {\n}");
}

/// hcl-edit, Strata's parser, accepts a heredoc closed at the very end of
/// the file, which Terraform rejects.
#[test]
fn a_heredoc_closed_at_the_end_of_the_file() {
    check("a = <<EOF\nx\nEOF", "a = <<EOF\nx\nEOF");
}

/// hclwrite keeps the blanks after the last token, each as a space.
#[test]
fn keeps_the_blanks_at_the_very_end() {
    check("a = 1\n  \t", "a = 1\n   ");
    check("a = 1 \t", "a = 1  ");
}

#[test]
fn empty_input_stays_empty() {
    check("", "");
    check("\n \n\t\n", "\n\n\n");
}

#[test]
fn keeps_line_endings() {
    check(
        "a=1\r\nb {\r\n  c = 2 # c \r\n}\r\n",
        "a = 1\r\nb {\r\n  c = 2 # c \r\n}\r\n",
    );
}

#[test]
fn drops_a_byte_order_mark() {
    check("\u{feff}a = 1\n", "a = 1\n");
}
