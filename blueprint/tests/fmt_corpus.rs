//! `strata fmt` is `terraform fmt`: every file of the terraform-fmt corpus
//! (real `.tf` files and what Terraform 1.11.4's `terraform fmt` made of them)
//! formats to Terraform's output byte for byte, and Terraform's output is a
//! fixed point.
//!
//! The corpus lives outside the repository, in `../shared/corpus/terraform-fmt`
//! relative to the workspace root; the test is skipped, with a message, where
//! it is absent.

use std::path::{Path, PathBuf};

/// The corpus folder, if present.
fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/terraform-fmt");
    dir.join("in").is_dir().then_some(dir)
}

/// The corpus files, by name, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("in"))
        .expect("the corpus in/ folder is readable")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tf"))
        .collect();
    names.sort();
    names
}

/// A short line diff of `want` against `got`: the first lines that differ.
fn first_difference(want: &str, got: &str) -> String {
    let (want_lines, got_lines): (Vec<&str>, Vec<&str>) =
        (want.split('\n').collect(), got.split('\n').collect());
    let line = want_lines
        .iter()
        .zip(&got_lines)
        .position(|(w, g)| w != g)
        .unwrap_or(want_lines.len().min(got_lines.len()));
    let from = line.saturating_sub(2);
    let mut out = format!("  first difference at line {}:\n", line + 1);
    for (i, w) in want_lines.iter().enumerate().skip(from).take(5) {
        out.push_str(&format!("  want {:>4}: {w:?}\n", i + 1));
    }
    for (i, g) in got_lines.iter().enumerate().skip(from).take(5) {
        out.push_str(&format!("  got  {:>4}: {g:?}\n", i + 1));
    }
    out
}

/// Formats `input` as `terraform fmt -` prints it and compares it with
/// `want`; `None` when they are equal.
///
/// The corpus holds what `terraform fmt -` writes to standard output, which
/// its terminal layer ends with a line ending when the result has none (a
/// file formatted in place is left without one).
fn mismatch(input: &str, want: &str) -> Option<String> {
    let printed = blueprint::format::format(input).map(|mut got| {
        if !got.ends_with('\n') {
            got.push('\n');
        }
        got
    });
    match printed {
        Ok(got) if got == want => None,
        Ok(got) => Some(first_difference(want, &got)),
        Err(error) => Some(format!("  error: {error}\n")),
    }
}

#[test]
fn terraform_fmt_corpus() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: the terraform-fmt corpus (../shared/corpus/terraform-fmt) is absent");
        return;
    };
    let names = names(&dir);
    assert!(!names.is_empty(), "the corpus has no files");
    let mut failures = Vec::new();
    let mut same = [0usize; 2];
    for name in &names {
        let input = std::fs::read_to_string(dir.join("in").join(name)).unwrap();
        let want = std::fs::read_to_string(dir.join("want").join(name)).unwrap();
        for (pass, (from, label)) in [(&input, "in"), (&want, "want")].into_iter().enumerate() {
            match mismatch(from, &want) {
                None => same[pass] += 1,
                Some(diff) => failures.push(format!("{label}/{name}\n{diff}")),
            }
        }
    }
    let total = names.len();
    eprintln!(
        "terraform-fmt corpus: in/ -> want/ {}/{total}, want/ fixed point {}/{total}",
        same[0], same[1]
    );
    for failure in failures.iter().take(8) {
        eprintln!("{failure}");
    }
    assert!(failures.is_empty(), "{} corpus mismatches", failures.len());
}
