//! Files and paths: `file`, `fileexists`, `fileset`, `filebase64`, the `file*sha*` and
//! `filemd5` hashes, `abspath`, `basename`, `dirname` and `pathexpand`.
//!
//! A relative path is read from the root module's folder, as Terraform reads it from the
//! folder it runs in: `file("${path.module}/x")` reads `x` beside the calling module, since
//! `path.module` is that module's folder relative to the root. Paths are cleaned as Go's
//! `path/filepath` cleans them (Terraform's behaviour): `a/./b/../c` is `a/c`.

use std::path::{Path, PathBuf};

use globset::GlobBuilder;

use super::args::string;
use super::encoding::base64;
use super::hashes::{Hash, hex};
use super::{Arity, Function, Scope};
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::scoped("file", Arity::Exact(1), file),
    Function::scoped("fileexists", Arity::Exact(1), fileexists),
    Function::scoped("fileset", Arity::Exact(2), fileset),
    Function::scoped("filebase64", Arity::Exact(1), filebase64),
    Function::scoped("filemd5", Arity::Exact(1), |s, a| file_hex(s, a, Hash::Md5)),
    Function::scoped("filesha1", Arity::Exact(1), |s, a| {
        file_hex(s, a, Hash::Sha1)
    }),
    Function::scoped("filesha256", Arity::Exact(1), |s, a| {
        file_hex(s, a, Hash::Sha256)
    }),
    Function::scoped("filesha512", Arity::Exact(1), |s, a| {
        file_hex(s, a, Hash::Sha512)
    }),
    Function::scoped("filebase64sha256", Arity::Exact(1), |s, a| {
        file_base64(s, a, Hash::Sha256)
    }),
    Function::scoped("filebase64sha512", Arity::Exact(1), |s, a| {
        file_base64(s, a, Hash::Sha512)
    }),
    Function::scoped("abspath", Arity::Exact(1), abspath),
    Function::new("basename", Arity::Exact(1), basename),
    Function::new("dirname", Arity::Exact(1), dirname),
    Function::new("pathexpand", Arity::Exact(1), pathexpand),
];

/// The largest file the file functions read.
const MAX_FILE: u64 = 64 << 20;

/// The most files `fileset` looks at.
const MAX_WALK: usize = 100_000;

/// A path as given, read from the root module's folder when relative.
fn resolve(scope: &Scope<'_>, path: &str) -> PathBuf {
    scope.base_dir.join(path)
}

/// The bytes of the file at argument 1.
pub(super) fn read(scope: &Scope<'_>, args: &[Value]) -> Result<Vec<u8>, String> {
    let path = string(args, 0)?;
    let full = resolve(scope, &path);
    let meta = std::fs::metadata(&full)
        .map_err(|_| format!("no file exists at {path:?}; file functions read files that exist when the blueprint is evaluated"))?;
    if meta.is_dir() {
        return Err(format!("{path:?} is a folder, not a file"));
    }
    if meta.len() > MAX_FILE {
        return Err(format!("{path:?} is larger than {} MiB", MAX_FILE >> 20));
    }
    std::fs::read(&full).map_err(|e| format!("cannot read {path:?}: {e}"))
}

/// The text of the file at argument 1, which must be UTF-8.
pub(super) fn read_text(scope: &Scope<'_>, args: &[Value]) -> Result<String, String> {
    let bytes = read(scope, args)?;
    String::from_utf8(bytes)
        .map_err(|_| "the file is not UTF-8 text; use filebase64 for binary files".to_string())
}

fn file(scope: &Scope<'_>, args: &[Value]) -> Result<Value, String> {
    read_text(scope, args).map(Value::string)
}

fn fileexists(scope: &Scope<'_>, args: &[Value]) -> Result<Value, String> {
    let path = string(args, 0)?;
    match std::fs::metadata(resolve(scope, &path)) {
        Ok(meta) if meta.is_dir() => Err(format!("{path:?} is a folder, not a file")),
        Ok(_) => Ok(Value::Bool(true)),
        Err(_) => Ok(Value::Bool(false)),
    }
}

fn filebase64(scope: &Scope<'_>, args: &[Value]) -> Result<Value, String> {
    Ok(Value::string(base64(&read(scope, args)?)))
}

fn file_hex(scope: &Scope<'_>, args: &[Value], hash: Hash) -> Result<Value, String> {
    Ok(Value::string(hex(&hash.digest(&read(scope, args)?))))
}

fn file_base64(scope: &Scope<'_>, args: &[Value], hash: Hash) -> Result<Value, String> {
    Ok(Value::string(base64(&hash.digest(&read(scope, args)?))))
}

/// The files under a folder whose path (relative to it, with `/`) matches a glob: `*` and
/// `?` within one path element, `**` across elements, `[abc]` and `{a,b}`.
fn fileset(scope: &Scope<'_>, args: &[Value]) -> Result<Value, String> {
    let dir = string(args, 0)?;
    let pattern = string(args, 1)?;
    let glob = GlobBuilder::new(&pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("{pattern:?} is not a valid pattern: {}", e.kind()))?
        .compile_matcher();
    let root = resolve(scope, &dir);
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    let mut seen = 0usize;
    while let Some(relative) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(root.join(&relative)) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_WALK {
                return Err(format!("{dir:?} holds more than {MAX_WALK} files"));
            }
            let path = relative.join(entry.file_name());
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                pending.push(path);
            } else {
                let text = path.to_string_lossy().replace('\\', "/");
                if glob.is_match(&text) {
                    found.push(Value::string(text));
                }
            }
        }
    }
    Ok(Value::set(found))
}

/// A path cleaned lexically, as Go's `filepath.Clean`.
pub(super) fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(last) if *last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

fn abspath(scope: &Scope<'_>, args: &[Value]) -> Result<Value, String> {
    let path = string(args, 0)?;
    let full = if Path::new(&*path).is_absolute() {
        path.to_string()
    } else {
        let base = std::path::absolute(scope.base_dir).map_err(|e| e.to_string())?;
        format!("{}/{path}", base.display())
    };
    Ok(Value::string(clean(&full)))
}

fn basename(args: &[Value]) -> Result<Value, String> {
    let path = string(args, 0)?;
    let trimmed = path.trim_end_matches('/');
    Ok(Value::string(if path.is_empty() {
        "."
    } else if trimmed.is_empty() {
        "/"
    } else {
        trimmed.rsplit('/').next().unwrap_or(trimmed)
    }))
}

fn dirname(args: &[Value]) -> Result<Value, String> {
    let path = string(args, 0)?;
    let dir = match path.rfind('/') {
        Some(at) => &path[..=at],
        None => "",
    };
    Ok(Value::string(clean(dir)))
}

/// A leading `~` replaced by the home folder.
fn pathexpand(args: &[Value]) -> Result<Value, String> {
    let path = string(args, 0)?;
    let Some(rest) = path.strip_prefix('~') else {
        return Ok(Value::string(path.as_ref()));
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        return Ok(Value::string(path.as_ref()));
    }
    let home = std::env::var("HOME")
        .map_err(|_| "the home folder is not known: HOME is not set".to_string())?;
    Ok(Value::string(format!("{home}{rest}")))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{b, err, ok, s, strs};
    use super::*;

    #[test]
    fn cleans_like_go() {
        for (path, cleaned) in [
            ("a/./b/../c", "a/c"),
            ("/a/b/../../..", "/"),
            ("../x/..", ".."),
            ("", "."),
            ("a//b/", "a/b"),
        ] {
            assert_eq!(clean(path), cleaned, "{path}");
        }
    }

    #[test]
    fn path_parts() {
        assert_eq!(ok("basename", &[s("a/b/")]), s("b"));
        assert_eq!(ok("basename", &[s("")]), s("."));
        assert_eq!(ok("basename", &[s("/")]), s("/"));
        assert_eq!(ok("dirname", &[s("a/b/")]), s("a/b"));
        assert_eq!(ok("dirname", &[s("file")]), s("."));
        assert_eq!(ok("dirname", &[s("/a")]), s("/"));
        assert_eq!(ok("pathexpand", &[s("a/~")]), s("a/~"));
    }

    #[test]
    fn reads_files_from_the_base_folder() {
        assert_eq!(ok("file", &[s("files/hello.txt")]), s("Hello, world!\n"));
        assert_eq!(ok("fileexists", &[s("files/nope")]), b(false));
        assert!(err("fileexists", &[s("files")]).contains("is a folder"));
        assert!(err("file", &[s("files/nope")]).contains("no file exists"));
        assert_eq!(
            ok("fileset", &[s("files"), s("sub/**/*.conf")]),
            Value::set(vec![s("sub/deep/c.conf")])
        );
        assert_eq!(
            ok("fileset", &[s("files/sub"), s("{a,b}.txt")]),
            Value::set(vec![s("a.txt"), s("b.txt")])
        );
        assert_eq!(
            ok("fileset", &[s("files/none"), s("*")]),
            Value::set(vec![])
        );
        assert_eq!(
            ok("filemd5", &[s("files/hello.txt")]),
            s("746308829575e17c3331bbcb00c0898b")
        );
        let _ = strs(&[]);
    }
}
