//! Modules: the declarations of one blueprint folder, sorted by what they are.
//!
//! [`Module::from_files`] reads the top-level blocks of every file of a folder into
//! variables, locals, outputs, resources, module calls, provider blocks and refactoring
//! blocks (`moved`, `removed`), and reports misplaced or duplicate declarations.

mod declare;
mod fields;
mod habits;

use std::path::PathBuf;

use indexmap::IndexMap;

use crate::ast::{Attribute, Block, Body, Expr, Ident};
use crate::refactor::{Move, Removal};
use crate::source::Span;

pub(crate) use fields::{check_fields, required_attr};
pub use fields::{is_identifier, literal};

/// `variable "name" { ... }`.
#[derive(Debug)]
pub struct VariableDecl {
    /// Its name.
    pub name: Ident,
    /// The `type` expression.
    pub ty: Option<Expr>,
    /// The `default` expression.
    pub default: Option<Expr>,
    /// Its description.
    pub description: Option<String>,
    /// Hidden in output.
    pub sensitive: bool,
    /// `nullable = false`: null is refused (and means the default).
    pub not_null: bool,
    /// `validation { condition, error_message }` blocks.
    pub validations: Vec<(Expr, Expr)>,
    /// The block.
    pub span: Span,
}

/// `output "name" { ... }`.
#[derive(Debug)]
pub struct OutputDecl {
    /// Its name.
    pub name: Ident,
    /// The value expression.
    pub value: Expr,
    /// Its description.
    pub description: Option<String>,
    /// Hidden in output.
    pub sensitive: bool,
    /// The block.
    pub span: Span,
}

/// Meta-arguments any resource or module call may carry.
#[derive(Debug, Default)]
pub struct Meta {
    /// `count = N`.
    pub count: Option<Expr>,
    /// `for_each = map or set`.
    pub for_each: Option<Expr>,
    /// `depends_on = [...]`.
    pub depends_on: Option<Expr>,
}

/// A resource block: `vm "web" { ... }`.
#[derive(Debug)]
pub struct ResourceDecl {
    /// Its kind.
    pub kind: Ident,
    /// Its name.
    pub name: Ident,
    /// The block, meta-arguments included.
    pub block: Block,
    /// count, for_each, depends_on.
    pub meta: Meta,
    /// `provider = name`.
    pub provider: Option<Expr>,
    /// `lifecycle { ... }`.
    pub lifecycle: Option<Block>,
}

/// A module call: `module "name" { source = "..." ... }`.
#[derive(Debug)]
pub struct ModuleCallDecl {
    /// Its name.
    pub name: Ident,
    /// The folder, relative to the calling module's folder.
    pub source: PathBuf,
    /// The `source` attribute's span.
    pub source_span: Span,
    /// Input values, by variable name.
    pub inputs: Vec<Attribute>,
    /// count, for_each, depends_on.
    pub meta: Meta,
    /// The block.
    pub span: Span,
}

/// A `provider "name" { ... }` block.
#[derive(Debug)]
pub struct ProviderDecl {
    /// The provider name.
    pub name: Ident,
    /// Its settings.
    pub body: Body,
    /// The block.
    pub span: Span,
}

/// The declarations of one folder.
#[derive(Debug, Default)]
pub struct Module {
    /// The folder.
    pub dir: PathBuf,
    /// Input variables.
    pub variables: IndexMap<String, VariableDecl>,
    /// Local values.
    pub locals: IndexMap<String, Attribute>,
    /// Outputs.
    pub outputs: IndexMap<String, OutputDecl>,
    /// Resources by (kind, name).
    pub resources: IndexMap<(String, String), ResourceDecl>,
    /// Module calls.
    pub calls: IndexMap<String, ModuleCallDecl>,
    /// Provider configurations.
    pub providers: Vec<ProviderDecl>,
    /// The `strata { ... }` settings blocks (`default_provider`; their `backend` is read
    /// into [`Module::backend`]).
    pub settings: Vec<Block>,
    /// `moved` blocks, relative to this module.
    pub moved: Vec<Move>,
    /// `removed` blocks, relative to this module.
    pub removed: Vec<Removal>,
    /// The `strata { backend "KIND" { ... } }` block's backend (see [`crate::backend`]).
    pub backend: Option<crate::backend::BackendBlock>,
}
