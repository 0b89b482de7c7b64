//! Values written back as HCL text, the way `terraform output` and `terraform console`
//! print them: strings quoted, lists and maps over several lines with two-space indents
//! and a comma after every list element.
//!
//! ```
//! let value = serde_json::json!({ "racks": ["r1", "r2"], "n": 3 });
//! assert_eq!(
//!     blueprint::literal::hcl(&value),
//!     "{\n  \"n\" = 3\n  \"racks\" = [\n    \"r1\",\n    \"r2\",\n  ]\n}"
//! );
//! ```

use std::fmt::Write;

use crate::quote::Templates;

/// `s` as an HCL quoted string by [`crate::quote`]'s rule: `"`, `\` and characters that
/// are not printable escaped (`\n`, `\r`, `\t`, else `\uNNNN`), everything else as it is.
/// Template sequences are not escaped: this is how a value prints, as Terraform prints it,
/// not template source.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let _ = crate::quote::write(&mut out, s, Templates::Keep);
    out
}

/// A scalar (string, number, bool, null) as HCL; `None` for lists and maps.
pub fn scalar(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => Some("null".into()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) => Some(quote(s)),
        _ => None,
    }
}

/// `value` as HCL text; nested lines are indented by two spaces per level.
pub fn hcl(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out
}

fn write_value(out: &mut String, value: &serde_json::Value, indent: usize) {
    if let Some(text) = scalar(value) {
        out.push_str(&text);
        return;
    }
    let pad = " ".repeat(indent);
    match value {
        serde_json::Value::Array(items) if items.is_empty() => out.push_str("[]"),
        serde_json::Value::Object(map) if map.is_empty() => out.push_str("{}"),
        serde_json::Value::Array(items) => {
            out.push_str("[\n");
            for item in items {
                out.push_str(&pad);
                out.push_str("  ");
                write_value(out, item, indent + 2);
                out.push_str(",\n");
            }
            out.push_str(&pad);
            out.push(']');
        }
        serde_json::Value::Object(map) => {
            out.push_str("{\n");
            for (key, item) in map {
                let _ = write!(out, "{pad}  {} = ", quote(key));
                write_value(out, item, indent + 2);
                out.push('\n');
            }
            out.push_str(&pad);
            out.push('}');
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_as_terraform_console_does() {
        let value = serde_json::json!({
            "a": 1, "b": [1, "x"], "c": {}, "d": [], "e": null,
            "f": "q\"uo\\te", "k": [[1, 2], [3]], "j": 1.5
        });
        assert_eq!(
            hcl(&value),
            r#"{
  "a" = 1
  "b" = [
    1,
    "x",
  ]
  "c" = {}
  "d" = []
  "e" = null
  "f" = "q\"uo\\te"
  "j" = 1.5
  "k" = [
    [
      1,
      2,
    ],
    [
      3,
    ],
  ]
}"#
        );
    }

    #[test]
    fn escapes_control_characters() {
        assert_eq!(quote("a\nb\tc\u{1}é"), "\"a\\nb\\tc\\u0001é\"");
    }

    #[test]
    fn escapes_invisible_characters_and_keeps_template_sequences() {
        assert_eq!(
            quote("${x} %{y}\u{202e}\u{a0}"),
            r#""${x} %{y}\u202e\u00a0""#
        );
    }
}
