//! The syntax tree of a blueprint file: bodies, blocks, attributes and expressions, each
//! with the span it came from.
//!
//! [`crate::parse`] builds it from hcl-edit's tree; evaluation and checks read only this.

use crate::source::Span;

/// A name with its span: an attribute key, a block type, a label.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The text.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// The contents of a file or of a block.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Body {
    /// `name = value` lines, in source order.
    pub attributes: Vec<Attribute>,
    /// Nested blocks, in source order.
    pub blocks: Vec<Block>,
}

impl Body {
    /// The attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name.name == name)
    }

    /// Nested blocks of type `kind`.
    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind.name == kind)
    }
}

/// `name = value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// The key.
    pub name: Ident,
    /// The value expression.
    pub value: Expr,
    /// The whole line.
    pub span: Span,
}

/// `kind "label" { ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The block type, such as `vm` or `variable`.
    pub kind: Ident,
    /// The labels, such as the name of a resource.
    pub labels: Vec<Ident>,
    /// The contents.
    pub body: Body,
    /// From the block type to the closing brace.
    pub span: Span,
}

impl Block {
    /// The span of the header: the block type and its labels.
    pub fn header_span(&self) -> Span {
        self.labels
            .last()
            .map_or(self.kind.span, |l| self.kind.span.to(l.span))
    }
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// The expression forms of HCL.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `null`.
    Null,
    /// `true`, `false`.
    Bool(bool),
    /// A number literal.
    Number(crate::number::Number),
    /// A quoted string or heredoc; a plain string is a template of one literal.
    Template(Vec<TemplatePart>),
    /// `[a, b]`.
    Tuple(Vec<Expr>),
    /// `{ k = v }`.
    Object(Vec<(ObjectKey, Expr)>),
    /// A bare name: `var`, `vm`, `count`, a `for` variable.
    Variable(String),
    /// `expr.attr`, `expr[i]`, `expr.*.attr`, `expr[*].attr`.
    Traversal(Box<Expr>, Vec<Traverse>),
    /// `name(args...)`; `expand` when the last argument ends in `...`.
    Call {
        /// The function name.
        name: Ident,
        /// The arguments.
        args: Vec<Expr>,
        /// The last argument is a list to spread.
        expand: bool,
    },
    /// `-x`, `!x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a + b` and the other binary operators.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `c ? a : b`.
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `[for k, v in coll : value if cond]` and `{for k, v in coll : key => value...}`.
    For(Box<ForExpr>),
    /// `(x)`.
    Parens(Box<Expr>),
}

/// An object key: a bare name or an expression in parentheses or quotes.
#[derive(Clone, Debug, PartialEq)]
pub enum ObjectKey {
    /// `name = ...`.
    Ident(Ident),
    /// `"name" = ...` or `(expr) = ...`.
    Expr(Expr),
}

/// One step of a traversal.
#[derive(Clone, Debug, PartialEq)]
pub struct Traverse {
    /// The step.
    pub op: TraverseOp,
    /// Where it is.
    pub span: Span,
}

/// The steps a traversal can take.
#[derive(Clone, Debug, PartialEq)]
pub enum TraverseOp {
    /// `.name`.
    Attr(String),
    /// `[expr]`, or the legacy `.0`.
    Index(Expr),
    /// `.*`: attribute-only splat.
    AttrSplat,
    /// `[*]`: full splat.
    FullSplat,
}

/// A part of a string template.
#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    /// Literal text.
    Literal(String),
    /// `${expr}`.
    Interp(Expr),
    /// `%{ if c }a%{ else }b%{ endif }`.
    If(Expr, Vec<TemplatePart>, Vec<TemplatePart>),
    /// `%{ for k, v in coll }...%{ endfor }`.
    For {
        /// Name bound to the key, if given.
        key_var: Option<String>,
        /// Name bound to the value.
        value_var: String,
        /// The collection.
        collection: Expr,
        /// The repeated template.
        body: Vec<TemplatePart>,
    },
}

/// A `for` expression.
#[derive(Clone, Debug, PartialEq)]
pub struct ForExpr {
    /// Name bound to the key or index, if given.
    pub key_var: Option<String>,
    /// Name bound to the value.
    pub value_var: String,
    /// What is iterated.
    pub collection: Expr,
    /// The key expression of an object `for`; `None` makes a list.
    pub key: Option<Expr>,
    /// The value expression.
    pub value: Expr,
    /// `...` after the value: group values with the same key into lists.
    pub grouping: bool,
    /// The `if` filter.
    pub cond: Option<Expr>,
}

/// `-` and `!`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `!x`.
    Not,
}

/// The binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `==`.
    Eq,
    /// `!=`.
    NotEq,
    /// `<`.
    Less,
    /// `<=`.
    LessEq,
    /// `>`.
    Greater,
    /// `>=`.
    GreaterEq,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Mod,
    /// `&&`.
    And,
    /// `||`.
    Or,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Less => "<",
            BinaryOp::LessEq => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterEq => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
        }
    }
}
