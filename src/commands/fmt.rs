//! `strata fmt`: rewrite files as `terraform fmt` does, or check that they are.
//!
//! The flags and exit codes are Terraform's: the files whose formatting changes are
//! listed (`-list=false` not to) and rewritten (`-write=false` not to), `-diff` prints
//! a unified diff, `-check` changes nothing and exits 3 if a file would change, and with
//! `-list=false -write=false` each file's formatted text is printed. `-` formats
//! standard input to standard output. A syntax error, or a target that does not exist,
//! is an error: exit 2.

use std::io::Read;
use std::path::{Path, PathBuf};

use blueprint::{Diagnostic, Diagnostics, SourceMap, Span};

use crate::cli::FmtArgs;
use crate::printer::Printer;

/// The name standard input is reported under.
const STDIN: &str = "<stdin>";

/// The extensions of the files a folder's formatting takes in.
const FOLDER_EXTENSIONS: [&str; 1] = ["hcl"];

/// The extensions of the files that can be named on the command line: a blueprint's,
/// and Terraform's own configuration and variable files.
const FILE_EXTENSIONS: [&str; 3] = ["hcl", "tf", "tfvars"];

pub fn run(args: &FmtArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let stdin = args.targets.first().is_some_and(|t| t.as_os_str() == "-");
    let list = args.list && !stdin;
    let mut run = Run {
        // -check lists into a buffer, printed at the end if -list is on.
        list: list || args.check,
        write: args.write && !stdin && !args.check,
        diff: args.diff,
        buffer: args.check.then(String::new),
        changed: 0,
        sources: SourceMap::default(),
        diags: Diagnostics::default(),
        printer,
    };
    if stdin {
        let mut text = String::new();
        match std::io::stdin().read_to_string(&mut text) {
            Ok(_) => run.file(Path::new(STDIN), text),
            Err(e) => run.error("Cannot read standard input", format!("{e}.")),
        }
    } else {
        let targets = match args.targets.as_slice() {
            [] => vec![PathBuf::from(".")],
            targets => targets.to_vec(),
        };
        run.targets(&targets, args.recursive);
    }
    let Run {
        mut diags,
        sources,
        buffer,
        changed,
        printer,
        ..
    } = run;
    diags.normalize(&sources);
    printer.diagnostics(&diags, &sources);
    if diags.has_errors() {
        return Ok(2);
    }
    if let Some(buffer) = buffer {
        if list {
            printer.text(&buffer);
        }
        return Ok(if changed > 0 { 3 } else { 0 });
    }
    Ok(0)
}

/// One run of fmt: what it does with each file, and what it found.
struct Run<'p> {
    list: bool,
    write: bool,
    diff: bool,
    /// Output held back until the end (with -check), or `None` to print it at once.
    buffer: Option<String>,
    /// Files whose formatting changed.
    changed: usize,
    sources: SourceMap,
    diags: Diagnostics,
    printer: &'p mut Printer,
}

impl Run<'_> {
    /// Formats each target, a folder or a file; stops at one that does not exist.
    fn targets(&mut self, targets: &[PathBuf], recursive: bool) {
        for target in targets {
            if target.is_dir() {
                self.folder(target, recursive);
            } else if !target.exists() {
                let summary = format!("No file or folder at {}", target.display());
                self.error(
                    &summary,
                    "Check the path: fmt takes files and folders, or - to \
                    format standard input.",
                );
                return;
            } else if has_extension(target, &FILE_EXTENSIONS) {
                self.read_file(target);
            } else {
                let summary = format!("Cannot format {}", target.display());
                self.error(
                    &summary,
                    "fmt formats .hcl files, and .tf and .tfvars files \
                    named on the command line.",
                );
            }
        }
    }

    /// Formats the files of a folder (and, with -recursive, of its subfolders) in name
    /// order, leaving out the names Terraform ignores (hidden, editor backups).
    fn folder(&mut self, dir: &Path, recursive: bool) {
        // Paths print as Go's filepath.Join makes them: `main.hcl`, not `./main.hcl`.
        let entries = std::fs::read_dir(dir).and_then(|entries| {
            entries
                .map(|entry| {
                    let path = entry?.path();
                    Ok(path
                        .strip_prefix(".")
                        .map_or_else(|_| path.clone(), Path::to_path_buf))
                })
                .collect::<std::io::Result<Vec<_>>>()
        });
        let mut paths = match entries {
            Ok(paths) => paths,
            Err(e) => {
                let summary = format!("Cannot read the folder {}", dir.display());
                return self.error(&summary, format!("{e}."));
            }
        };
        paths.sort();
        for path in paths {
            if is_ignored(&path) {
                continue;
            }
            if path.is_dir() {
                if recursive {
                    self.folder(&path, true);
                }
            } else if has_extension(&path, &FOLDER_EXTENSIONS) {
                self.read_file(&path);
            }
        }
    }

    fn read_file(&mut self, path: &Path) {
        match std::fs::read_to_string(path) {
            Ok(text) => self.file(path, text),
            Err(e) => self.error(&format!("Cannot read {}", path.display()), format!("{e}.")),
        }
    }

    /// Formats one file's text: lists, writes, diffs or prints it as the flags say.
    fn file(&mut self, path: &Path, text: String) {
        let Some(parsed) =
            blueprint::parse::parse_source(&mut self.sources, path, text, &mut self.diags)
        else {
            return;
        };
        let text = self.sources.file(parsed.file).text.clone();
        let formatted = match blueprint::format::format(&text) {
            Ok(formatted) => formatted,
            Err(e) => {
                let at = e.offset.min(text.len());
                let span = Span::new(parsed.file, at..at);
                let detail = format!("{}; fix the syntax and run fmt again.", e.message);
                self.diags
                    .push(Diagnostic::error(span, "Cannot format this file", detail));
                return;
            }
        };
        let name = path.display().to_string();
        if formatted != text {
            self.changed += 1;
            if self.list {
                self.output(&format!("{name}\n"));
            }
            if self.write
                && let Err(e) = std::fs::write(path, &formatted)
            {
                return self.error(&format!("Cannot write {name}"), format!("{e}."));
            }
            if self.diff {
                let diff = unified_diff(&text, &formatted, &name);
                self.output(&diff);
            }
        }
        if !self.list && !self.write && !self.diff {
            self.output(&formatted);
        }
    }

    /// Prints `text`, or holds it back with -check; the output ends with a line ending,
    /// as Terraform's does.
    fn output(&mut self, text: &str) {
        match &mut self.buffer {
            Some(buffer) => buffer.push_str(text),
            None => self.printer.line(text.strip_suffix('\n').unwrap_or(text)),
        }
    }

    /// An error that is about no place in a file.
    fn error(&mut self, summary: &str, detail: impl Into<String>) {
        self.diags.push(Diagnostic::error(None, summary, detail));
    }
}

/// `diff -u` of `old` and `new` with Terraform's labels, `old/NAME` and `new/NAME`.
fn unified_diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("old/{name}"), &format!("new/{name}"))
        .to_string()
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .is_some_and(|ext| extensions.iter().any(|e| ext == *e))
}

/// Terraform's ignored file names: hidden ones (`.terraform`, `.strata`) and editor
/// backups (`main.hcl~`, `#main.hcl#`).
fn is_ignored(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    name.starts_with('.') || name.ends_with('~') || (name.starts_with('#') && name.ends_with('#'))
}
