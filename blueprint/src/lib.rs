//! The Strata blueprint language.
//!
//! A blueprint is a folder of HCL files describing a platform: sites, host pools, VMs,
//! Kubernetes clusters, storage, network zones and policies, platform services, jobs,
//! environments and simulation scenarios. [`load`] parses a folder with spans, evaluates
//! it (variables, locals, modules, count / for_each, expressions and functions), checks
//! every block against its kind's schema and runs the semantic checks, returning the
//! evaluated [`Config`] and every [`Diagnostic`] found. [`format::format`] gives a file its
//! canonical layout.
//!
//! ```no_run
//! let mut sources = blueprint::SourceMap::default();
//! let (config, diags) = blueprint::load("blueprints/minimal".as_ref(), &Default::default(), &mut sources);
//! print!("{}", diags.render(&sources));
//! println!("{} instances", config.instances.len());
//! ```

pub mod address;
pub mod ast;
pub mod backend;
pub mod checks;
pub mod config;
mod conform;
pub mod diagnostic;
pub mod eval;
pub mod format;
pub mod functions;
pub mod literal;
pub mod module;
pub mod number;
pub mod parse;
pub mod providers;
pub mod quote;
pub mod redact;
pub mod refactor;
pub mod schedule;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod types;
pub mod units;
pub mod value;

pub use address::{Address, InstanceKey};
pub use config::{Config, Fields, Instance, NestedBlock, Typed};
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use eval::{InputValue, Inputs, Known};
pub use number::Number;
pub use redact::Redactor;
pub use source::{SourceMap, Span};
pub use value::Value;

/// Evaluates and checks the blueprint in `dir`: everything `strata validate` does.
pub fn load(
    dir: &std::path::Path,
    inputs: &Inputs,
    sources: &mut SourceMap,
) -> (Config, Diagnostics) {
    let (config, diags, _) = load_scope(dir, inputs, sources);
    (config, diags)
}

/// [`load`], keeping the root module's scope for evaluating more expressions in it, as
/// `strata console` does.
pub fn load_scope(
    dir: &std::path::Path,
    inputs: &Inputs,
    sources: &mut SourceMap,
) -> (Config, Diagnostics, eval::Scope) {
    let (config, mut diags, scope) = eval::evaluate_scope(dir, inputs, sources);
    diags.extend(checks::run(&config));
    diags.normalize(sources);
    (config, diags, scope)
}
