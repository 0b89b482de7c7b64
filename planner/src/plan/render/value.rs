//! Values and their differences in the plan's notation, as Terraform draws them: every
//! element of a list or map on its own line with its own marker (`+`, `-`, `~`, or blank
//! when unchanged), nested two columns in from the marker of the line that opens it.

use std::fmt::Write;

use blueprint::literal::{quote, scalar};
use serde_json::Value;

/// What a plan shows for a value known only after apply.
pub const UNKNOWN: &str = "(known after apply)";
/// What a plan shows for a sensitive value.
pub const SENSITIVE: &str = "(sensitive value)";

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// `value` whole, each nested element marked with `sign` (`'+'`, `'-'` or `' '`), written
/// after `name = ` on a line whose marker is at column `col`.
pub fn whole(value: &Value, sign: char, col: usize) -> String {
    if let Some(text) = scalar(value) {
        return text;
    }
    let mut out = String::new();
    match value {
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            out.push_str("[\n");
            for item in items {
                let _ = writeln!(
                    out,
                    "{}{sign} {},",
                    pad(col + 4),
                    whole(item, sign, col + 4)
                );
            }
            let _ = write!(out, "{}]", pad(col + 2));
        }
        Value::Object(map) => {
            out.push_str("{\n");
            let width = map.keys().map(|k| quote(k).len()).max().unwrap_or(0);
            for (key, item) in map {
                let _ = writeln!(
                    out,
                    "{}{sign} {:width$} = {}",
                    pad(col + 4),
                    quote(key),
                    whole(item, sign, col + 4)
                );
            }
            let _ = write!(out, "{}}}", pad(col + 2));
        }
        _ => {}
    }
    out
}

/// The marker of a changed line: `~` when something inside changes.
pub fn changed(before: &Value, after: &Value, col: usize) -> String {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) if !b.is_empty() && !a.is_empty() => {
            map_diff(b, a, col)
        }
        (Value::Array(b), Value::Array(a)) if !b.is_empty() && !a.is_empty() => {
            list_diff(b, a, col)
        }
        _ => format!("{} -> {}", whole(before, '-', col), whole(after, '+', col)),
    }
}

fn map_diff(
    before: &serde_json::Map<String, Value>,
    after: &serde_json::Map<String, Value>,
    col: usize,
) -> String {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let width = keys.iter().map(|k| quote(k).len()).max().unwrap_or(0);
    let mut out = String::from("{\n");
    for key in keys {
        let (sign, text) = match (before.get(key), after.get(key)) {
            (Some(b), Some(a)) if b == a => (' ', whole(a, ' ', col + 4)),
            (Some(b), Some(a)) => ('~', changed(b, a, col + 4)),
            (Some(b), None) => ('-', format!("{} -> null", whole(b, '-', col + 4))),
            (None, Some(a)) => ('+', whole(a, '+', col + 4)),
            (None, None) => continue,
        };
        let _ = writeln!(out, "{}{sign} {:width$} = {text}", pad(col + 4), quote(key));
    }
    let _ = write!(out, "{}}}", pad(col + 2));
    out
}

/// A list difference by longest common subsequence: kept elements unmarked, removed ones
/// `-`, added ones `+`, and a scalar removed just before a scalar added shown as one
/// changed element `~ old -> new`.
fn list_diff(before: &[Value], after: &[Value], col: usize) -> String {
    let (n, m) = (before.len(), after.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if before[i] == after[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut lines: Vec<(char, String)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && before[i] == after[j] {
            lines.push((' ', whole(&after[j], ' ', col + 4)));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            if j < m
                && scalar(&before[i]).is_some()
                && scalar(&after[j]).is_some()
                && lcs[i + 1][j + 1] == lcs[i][j]
            {
                lines.push(('~', changed(&before[i], &after[j], col + 4)));
                i += 1;
                j += 1;
            } else {
                lines.push(('-', whole(&before[i], '-', col + 4)));
                i += 1;
            }
        } else {
            lines.push(('+', whole(&after[j], '+', col + 4)));
            j += 1;
        }
    }
    let mut out = String::from("[\n");
    for (sign, text) in lines {
        let _ = writeln!(out, "{}{sign} {text},", pad(col + 4));
    }
    let _ = write!(out, "{}]", pad(col + 2));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The shapes Terraform 1.11 draws for an update of a nested value (seen with
    /// `terraform plan` on a terraform_data input).
    #[test]
    fn nested_update_reads_as_terraform() {
        let before = json!({"n": null, "name": "a", "ports": [80, 443], "tags": {"env": "prod", "team": "x"}});
        let after = json!({"n": "set", "name": "b", "ports": [8080, 443], "tags": {"env": "dev", "team": "x"}});
        assert_eq!(
            changed(&before, &after, 6),
            r#"{
          ~ "n"     = null -> "set"
          ~ "name"  = "a" -> "b"
          ~ "ports" = [
              ~ 80 -> 8080,
                443,
            ]
          ~ "tags"  = {
              ~ "env"  = "prod" -> "dev"
                "team" = "x"
            }
        }"#
        );
    }

    #[test]
    fn lists_keep_common_elements() {
        let text = changed(&json!(["a", "b", "c"]), &json!(["b", "c", "d"]), 6);
        assert_eq!(
            text,
            "[\n          - \"a\",\n            \"b\",\n            \"c\",\n          + \"d\",\n        ]"
        );
    }

    #[test]
    fn whole_values_carry_their_marker() {
        assert_eq!(
            whole(&json!([1, [2]]), '+', 2),
            "[\n      + 1,\n      + [\n          + 2,\n        ],\n    ]"
        );
        assert_eq!(whole(&json!({}), '-', 6), "{}");
    }
}
