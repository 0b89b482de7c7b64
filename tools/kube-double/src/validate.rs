//! The validation the double does, a small part of the real server's: object names,
//! the workload selector rules and a pod template's containers and restart policy, with
//! the server's field paths and messages.

use crate::catalog::ResourceType;
use crate::status::{self, Cause, Failure};
use serde_json::Value;

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_label)
}

fn invalid(field: &str, value: &Value, detail: &str) -> Cause {
    Cause {
        reason: "FieldValueInvalid",
        message: format!("Invalid value: {value}: {detail}"),
        field: field.into(),
    }
}

fn required(field: &str) -> Cause {
    Cause {
        reason: "FieldValueRequired",
        message: "Required value".into(),
        field: field.into(),
    }
}

/// Checks an object about to be stored (`old` is the stored one on update).
pub fn check(rt: &ResourceType, obj: &Value, old: Option<&Value>) -> Result<(), Failure> {
    let name = crate::store::name_of(obj);
    let mut causes = Vec::new();
    // Namespaces and services are DNS labels; the rest DNS subdomains.
    let label_only = matches!(rt.plural, "namespaces" | "services");
    if name.is_empty() {
        causes.push(required("metadata.name"));
    } else if label_only && !is_label(name) {
        causes.push(invalid("metadata.name", &Value::from(name), LABEL_MSG));
    } else if !label_only && !is_subdomain(name) {
        causes.push(invalid("metadata.name", &Value::from(name), SUBDOMAIN_MSG));
    }
    match rt.plural {
        "deployments" | "statefulsets" => workload(obj, old, &mut causes),
        "jobs" => pod_template(
            obj.pointer("/spec/template"),
            "spec.template",
            true,
            &mut causes,
        ),
        "cronjobs" => {
            if obj.pointer("/spec/schedule").is_none() {
                causes.push(required("spec.schedule"));
            }
            let t = obj.pointer("/spec/jobTemplate/spec/template");
            pod_template(t, "spec.jobTemplate.spec.template", true, &mut causes);
        }
        "services" => service(obj, &mut causes),
        "persistentvolumeclaims" => claim(obj, &mut causes),
        "poddisruptionbudgets" => {
            let spec = obj.get("spec");
            let both = ["minAvailable", "maxUnavailable"]
                .iter()
                .all(|k| spec.and_then(|s| s.get(k)).is_some());
            if both {
                let detail = "minAvailable and maxUnavailable cannot be both set";
                causes.push(invalid("spec", spec.unwrap_or(&Value::Null), detail));
            }
        }
        _ => {}
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(status::invalid(rt, name, &causes))
    }
}

fn workload(obj: &Value, old: Option<&Value>, causes: &mut Vec<Cause>) {
    let selector = obj.pointer("/spec/selector");
    let template_labels = obj.pointer("/spec/template/metadata/labels");
    match selector
        .and_then(|s| s.get("matchLabels"))
        .and_then(Value::as_object)
    {
        None if selector.is_none() => causes.push(required("spec.selector")),
        None => {}
        Some(wanted) => {
            let ok = wanted
                .iter()
                .all(|(k, v)| template_labels.and_then(|l| l.get(k)) == Some(v));
            if !ok {
                let shown = template_labels.cloned().unwrap_or(Value::Null);
                causes.push(invalid(
                    "spec.template.metadata.labels",
                    &shown,
                    "`selector` does not match template `labels`",
                ));
            }
        }
    }
    if let Some(old_sel) = old.and_then(|o| o.pointer("/spec/selector"))
        && selector.is_some_and(|s| s != old_sel)
    {
        {
            causes.push(invalid(
                "spec.selector",
                selector.unwrap_or(&Value::Null),
                "field is immutable",
            ));
        }
    }
    pod_template(
        obj.pointer("/spec/template"),
        "spec.template",
        false,
        causes,
    );
}

fn pod_template(template: Option<&Value>, at: &str, batch: bool, causes: &mut Vec<Cause>) {
    let Some(t) = template else {
        causes.push(required(at));
        return;
    };
    let containers = t.pointer("/spec/containers").and_then(Value::as_array);
    match containers {
        Some(list) if !list.is_empty() => {
            for (i, c) in list.iter().enumerate() {
                if c.get("name")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
                {
                    causes.push(required(&format!("{at}.spec.containers[{i}].name")));
                }
                if c.get("image")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
                {
                    causes.push(required(&format!("{at}.spec.containers[{i}].image")));
                }
            }
        }
        _ => causes.push(required(&format!("{at}.spec.containers"))),
    }
    if batch {
        let policy = t.pointer("/spec/restartPolicy").and_then(Value::as_str);
        if !matches!(policy, Some("OnFailure" | "Never")) {
            causes.push(Cause {
                reason: "FieldValueRequired",
                message: "Required value: valid values: \"OnFailure\", \"Never\"".into(),
                field: format!("{at}.spec.restartPolicy"),
            });
        }
    }
}

fn service(obj: &Value, causes: &mut Vec<Cause>) {
    let kind = obj
        .pointer("/spec/type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP");
    let headless = obj.pointer("/spec/clusterIP").and_then(Value::as_str) == Some("None");
    let ports = obj
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .is_some_and(|p| !p.is_empty());
    if kind != "ExternalName" && !headless && !ports {
        causes.push(required("spec.ports"));
    }
}

fn claim(obj: &Value, causes: &mut Vec<Cause>) {
    let modes = obj
        .pointer("/spec/accessModes")
        .and_then(Value::as_array)
        .is_some_and(|m| !m.is_empty());
    if !modes {
        causes.push(Cause {
            reason: "FieldValueRequired",
            message: "Required value: at least 1 access mode is required".into(),
            field: "spec.accessModes".into(),
        });
    }
    if obj.pointer("/spec/resources/requests/storage").is_none() {
        causes.push(required("spec.resources[storage]"));
    }
}
