//! The configuration of the last apply, kept in the state: the blueprint's files as they
//! were applied, so that `strata plan -impact` can compare the blueprint before a change
//! with the blueprint after it without a git history.
//!
//! Every file is kept protected as sensitive values in the state are (sealed with the state
//! key, or a digest without one, which cannot be opened: such a configuration cannot be
//! compared, and `-base REF` is the way). A blueprint file can hold a secret in ways no
//! scan finds for certain (a sensitive variable's default, a literal in a sensitive
//! attribute), so none is kept in clear.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Protector;

/// The blueprint files of the last apply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Applied {
    /// The blueprint folder, relative to the folder every file is relative to.
    pub root: String,
    /// Each file's text, protected, by its
    /// path relative to the common folder, with `/` between names.
    pub files: BTreeMap<String, serde_json::Value>,
}

/// Why the configuration of the last apply cannot be laid out again.
#[derive(Debug, thiserror::Error)]
pub enum AppliedError {
    /// A file was kept as a digest (no state key), or the key does not open it.
    #[error(
        "the configuration of the last apply ({0}) is kept as a digest, since the state has no key; set STRATA_STATE_KEY (the key the state was written with), or compare with a git revision (-base REF)"
    )]
    Protected(String),
    /// A path would leave the folder it is laid out in.
    #[error("the configuration of the last apply names a file outside its folder: {0}")]
    Outside(String),
    /// Writing failed.
    #[error("cannot lay out the configuration of the last apply: {0}")]
    Io(#[from] std::io::Error),
}

/// The folder every path in `paths` is inside.
fn common_folder(paths: &[PathBuf]) -> PathBuf {
    let mut common: Option<PathBuf> = None;
    for path in paths {
        let folder = path.parent().unwrap_or(path);
        common = Some(match common {
            None => folder.to_path_buf(),
            Some(c) => c
                .components()
                .zip(folder.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common.unwrap_or_default()
}

/// `path` relative to `base`, with `/` between names.
fn relative(path: &Path, base: &Path) -> String {
    let rest = path.strip_prefix(base).unwrap_or(path);
    rest.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

impl Applied {
    /// The configuration of the blueprint in `dir` made of `files` (absolute path and text:
    /// the blueprint's own files and its modules'), each protected with `protector`.
    pub fn capture(dir: &Path, files: &[(PathBuf, String)], protector: &Protector) -> Applied {
        let mut paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
        paths.push(dir.join("_"));
        let base = common_folder(&paths);
        let files = files
            .iter()
            .map(|(path, text)| {
                let value = serde_json::Value::String(text.clone());
                (relative(path, &base), protector.protect(&value))
            })
            .collect();
        Applied {
            root: relative(dir, &base),
            files,
        }
    }

    /// Writes the files under `into` and returns the blueprint folder there.
    pub fn materialise(&self, into: &Path, protector: &Protector) -> Result<PathBuf, AppliedError> {
        for (name, value) in &self.files {
            let inside = Path::new(name)
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
            if !inside {
                return Err(AppliedError::Outside(name.clone()));
            }
            let opened = protector.reveal(value);
            let serde_json::Value::String(text) = opened.clone() else {
                return Err(AppliedError::Protected(name.clone()));
            };
            if super::is_protected(&opened) {
                return Err(AppliedError::Protected(name.clone()));
            }
            let path = into.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, text)?;
        }
        let root = into.join(&self.root);
        std::fs::create_dir_all(&root)?;
        Ok(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::StateKey;

    fn files(base: &Path) -> Vec<(PathBuf, String)> {
        vec![
            (base.join("bp/main.hcl"), "site \"a\" {}\n".into()),
            (
                base.join("modules/m/main.hcl"),
                "variable \"x\" { default = \"hunter2\" }\n".into(),
            ),
        ]
    }

    #[test]
    fn files_come_back_where_they_were_and_secrets_stay_sealed() {
        let base = Path::new("/somewhere/repo");
        let key = Protector::new(Some(StateKey::new("k")), "lineage");
        let applied = Applied::capture(&base.join("bp"), &files(base), &key);
        assert_eq!(applied.root, "bp");
        let kept = serde_json::to_string(&applied).unwrap();
        assert!(!kept.contains("hunter2"), "{kept}");
        let out = tempfile::tempdir().unwrap();
        let root = applied.materialise(out.path(), &key).unwrap();
        assert_eq!(root, out.path().join("bp"));
        let module = std::fs::read_to_string(out.path().join("modules/m/main.hcl")).unwrap();
        assert!(module.contains("hunter2"));
        // Without the key, or with digests, the file cannot come back.
        let none = Protector::new(None, "lineage");
        assert!(matches!(
            applied.materialise(tempfile::tempdir().unwrap().path(), &none),
            Err(AppliedError::Protected(_))
        ));
        let digested = Applied::capture(&base.join("bp"), &files(base), &none);
        assert!(
            !serde_json::to_string(&digested)
                .unwrap()
                .contains("hunter2")
        );
        assert!(matches!(
            digested.materialise(tempfile::tempdir().unwrap().path(), &none),
            Err(AppliedError::Protected(_))
        ));
    }

    #[test]
    fn a_path_that_leaves_the_folder_is_refused() {
        let applied = Applied {
            root: "bp".into(),
            files: [("../evil.hcl".to_string(), serde_json::Value::from("x"))].into(),
        };
        assert!(matches!(
            applied.materialise(tempfile::tempdir().unwrap().path(), &Protector::default()),
            Err(AppliedError::Outside(_))
        ));
    }
}
