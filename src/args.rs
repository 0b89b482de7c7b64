//! Terraform's single-dash spelling of long options (`-var`, `-auto-approve`,
//! `-lock-timeout=10s`), accepted beside the double-dash one.

use std::ffi::OsString;

/// Rewrites `-name` and `-name=value` to `--name...`; single letters (`-o`) and anything
/// after `--` are left alone.
pub fn normalize(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut out = Vec::new();
    let mut passthrough = false;
    for arg in args {
        let rewritten = match arg.to_str() {
            Some("--") => {
                passthrough = true;
                None
            }
            Some(s) if !passthrough && is_single_dash_long(s) => {
                Some(OsString::from(format!("-{s}")))
            }
            _ => None,
        };
        out.push(rewritten.unwrap_or(arg));
    }
    out
}

fn is_single_dash_long(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('-') else {
        return false;
    };
    let name = rest.split('=').next().unwrap_or_default();
    !rest.starts_with('-')
        && name.len() > 1
        && name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(args: &[&str]) -> Vec<String> {
        normalize(args.iter().map(OsString::from))
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn rewrites_terraform_style_flags_only() {
        assert_eq!(
            norm(&[
                "strata",
                "validate",
                "-var",
                "a=1",
                "-var-file=x.hcl",
                "--check",
                "-o",
                "f",
                "dir"
            ]),
            [
                "strata",
                "validate",
                "--var",
                "a=1",
                "--var-file=x.hcl",
                "--check",
                "-o",
                "f",
                "dir"
            ]
        );
        assert_eq!(norm(&["strata", "--", "-var"]), ["strata", "--", "-var"]);
        assert_eq!(norm(&["strata", "-5"]), ["strata", "-5"]);
    }
}
