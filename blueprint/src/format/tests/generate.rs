//! Random valid HCL bodies, with random whitespace and comments, for the
//! property tests.
//!
//! Strategies build a small syntax tree; [`render`] writes it out, taking
//! its whitespace and comment choices from a vector of random bytes.

mod writer;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use writer::Writer;

/// An item of a body.
#[derive(Clone, Debug)]
pub(super) enum Item {
    Attribute(String, Expr),
    Block(Block),
    Comment(&'static str),
}

/// A block: its type, its labels (quoted or not) and its body.
#[derive(Clone, Debug)]
pub(super) struct Block {
    kind: String,
    labels: Vec<String>,
    body: Vec<Item>,
}

/// An expression.
#[derive(Clone, Debug)]
pub(super) enum Expr {
    /// A number, `true`, `false` or `null`.
    Literal(&'static str),
    Traversal(String, Vec<Step>),
    Template(Vec<Part>),
    /// Whether the heredoc is indented (`<<-`), and its lines.
    Heredoc(bool, Vec<Vec<Part>>),
    List(Vec<Expr>),
    Object(Vec<(String, Expr)>),
    /// The function, its arguments, and whether the last one is expanded.
    Call(String, Vec<Expr>, bool),
    Conditional(Box<(Expr, Expr, Expr)>),
    Binary(Box<Expr>, &'static str, Box<Expr>),
    Unary(&'static str, Box<Expr>),
    Parens(Box<Expr>),
    /// `[for var in collection : value if condition]`.
    ForList(String, Box<(Expr, Expr, Option<Expr>)>),
    /// `{for key, value in collection : key => value}`, grouping or not.
    ForObject(String, String, Box<(Expr, Expr, Expr)>, bool),
}

/// A traversal step after the root variable.
#[derive(Clone, Debug)]
pub(super) enum Step {
    Attr(String),
    Index(Expr),
    LegacyIndex(u8),
    Splat(String),
    AttrSplat(String),
}

/// A part of a template.
#[derive(Clone, Debug)]
pub(super) enum Part {
    Text(Vec<&'static str>),
    /// `${expr}`, with strip markers or not.
    Interp(Expr, bool),
    /// `%{ if expr }text%{else}text%{ endif ~}`.
    If(Expr, Vec<&'static str>, Vec<&'static str>),
}

const IDENTS: [&str; 10] = [
    "a", "bb", "ccc", "name", "tags", "x-y", "é", "_u", "count", "var",
];
const LITERALS: [&str; 11] = [
    "0",
    "1",
    "42",
    "3.14",
    "1e3",
    "2.5E-2",
    "007",
    "true",
    "false",
    "null",
    "123456789012",
];
const OPERATORS: [&str; 13] = [
    "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||",
];
/// Pieces of quoted template text (escapes included).
const QUOTED_TEXT: [&str; 17] = [
    "x",
    "Hello",
    " ",
    "  ",
    "é→",
    "\\n",
    "\\\"",
    "\\\\",
    "\\u00e9",
    "$${x}",
    "%%{y}",
    "#",
    "//",
    "/*",
    "=",
    "\t",
    " \n  raw line break ",
];
/// Pieces of heredoc text.
const HEREDOC_TEXT: [&str; 14] = [
    "x", "text", " ", "    ", "\"q\"", "\\", "$${x}", "%%{y}", "#", "{ }", "=", "EOF", "END", "\t",
];
const COMMENTS: [&str; 6] = [
    "# hash comment",
    "// slash comment",
    "/* block */",
    "/* block\n     spanning lines */",
    "#",
    "#   spaced   ",
];

fn ident() -> impl Strategy<Value = String> {
    select(&IDENTS[..]).prop_map(String::from)
}

fn text(pieces: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    vec(select(pieces), 0..4)
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        select(&LITERALS[..]).prop_map(Expr::Literal),
        ident().prop_map(|name| Expr::Traversal(name, Vec::new())),
        text(&QUOTED_TEXT).prop_map(|text| Expr::Template(vec![Part::Text(text)])),
    ]
}

fn step(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = Step> {
    prop_oneof![
        ident().prop_map(Step::Attr),
        inner.prop_map(Step::Index),
        (0u8..3).prop_map(Step::LegacyIndex),
        ident().prop_map(Step::Splat),
        ident().prop_map(Step::AttrSplat),
    ]
}

fn part(
    inner: BoxedStrategy<Expr>,
    pieces: &'static [&'static str],
) -> impl Strategy<Value = Part> {
    prop_oneof![
        text(pieces).prop_map(Part::Text),
        (inner.clone(), any::<bool>()).prop_map(|(expr, strip)| Part::Interp(expr, strip)),
        (inner, text(pieces), text(pieces)).prop_map(|(c, t, e)| Part::If(c, t, e)),
    ]
}

/// Expressions that fit on one line or inside brackets.
pub(super) fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        let boxed = || inner.clone().boxed();
        prop_oneof![
            vec(boxed(), 0..4).prop_map(Expr::List),
            vec((ident(), boxed()), 0..4).prop_map(Expr::Object),
            (ident(), vec(boxed(), 0..3), any::<bool>())
                .prop_map(|(name, args, expand)| Expr::Call(name, args, expand)),
            (boxed(), boxed(), boxed()).prop_map(|t| Expr::Conditional(Box::new(t))),
            (boxed(), select(&OPERATORS[..]), boxed()).prop_map(|(l, op, r)| Expr::Binary(
                Box::new(l),
                op,
                Box::new(r)
            )),
            (select(&["-", "!"][..]), boxed()).prop_map(|(op, e)| Expr::Unary(op, Box::new(e))),
            boxed().prop_map(|e| Expr::Parens(Box::new(e))),
            (ident(), boxed(), boxed(), option::of(boxed()))
                .prop_map(|(v, c, b, i)| Expr::ForList(v, Box::new((c, b, i)))),
            (ident(), ident(), boxed(), boxed(), boxed(), any::<bool>()).prop_map(
                |(k, v, c, ke, ve, group)| Expr::ForObject(k, v, Box::new((c, ke, ve)), group)
            ),
            vec(part(boxed(), &QUOTED_TEXT), 0..4).prop_map(Expr::Template),
            (ident(), vec(step(boxed()), 1..3)).prop_map(|(n, s)| Expr::Traversal(n, s)),
        ]
    })
}

fn heredoc() -> impl Strategy<Value = Expr> {
    (
        any::<bool>(),
        vec(vec(part(leaf().boxed(), &HEREDOC_TEXT), 0..3), 1..4),
    )
        .prop_map(|(indent, lines)| Expr::Heredoc(indent, lines))
}

fn attribute_value() -> impl Strategy<Value = Expr> {
    prop_oneof![4 => expr(), 1 => heredoc()]
}

fn item() -> impl Strategy<Value = Item> {
    let leaf_item = prop_oneof![
        4 => (ident(), attribute_value()).prop_map(|(k, v)| Item::Attribute(k, v)),
        1 => select(&COMMENTS[..]).prop_map(Item::Comment),
    ];
    leaf_item.prop_recursive(3, 24, 5, |inner| {
        (ident(), vec(label(), 0..3), vec(inner, 0..5))
            .prop_map(|(kind, labels, body)| Item::Block(Block { kind, labels, body }))
    })
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        ident(),
        select(&["\"web\"", "\"a b\"", "\"\"", "\"é\""][..]).prop_map(String::from),
    ]
}

/// A body and the random bytes that choose its whitespace.
pub(super) fn body() -> impl Strategy<Value = (Vec<Item>, Vec<u8>)> {
    (vec(item(), 0..8), vec(any::<u8>(), 1..64))
}

/// Writes `items` out, with whitespace chosen by `noise`.
pub(super) fn render(items: &[Item], noise: &[u8]) -> String {
    let mut writer = Writer {
        out: String::new(),
        noise,
        next: 0,
    };
    writer.blank_lines();
    writer.body(items);
    if writer.pick(3) == 0 {
        writer
            .out
            .truncate(writer.out.trim_end_matches(['\n', '\r']).len());
    }
    writer.out
}
