//! Random valid HCL bodies, with random whitespace and comments, for the
//! property tests.
//!
//! Strategies build a small syntax tree; [`render`] writes it out, taking
//! its whitespace and comment choices from a vector of random bytes.

use std::collections::HashSet;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

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

/// Whether newlines may appear between tokens.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Line,
    Brackets,
}

struct Writer<'a> {
    out: String,
    noise: &'a [u8],
    next: usize,
}

impl Writer<'_> {
    fn pick(&mut self, choices: usize) -> usize {
        let byte = self.noise[self.next % self.noise.len()];
        self.next += 1;
        usize::from(byte) % choices
    }

    fn put(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn choose(&mut self, options: &[&str]) {
        let option = options[self.pick(options.len())];
        self.put(option);
    }

    /// Optional whitespace between tokens.
    fn gap(&mut self, ctx: Ctx) {
        const LINE: [&str; 6] = ["", "", " ", "  ", "\t", " /* c */ "];
        const BRACKETS: [&str; 5] = [
            "\n",
            "\n\n    ",
            " # note\n",
            " // note\n  ",
            "\n/* a\n b */\n",
        ];
        if ctx == Ctx::Brackets && self.pick(4) == 0 {
            self.choose(&BRACKETS);
        } else {
            self.choose(&LINE);
        }
    }

    /// Required whitespace between tokens.
    fn sep(&mut self, ctx: Ctx) {
        self.choose(&[" ", "  ", "\t "]);
        self.gap(ctx);
    }

    fn blank_lines(&mut self) {
        const BLANKS: [&str; 6] = ["", "", "", "\n", "\n\n\n", "   \n\t\n"];
        self.choose(&BLANKS);
    }

    fn indent(&mut self) {
        self.choose(&["", "  ", "    ", "\t", " "]);
    }

    /// Trailing spaces or comment, and the line ending.
    fn end_line(&mut self) {
        const TRAILERS: [&str; 7] = ["", "", "", "  ", " # trailing", "// t  ", " /* t */"];
        self.choose(&TRAILERS);
        self.choose(&["\n", "\n", "\n", "\n", "\r\n"]);
    }

    fn body(&mut self, items: &[Item]) {
        let mut keys = HashSet::new();
        for (index, item) in items.iter().enumerate() {
            self.blank_lines();
            self.indent();
            match item {
                Item::Attribute(key, value) if !keys.insert(key) => {
                    self.attribute(&format!("{key}_{index}"), value);
                }
                Item::Attribute(key, value) => self.attribute(key, value),
                Item::Block(block) => self.block(block),
                Item::Comment(comment) => self.put(comment),
            }
            self.end_line();
        }
        self.blank_lines();
    }

    fn attribute(&mut self, key: &str, value: &Expr) {
        self.put(key);
        self.gap(Ctx::Line);
        self.put("=");
        self.gap(Ctx::Line);
        self.expr(value, Ctx::Line);
    }

    fn block(&mut self, block: &Block) {
        self.put(&block.kind);
        for label in &block.labels {
            self.sep(Ctx::Line);
            self.put(label);
        }
        self.gap(Ctx::Line);
        match block.body.as_slice() {
            [] if self.pick(2) == 0 => self.choose(&["{}", "{ }", "{  }"]),
            [Item::Attribute(key, value @ Expr::Literal(_))] if self.pick(2) == 0 => {
                self.put("{");
                self.gap(Ctx::Line);
                self.attribute(key, value);
                self.gap(Ctx::Line);
                self.put("}");
            }
            body => {
                self.put("{");
                self.end_line();
                self.body(body);
                self.indent();
                self.put("}");
            }
        }
    }

    fn expr(&mut self, expr: &Expr, ctx: Ctx) {
        match expr {
            Expr::Literal(literal) => self.put(literal),
            Expr::Traversal(name, steps) => self.traversal(name, steps),
            Expr::Template(parts) => {
                self.put("\"");
                self.parts(parts);
                self.put("\"");
            }
            Expr::Heredoc(indent, lines) => self.heredoc(*indent, lines),
            Expr::List(items) => self.list(items),
            Expr::Object(items) => self.object(items),
            Expr::Call(name, args, expand) => self.call(name, args, *expand),
            Expr::Conditional(parts) => {
                let (condition, yes, no) = parts.as_ref();
                self.expr(condition, ctx);
                self.sep(ctx);
                self.put("?");
                self.sep(ctx);
                self.expr(yes, ctx);
                self.sep(ctx);
                self.put(":");
                self.sep(ctx);
                self.expr(no, ctx);
            }
            Expr::Binary(left, op, right) => {
                self.expr(left, ctx);
                self.sep(ctx);
                self.put(op);
                self.sep(ctx);
                self.expr(right, ctx);
            }
            Expr::Unary(op, operand) => {
                self.put(op);
                self.gap(Ctx::Line);
                self.expr(operand, ctx);
            }
            Expr::Parens(inner) => {
                self.put("(");
                self.gap(Ctx::Brackets);
                self.expr(inner, Ctx::Brackets);
                self.gap(Ctx::Brackets);
                self.put(")");
            }
            Expr::ForList(var, parts) => self.for_list(var, parts),
            Expr::ForObject(key, value, parts, group) => self.for_object(key, value, parts, *group),
        }
    }

    fn traversal(&mut self, name: &str, steps: &[Step]) {
        self.put(name);
        for step in steps {
            self.gap(Ctx::Line);
            match step {
                Step::Attr(attr) => {
                    self.put(".");
                    self.put(attr);
                }
                Step::Index(index) => {
                    self.put("[");
                    self.gap(Ctx::Brackets);
                    self.expr(index, Ctx::Brackets);
                    self.gap(Ctx::Brackets);
                    self.put("]");
                }
                Step::LegacyIndex(index) => self.put(&format!(".{index}")),
                Step::Splat(attr) => self.put(&format!("[*].{attr}")),
                Step::AttrSplat(attr) => self.put(&format!(".*.{attr}")),
            }
        }
    }

    fn parts(&mut self, parts: &[Part]) {
        for part in parts {
            match part {
                Part::Text(text) => text.iter().for_each(|piece| self.put(piece)),
                Part::Interp(expr, strip) => {
                    self.put(if *strip { "${~" } else { "${" });
                    self.gap(Ctx::Brackets);
                    self.expr(expr, Ctx::Line);
                    self.gap(Ctx::Brackets);
                    self.put(if *strip { "~}" } else { "}" });
                }
                Part::If(condition, yes, no) => {
                    self.put("%{ if ");
                    self.expr(condition, Ctx::Line);
                    self.put(" }");
                    yes.iter().for_each(|piece| self.put(piece));
                    self.put("%{else}");
                    no.iter().for_each(|piece| self.put(piece));
                    self.put("%{ endif ~}");
                }
            }
        }
    }

    fn heredoc(&mut self, indent: bool, lines: &[Vec<Part>]) {
        self.put(if indent { "<<-EOT\n" } else { "<<EOT\n" });
        for line in lines {
            let start = self.out.len();
            self.indent();
            self.parts(line);
            if self.out[start..].trim_start().starts_with("EOT") {
                self.out.insert(start, '_');
            }
            self.choose(&["\n", "  \n", "\n\n"]);
        }
        self.indent();
        self.put("EOT");
    }

    fn list(&mut self, items: &[Expr]) {
        self.put("[");
        for (index, item) in items.iter().enumerate() {
            self.gap(Ctx::Brackets);
            self.expr(item, Ctx::Brackets);
            self.gap(Ctx::Brackets);
            if index + 1 < items.len() || self.pick(2) == 0 {
                self.put(",");
            }
        }
        self.gap(Ctx::Brackets);
        self.put("]");
    }

    fn object(&mut self, items: &[(String, Expr)]) {
        let multiline = self.pick(2) == 0;
        self.put("{");
        for (index, (key, value)) in items.iter().enumerate() {
            if multiline {
                self.end_line();
                self.blank_lines();
                self.indent();
            } else {
                self.gap(Ctx::Line);
            }
            self.put(&format!("{key}_{index}"));
            self.gap(Ctx::Line);
            self.choose(&["=", ":"]);
            self.gap(Ctx::Line);
            self.expr(value, Ctx::Line);
            if !multiline && index + 1 < items.len() || self.pick(3) == 0 {
                self.gap(Ctx::Line);
                self.put(",");
            }
        }
        if multiline {
            self.end_line();
        } else {
            self.gap(Ctx::Line);
        }
        self.put("}");
    }

    fn call(&mut self, name: &str, args: &[Expr], expand: bool) {
        self.put(name);
        self.gap(Ctx::Line);
        self.put("(");
        for (index, arg) in args.iter().enumerate() {
            self.gap(Ctx::Brackets);
            self.expr(arg, Ctx::Brackets);
            let last = index + 1 == args.len();
            if last && expand {
                self.gap(Ctx::Line);
                self.put("...");
            }
            if !last {
                self.gap(Ctx::Brackets);
                self.put(",");
            }
        }
        self.gap(Ctx::Brackets);
        self.put(")");
    }

    fn for_list(&mut self, var: &str, parts: &(Expr, Expr, Option<Expr>)) {
        let (collection, body, condition) = parts;
        let ctx = Ctx::Brackets;
        self.put("[");
        self.gap(ctx);
        self.put("for");
        self.sep(ctx);
        self.put(var);
        self.sep(ctx);
        self.put("in");
        self.sep(ctx);
        // hcl-edit takes no line breaks in the collection of a for expression.
        self.expr(collection, Ctx::Line);
        self.gap(ctx);
        self.put(":");
        self.gap(ctx);
        self.expr(body, ctx);
        if let Some(condition) = condition {
            self.sep(ctx);
            self.put("if");
            self.sep(ctx);
            self.expr(condition, ctx);
        }
        self.gap(ctx);
        self.put("]");
    }

    fn for_object(&mut self, key: &str, value: &str, parts: &(Expr, Expr, Expr), group: bool) {
        let (collection, key_expr, value_expr) = parts;
        let ctx = Ctx::Line;
        self.put("{");
        self.gap(ctx);
        self.put("for");
        self.sep(ctx);
        self.put(key);
        self.gap(ctx);
        self.put(",");
        self.gap(ctx);
        self.put(value);
        self.sep(ctx);
        self.put("in");
        self.sep(ctx);
        self.expr(collection, ctx);
        self.gap(ctx);
        self.put(":");
        self.gap(ctx);
        self.expr(key_expr, ctx);
        self.gap(ctx);
        self.put("=>");
        self.gap(ctx);
        self.expr(value_expr, ctx);
        if group {
            self.gap(ctx);
            self.put("...");
        }
        self.gap(ctx);
        self.put("}");
    }
}
