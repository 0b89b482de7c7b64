//! A canary secret's forms and where a test looks for them: shared by the tests that
//! check a secret never shows (tests/secrets.rs, tests/secrets_late.rs).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use base64::Engine;

/// Every file under `root`, recursively.
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        return found;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// The forms of the canary a leak could take.
pub fn forms(canary: &str) -> Vec<String> {
    let json = serde_json::to_string(canary).unwrap();
    let debug = format!("{canary:?}");
    let hex: String = canary.bytes().map(|b| format!("{b:02x}")).collect();
    let engine = base64::engine::general_purpose::STANDARD;
    let mut forms = vec![
        canary.to_string(),
        canary.to_uppercase(),
        json[1..json.len() - 1].to_string(),
        debug[1..debug.len() - 1].to_string(),
        hex.clone(),
        hex.to_uppercase(),
        engine.encode(canary),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(canary),
    ];
    forms.sort();
    forms.dedup();
    forms
}

/// Asserts that `bytes` (`what`, for the message) hold no form of `canary`.
pub fn assert_clean(canary: &str, bytes: &[u8], what: &str) {
    let haystack = String::from_utf8_lossy(bytes);
    for form in forms(canary) {
        assert!(
            !haystack.contains(&form),
            "{what} holds the canary as {form:?}:\n{haystack}"
        );
    }
}
