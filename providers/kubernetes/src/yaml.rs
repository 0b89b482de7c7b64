//! Manifests as YAML, through yaml-rust2 (the workspace's YAML crate, maintained, with an
//! emitter that quotes strings YAML would read as numbers, booleans or null).

use serde_json::Value;
use yaml_rust2::yaml::Hash;
use yaml_rust2::{Yaml, YamlEmitter};

fn to_yaml(value: &Value) -> Yaml {
    match value {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s.clone()),
        Value::Array(items) => Yaml::Array(items.iter().map(to_yaml).collect()),
        Value::Object(map) => {
            let mut hash = Hash::new();
            for (k, v) in map {
                hash.insert(Yaml::String(k.clone()), to_yaml(v));
            }
            Yaml::Hash(hash)
        }
    }
}

/// One object as a YAML document, starting with `---` and ending with a newline.
pub fn document(object: &Value) -> String {
    let mut out = String::new();
    let mut emitter = YamlEmitter::new(&mut out);
    // Writing to a String cannot fail; the emitter's only other error is a
    // BadHashmapKey, and every key here is a string.
    let _ = emitter.dump(&to_yaml(object));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_that_look_like_other_types_are_quoted() {
        let doc = document(
            &serde_json::json!({"a": "2", "b": 2, "c": "true", "d": "None", "e": "0 2 * * *"}),
        );
        let back = yaml_rust2::YamlLoader::load_from_str(&doc).unwrap();
        assert_eq!(back[0]["a"].as_str(), Some("2"));
        assert_eq!(back[0]["b"].as_i64(), Some(2));
        assert_eq!(back[0]["c"].as_str(), Some("true"));
        assert_eq!(back[0]["d"].as_str(), Some("None"));
        assert_eq!(back[0]["e"].as_str(), Some("0 2 * * *"));
        assert!(doc.starts_with("---\n"), "{doc}");
    }
}
