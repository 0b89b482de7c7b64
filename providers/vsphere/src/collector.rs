//! Reading properties in bulk through the PropertyCollector: `RetrievePropertiesEx` with
//! `ContinueRetrievePropertiesEx` for the pages after the first, over a list of objects,
//! a container view of a folder, or both with traversals.

use std::collections::BTreeMap;

use crate::client::Client;
use crate::error::VsphereError;
use crate::soap::{El, Fault, Moref, Node};

/// Objects per page of a retrieval (vCenter may return fewer).
const PAGE: usize = 1000;

/// The properties to read of one managed object type.
#[derive(Clone, Copy, Debug)]
pub struct Props<'a> {
    /// The type (`VirtualMachine`).
    pub kind: &'a str,
    /// Property paths (`name`, `config.hardware.numCPU`).
    pub paths: &'a [&'a str],
}

/// One object's properties as read.
#[derive(Clone, Debug, Default)]
pub struct Object {
    /// The object.
    pub obj: Option<Moref>,
    /// Its properties by path: the `val` element of each.
    pub props: BTreeMap<String, Node>,
    /// Properties that could not be read, with why.
    pub missing: Vec<(String, Fault)>,
}

impl Object {
    /// The value of property `path`.
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.props.get(path)
    }

    /// The text of property `path`.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.get(path).map(|n| n.text.as_str())
    }

    /// The number at property `path`.
    pub fn int(&self, path: &str) -> Option<i64> {
        self.text(path).and_then(|t| t.trim().parse().ok())
    }

    /// The reference property `path` holds.
    pub fn moref(&self, path: &str) -> Option<Moref> {
        self.get(path).and_then(Node::moref)
    }

    /// The references of an array property (`ArrayOfManagedObjectReference`).
    pub fn morefs(&self, path: &str) -> Vec<Moref> {
        self.get(path)
            .map(|n| n.children.iter().filter_map(Node::moref).collect())
            .unwrap_or_default()
    }

    /// Its id (empty when the response had none).
    pub fn id(&self) -> &str {
        self.obj.as_ref().map_or("", |m| m.value.as_str())
    }
}

/// Where a retrieval starts: objects, each with the traversals to follow from it.
#[derive(Clone, Debug)]
pub struct Start {
    /// The object.
    pub obj: Moref,
    /// Skip the object itself (a view or folder whose contents are wanted, not itself).
    pub skip: bool,
    /// Traversals: (managed object type, property to follow), such as
    /// (`ContainerView`, `view`) or (`ClusterComputeResource`, `host`).
    pub follow: Vec<(&'static str, &'static str)>,
}

impl Start {
    /// The object itself.
    pub fn object(obj: Moref) -> Start {
        Start {
            obj,
            skip: false,
            follow: Vec::new(),
        }
    }
}

fn prop_spec(p: &Props<'_>) -> El {
    El::new("propSet")
        .with(El::text("type", p.kind))
        .with(El::text("all", "false"))
        .with_all(p.paths.iter().map(|path| El::text("pathSet", path)))
}

fn object_spec(s: &Start) -> El {
    El::new("objectSet")
        .with(El::moref("obj", &s.obj))
        .with(El::text("skip", s.skip))
        .with_all(s.follow.iter().enumerate().map(|(i, (kind, path))| {
            El::typed("selectSet", "TraversalSpec")
                .with(El::text("name", format!("t{i}")))
                .with(El::text("type", kind))
                .with(El::text("path", path))
                .with(El::text("skip", "false"))
        }))
}

fn read_objects(returnval: Option<&Node>, out: &mut Vec<Object>) -> Option<String> {
    let r = returnval?;
    for o in r.all("objects") {
        let mut object = Object {
            obj: o.moref_at(&["obj"]),
            ..Object::default()
        };
        for p in o.all("propSet") {
            if let (Some(name), Some(val)) = (p.text_at(&["name"]), p.child("val")) {
                object.props.insert(name.to_string(), val.clone());
            }
        }
        for m in o.all("missingSet") {
            let path = m.text_at(&["path"]).unwrap_or_default().to_string();
            let fault = m
                .child("fault")
                .map(Fault::from_localized)
                .unwrap_or_else(|| Fault {
                    kind: "MethodFault".into(),
                    message: String::new(),
                    object: None,
                    property: None,
                });
            object.missing.push((path, fault));
        }
        out.push(object);
    }
    r.text_at(&["token"]).map(str::to_string)
}

impl Client {
    /// Reads `props` of every object reached from `starts`, all pages. A start object
    /// that no longer exists fails the whole call with `ManagedObjectNotFound` (as
    /// vCenter does); [`Client::retrieve_existing`] drops such objects and reads again.
    pub async fn retrieve(
        &self,
        starts: &[Start],
        props: &[Props<'_>],
    ) -> Result<Vec<Object>, VsphereError> {
        if starts.is_empty() {
            return Ok(Vec::new());
        }
        let pc = self.content().property_collector.clone();
        let spec = El::new("specSet")
            .with_all(props.iter().map(prop_spec))
            .with_all(starts.iter().map(object_spec));
        let options = El::new("options").with(El::text("maxObjects", PAGE));
        let first = self
            .call("RetrievePropertiesEx", &pc, &[spec, options])
            .await?;
        let mut out = Vec::new();
        let mut token = read_objects(first.child("returnval"), &mut out);
        while let Some(t) = token {
            let next = self
                .call("ContinueRetrievePropertiesEx", &pc, &[El::text("token", t)])
                .await?;
            token = read_objects(next.child("returnval"), &mut out);
        }
        Ok(out)
    }

    /// [`Client::retrieve`], leaving out start objects that no longer exist: each
    /// `ManagedObjectNotFound` names one, which is dropped before reading again.
    pub async fn retrieve_existing(
        &self,
        starts: &[Start],
        props: &[Props<'_>],
    ) -> Result<Vec<Object>, VsphereError> {
        let mut starts = starts.to_vec();
        loop {
            match self.retrieve(&starts, props).await {
                Err(VsphereError::Fault { fault, method })
                    if fault.kind == "ManagedObjectNotFound" =>
                {
                    let gone = fault.object.clone();
                    let before = starts.len();
                    starts.retain(|s| Some(&s.obj) != gone.as_ref());
                    if starts.len() == before {
                        return Err(VsphereError::Fault { fault, method });
                    }
                }
                other => return other,
            }
        }
    }

    /// One property of one object (`None` when it is unset).
    pub async fn property(&self, obj: &Moref, path: &str) -> Result<Option<Node>, VsphereError> {
        let props = [Props {
            kind: &obj.kind,
            paths: &[path],
        }];
        let got = self.retrieve(&[Start::object(obj.clone())], &props).await?;
        Ok(got
            .into_iter()
            .next()
            .and_then(|mut o| o.props.remove(path)))
    }

    /// Every object of the `props` types inside `container` (recursively), through a
    /// container view made for the purpose and destroyed after.
    pub async fn contents(
        &self,
        container: &Moref,
        props: &[Props<'_>],
    ) -> Result<Vec<Object>, VsphereError> {
        let vm = self.content().view_manager.clone();
        let made = self
            .call(
                "CreateContainerView",
                &vm,
                &[El::moref("container", container)]
                    .into_iter()
                    .chain(props.iter().map(|p| El::text("type", p.kind)))
                    .chain([El::text("recursive", "true")])
                    .collect::<Vec<_>>(),
            )
            .await?;
        let view = made
            .moref_at(&["returnval"])
            .ok_or_else(|| VsphereError::Response("CreateContainerView: no view".into()))?;
        let start = Start {
            obj: view.clone(),
            skip: true,
            follow: vec![("ContainerView", "view")],
        };
        let got = self.retrieve(&[start], props).await;
        let _ = self.call("DestroyView", &view, &[]).await;
        got
    }
}
