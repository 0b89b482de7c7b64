//! Where the provider works, found once at connection: the datacenter, its VM folder (or
//! the configured folder below it), the cluster and its resource pool, the cluster's
//! datastores, and the datacenter's distributed switch. A name that is not there is an
//! error listing what is.

use crate::client::Client;
use crate::collector::{Object, Props};
use crate::error::{VsphereError, listing};
use crate::settings::Settings;
use crate::soap::Moref;

/// The objects every operation places things in.
#[derive(Clone, Debug)]
pub struct Inventory {
    /// The datacenter.
    pub datacenter: Moref,
    /// The folder VMs are created in.
    pub folder: Moref,
    /// The cluster VMs run on and host pools read.
    pub cluster: Moref,
    /// Its name.
    pub cluster_name: String,
    /// The cluster's root resource pool.
    pub resource_pool: Moref,
    /// The datastore of VMs whose `storage` is unset: (name, object).
    pub datastore: (String, Moref),
    /// The distributed switch zones' port groups are made on, when the datacenter has one:
    /// (object, its UUID).
    pub dvs: Option<(Moref, String)>,
}

/// The one object called `want` among `all` (of kind `what`), or the only one when `want`
/// is unset; the error lists what exists.
pub fn pick<'a>(
    all: &'a [Object],
    want: Option<&str>,
    what: &'static str,
    place: &str,
) -> Result<&'a Object, VsphereError> {
    let names = || {
        let mut n: Vec<String> = all
            .iter()
            .map(|o| format!("\"{}\"", o.text("name").unwrap_or_default()))
            .collect();
        n.sort();
        n
    };
    let missing = |name: &str| VsphereError::Missing {
        what,
        name: name.to_string(),
        place: place.to_string(),
        present: listing(&format!("{what}s"), &names()),
    };
    match want {
        Some(name) => all
            .iter()
            .find(|o| o.text("name") == Some(name))
            .ok_or_else(|| missing(name)),
        None if all.len() == 1 => Ok(&all[0]),
        None => Err(missing("(unset: there is not exactly one)")),
    }
}

impl Inventory {
    /// Finds the configured objects: two container-view retrievals.
    pub async fn find(client: &Client, settings: &Settings) -> Result<Inventory, VsphereError> {
        let root = client.content().root_folder.clone();
        let dcs = client
            .contents(
                &root,
                &[Props {
                    kind: "Datacenter",
                    paths: &["name", "vmFolder"],
                }],
            )
            .await?;
        let place = format!("vCenter at {}", client.url());
        let dc = pick(&dcs, settings.datacenter.as_deref(), "datacenter", &place)?;
        let dc_ref = dc
            .obj
            .clone()
            .unwrap_or_else(|| Moref::new("Datacenter", ""));
        let dc_name = dc.text("name").unwrap_or_default().to_string();
        let vm_folder = dc
            .moref("vmFolder")
            .ok_or_else(|| VsphereError::Response("a datacenter without a VM folder".into()))?;
        let inside = client
            .contents(
                &dc_ref,
                &[
                    Props {
                        kind: "ClusterComputeResource",
                        paths: &["name", "resourcePool", "datastore"],
                    },
                    Props {
                        kind: "Datastore",
                        paths: &["name"],
                    },
                    Props {
                        kind: "Folder",
                        paths: &["name", "parent"],
                    },
                    Props {
                        kind: "DistributedVirtualSwitch",
                        paths: &["name", "uuid"],
                    },
                ],
            )
            .await?;
        let of = |kind: &str| -> Vec<Object> {
            inside
                .iter()
                .filter(|o| o.obj.as_ref().is_some_and(|m| m.kind == kind))
                .cloned()
                .collect()
        };
        let place = format!("datacenter \"{dc_name}\"");
        let clusters = of("ClusterComputeResource");
        let cluster = pick(&clusters, settings.cluster.as_deref(), "cluster", &place)?;
        let cluster_name = cluster.text("name").unwrap_or_default().to_string();
        let resource_pool = cluster
            .moref("resourcePool")
            .ok_or_else(|| VsphereError::Response("a cluster without a resource pool".into()))?;
        let attached = cluster.morefs("datastore");
        let datastores: Vec<Object> = of("Datastore")
            .into_iter()
            .filter(|d| d.obj.as_ref().is_some_and(|m| attached.contains(m)))
            .collect();
        let place_ds = format!("cluster \"{cluster_name}\"");
        let datastore = match settings.datastore.as_deref() {
            Some(name) => pick(&datastores, Some(name), "datastore", &place_ds)?,
            None => datastores.first().ok_or_else(|| VsphereError::Missing {
                what: "datastore",
                name: "(any)".into(),
                place: place_ds.clone(),
                present: listing("datastores", &[]),
            })?,
        };
        let folder = match settings.folder.as_deref() {
            Some(path) => folder_at(&of("Folder"), &vm_folder, path, &place)?,
            None => vm_folder,
        };
        let dvs = inside
            .iter()
            .find(|o| {
                o.obj
                    .as_ref()
                    .is_some_and(|m| m.kind.ends_with("DistributedVirtualSwitch"))
            })
            .and_then(|d| Some((d.obj.clone()?, d.text("uuid")?.to_string())));
        Ok(Inventory {
            datacenter: dc_ref,
            folder,
            cluster: cluster.obj.clone().unwrap_or_else(|| Moref::new("", "")),
            cluster_name,
            resource_pool,
            datastore: (
                datastore.text("name").unwrap_or_default().to_string(),
                datastore.obj.clone().unwrap_or_else(|| Moref::new("", "")),
            ),
            dvs,
        })
    }
}

/// The folder at `path` (`a/b`) below `top`.
fn folder_at(
    folders: &[Object],
    top: &Moref,
    path: &str,
    place: &str,
) -> Result<Moref, VsphereError> {
    let mut at = top.clone();
    let mut walked = String::new();
    for step in path.split('/').filter(|s| !s.is_empty()) {
        let children: Vec<Object> = folders
            .iter()
            .filter(|f| f.moref("parent").as_ref() == Some(&at))
            .cloned()
            .collect();
        let inside = if walked.is_empty() {
            format!("the VM folder of {place}")
        } else {
            format!("folder \"{walked}\" of {place}")
        };
        let found = pick(&children, Some(step), "folder", &inside)?;
        at = found.obj.clone().unwrap_or_else(|| Moref::new("", ""));
        if !walked.is_empty() {
            walked.push('/');
        }
        walked.push_str(step);
    }
    Ok(at)
}
