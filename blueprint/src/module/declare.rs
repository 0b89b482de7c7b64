//! Sorting the top-level blocks of a folder's files into a module's declarations, and
//! reporting misplaced and duplicate ones.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::ast::{Block, Ident};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::parse::ParsedFile;
use crate::refactor::{self};
use crate::schema;
use crate::source::Span;
use crate::suggest;

use super::fields::{
    check_fields, is_identifier, literal, literal_bool, literal_string, required_attr,
};
use super::habits;
use super::{Meta, Module, ModuleCallDecl, OutputDecl, ProviderDecl, ResourceDecl, VariableDecl};

const LANGUAGE_BLOCKS: &[&str] = &[
    "variable",
    "locals",
    "output",
    "module",
    "provider",
    "strata",
    "moved",
    "removed",
    "terraform",
];

impl Module {
    /// Sorts the top-level blocks of a folder's files into declarations.
    pub fn from_files(dir: &Path, files: Vec<ParsedFile>, diags: &mut Diagnostics) -> Module {
        let mut module = Module {
            dir: dir.to_path_buf(),
            ..Module::default()
        };
        let mut seen: HashMap<String, Span> = HashMap::new();
        for file in files {
            for attr in &file.body.attributes {
                diags.push(Diagnostic::error(
                    attr.name.span,
                    format!("Attribute \"{}\" outside any block", attr.name.name),
                    "Only blocks may appear at the top level of a blueprint file. Put this value in a `locals` block, or inside the resource it belongs to.",
                ));
            }
            for block in file.body.blocks {
                module.declare(block, &mut seen, diags);
            }
        }
        module
    }

    fn declare(&mut self, block: Block, seen: &mut HashMap<String, Span>, diags: &mut Diagnostics) {
        let kind = block.kind.name.clone();
        match kind.as_str() {
            "locals" => return self.declare_locals(block, seen, diags),
            "strata" => return self.declare_settings(block, diags),
            "moved" => return self.moved.extend(refactor::moved_block(&block, diags)),
            "removed" => return self.removed.extend(refactor::removed_block(&block, diags)),
            "terraform" => {
                return diags.push(Diagnostic::warning(
                    block.kind.span,
                    "Terraform settings block ignored",
                    "Strata reads no `terraform` block; its settings have no effect here. Remove it.",
                ));
            }
            _ => {}
        }
        if let Some(habit) = habits::terraform_block(&block) {
            return diags.push(habit);
        }
        if schema::kind(&kind).is_none() && !LANGUAGE_BLOCKS.contains(&kind.as_str()) {
            let candidates = schema::kind_names().chain(LANGUAGE_BLOCKS.iter().copied());
            diags.push(Diagnostic::error(
                block.kind.span,
                format!("Unknown block type \"{kind}\""),
                format!(
                    "A blueprint may hold {} and the resource kinds {}.{}",
                    "variable, locals, output, module, provider, moved, removed and strata blocks",
                    schema::kind_names().collect::<Vec<_>>().join(", "),
                    suggest::hint(&kind, candidates)
                ),
            ));
            return;
        }
        if block.labels.len() != 1 {
            diags.push(Diagnostic::error(
                block.header_span(),
                format!("A {kind} block needs exactly one name"),
                format!("Write it as `{kind} \"name\" {{ ... }}`; the name is how other blocks refer to it."),
            ));
            return;
        }
        let name = block.labels[0].clone();
        if !is_identifier(&name.name) && kind != "provider" {
            diags.push(Diagnostic::error(
                name.span,
                format!("Invalid name \"{}\"", name.name),
                "A name starts with a letter or underscore and holds only letters, digits, underscores and dashes, so that it can be referenced as kind.name.",
            ));
            return;
        }
        let key = format!("{kind}.{}", name.name);
        if kind != "provider" {
            if let Some(first) = seen.get(&key) {
                diags.push(
                    Diagnostic::error(
                        name.span,
                        format!("Duplicate {kind} \"{}\"", name.name),
                        format!("Each {kind} needs a name of its own within a module. Rename one of them."),
                    )
                    .with_note("first declared here", *first),
                );
                return;
            }
            seen.insert(key, name.span);
        }
        match kind.as_str() {
            "variable" => self.declare_variable(name, block, diags),
            "output" => self.declare_output(name, block, diags),
            "module" => self.declare_call(name, block, diags),
            "provider" => self.providers.push(ProviderDecl {
                name,
                span: block.span,
                body: block.body,
            }),
            _ => self.declare_resource(name, block, diags),
        }
    }

    /// `strata { default_provider { KIND = PROVIDER } backend "KIND" { ... } }`:
    /// blueprint-wide settings. The backend is read at once (it is needed before anything
    /// is evaluated); the rest once the providers are known (`eval::providers`).
    fn declare_settings(&mut self, block: Block, diags: &mut Diagnostics) {
        if !block.labels.is_empty() {
            diags.push(Diagnostic::error(
                block.header_span(),
                "A strata block has no name",
                "Write it as `strata { default_provider { vm = libvirt } }`.",
            ));
            return;
        }
        self.declare_backend(&block, diags);
        self.settings.push(block);
    }

    fn declare_locals(
        &mut self,
        block: Block,
        seen: &mut HashMap<String, Span>,
        diags: &mut Diagnostics,
    ) {
        if let Some(inner) = block.body.blocks.first() {
            diags.push(Diagnostic::error(
                inner.kind.span,
                "Block inside locals",
                "A locals block holds only `name = value` attributes.",
            ));
        }
        for attr in block.body.attributes {
            let key = format!("local.{}", attr.name.name);
            if let Some(first) = seen.get(&key) {
                diags.push(
                    Diagnostic::error(
                        attr.name.span,
                        format!("Duplicate local value \"{}\"", attr.name.name),
                        "Each local value needs a name of its own within a module. Rename one of them.",
                    )
                    .with_note("first declared here", *first),
                );
                continue;
            }
            seen.insert(key, attr.name.span);
            self.locals.insert(attr.name.name.clone(), attr);
        }
    }

    fn declare_variable(&mut self, name: Ident, block: Block, diags: &mut Diagnostics) {
        check_fields(
            &block,
            &["type", "default", "description", "sensitive", "nullable"],
            &["validation"],
            diags,
        );
        let validations = block
            .body
            .blocks_of("validation")
            .filter_map(|v| {
                check_fields(v, &["condition", "error_message"], &[], diags);
                let cond = required_attr(v, "condition", diags)?;
                let message = required_attr(v, "error_message", diags)?;
                Some((cond.value.clone(), message.value.clone()))
            })
            .collect();
        let decl = VariableDecl {
            ty: block.body.attribute("type").map(|a| a.value.clone()),
            default: block.body.attribute("default").map(|a| a.value.clone()),
            description: literal_string(&block.body, "description", diags),
            sensitive: literal_bool(&block.body, "sensitive", diags),
            not_null: block.body.attribute("nullable").is_some()
                && !literal_bool(&block.body, "nullable", diags),
            validations,
            span: block.span,
            name,
        };
        self.variables.insert(decl.name.name.clone(), decl);
    }

    fn declare_output(&mut self, name: Ident, block: Block, diags: &mut Diagnostics) {
        check_fields(
            &block,
            &["value", "description", "sensitive", "depends_on"],
            &[],
            diags,
        );
        let Some(value) = required_attr(&block, "value", diags) else {
            return;
        };
        let decl = OutputDecl {
            value: value.value.clone(),
            description: literal_string(&block.body, "description", diags),
            sensitive: literal_bool(&block.body, "sensitive", diags),
            span: block.span,
            name,
        };
        self.outputs.insert(decl.name.name.clone(), decl);
    }

    fn declare_call(&mut self, name: Ident, block: Block, diags: &mut Diagnostics) {
        let Some(source) = required_attr(&block, "source", diags) else {
            return;
        };
        let Some(path) = literal(&source.value) else {
            diags.push(Diagnostic::error(
                source.value.span,
                "Module source must be a literal string",
                "Strata must know a module's folder before evaluating anything, so `source` cannot use variables or functions. Write a path such as \"../modules/k8s-cluster\".",
            ));
            return;
        };
        if path.contains("://")
            || path.contains("::")
            || !(path.starts_with("./") || path.starts_with("../"))
        {
            diags.push(Diagnostic::error(
                source.value.span,
                format!("Unsupported module source \"{path}\""),
                "A module source is a local folder given relative to this file's folder, starting with ./ or ../ (for example \"../../modules/k8s-cluster\"). Registries and URLs are not supported.",
            ));
            return;
        }
        let meta = meta_of(&block);
        let inputs = block
            .body
            .attributes
            .iter()
            .filter(|a| {
                !matches!(
                    a.name.name.as_str(),
                    "source" | "count" | "for_each" | "depends_on" | "providers" | "version"
                )
            })
            .cloned()
            .collect();
        if let Some(inner) = block.body.blocks.first() {
            diags.push(Diagnostic::error(
                inner.kind.span,
                format!("Unexpected block \"{}\" in a module call", inner.kind.name),
                "A module call takes `source`, meta-arguments and input values as attributes only.",
            ));
        }
        let decl = ModuleCallDecl {
            source: PathBuf::from(path),
            source_span: source.value.span,
            inputs,
            meta,
            span: block.span,
            name,
        };
        self.calls.insert(decl.name.name.clone(), decl);
    }

    fn declare_resource(&mut self, name: Ident, block: Block, diags: &mut Diagnostics) {
        let lifecycle = block.body.blocks_of("lifecycle").next().cloned();
        if let Some(lc) = &lifecycle {
            check_fields(
                lc,
                &["prevent_destroy", "create_before_destroy", "ignore_changes"],
                &[],
                diags,
            );
        }
        let decl = ResourceDecl {
            kind: block.kind.clone(),
            meta: meta_of(&block),
            provider: block.body.attribute("provider").map(|a| a.value.clone()),
            lifecycle,
            block,
            name,
        };
        self.resources
            .insert((decl.kind.name.clone(), decl.name.name.clone()), decl);
    }
}

fn meta_of(block: &Block) -> Meta {
    let get = |n: &str| block.body.attribute(n).map(|a| a.value.clone());
    Meta {
        count: get("count"),
        for_each: get("for_each"),
        depends_on: get("depends_on"),
    }
}
