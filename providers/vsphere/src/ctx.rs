//! What every operation needs: the session, the settings, where things go, and the
//! lookups of networks and datastores by name that several kinds share.

use std::sync::Arc;

use blueprint::Address;
use planner::Attrs;
use planner::provider::Progress;

use crate::client::Client;
use crate::collector::{Object, Props};
use crate::error::{VsphereError, listing};
use crate::inventory::Inventory;
use crate::settings::Settings;
use crate::soap::{El, Moref};
use crate::spec::Backing;
use crate::vm_index::VmIndex;

/// The extraConfig keys every VM Strata creates carries.
pub mod keys {
    /// The state's lineage.
    pub const LINEAGE: &str = "strata.lineage";
    /// The idempotency key it was created with.
    pub const KEY: &str = "strata.key";
    /// Its blueprint address (`vm.web[0]`).
    pub const ADDRESS: &str = "strata.address";
    /// The attributes it was created with (JSON), for `find` to adopt it.
    pub const ATTRS: &str = "strata.attrs";
}

/// Shared by every operation of one provider configuration.
#[derive(Clone)]
pub struct Ctx {
    /// The session.
    pub client: Arc<Client>,
    /// The configuration.
    pub settings: Settings,
    /// Where things go.
    pub inventory: Inventory,
    /// The folder's VMs by name, read once per run.
    pub vms: Arc<VmIndex>,
}

/// The network types a NIC can join.
const NETWORKS: [Props<'static>; 2] = [
    Props {
        kind: "DistributedVirtualPortgroup",
        paths: &["name", "key", "config.description"],
    },
    Props {
        kind: "Network",
        paths: &["name"],
    },
];

impl Ctx {
    /// The name of the object at `address` created with `key`.
    pub fn name(&self, address: &Address, key: &str) -> String {
        crate::names::object(&self.settings.name_prefix, address, key)
    }

    /// The datacenter's networks (port groups and standard networks).
    pub async fn networks(&self) -> Result<Vec<Object>, VsphereError> {
        self.client
            .contents(&self.inventory.datacenter, &NETWORKS)
            .await
    }

    /// The network `name` among `all`; the error lists the networks there are.
    pub fn network<'a>(&self, all: &'a [Object], name: &str) -> Result<&'a Object, VsphereError> {
        all.iter()
            .find(|n| n.text("name") == Some(name))
            .ok_or_else(|| {
                let mut names: Vec<String> = all
                    .iter()
                    .filter_map(|n| n.text("name"))
                    .map(|n| format!("\"{n}\""))
                    .collect();
                names.sort();
                names.dedup();
                VsphereError::Missing {
                    what: "network",
                    name: name.to_string(),
                    place: format!("cluster \"{}\"'s datacenter", self.inventory.cluster_name),
                    present: listing("networks", &names),
                }
            })
    }

    /// The name of the network of zone `zone`: the port group Strata makes on the
    /// distributed switch, or, without one, the existing network called like the zone.
    pub fn zone_network(&self, zone: &Address) -> String {
        if self.inventory.dvs.is_some() {
            self.name(zone, "")
        } else {
            zone.name.clone()
        }
    }

    /// How a NIC joins network `net`.
    pub fn backing(&self, net: &Object) -> Result<Backing, VsphereError> {
        let obj = net
            .obj
            .clone()
            .ok_or_else(|| VsphereError::Response("a network without a reference".into()))?;
        match (&self.inventory.dvs, obj.kind.as_str(), net.text("key")) {
            (Some((_, uuid)), "DistributedVirtualPortgroup", Some(key)) => Ok(Backing::Portgroup {
                switch_uuid: uuid.clone(),
                key: key.to_string(),
            }),
            _ => Ok(Backing::Network {
                name: net.text("name").unwrap_or_default().to_string(),
                network: obj,
            }),
        }
    }

    /// The datastore called `name` in the cluster; the error lists the cluster's.
    pub async fn datastore(&self, name: &str) -> Result<Object, VsphereError> {
        let attached = self
            .client
            .property(&self.inventory.cluster, "datastore")
            .await?
            .map(|n| {
                n.children
                    .iter()
                    .filter_map(crate::soap::Node::moref)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let starts: Vec<_> = attached
            .into_iter()
            .map(crate::collector::Start::object)
            .collect();
        let all = self
            .client
            .retrieve(
                &starts,
                &[Props {
                    kind: "Datastore",
                    paths: DATASTORE,
                }],
            )
            .await?;
        let place = format!("cluster \"{}\"", self.inventory.cluster_name);
        crate::inventory::pick(&all, Some(name), "datastore", &place).cloned()
    }

    /// Runs a `*_Task` method and waits for it within the task timeout, reporting its
    /// progress.
    pub async fn task(
        &self,
        method: &str,
        this: &Moref,
        args: &[El],
        progress: &Progress,
    ) -> Result<Option<crate::soap::Node>, VsphereError> {
        self.client
            .run_task_reporting(method, this, args, self.settings.task_timeout, progress)
            .await
    }
}

/// The properties read of a datastore.
pub const DATASTORE: &[&str] = &[
    "name",
    "summary.capacity",
    "summary.freeSpace",
    "summary.type",
];

/// The blueprint address a reference attribute (`zone = network_zone.a`) holds.
pub fn reference(
    address: &Address,
    attrs: &Attrs,
    name: &str,
) -> Result<Option<Address>, VsphereError> {
    match attrs.get(name).and_then(|v| v.as_str()) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| {
            VsphereError::Unsupported(format!("{address}: {name} = \"{text}\" is not a reference"))
        }),
    }
}
