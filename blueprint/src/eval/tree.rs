//! The module tree: the root folder and every module it calls, each folder parsed once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::module::Module;
use crate::parse::parse_dir;
use crate::source::SourceMap;

/// One place in the module tree: the root, or a module call inside its parent.
#[derive(Debug)]
pub(crate) struct Node {
    pub module: usize,
    pub parent: Option<usize>,
    pub call: Option<String>,
    pub children: IndexMap<String, usize>,
}

/// Every module folder read and where each is called.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    pub modules: Vec<Module>,
    pub nodes: Vec<Node>,
}

const MAX_DEPTH: usize = 32;

impl Tree {
    pub fn load(root: &Path, sources: &mut SourceMap, diags: &mut Diagnostics) -> Tree {
        let mut tree = Tree::default();
        let mut cache = HashMap::new();
        let module = tree.read(root, &mut cache, sources, diags);
        tree.nodes.push(Node {
            module,
            parent: None,
            call: None,
            children: IndexMap::new(),
        });
        tree.expand(0, vec![canonical(root)], &mut cache, sources, diags);
        tree
    }

    pub fn module(&self, node: usize) -> &Module {
        &self.modules[self.nodes[node].module]
    }

    fn read(
        &mut self,
        dir: &Path,
        cache: &mut HashMap<PathBuf, usize>,
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) -> usize {
        let key = canonical(dir);
        if let Some(&i) = cache.get(&key) {
            return i;
        }
        let files = parse_dir(dir, sources, diags);
        if files.is_empty() && !diags.has_errors() {
            diags.push(Diagnostic::error(
                None,
                format!("No blueprint files in {}", dir.display()),
                "A blueprint folder holds one or more .hcl files. Check the path.",
            ));
        }
        self.modules.push(Module::from_files(dir, files, diags));
        cache.insert(key, self.modules.len() - 1);
        self.modules.len() - 1
    }

    fn expand(
        &mut self,
        node: usize,
        ancestors: Vec<PathBuf>,
        cache: &mut HashMap<PathBuf, usize>,
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) {
        let module = self.nodes[node].module;
        let calls: Vec<(String, PathBuf, crate::source::Span)> = self.modules[module]
            .calls
            .values()
            .map(|c| {
                (
                    c.name.name.clone(),
                    normalize(&self.modules[module].dir.join(&c.source)),
                    c.source_span,
                )
            })
            .collect();
        for (name, dir, span) in calls {
            let key = canonical(&dir);
            if !dir.is_dir() {
                diags.push(Diagnostic::error(span, format!("Module folder {} not found", dir.display()), "The source of a module call is a folder relative to the calling module's folder. Check the path."));
                continue;
            }
            if ancestors.contains(&key) || ancestors.len() >= MAX_DEPTH {
                diags.push(Diagnostic::error(span, format!("Module \"{name}\" calls itself"), "A module cannot call itself, directly or through other modules: the tree of module calls would be infinite."));
                continue;
            }
            let child_module = self.read(&dir, cache, sources, diags);
            self.nodes.push(Node {
                module: child_module,
                parent: Some(node),
                call: Some(name.clone()),
                children: IndexMap::new(),
            });
            let child = self.nodes.len() - 1;
            self.nodes[node].children.insert(name, child);
            let mut next = ancestors.clone();
            next.push(key);
            self.expand(child, next, cache, sources, diags);
        }
    }
}

fn canonical(dir: &Path) -> PathBuf {
    dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf())
}

/// Removes `.` and resolves `..` in a path without touching the file system, so that
/// messages show `blueprints/x/../../modules/k8s` as `modules/k8s`.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
