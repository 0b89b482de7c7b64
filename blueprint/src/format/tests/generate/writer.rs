//! Writing a generated syntax tree out as HCL text, each whitespace and comment choice
//! taken from the random bytes.

use std::collections::HashSet;

use super::{Block, Expr, Item, Part, Step};

/// Whether newlines may appear between tokens.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Line,
    Brackets,
}

/// The text written so far, and the random bytes that choose its whitespace.
pub(super) struct Writer<'a> {
    pub(super) out: String,
    pub(super) noise: &'a [u8],
    pub(super) next: usize,
}

impl Writer<'_> {
    pub(super) fn pick(&mut self, choices: usize) -> usize {
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

    pub(super) fn blank_lines(&mut self) {
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

    pub(super) fn body(&mut self, items: &[Item]) {
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
