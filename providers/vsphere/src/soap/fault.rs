//! vSphere faults: the SOAP fault of a failed call, or the `LocalizedMethodFault` of a
//! failed task, read into the fault's type and vCenter's own message.

use super::dom::{Moref, Node};

/// A fault vCenter reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The fault's type without the `Fault` suffix of its element: `InvalidLogin`,
    /// `NotAuthenticated`, `ManagedObjectNotFound`, `DuplicateName`.
    pub kind: String,
    /// vCenter's message (`faultstring`, or the task's `localizedMessage`).
    pub message: String,
    /// The object a `ManagedObjectNotFound` names.
    pub object: Option<Moref>,
    /// The property an `InvalidArgument` or `InvalidProperty` names.
    pub property: Option<String>,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = self.message.trim();
        match (&self.property, message.is_empty()) {
            (Some(p), true) => write!(f, "{} ({p})", self.kind),
            (Some(p), false) => write!(f, "{message} ({}, {p})", self.kind),
            (None, true) => f.write_str(&self.kind),
            (None, false) => write!(f, "{message} ({})", self.kind),
        }
    }
}

impl Fault {
    /// True for a session that has ended (expired, or terminated by an administrator).
    pub fn is_not_authenticated(&self) -> bool {
        self.kind == "NotAuthenticated"
    }

    /// The fault inside a SOAP envelope's body, when the body holds one.
    pub fn from_envelope(envelope: &Node) -> Option<Fault> {
        let fault = envelope.at(&["Body", "Fault"])?;
        let message = fault.text_at(&["faultstring"]).unwrap_or_default().trim();
        let detail = fault.child("detail").and_then(|d| d.children.first());
        let mut out = match detail {
            Some(d) => Fault::from_detail(d, message),
            None => Fault {
                kind: fault
                    .text_at(&["faultcode"])
                    .unwrap_or("ServerFaultCode")
                    .to_string(),
                message: message.to_string(),
                object: None,
                property: None,
            },
        };
        if out.message.is_empty() {
            out.message = message.to_string();
        }
        Some(out)
    }

    /// A task's `info.error` (a `LocalizedMethodFault`: `fault` and `localizedMessage`).
    pub fn from_localized(error: &Node) -> Fault {
        let message = error.text_at(&["localizedMessage"]).unwrap_or_default();
        match error.child("fault") {
            Some(detail) => Fault::from_detail(detail, message),
            None => Fault {
                kind: "MethodFault".into(),
                message: message.to_string(),
                object: None,
                property: None,
            },
        }
    }

    fn from_detail(detail: &Node, message: &str) -> Fault {
        let kind = detail.xsi_type.clone().unwrap_or_else(|| {
            detail
                .name
                .strip_suffix("Fault")
                .unwrap_or(&detail.name)
                .to_string()
        });
        let nested = detail
            .all("faultMessage")
            .filter_map(|m| m.text_at(&["message"]))
            .collect::<Vec<_>>()
            .join("; ");
        let message = match (message.trim().is_empty(), nested.is_empty()) {
            (true, _) => nested,
            (false, true) => message.trim().to_string(),
            (false, false) => format!("{}: {nested}", message.trim()),
        };
        Fault {
            kind,
            message,
            object: detail.moref_at(&["obj"]),
            property: detail
                .text_at(&["invalidProperty"])
                .or_else(|| detail.text_at(&["name"]))
                .map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::dom::parse;

    #[test]
    fn soap_faults_give_type_and_message() {
        let xml = r#"<soapenv:Envelope xmlns:soapenv="s" xmlns:xsi="i"><soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>Login failure</faultstring><detail><InvalidLoginFault xmlns="urn:vim25" xsi:type="InvalidLogin"></InvalidLoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
        let fault = Fault::from_envelope(&parse(xml).unwrap()).unwrap();
        assert_eq!(fault.kind, "InvalidLogin");
        assert_eq!(fault.to_string(), "Login failure (InvalidLogin)");
        assert!(!fault.is_not_authenticated());
    }

    #[test]
    fn missing_objects_name_the_object() {
        let xml = r#"<E xmlns:xsi="i"><Body><Fault><faultstring>The object has already been deleted</faultstring><detail><ManagedObjectNotFoundFault xsi:type="ManagedObjectNotFound"><obj type="VirtualMachine">vm-9</obj></ManagedObjectNotFoundFault></detail></Fault></Body></E>"#;
        let fault = Fault::from_envelope(&parse(xml).unwrap()).unwrap();
        assert_eq!(fault.object, Some(Moref::new("VirtualMachine", "vm-9")));
    }

    #[test]
    fn task_errors_keep_the_localized_message() {
        let xml = r#"<error xmlns:xsi="i"><fault xsi:type="DuplicateName"><name>web</name></fault><localizedMessage>The name 'web' already exists.</localizedMessage></error>"#;
        let fault = Fault::from_localized(&parse(xml).unwrap());
        assert_eq!(fault.kind, "DuplicateName");
        assert_eq!(
            fault.to_string(),
            "The name 'web' already exists. (DuplicateName, web)"
        );
        assert!(Fault::from_envelope(&parse("<E><Body><R/></Body></E>").unwrap()).is_none());
    }
}
