//! Loading inline blueprints from a temporary folder and rendering their diagnostics as
//! `strata validate` prints them, for the snapshot tests of diagnostics.

#![allow(dead_code)]

use std::path::Path;

use blueprint::{Inputs, SourceMap};

/// The rendered diagnostics of one load, and how many errors and warnings it found.
pub struct Outcome {
    pub text: String,
    pub errors: usize,
    pub warnings: usize,
}

impl Outcome {
    /// Asserts the counts and that every phrase appears in the rendered text.
    pub fn expect(&self, errors: usize, warnings: usize, phrases: &[&str]) {
        assert_eq!(
            (self.errors, self.warnings),
            (errors, warnings),
            "expected {errors} error(s) and {warnings} warning(s), got:\n{}",
            self.text
        );
        for phrase in phrases {
            assert!(
                self.text.contains(phrase),
                "expected {phrase:?} in:\n{}",
                self.text
            );
        }
    }

    /// How often `phrase` appears in the rendered text.
    pub fn occurrences(&self, phrase: &str) -> usize {
        self.text.matches(phrase).count()
    }
}

/// Writes `files` (paths relative to a fresh temporary folder) and loads the folder.
pub fn load_files(files: &[(&str, &str)], inputs: &Inputs) -> Outcome {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("create folder");
        std::fs::write(&path, text).expect("write a blueprint file");
    }
    let mut sources = SourceMap::default();
    let (_, diags) = blueprint::load(dir.path(), inputs, &mut sources);
    let (errors, warnings) = diags.counts();
    let text = stable(&diags.render(&sources), dir.path());
    Outcome {
        text,
        errors,
        warnings,
    }
}

/// Replaces the temporary folder's path (as given and canonical) with `<dir>`.
pub fn stable(text: &str, dir: &Path) -> String {
    let mut text = text.to_string();
    if let Ok(canonical) = dir.canonicalize() {
        text = text.replace(&canonical.display().to_string(), "<dir>");
    }
    text.replace(&dir.display().to_string(), "<dir>")
}

/// Loads a blueprint made of one file, main.hcl.
pub fn load(main: &str) -> Outcome {
    load_files(&[("main.hcl", main)], &Inputs::default())
}
