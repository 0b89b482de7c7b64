//! Requests written as SOAP envelopes: a method of the `urn:vim25` namespace called on a
//! managed object, with its arguments as elements.
//!
//! vCenter checks each structure's elements against the order of its XML schema, so the
//! code that builds a structure lists its fields in that order (the schema's order is the
//! order of the fields in the vSphere API reference, and of govmomi's generated types).

use quick_xml::escape::escape;

use super::dom::Moref;

/// An element of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct El {
    name: String,
    attrs: Vec<(&'static str, String)>,
    text: Option<String>,
    children: Vec<El>,
}

impl El {
    /// An empty element called `name`.
    pub fn new(name: impl Into<String>) -> El {
        El {
            name: name.into(),
            attrs: Vec::new(),
            text: None,
            children: Vec::new(),
        }
    }

    /// An element holding `value` as text.
    pub fn text(name: impl Into<String>, value: impl ToString) -> El {
        El {
            text: Some(value.to_string()),
            ..El::new(name)
        }
    }

    /// An element of a derived type: `<name xsi:type="kind">`, as the API wants for a value
    /// whose declared type is a base type (a device, an option value, a backing).
    pub fn typed(name: impl Into<String>, kind: &str) -> El {
        let mut el = El::new(name);
        el.attrs.push(("xsi:type", kind.to_string()));
        el
    }

    /// A value of a derived type holding text: `<value xsi:type="xsd:string">v</value>`.
    pub fn typed_text(name: impl Into<String>, kind: &str, value: impl ToString) -> El {
        let mut el = El::text(name, value);
        el.attrs.push(("xsi:type", kind.to_string()));
        el
    }

    /// A managed object reference: `<name type="VirtualMachine">vm-42</name>`.
    pub fn moref(name: impl Into<String>, moref: &Moref) -> El {
        let mut el = El::text(name, &moref.value);
        el.attrs.push(("type", moref.kind.clone()));
        el
    }

    /// Adds a child.
    pub fn with(mut self, child: El) -> El {
        self.children.push(child);
        self
    }

    /// Adds a child when there is one.
    pub fn maybe(mut self, child: Option<El>) -> El {
        self.children.extend(child);
        self
    }

    /// Adds children.
    pub fn with_all(mut self, children: impl IntoIterator<Item = El>) -> El {
        self.children.extend(children);
        self
    }

    fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (k, v) in &self.attrs {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            out.push_str(&escape(v.as_str()));
            out.push('"');
        }
        if self.text.is_none() && self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        if let Some(text) = &self.text {
            out.push_str(&escape(text.as_str()));
        }
        for child in &self.children {
            child.write(out);
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}

/// The envelope calling `method` on `this` with `args`.
pub fn envelope(method: &str, this: &Moref, args: &[El]) -> String {
    let mut out = String::with_capacity(512);
    out.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/""#,
        r#" xmlns:xsd="http://www.w3.org/2001/XMLSchema""#,
        r#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>"#
    ));
    let call = El::new(method)
        .with(El::moref("_this", this))
        .with_all(args.iter().cloned());
    let mut body = String::new();
    call.write(&mut body);
    // The method element carries the vim25 namespace for itself and its arguments.
    out.push_str(&body.replacen(
        &format!("<{method}"),
        &format!(r#"<{method} xmlns="urn:vim25""#),
        1,
    ));
    out.push_str("</soapenv:Body></soapenv:Envelope>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::dom::parse;

    #[test]
    fn envelopes_escape_text_and_attributes() {
        let xml = envelope(
            "Rename_Task",
            &Moref::new("VirtualMachine", "vm-1"),
            &[El::text("newName", "a<b>&\"c\"")],
        );
        let root = parse(&xml).unwrap();
        let call = root.at(&["Body", "Rename_Task"]).unwrap();
        assert_eq!(call.text_at(&["newName"]), Some("a<b>&\"c\""));
        assert_eq!(
            call.moref_at(&["_this"]),
            Some(Moref::new("VirtualMachine", "vm-1"))
        );
        assert!(xml.contains(r#"<Rename_Task xmlns="urn:vim25">"#));
    }

    #[test]
    fn typed_elements_carry_xsi_type() {
        let el = El::typed("device", "VirtualDisk").with(El::text("key", -101));
        let mut out = String::new();
        el.write(&mut out);
        assert_eq!(
            out,
            r#"<device xsi:type="VirtualDisk"><key>-101</key></device>"#
        );
    }
}
