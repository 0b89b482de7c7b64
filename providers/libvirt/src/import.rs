//! `strata import` on libvirt: which object an import id names. An id is the object's UUID
//! or its name, as libvirt lists it or without the configuration's `name_prefix`; the
//! object is then read over the blueprint's attributes, as a refresh reads it.

use blueprint::Address;

use crate::conn::Rpc;
use crate::ctx::Ctx;
use crate::error::LibvirtError;

/// What a `kind`'s import id is, for messages; `None` for a kind libvirt does not import.
pub fn id_form(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "vm" => "a vm's import id is its domain's UUID or name (`virsh list --all --uuid --name`)",
        "network_zone" => {
            "a network_zone's import id is its network's UUID or name (`virsh net-list --all --uuid --name`)"
        }
        "storage" => {
            "a storage's import id is its pool's UUID or name (`virsh pool-list --all --uuid --name`)"
        }
        "network_policy" => {
            "a network_policy's import id is its network filter's UUID or name (`virsh nwfilter-list`)"
        }
        _ => return None,
    })
}

/// The (name, UUID) of every object of `kind` on the host, in one listing.
fn listed(rpc: &Rpc, kind: &str) -> Result<Vec<(String, String)>, LibvirtError> {
    fn pairs<T>(
        all: Vec<T>,
        name: impl Fn(&T) -> Result<String, virt::error::Error>,
        uuid: impl Fn(&T) -> Result<String, virt::error::Error>,
    ) -> Vec<(String, String)> {
        all.iter()
            .filter_map(|o| Some((name(o).ok()?, uuid(o).ok()?)))
            .collect()
    }
    Ok(match kind {
        "vm" => pairs(
            rpc.call(|c| c.list_all_domains(0))?,
            |d| d.name(),
            |d| d.uuid_string(),
        ),
        "network_zone" => pairs(
            rpc.call(|c| c.list_all_networks(0))?,
            |n| n.name(),
            |n| n.uuid_string(),
        ),
        "storage" => pairs(
            rpc.call(|c| c.list_all_storage_pools(0))?,
            |p| p.name(),
            |p| p.uuid_string(),
        ),
        "network_policy" => pairs(
            rpc.call(|c| c.list_all_nw_filters(0))?,
            |f| f.name(),
            |f| f.uuid_string(),
        ),
        _ => Vec::new(),
    })
}

/// The UUID of the `kind` object `id` names, or why there is none: what such an id is
/// and which objects exist (or which two a name could mean).
pub fn resolve(
    rpc: &Rpc,
    ctx: &Ctx,
    address: &Address,
    kind: &str,
    id: &str,
) -> Result<Result<String, String>, LibvirtError> {
    let Some(form) = id_form(kind) else {
        // A host pool is the connection's host: nothing to look up.
        return Ok(Ok(id.to_string()));
    };
    let all = listed(rpc, kind)?;
    let prefixed = format!("{}{id}", ctx.settings.name_prefix);
    let by_uuid: Vec<&(String, String)> = all
        .iter()
        .filter(|(_, u)| u.eq_ignore_ascii_case(id))
        .collect();
    let named: Vec<&(String, String)> = if by_uuid.is_empty() {
        all.iter()
            .filter(|(n, _)| *n == id || *n == prefixed)
            .collect()
    } else {
        by_uuid
    };
    Ok(match named.as_slice() {
        [(name, uuid)] => match wanted_name(ctx, address, kind).filter(|w| w != name) {
            // VMs, zones and policies find these by name: another name is not the address's.
            Some(want) => Err(format!(
                "{id} is \"{name}\", but the libvirt provider knows {address} as \"{want}\" (what refers to it finds it by that name): rename it, or import the one called so"
            )),
            None => Ok(uuid.clone()),
        },
        [] => {
            let mut names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
            names.sort_unstable();
            Err(format!(
                "libvirt has no {kind} with that UUID or name: {form}; {}",
                crate::error::listing(
                    "names",
                    &names.iter().map(|n| n.to_string()).collect::<Vec<_>>()
                )
            ))
        }
        several => Err(format!(
            "\"{id}\" names both {}; give the UUID ({form})",
            several
                .iter()
                .map(|(n, u)| format!("{n} ({u})"))
                .collect::<Vec<_>>()
                .join(" and ")
        )),
    })
}

/// Why the domain `uuid` cannot be a `vm` as the libvirt provider manages one, if it
/// cannot: its first disk must be a volume of a storage pool (`<source pool volume>`), so
/// that an update keeps that disk rather than giving the domain another.
pub fn unmanageable(rpc: &Rpc, uuid: &str) -> Result<Option<String>, LibvirtError> {
    let Some(dom) = crate::ctx::lookup(rpc, |c| c.lookup_domain_by_uuid_string(uuid))? else {
        return Ok(None);
    };
    let xml = rpc.on(|| dom.xml_desc(virt::sys::VIR_DOMAIN_XML_INACTIVE))?;
    let parts = crate::parse::domain_parts(&xml)?;
    Ok(parts.disk.is_none().then(|| {
        let name = dom.name().unwrap_or_else(|_| uuid.to_string());
        format!(
            "domain {name}'s first disk is not a volume of a storage pool; the libvirt provider keeps a VM's disk as a volume of its storage's pool (`<disk type='volume'><source pool='POOL' volume='VOLUME'/>`): define the disk so (`virsh edit {name}`), then import it"
        )
    }))
}

/// The name the provider gives the `kind` object at `address`, for kinds other objects
/// find by name (a VM's network and pool, a zone's policy filters); `None` for a VM.
fn wanted_name(ctx: &Ctx, address: &Address, kind: &str) -> Option<String> {
    match kind {
        "network_zone" | "storage" => Some(ctx.name(address, "")),
        "network_policy" => Some(crate::names::policy_filter(
            &ctx.settings.name_prefix,
            address,
            &address.to_string(),
        )),
        _ => None,
    }
}
