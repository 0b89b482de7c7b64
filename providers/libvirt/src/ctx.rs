//! What every operation needs besides the connection: the settings, the domain type this
//! host runs, and the locks that keep read-modify-write edits of shared objects (DHCP
//! host entries, zone filters) from racing each other within a run.

use std::sync::{Arc, Mutex};

use blueprint::Address;
use virt::connect::Connect;

use crate::conn::Rpc;
use crate::error::{LibvirtError, listing};
use crate::settings::Settings;
use crate::xml::Owner;

/// Shared by every operation of one provider configuration.
#[derive(Clone)]
pub struct Ctx {
    /// The configuration.
    pub settings: Settings,
    /// `kvm` or `qemu`.
    pub domain_type: String,
    /// Held while a network's DHCP host entries are edited.
    pub dhcp: Arc<Mutex<()>>,
    /// Held while zone filters are edited.
    pub filters: Arc<Mutex<()>>,
}

impl Ctx {
    /// The name of the object at `address` created with `key`.
    pub fn name(&self, address: &Address, key: &str) -> String {
        crate::names::object(&self.settings.name_prefix, address, key)
    }

    /// The UUID of the object created with `key`.
    pub fn uuid(&self, key: &str) -> String {
        crate::names::uuid(&self.settings.lineage, key)
    }

    /// The metadata written on an object.
    pub fn owner(&self, address: &Address, key: &str, attrs: &planner::Attrs) -> Owner {
        Owner {
            address: address.to_string(),
            lineage: self.settings.lineage.clone(),
            key: key.to_string(),
            attrs: serde_json::Value::Object(attrs.clone()).to_string(),
        }
    }
}

/// True when a failed call means "no such object".
pub fn is_missing(e: &virt::error::Error) -> bool {
    use virt::error::ErrorNumber::*;
    e.code().is_any(vec![
        NoDomain,
        NoNetwork,
        NoStoragePool,
        NoStorageVolume,
        NoNwfilter,
    ])
}

/// Looks an object up, `None` when libvirt has none.
pub fn lookup<T>(
    rpc: &Rpc,
    f: impl FnOnce(&Connect) -> Result<T, virt::error::Error>,
) -> Result<Option<T>, LibvirtError> {
    let mut missing = false;
    let found = rpc.call(|c| match f(c) {
        Err(e) if is_missing(&e) => {
            missing = true;
            Err(e)
        }
        other => other,
    });
    match found {
        Ok(v) => Ok(Some(v)),
        Err(_) if missing => Ok(None),
        Err(e) => Err(e),
    }
}

/// The pool called `name` (`of`'s), or an error naming it and listing the pools there are.
pub fn pool(
    rpc: &Rpc,
    name: &str,
    of: &Address,
) -> Result<virt::storage_pool::StoragePool, LibvirtError> {
    if let Some(pool) = lookup(rpc, |c| c.lookup_storage_pool_by_name(name))? {
        return Ok(pool);
    }
    let names = rpc.call(|c| c.list_storage_pools())?;
    let defined = rpc.call(|c| c.list_defined_storage_pools())?;
    Err(LibvirtError::Missing {
        what: "storage pool",
        name: name.to_string(),
        of: format!(" ({of})").into(),
        uri: rpc.uri.into(),
        present: listing("pools", &[names, defined].concat()),
    })
}

/// The network called `name` (`of`'s), or an error naming it and listing the networks
/// there are.
pub fn network(
    rpc: &Rpc,
    name: &str,
    of: &Address,
) -> Result<virt::network::Network, LibvirtError> {
    if let Some(net) = lookup(rpc, |c| c.lookup_network_by_name(name))? {
        return Ok(net);
    }
    let names = rpc.call(|c| c.list_networks())?;
    let defined = rpc.call(|c| c.list_defined_networks())?;
    Err(LibvirtError::Missing {
        what: "network",
        name: name.to_string(),
        of: format!(" ({of})").into(),
        uri: rpc.uri.into(),
        present: listing("networks", &[names, defined].concat()),
    })
}
