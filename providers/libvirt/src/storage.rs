//! `storage` → a storage pool: a directory under the provider's pool_root (type local) or
//! an NFS export (type nfs), built, started and autostarted.

use blueprint::Address;
use planner::Attrs;

use crate::conn::Rpc;
use crate::ctx::{Ctx, lookup};
use crate::error::LibvirtError;
use crate::spec::PoolSpec;
use crate::xml;

/// Creates the pool (or finishes creating it).
pub fn create(
    rpc: &Rpc,
    ctx: &Ctx,
    address: &Address,
    key: &str,
    attrs: &Attrs,
) -> Result<(String, Attrs), LibvirtError> {
    let spec = PoolSpec::read(address, attrs).map_err(|d| LibvirtError::Call(d.detail))?;
    let name = ctx.name(address, key);
    let uuid = ctx.uuid(key);
    let path = format!("{}/{name}", ctx.settings.pool_root.trim_end_matches('/'));
    let pool = match lookup(rpc, |c| c.lookup_storage_pool_by_uuid_string(&uuid))? {
        Some(pool) => pool,
        None => {
            if lookup(rpc, |c| c.lookup_storage_pool_by_name(&name))?.is_some() {
                return Err(LibvirtError::Call(format!(
                    "a storage pool named {name} exists and was not created by this blueprint's state: remove it, or set another name_prefix"
                )));
            }
            let pool =
                rpc.call(|c| c.define_storage_pool_xml(&xml::pool(&name, &uuid, &spec, &path), 0))?;
            rpc.on(|| pool.build(0))?;
            pool
        }
    };
    rpc.on(|| pool.set_autostart(true))?;
    if !rpc.on(|| pool.is_active())? {
        rpc.on(|| pool.create(0))?;
    }
    let mut out = attrs.clone();
    out.insert("path".into(), path.into());
    Ok((uuid, out))
}

/// Deletes the pool once it holds no volume; otherwise says which it holds.
pub fn delete(rpc: &Rpc, uuid: &str) -> Result<(), LibvirtError> {
    let Some(pool) = lookup(rpc, |c| c.lookup_storage_pool_by_uuid_string(uuid))? else {
        return Ok(());
    };
    let name = rpc.on(|| pool.name())?;
    if rpc.on(|| pool.is_active())? {
        rpc.on(|| pool.refresh(0))?;
        let left = rpc.on(|| pool.list_volumes())?;
        if !left.is_empty() {
            return Err(LibvirtError::Call(format!(
                "storage pool {name} still holds volumes not Strata's to delete: {}; move or delete them, then destroy again",
                left.join(", ")
            )));
        }
        rpc.on(|| pool.destroy())?;
    }
    let _ = rpc.on(|| pool.delete(0));
    rpc.on(|| pool.undefine())
}
