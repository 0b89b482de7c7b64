//! The function library of the expression language: `length(var.disks)`,
//! `cidrsubnet(var.range, 8, 1)`, `format("rack-%02d", count.index)` and the rest.
//!
//! [`call`] checks the number of arguments, answers `Unknown` as soon as any argument is
//! unknown, and hands the rest to the implementations, which are grouped by theme in the
//! submodules. `try` and `can` are listed in [`NAMES`] but are special forms: the evaluator
//! implements them itself, since they must see errors rather than values.

mod args;
mod collections;
mod decimal;
mod encoding;
mod files;
mod format;
mod hashes;
mod json;
mod lists;
mod maps;
mod network;
mod numeric;
mod regex;
mod sets;
mod strings;
#[cfg(test)]
mod test_support;
mod time;
mod types;
mod yaml;

use std::path::Path;

pub use types::type_name;

use crate::value::Value;

/// Every function name, sorted, including the special forms the evaluator implements.
pub const NAMES: &[&str] = &[
    "abs",
    "abspath",
    "alltrue",
    "anytrue",
    "base64decode",
    "base64encode",
    "base64sha256",
    "base64sha512",
    "basename",
    "bcrypt",
    "can",
    "ceil",
    "chomp",
    "chunklist",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "csvdecode",
    "dirname",
    "distinct",
    "element",
    "endswith",
    "file",
    "filebase64",
    "filebase64sha256",
    "filebase64sha512",
    "fileexists",
    "filemd5",
    "fileset",
    "filesha1",
    "filesha256",
    "filesha512",
    "flatten",
    "floor",
    "format",
    "formatdate",
    "formatlist",
    "indent",
    "index",
    "issensitive",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "log",
    "lookup",
    "lower",
    "matchkeys",
    "max",
    "md5",
    "merge",
    "min",
    "nonsensitive",
    "one",
    "parseint",
    "pathexpand",
    "plantimestamp",
    "pow",
    "range",
    "regex",
    "regexall",
    "replace",
    "reverse",
    "sensitive",
    "setintersection",
    "setproduct",
    "setsubtract",
    "setunion",
    "sha1",
    "sha256",
    "sha512",
    "signum",
    "slice",
    "sort",
    "split",
    "startswith",
    "strcontains",
    "strrev",
    "substr",
    "sum",
    "templatefile",
    "templatestring",
    "textdecodebase64",
    "textencodebase64",
    "timeadd",
    "timecmp",
    "timestamp",
    "title",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "transpose",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "try",
    "type",
    "upper",
    "urlencode",
    "uuid",
    "uuidv5",
    "values",
    "yamldecode",
    "yamlencode",
    "zipmap",
];

/// The names that the evaluator implements itself: they see errors (`try`, `can`), the
/// sensitivity of their argument (`sensitive`, `nonsensitive`, `issensitive`) or evaluate
/// a template (`templatefile`, `templatestring`).
pub const SPECIAL_FORMS: &[&str] = &[
    "can",
    "issensitive",
    "nonsensitive",
    "sensitive",
    "templatefile",
    "templatestring",
    "try",
];

/// What the functions that read files or the clock need from the evaluator.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    /// The folder relative paths given to `file`, `fileset` and the others are read from:
    /// the root module's folder, as Terraform reads them from the folder it runs in.
    pub base_dir: &'a Path,
    /// The time the run started, which `plantimestamp()` gives.
    pub plan_time: jiff::Timestamp,
}

/// How many arguments a function takes.
#[derive(Clone, Copy, Debug)]
enum Arity {
    Exact(usize),
    Between(usize, usize),
    AtLeast(usize),
}

impl Arity {
    /// Checks a count of arguments, explaining a mismatch.
    fn check(self, given: usize) -> Result<(), String> {
        let (fits, expected) = match self {
            Arity::Exact(n) => (given == n, args::count(n, "argument")),
            Arity::Between(low, high) => {
                let joiner = if high == low.saturating_add(1) {
                    "or"
                } else {
                    "to"
                };
                (
                    (low..=high).contains(&given),
                    format!("{low} {joiner} {high} arguments"),
                )
            }
            Arity::AtLeast(n) => (
                given >= n,
                format!("at least {}", args::count(n, "argument")),
            ),
        };
        if fits {
            Ok(())
        } else {
            Err(format!(
                "expects {expected}, but {} {} given",
                given,
                args::was_or_were(given)
            ))
        }
    }
}

/// A function's body.
#[derive(Clone, Copy)]
enum Body {
    /// Depends on its arguments only.
    Pure(fn(&[Value]) -> Result<Value, String>),
    /// Reads files or the clock.
    Scoped(fn(&Scope<'_>, &[Value]) -> Result<Value, String>),
}

/// One function of the library.
struct Function {
    name: &'static str,
    arity: Arity,
    body: Body,
}

impl Function {
    const fn new(
        name: &'static str,
        arity: Arity,
        run: fn(&[Value]) -> Result<Value, String>,
    ) -> Function {
        Function {
            name,
            arity,
            body: Body::Pure(run),
        }
    }

    const fn scoped(
        name: &'static str,
        arity: Arity,
        run: fn(&Scope<'_>, &[Value]) -> Result<Value, String>,
    ) -> Function {
        Function {
            name,
            arity,
            body: Body::Scoped(run),
        }
    }
}

/// Every theme's functions.
const LIBRARY: &[&[Function]] = &[
    collections::FUNCTIONS,
    encoding::FUNCTIONS,
    files::FUNCTIONS,
    format::FUNCTIONS,
    hashes::FUNCTIONS,
    json::FUNCTIONS,
    lists::FUNCTIONS,
    maps::FUNCTIONS,
    network::FUNCTIONS,
    numeric::FUNCTIONS,
    regex::FUNCTIONS,
    sets::FUNCTIONS,
    strings::FUNCTIONS,
    time::FUNCTIONS,
    types::FUNCTIONS,
    yaml::FUNCTIONS,
];

/// Functions whose result is known when their arguments are, even if elements inside are not.
const STRUCTURAL: &[&str] = &[
    "chunklist",
    "coalescelist",
    "concat",
    "element",
    "keys",
    "length",
    "lookup",
    "merge",
    "one",
    "reverse",
    "slice",
    "tolist",
    "tomap",
    "type",
    "values",
    "zipmap",
];

/// The text of the file at `path` (read as `file` reads it), for `templatefile`.
pub fn read_file_text(scope: &Scope<'_>, path: &Value) -> Result<String, String> {
    files::read_text(scope, std::slice::from_ref(path))
}

/// Calls the function `name` with evaluated arguments.
///
/// Returns `Ok(Value::Unknown)` when any argument is (or contains) an unknown value, and
/// `Err` with a message (a sentence without a trailing period, starting with the function's
/// name) when the arguments are wrong; `Err("unknown function")` when there is no such
/// function.
pub fn call(name: &str, args: &[Value], scope: &Scope<'_>) -> Result<Value, String> {
    if SPECIAL_FORMS.contains(&name) {
        return Err(format!(
            "{name} is a special form that the evaluator handles, not a function to call"
        ));
    }
    let function = LIBRARY
        .iter()
        .copied()
        .flatten()
        .find(|f| f.name == name)
        .ok_or_else(|| "unknown function".to_string())?;
    function
        .arity
        .check(args.len())
        .map_err(|message| format!("{name}: {message}"))?;
    // Functions that only move elements around answer even when some elements are
    // unknown (`length(vm.web[*].address)` before apply); the others need every value.
    let unknown = |a: &Value| {
        if STRUCTURAL.contains(&name) {
            matches!(a, Value::Unknown)
        } else {
            a.is_unknown()
        }
    };
    if args.iter().any(unknown) {
        return Ok(Value::Unknown);
    }
    let result = match function.body {
        Body::Pure(run) => run(args),
        Body::Scoped(run) => run(scope, args),
    };
    result.map_err(|message| format!("{name}: {message}"))
}

#[cfg(test)]
mod tests {
    use super::test_support::{b, err, list, map, n, ok, resource, s, scope, strs};
    use super::*;

    #[test]
    fn names_are_sorted_and_match_the_library() {
        assert!(
            NAMES.is_sorted_by(|a, b| a < b),
            "sorted without duplicates"
        );
        let mut implemented: Vec<&str> = LIBRARY
            .iter()
            .copied()
            .flatten()
            .map(|f| f.name)
            .chain(SPECIAL_FORMS.iter().copied())
            .collect();
        implemented.sort_unstable();
        assert_eq!(implemented, NAMES);
    }

    #[test]
    fn unknown_function() {
        assert_eq!(
            call("nosuch", &[], &scope()),
            Err("unknown function".to_string())
        );
        assert_eq!(
            call("", &[n(1.0)], &scope()),
            Err("unknown function".to_string())
        );
        assert_eq!(
            call("Length", &[s("a")], &scope()),
            Err("unknown function".to_string())
        );
    }

    #[test]
    fn special_forms_are_not_called() {
        assert!(err("try", &[n(1.0)]).starts_with("try is a special form"));
        assert!(err("can", &[n(1.0)]).starts_with("can is a special form"));
    }

    #[test]
    fn arity_is_checked_first() {
        assert_eq!(
            err("length", &[]),
            "length: expects 1 argument, but 0 were given"
        );
        assert_eq!(
            err("upper", &[s("a"), s("b")]),
            "upper: expects 1 argument, but 2 were given"
        );
        assert_eq!(
            err("lookup", &[s("a")]),
            "lookup: expects 2 or 3 arguments, but 1 was given"
        );
        assert_eq!(
            err("min", &[]),
            "min: expects at least 1 argument, but 0 were given"
        );
        assert_eq!(
            err("join", &[Value::Unknown]),
            "join: expects at least 2 arguments, but 1 was given"
        );
    }

    #[test]
    fn unknown_arguments_give_unknown() {
        assert_eq!(ok("length", &[Value::Unknown]), Value::Unknown);
        assert_eq!(ok("upper", &[list(vec![Value::Unknown])]), Value::Unknown);
        assert_eq!(
            ok("cidrsubnet", &[s("bad"), n(1.0), Value::Unknown]),
            Value::Unknown
        );
    }

    /// A few awkward values of every kind.
    fn awkward_values() -> Vec<Value> {
        vec![
            Value::Null,
            b(true),
            n(-1.0),
            n(0.5),
            n(3.0),
            s("1e300"),
            s(""),
            s("10.0.0.0/30"),
            s("%-09.3d%"),
            strs(&["a", "b"]),
            list(vec![list(vec![n(1.0)]), Value::Null]),
            map(&[("a", n(1.0))]),
            resource("site.dc1", &["name"]),
        ]
    }

    #[test]
    fn no_function_panics_on_awkward_arguments() {
        let pool = awkward_values();
        let mut argument_lists: Vec<Vec<Value>> = vec![vec![]];
        for _ in 0..3 {
            let longer: Vec<Vec<Value>> = argument_lists
                .iter()
                .filter(|args| args.len() == argument_lists.last().map_or(0, Vec::len))
                .flat_map(|args| {
                    pool.iter().map(move |value| {
                        let mut next = args.clone();
                        next.push(value.clone());
                        next
                    })
                })
                .collect();
            argument_lists.extend(longer);
        }
        // bcrypt is slow by design and uuid/timestamp take no arguments worth trying.
        let skipped = ["bcrypt", "uuid", "timestamp", "plantimestamp"];
        for name in NAMES.iter().filter(|n| !skipped.contains(n)) {
            for args in &argument_lists {
                if let Err(message) = call(name, args, &scope()) {
                    assert!(!message.ends_with('.'), "{name}: {message}");
                }
            }
        }
    }
}
