//! `vm` → a domain with a qcow2 volume in its storage's pool and a NIC in its zone's
//! network, whose address is a DHCP host entry there.

use std::net::Ipv4Addr;

use blueprint::Address;
use planner::Attrs;
use planner::provider::Progress;
use virt::sys;

use crate::conn::Rpc;
use crate::ctx::{Ctx, lookup, pool};
use crate::error::{LibvirtError, listing};
use crate::names;
use crate::power::{power, stop};
use crate::spec::VmSpec;
use crate::xml::{self, Placement};

/// The disk, NIC and names of a VM.
pub struct Parts {
    /// The domain's name.
    pub name: String,
    /// The domain's UUID.
    pub uuid: String,
    /// Its NIC's MAC.
    pub mac: String,
    /// The pool of its volume.
    pub pool: String,
    /// Its volume.
    pub volume: String,
    /// The network of its NIC.
    pub network: String,
    /// The zone's network filter.
    pub filter: String,
}

fn parts(ctx: &Ctx, address: &Address, key: &str, vm: &VmSpec) -> Parts {
    let name = ctx.name(address, key);
    let uuid = ctx.uuid(key);
    Parts {
        mac: names::mac(&uuid),
        pool: ctx.name(&vm.storage, ""),
        volume: names::volume(&name),
        network: ctx.name(&vm.zone, ""),
        filter: names::zone_filter(&ctx.settings.name_prefix, &vm.zone),
        name,
        uuid,
    }
}

fn placement<'a>(ctx: &'a Ctx, p: &'a Parts) -> Placement<'a> {
    Placement {
        domain_type: &ctx.domain_type,
        pool: &p.pool,
        volume: &p.volume,
        network: &p.network,
        mac: &p.mac,
        filter: &p.filter,
    }
}

fn definition(
    ctx: &Ctx,
    address: &Address,
    key: &str,
    vm: &VmSpec,
    p: &Parts,
    attrs: &Attrs,
) -> String {
    xml::domain(
        &p.name,
        &p.uuid,
        &ctx.owner(address, key, attrs),
        vm,
        &placement(ctx, p),
    )
}

/// The attributes as created or updated: the blueprint's, and the computed address and
/// max_cpu.
fn result(attrs: &Attrs, vm: &VmSpec, ip: Ipv4Addr) -> Attrs {
    let mut out = attrs.clone();
    out.insert("address".into(), ip.to_string().into());
    out.insert("max_cpu".into(), vm.max_cpu.into());
    out
}

/// Creates the VM (or finishes creating it: every step checks what exists first).
///
/// The domain is defined before its volume is made, so that whatever a killed or failed
/// apply leaves behind hangs off a domain carrying Strata's metadata: `find` adopts it and
/// delete removes the domain and its volume; a volume is never left without the domain
/// that names it. What can be checked without changing anything (the pool, the base
/// image, the address) is checked first.
pub fn create(
    rpc: &Rpc,
    ctx: &Ctx,
    address: &Address,
    key: &str,
    attrs: &Attrs,
    progress: &Progress,
) -> Result<(String, Attrs), (String, LibvirtError)> {
    let vm =
        VmSpec::read(address, attrs).map_err(|d| ("".to_string(), LibvirtError::Call(d.detail)))?;
    let p = parts(ctx, address, key, &vm);
    let disk_field = |e: LibvirtError| {
        (
            String::from(
                if matches!(
                    e,
                    LibvirtError::Missing {
                        what: "base image",
                        ..
                    }
                ) {
                    "image"
                } else {
                    "storage"
                },
            ),
            e,
        )
    };
    let pool = pool(rpc, &p.pool, &vm.storage).map_err(disk_field)?;
    let volume = lookup(rpc, |_| pool.lookup_storage_vol_by_name(&p.volume)).map_err(disk_field)?;
    let base = match volume {
        Some(_) => None,
        None => base_image(rpc, &pool, &vm, &p).map_err(disk_field)?,
    };
    let ip = crate::dhcp::add(rpc, ctx, address, &vm, &p).map_err(|e| ("zone".to_string(), e))?;
    let fail = |e| ("".to_string(), e);
    let full = result(attrs, &vm, ip);
    let (dom, defined_now) =
        match lookup(rpc, |c| c.lookup_domain_by_uuid_string(&p.uuid)).map_err(fail)? {
            Some(dom) => (dom, false),
            None => (
                rpc.call(|c| c.define_domain_xml(&definition(ctx, address, key, &vm, &p, &full)))
                    .map_err(fail)?,
                true,
            ),
        };
    if volume.is_none()
        && let Err(e) = make_volume(rpc, &pool, &vm, &p, base, progress)
    {
        if defined_now {
            // Nothing of the VM is left: the domain defined a moment ago goes too.
            let _ = rpc.on(|| dom.undefine_flags(sys::VIR_DOMAIN_UNDEFINE_NVRAM));
        }
        return Err(("disk".to_string(), e));
    }
    power(rpc, ctx, &dom, vm.running, progress).map_err(fail)?;
    Ok((p.uuid, full))
}

/// Makes the VM's volume of its disk size, over `base` (a path and a format) when given,
/// reporting that it waits for libvirt to make it.
fn make_volume(
    rpc: &Rpc,
    pool: &virt::storage_pool::StoragePool,
    vm: &VmSpec,
    p: &Parts,
    base: Option<(String, String)>,
    progress: &Progress,
) -> Result<(), LibvirtError> {
    progress.report(&match &base {
        Some((path, _)) => format!("volume {}/{}: making it over {path}", p.pool, p.volume),
        None => format!("volume {}/{}: making it", p.pool, p.volume),
    });
    let xml = xml::volume(
        &p.volume,
        vm.disk,
        base.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
    );
    rpc.call(|_| virt::storage_vol::StorageVol::create_xml(pool, &xml, 0))?;
    Ok(())
}

/// The base image a new volume is made over (its path and format), when the VM names one.
fn base_image(
    rpc: &Rpc,
    pool: &virt::storage_pool::StoragePool,
    vm: &VmSpec,
    p: &Parts,
) -> Result<Option<(String, String)>, LibvirtError> {
    let Some(image) = &vm.image else {
        return Ok(None);
    };
    let found = if image.starts_with('/') {
        lookup(rpc, |c| c.lookup_storage_vol_by_path(image))?
    } else {
        lookup(rpc, |_| pool.lookup_storage_vol_by_name(image))?
    };
    let Some(vol) = found else {
        let names = rpc.on(|| pool.list_volumes())?;
        return Err(LibvirtError::Missing {
            what: "base image",
            name: image.clone(),
            of: "".into(),
            uri: rpc.uri.into(),
            present: format!(
                "it is neither a path on the host nor a volume of pool {}: {}",
                p.pool,
                listing("volumes", &names)
            ),
        });
    };
    let path = rpc.on(|| vol.path())?;
    let format = crate::parse::volume_format(&rpc.on(|| vol.xml_desc(0))?)?;
    Ok(Some((path, format)))
}

/// What an update does to a running domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Live {
    /// Nothing it runs with changes.
    Nothing,
    /// vCPUs are added while it runs (up to its maximum).
    HotPlug,
    /// It restarts: memory, a lower vCPU count or a higher maximum take effect at boot.
    Restart,
}

/// How a running domain takes the change from `old` to `new`.
pub fn live_change(old: &VmSpec, new: &VmSpec) -> Live {
    if old.memory_kib != new.memory_kib || old.max_cpu != new.max_cpu || new.cpu < old.cpu {
        Live::Restart
    } else if new.cpu > old.cpu {
        Live::HotPlug
    } else {
        Live::Nothing
    }
}

/// The VM as `new` asks, `max_cpu` kept where the blueprint leaves it unset and the new
/// count fits.
pub fn effective(old: &VmSpec, mut new: VmSpec, attrs: &Attrs) -> VmSpec {
    if !attrs.contains_key("max_cpu") {
        new.max_cpu = old.max_cpu.max(new.cpu);
    }
    new
}

/// Updates a VM in place: memory, vCPUs, disk growth, fixed address, power.
pub fn update(
    rpc: &Rpc,
    ctx: &Ctx,
    address: &Address,
    uuid: &str,
    prior: &Attrs,
    attrs: &Attrs,
    progress: &Progress,
) -> Result<Attrs, (String, LibvirtError)> {
    let spec = |a: &Attrs| {
        VmSpec::read(address, a).map_err(|d| (d.summary.clone(), LibvirtError::Call(d.detail)))
    };
    // A volume that is gone (deleted behind Strata's back, or never made by an apply
    // killed after defining the domain) reads as no disk; it is made anew below. A VM
    // off its zone's network (made again after it was deleted) reads as in no zone; it
    // is plugged in again below.
    let mut prior = prior.clone();
    let unplugged = !prior.contains_key("zone");
    for name in ["disk", "zone"] {
        if !prior.contains_key(name)
            && let Some(v) = attrs.get(name)
        {
            prior.insert(name.into(), v.clone());
        }
    }
    let old = spec(&prior)?;
    let new = effective(&old, spec(attrs)?, attrs);
    fn fail(field: &'static str) -> impl Fn(LibvirtError) -> (String, LibvirtError) {
        move |e| (field.to_string(), e)
    }
    let dom = lookup(rpc, |c| c.lookup_domain_by_uuid_string(uuid))
        .map_err(fail(""))?
        .ok_or_else(|| {
            (
                "".to_string(),
                LibvirtError::Call(format!(
                    "{address}: domain {uuid} no longer exists; plan again to create it anew"
                )),
            )
        })?;
    let inactive = rpc
        .on(|| dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE))
        .map_err(fail(""))?;
    let key = crate::parse::domain_owner(&inactive)
        .map_err(|e| ("".to_string(), e.into()))?
        .map_or_else(|| address.to_string(), |o| o.key);
    let found = crate::parse::domain_parts(&inactive).map_err(|e| ("".to_string(), e.into()))?;
    // The domain keeps its own name, UUID, MAC and volume: those of a domain Strata did
    // not create (taken over by `strata import`) are not the ones Strata derives.
    let mut p = parts(ctx, address, &key, &new);
    p.uuid = uuid.to_string();
    p.name = rpc.on(|| dom.name()).map_err(fail(""))?;
    if let Some((_, mac)) = found.nic {
        p.mac = mac;
    }
    if let Some((_, volume)) = found.disk.filter(|(pool, _)| *pool == p.pool) {
        p.volume = volume;
    }
    let ip = crate::dhcp::add(rpc, ctx, address, &new, &p).map_err(fail("address"))?;
    let full = result(attrs, &new, ip);
    let pool = pool(rpc, &p.pool, &new.storage).map_err(fail("disk"))?;
    match lookup(rpc, |_| pool.lookup_storage_vol_by_name(&p.volume)).map_err(fail("disk"))? {
        None => {
            let base = base_image(rpc, &pool, &new, &p).map_err(fail("image"))?;
            make_volume(rpc, &pool, &new, &p, base, progress).map_err(fail("disk"))?;
        }
        Some(vol) if new.disk > old.disk => {
            if rpc.on(|| dom.is_active()).map_err(fail("disk"))? {
                rpc.on(|| dom.block_resize("vda", new.disk, sys::VIR_DOMAIN_BLOCK_RESIZE_BYTES))
                    .map_err(fail("disk"))?;
            } else {
                rpc.on(|| vol.resize(new.disk, 0)).map_err(fail("disk"))?;
            }
        }
        Some(_) => {}
    }
    rpc.call(|c| c.define_domain_xml(&definition(ctx, address, &key, &new, &p, &full)))
        .map_err(fail("memory"))?;
    let active = rpc.on(|| dom.is_active()).map_err(fail("running"))?;
    if active && unplugged {
        // libvirt gives the NIC a port on the network and, the network's bridge being
        // another than the one the NIC was on, moves its tap device onto it.
        rpc.on(|| {
            dom.update_device_flags(
                &xml::interface(&placement(ctx, &p)),
                sys::VIR_DOMAIN_AFFECT_LIVE,
            )
        })
        .map_err(fail("zone"))?;
    }
    if active && new.running {
        match live_change(&old, &new) {
            Live::Nothing => {}
            Live::HotPlug => {
                rpc.on(|| dom.set_vcpus_flags(new.cpu, sys::VIR_DOMAIN_AFFECT_LIVE))
                    .map_err(fail("cpu"))?;
            }
            Live::Restart => {
                stop(rpc, ctx, &dom, progress).map_err(fail("running"))?;
                rpc.on(|| dom.create()).map_err(fail("running"))?;
            }
        }
    } else {
        power(rpc, ctx, &dom, new.running, progress).map_err(fail("running"))?;
    }
    Ok(full)
}

/// Deletes a VM: the domain, its volume and its DHCP host entry. What is already gone is
/// skipped.
pub fn delete(rpc: &Rpc, ctx: &Ctx, uuid: &str) -> Result<(), LibvirtError> {
    let Some(dom) = lookup(rpc, |c| c.lookup_domain_by_uuid_string(uuid))? else {
        return Ok(());
    };
    let xml = rpc.on(|| dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE))?;
    let found = crate::parse::domain_parts(&xml)?;
    if rpc.on(|| dom.is_active())? {
        match rpc.on(|| dom.destroy()) {
            Err(_) if !rpc.on(|| dom.is_active())? => {}
            other => other?,
        }
    }
    if let Some((pool_name, volume)) = &found.disk
        && let Some(pool) = lookup(rpc, |c| c.lookup_storage_pool_by_name(pool_name))?
        && let Some(vol) = lookup(rpc, |_| pool.lookup_storage_vol_by_name(volume))?
    {
        rpc.on(|| vol.delete(0))?;
    }
    if let Some((net_name, mac)) = &found.nic {
        let _held = ctx
            .dhcp
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(net) = lookup(rpc, |c| c.lookup_network_by_name(net_name))? {
            let read =
                crate::parse::network(&rpc.on(|| net.xml_desc(sys::VIR_NETWORK_XML_INACTIVE))?)?;
            if let Some(h) = read.hosts.iter().find(|h| &h.mac == mac) {
                crate::dhcp::remove_entry(rpc, &net, &h.mac, &h.name, h.ip)?;
            }
        }
    }
    match rpc.on(|| dom.undefine_flags(sys::VIR_DOMAIN_UNDEFINE_NVRAM)) {
        Err(_) if lookup(rpc, |c| c.lookup_domain_by_uuid_string(uuid))?.is_none() => Ok(()),
        other => other,
    }
}
