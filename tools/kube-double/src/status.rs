//! `Status` bodies for failures, shaped as the real API server writes them
//! (k8s.io/apimachinery/pkg/api/errors): `kind`, `apiVersion`, empty `metadata`,
//! `status: Failure`, `message`, `reason`, `details`, `code`.

use crate::catalog::ResourceType;
use serde_json::{Value, json};

/// A failed request: the HTTP code and the `Status` body to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// HTTP status code, also the body's `code`.
    pub code: u16,
    /// The `Status` object.
    pub body: Value,
}

/// One entry of `details.causes`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    /// Machine reason, e.g. `FieldValueInvalid`, `FieldValueRequired`, `FieldManagerConflict`.
    pub reason: &'static str,
    /// Human message for this field.
    pub message: String,
    /// The field path, e.g. `metadata.name` or `.spec.replicas`.
    pub field: String,
}

fn status(code: u16, reason: &str, message: String, details: Option<Value>) -> Failure {
    let mut body = json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": reason, "code": code,
    });
    if let Some(d) = details {
        body["details"] = d;
    }
    Failure { code, body }
}

/// `{"name", "group", "kind"}` as the server fills `details` (group omitted for core).
fn details(rt: &ResourceType, name: &str, kind: &str) -> Value {
    let mut d = json!({});
    if !name.is_empty() {
        d["name"] = json!(name);
    }
    if !rt.group.is_empty() {
        d["group"] = json!(rt.group);
    }
    d["kind"] = json!(kind);
    d
}

/// 404: `deployments.apps "web" not found`.
pub fn not_found(rt: &ResourceType, name: &str) -> Failure {
    let msg = format!("{} \"{name}\" not found", rt.qualified());
    status(404, "NotFound", msg, Some(details(rt, name, rt.plural)))
}

/// 404 for a path that names no served resource.
pub fn no_such_resource() -> Failure {
    let msg = "the server could not find the requested resource".to_string();
    status(404, "NotFound", msg, Some(json!({})))
}

/// 409: `deployments.apps "web" already exists`.
pub fn already_exists(rt: &ResourceType, name: &str) -> Failure {
    let msg = format!("{} \"{name}\" already exists", rt.qualified());
    status(
        409,
        "AlreadyExists",
        msg,
        Some(details(rt, name, rt.plural)),
    )
}

/// 409 for a stale `resourceVersion` or a failed precondition.
pub fn conflict(rt: &ResourceType, name: &str, why: &str) -> Failure {
    let msg = format!(
        "Operation cannot be fulfilled on {} \"{name}\": {why}",
        rt.qualified()
    );
    status(409, "Conflict", msg, Some(details(rt, name, rt.plural)))
}

/// The reason a `resourceVersion` precondition failed, in the server's words.
pub const MODIFIED: &str =
    "the object has been modified; please apply your changes to the latest version and try again";

/// 409 from server-side apply: fields owned by other managers, as
/// `Apply failed with N conflict(s): conflict with "m" using apps/v1: .spec.replicas`.
pub fn apply_conflict(api_version: &str, conflicts: &[(String, String)]) -> Failure {
    let n = conflicts.len();
    let plural = if n == 1 { "" } else { "s" };
    let mut managers: Vec<&str> = conflicts.iter().map(|(m, _)| m.as_str()).collect();
    managers.dedup();
    let parts: Vec<String> = managers
        .iter()
        .map(|m| {
            let fields: Vec<&str> = conflicts
                .iter()
                .filter(|(o, _)| o == m)
                .map(|(_, f)| f.as_str())
                .collect();
            if fields.len() == 1 {
                format!("conflict with \"{m}\" using {api_version}: {}", fields[0])
            } else {
                format!(
                    "conflicts with \"{m}\" using {api_version}:\n- {}",
                    fields.join("\n- ")
                )
            }
        })
        .collect();
    let msg = format!(
        "Apply failed with {n} conflict{plural}: {}",
        parts.join("\n")
    );
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|(m, f)| {
            json!({"reason": "FieldManagerConflict",
                   "message": format!("conflict with \"{m}\" using {api_version}"), "field": f})
        })
        .collect();
    status(409, "Conflict", msg, Some(json!({ "causes": causes })))
}

/// 422: `Deployment.apps "web" is invalid: spec.selector: Required value`.
pub fn invalid(rt: &ResourceType, name: &str, causes: &[Cause]) -> Failure {
    let kind = if rt.group.is_empty() {
        rt.kind.to_string()
    } else {
        format!("{}.{}", rt.kind, rt.group)
    };
    let list: Vec<String> = causes
        .iter()
        .map(|c| format!("{}: {}", c.field, c.message))
        .collect();
    let joined = if list.len() == 1 {
        list[0].clone()
    } else {
        format!("[{}]", list.join(", "))
    };
    let msg = format!("{kind} \"{name}\" is invalid: {joined}");
    let mut d = details(rt, name, rt.kind);
    d["causes"] = causes
        .iter()
        .map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field}))
        .collect();
    status(422, "Invalid", msg, Some(d))
}

/// 403: `deployments.apps "web" is forbidden: User "u" cannot patch resource ...`.
pub fn forbidden(rt: &ResourceType, name: &str, user: &str, verb: &str, ns: &str) -> Failure {
    let subject = if name.is_empty() {
        rt.qualified()
    } else {
        format!("{} \"{name}\"", rt.qualified())
    };
    let scope = if ns.is_empty() {
        "at the cluster scope".to_string()
    } else {
        format!("in the namespace \"{ns}\"")
    };
    let msg = format!(
        "{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{}\" in API group \"{}\" {scope}",
        rt.plural, rt.group
    );
    status(403, "Forbidden", msg, Some(details(rt, name, rt.plural)))
}

/// 401 without a valid bearer token.
pub fn unauthorized() -> Failure {
    status(401, "Unauthorized", "Unauthorized".to_string(), None)
}

/// 400 for a malformed request (bad selector, bad body, missing field manager).
pub fn bad_request(message: String) -> Failure {
    status(400, "BadRequest", message, None)
}

/// 405 for a verb the path does not support.
pub fn method_not_allowed(method: &str) -> Failure {
    let msg = format!("the server does not allow this method on the requested resource ({method})");
    status(405, "MethodNotAllowed", msg, Some(json!({})))
}

/// 415 for a PATCH content type the server does not know.
pub fn unsupported_media_type(content_type: &str) -> Failure {
    let msg = format!(
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {content_type})"
    );
    status(415, "UnsupportedMediaType", msg, None)
}

/// 410 for a watch from a `resourceVersion` older than the kept history.
pub fn gone(rv: u64, oldest: u64) -> Failure {
    let msg = format!("too old resource version: {rv} ({oldest})");
    status(410, "Expired", msg, None)
}

/// The `Status` sent on a successful immediate delete.
pub fn deleted(rt: &ResourceType, name: &str, uid: &str) -> Value {
    let mut d = details(rt, name, rt.plural);
    d["uid"] = json!(uid);
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": d})
}
