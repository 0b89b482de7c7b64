//! Responses read into a small tree: every element with its local name, its `xsi:type`,
//! its `type` attribute (a managed object reference's type) and its text.
//!
//! vSphere's responses are data, not documents: no mixed content, a handful of
//! attributes. A tree is the simplest faithful reading of them, and even the largest a
//! refresh reads (a thousand VMs' devices, a few megabytes) parses in milliseconds.

use std::fmt;

use quick_xml::events::Event;
use quick_xml::events::attributes::Attribute;

/// An element of a response.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    /// Its local name, without a namespace prefix (`returnval`, `propSet`).
    pub name: String,
    /// Its `xsi:type`, without a prefix (`VirtualDisk`, `ArrayOfOptionValue`).
    pub xsi_type: Option<String>,
    /// Its `type` attribute: the managed object type of a reference (`VirtualMachine`).
    pub kind: Option<String>,
    /// Its text, unescaped (empty for an element with children).
    pub text: String,
    /// Its child elements, in order.
    pub children: Vec<Node>,
}

/// A managed object reference: the object's type and its id (`VirtualMachine`, `vm-42`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Moref {
    /// Its managed object type.
    pub kind: String,
    /// Its id within the server.
    pub value: String,
}

impl Moref {
    /// A reference to `value`, of type `kind`.
    pub fn new(kind: impl Into<String>, value: impl Into<String>) -> Moref {
        Moref {
            kind: kind.into(),
            value: value.into(),
        }
    }
}

/// `VirtualMachine:vm-42`.
impl fmt::Display for Moref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.value)
    }
}

impl Node {
    /// The first child called `name`.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child called `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The descendant reached by following child names.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, name| node.child(name))
    }

    /// The text of the descendant at `path`.
    pub fn text_at(&self, path: &[&str]) -> Option<&str> {
        self.at(path).map(|n| n.text.as_str())
    }

    /// The number at `path`.
    pub fn int_at(&self, path: &[&str]) -> Option<i64> {
        self.text_at(path).and_then(|t| t.trim().parse().ok())
    }

    /// The boolean at `path`.
    pub fn bool_at(&self, path: &[&str]) -> Option<bool> {
        self.text_at(path).map(|t| t.trim() == "true")
    }

    /// This element read as a managed object reference.
    pub fn moref(&self) -> Option<Moref> {
        Some(Moref::new(self.kind.clone()?, self.text.trim()))
    }

    /// The reference at `path`.
    pub fn moref_at(&self, path: &[&str]) -> Option<Moref> {
        self.at(path).and_then(Node::moref)
    }
}

/// A response that is not well-formed XML.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the server's response is not valid XML at byte {position}: {message}")]
pub struct XmlError {
    /// Where reading stopped.
    pub position: u64,
    /// What was wrong.
    pub message: String,
}

fn local(name: &[u8]) -> String {
    let name = match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    String::from_utf8_lossy(name).into_owned()
}

fn open(e: &quick_xml::events::BytesStart<'_>) -> Result<Node, String> {
    let mut node = Node {
        name: local(e.name().as_ref()),
        ..Node::default()
    };
    for attr in e.attributes() {
        let attr: Attribute<'_> = attr.map_err(|e| e.to_string())?;
        let key = attr.key.as_ref();
        let value = attr.unescape_value().map_err(|e| e.to_string())?;
        if key == b"type" {
            node.kind = Some(value.into_owned());
        } else if key.ends_with(b":type") {
            node.xsi_type = Some(local(value.as_bytes()));
        }
    }
    Ok(node)
}

/// Reads a document into its root element.
pub fn parse(xml: &str) -> Result<Node, XmlError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    let fail = |reader: &quick_xml::Reader<&[u8]>, message: String| XmlError {
        position: reader.buffer_position(),
        message,
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| fail(&reader, e.to_string()))?;
        match event {
            Event::Start(e) => stack.push(open(&e).map_err(|m| fail(&reader, m))?),
            Event::Empty(e) => {
                let node = open(&e).map_err(|m| fail(&reader, m))?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(node);
                }
            }
            Event::End(_) => {
                let done = stack.pop().unwrap_or_default();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Err(fail(&reader, "unbalanced end tag".into())),
                }
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| fail(&reader, e.to_string()))?;
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&text);
                }
            }
            Event::CData(t) => {
                let text = t.decode().map_err(|e| fail(&reader, e.to_string()))?;
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r.decode().map_err(|e| fail(&reader, e.to_string()))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| fail(&reader, format!("unknown entity &{name};")))?
                            .to_string()
                    }
                    Err(e) => return Err(fail(&reader, e.to_string())),
                };
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(fail(&reader, "the document ends inside an element".into()));
    }
    let mut top = stack.pop().unwrap_or_default();
    match top.children.len() {
        1 => Ok(top.children.remove(0)),
        n => Err(fail(
            &reader,
            format!("expected one root element, found {n}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_types_text_and_references() {
        let root = parse(
            r#"<?xml version="1.0"?><s:Envelope xmlns:s="x" xmlns:xsi="y"><s:Body>
            <r><val xsi:type="xsd:string">a &amp; b &#233;<![CDATA[<c>]]></val>
            <obj type="VirtualMachine">vm-7</obj><empty/></r></s:Body></s:Envelope>"#,
        )
        .unwrap();
        assert_eq!(root.name, "Envelope");
        let r = root.at(&["Body", "r"]).unwrap();
        let val = r.child("val").unwrap();
        assert_eq!(val.xsi_type.as_deref(), Some("string"));
        assert_eq!(val.text, "a & b é<c>");
        assert_eq!(
            r.moref_at(&["obj"]),
            Some(Moref::new("VirtualMachine", "vm-7"))
        );
        assert!(r.child("empty").is_some());
        assert_eq!(r.children.len(), 3);
    }

    #[test]
    fn malformed_documents_are_errors() {
        for bad in ["<a><b></a>", "<a>", "", "<a/><b/>", "<a>&nope;</a>"] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
