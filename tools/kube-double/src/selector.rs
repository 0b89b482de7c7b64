//! Label selectors (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`) and
//! field selectors (`metadata.name` and `metadata.namespace` with `=`, `==`, `!=`), with
//! the grammar of k8s.io/apimachinery/pkg/labels and pkg/fields.

use serde_json::Value;

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    Eq(String),
    NotEq(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    DoesNotExist,
}

/// A parsed selector: every requirement must hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selector {
    labels: Vec<(String, Op)>,
    fields: Vec<(String, Op)>,
}

/// Splits on commas outside parentheses.
fn split_top(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn set_values(rest: &str, whole: &str) -> Result<Vec<String>, String> {
    let inner = rest
        .trim()
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| format!("unable to parse requirement: found '{whole}', expected: '('"))?;
    Ok(inner.split(',').map(|v| v.trim().to_string()).collect())
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && k.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

fn requirement(part: &str) -> Result<(String, Op), String> {
    let p = part.trim();
    let bad = |what: &str| Err(format!("unable to parse requirement: {what}: '{p}'"));
    if let Some(k) = p.strip_prefix('!') {
        return if valid_key(k.trim()) {
            Ok((k.trim().into(), Op::DoesNotExist))
        } else {
            bad("invalid label key")
        };
    }
    let (key, op) = if let Some((k, v)) = p.split_once("!=") {
        (k, Op::NotEq(v.trim().into()))
    } else if let Some((k, v)) = p.split_once("==") {
        (k, Op::Eq(v.trim().into()))
    } else if let Some((k, v)) = p.split_once('=') {
        (k, Op::Eq(v.trim().into()))
    } else if let Some((k, rest)) = p.split_once(" notin ") {
        (k, Op::NotIn(set_values(rest, p)?))
    } else if let Some((k, rest)) = p.split_once(" in ") {
        (k, Op::In(set_values(rest, p)?))
    } else {
        (p, Op::Exists)
    };
    if !valid_key(key.trim()) {
        return bad("invalid label key");
    }
    Ok((key.trim().to_string(), op))
}

/// Parses `labelSelector` and `fieldSelector` (either may be absent or empty).
/// Errors are the server's `BadRequest` messages.
pub fn parse(labels: Option<&str>, fields: Option<&str>) -> Result<Selector, String> {
    let mut sel = Selector::default();
    for part in split_top(labels.unwrap_or(""))
        .into_iter()
        .filter(|p| !p.trim().is_empty())
    {
        sel.labels.push(requirement(part)?);
    }
    for part in fields
        .unwrap_or("")
        .split(',')
        .filter(|p| !p.trim().is_empty())
    {
        let (field, op) = requirement(part)?;
        if !matches!(op, Op::Eq(_) | Op::NotEq(_)) {
            return Err(format!(
                "invalid selector: '{part}'; can't understand '{part}'"
            ));
        }
        if field != "metadata.name" && field != "metadata.namespace" {
            return Err(format!("field label not supported: {field}"));
        }
        sel.fields.push((field, op));
    }
    Ok(sel)
}

fn holds(op: &Op, value: Option<&str>) -> bool {
    match op {
        Op::Eq(v) => value == Some(v.as_str()),
        Op::NotEq(v) => value != Some(v.as_str()),
        Op::In(vs) => value.is_some_and(|x| vs.iter().any(|v| v == x)),
        Op::NotIn(vs) => !value.is_some_and(|x| vs.iter().any(|v| v == x)),
        Op::Exists => value.is_some(),
        Op::DoesNotExist => value.is_none(),
    }
}

impl Selector {
    /// Whether an object satisfies every requirement.
    pub fn matches(&self, obj: &Value) -> bool {
        let labels = obj.pointer("/metadata/labels");
        let label = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        let field = |f: &str| {
            let key = f.trim_start_matches("metadata.");
            Some(
                obj.pointer(&format!("/metadata/{key}"))
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            )
        };
        self.labels.iter().all(|(k, op)| holds(op, label(k)))
            && self.fields.iter().all(|(f, op)| holds(op, field(f)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn obj(labels: Value) -> Value {
        json!({"metadata": {"name": "web", "namespace": "prod", "labels": labels}})
    }

    #[test]
    fn every_operator_of_the_grammar() {
        let o = obj(json!({"app": "web", "tier": "front"}));
        let cases = [
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("app!=db", true),
            ("app in (db, web)", true),
            ("app notin (db,web)", false),
            ("missing notin (x)", true),
            ("app", true),
            ("!app", false),
            ("!missing", true),
            ("app=web,tier in (front)", true),
            ("app=web,tier=back", false),
            ("", true),
        ];
        for (sel, want) in cases {
            assert_eq!(parse(Some(sel), None).unwrap().matches(&o), want, "{sel}");
        }
    }

    #[test]
    fn field_selectors_take_name_and_namespace_only() {
        let o = obj(json!({}));
        assert!(
            parse(None, Some("metadata.name=web,metadata.namespace!=dev"))
                .unwrap()
                .matches(&o)
        );
        assert!(!parse(None, Some("metadata.name==db")).unwrap().matches(&o));
        assert_eq!(
            parse(None, Some("spec.replicas=2")),
            Err("field label not supported: spec.replicas".into())
        );
        assert!(parse(Some("app in web"), None).is_err());
        assert!(parse(Some("-bad=1"), None).is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_selectors_never_panic(sel in any::<String>(), fields in any::<String>()) {
            if let Ok(s) = parse(Some(&sel), Some(&fields)) {
                let _ = s.matches(&obj(json!({"a": "b"})));
            }
        }

        #[test]
        fn equality_matches_exactly_the_label_value(k in "[a-z][a-z0-9]{0,8}", v in "[a-z0-9]{0,8}", w in "[a-z0-9]{0,8}") {
            let o = obj(json!({ k.clone(): v.clone() }));
            prop_assert_eq!(parse(Some(&format!("{k}={w}")), None).unwrap().matches(&o), v == w);
            prop_assert_eq!(parse(Some(&format!("{k}!={w}")), None).unwrap().matches(&o), v != w);
        }
    }
}
