//! The domains of a connection in bulk (virConnectGetAllDomainStats), in two calls that
//! make libvirtd query no domain's QEMU:
//!
//! - [`all`]: every domain's UUID, name, state and memory (the `state` and `balloon`
//!   groups: libvirtd answers them from its own records, the memory from the definition
//!   the domain runs with, since Strata's domains have no balloon device; 40 running
//!   domains in 0.06 s on the benchmark machine), with a handle on each;
//! - [`stopped_figures`]: the vCPUs of the domains that are shut off (the `vcpu` group,
//!   limited to inactive domains: read from their definitions).
//!
//! The `vcpu` group of a running domain is not asked for: libvirtd queries each running
//! domain's QEMU for its vCPU statistics, one domain after another (1.2-4.2 s for 40 idle
//! domains at load 20, 14 s for 50 booting ones), and the `block` group asks each QEMU's
//! monitor too (2.7-4.2 s for 40). What a running domain's definitions say is read per
//! domain instead (see `crate::refresh`).
//!
//! The bindings hand its records out as raw pointers only, so this module reads them
//! itself: the one place in Strata with unsafe code, allowed here alone (see Cargo.toml).

use std::ffi::CStr;

use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;

/// A domain's state and size, as libvirt reports them in bulk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DomainStats {
    /// Its UUID.
    pub uuid: String,
    /// Its name.
    pub name: String,
    /// libvirt's state number (1 running, 3 paused, 5 shut off, ...).
    pub state: i64,
    /// vCPUs now.
    pub vcpus: Option<u64>,
    /// vCPUs at most.
    pub max_vcpus: Option<u64>,
    /// Memory in KiB (the balloon's maximum: without a balloon, what it was given).
    pub memory_kib: Option<u64>,
}

/// Every domain's UUID, name, state and memory (vCPUs left `None`), and a handle on it:
/// one round trip. A domain busy with a job (a shutdown under way) is not waited for.
/// `Err` carries libvirt's last error.
pub fn all(conn: &Connect) -> Result<Vec<(DomainStats, Domain)>, virt::error::Error> {
    get(
        conn,
        sys::VIR_DOMAIN_STATS_STATE | sys::VIR_DOMAIN_STATS_BALLOON,
        sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT,
    )
}

/// The state, vCPUs and memory of every domain that is shut off: one round trip.
pub fn stopped_figures(conn: &Connect) -> Result<Vec<(DomainStats, Domain)>, virt::error::Error> {
    let wanted =
        sys::VIR_DOMAIN_STATS_STATE | sys::VIR_DOMAIN_STATS_VCPU | sys::VIR_DOMAIN_STATS_BALLOON;
    get(
        conn,
        wanted,
        sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE,
    )
}

fn get(
    conn: &Connect,
    wanted: u32,
    flags: u32,
) -> Result<Vec<(DomainStats, Domain)>, virt::error::Error> {
    let mut records: *mut sys::virDomainStatsRecordPtr = std::ptr::null_mut();
    // SAFETY: the connection pointer is valid while `conn` lives; libvirt fills `records`
    // with a NULL-terminated array it allocated, freed below with its own function.
    let n = unsafe { sys::virConnectGetAllDomainStats(conn.as_ptr(), wanted, &mut records, flags) };
    if n < 0 {
        return Err(virt::error::Error::last_error());
    }
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n as usize {
        // SAFETY: `records` holds `n` valid record pointers.
        let record = unsafe { &**records.add(i) };
        // SAFETY: the record's domain is valid; the reference taken here is the handle's
        // own (released when it drops), the record list keeps and frees its own.
        let dom = unsafe {
            sys::virDomainRef(record.dom);
            Domain::from_ptr(record.dom)
        };
        out.push((read(record), dom));
    }
    if !records.is_null() {
        // SAFETY: `records` came from virConnectGetAllDomainStats and is freed once.
        unsafe { sys::virDomainStatsRecordListFree(records) };
    }
    Ok(out)
}

fn read(record: &sys::_virDomainStatsRecord) -> DomainStats {
    let mut stats = DomainStats::default();
    let mut uuid = [0 as std::os::raw::c_char; 37];
    // SAFETY: the record's domain is valid while the record is; the buffer holds
    // VIR_UUID_STRING_BUFLEN (37) bytes; the name is a NUL-terminated string owned by it.
    unsafe {
        if sys::virDomainGetUUIDString(record.dom, uuid.as_mut_ptr()) == 0 {
            stats.uuid = CStr::from_ptr(uuid.as_ptr()).to_string_lossy().into_owned();
        }
        let name = sys::virDomainGetName(record.dom);
        if !name.is_null() {
            stats.name = CStr::from_ptr(name).to_string_lossy().into_owned();
        }
    }
    let params: &[sys::virTypedParameter] = if record.params.is_null() || record.nparams <= 0 {
        &[]
    } else {
        // SAFETY: libvirt gives `nparams` parameters at `params`.
        unsafe { std::slice::from_raw_parts(record.params, record.nparams as usize) }
    };
    for p in params {
        // SAFETY: `field` is a NUL-terminated array of VIR_TYPED_PARAM_FIELD_LENGTH bytes.
        let field = unsafe { CStr::from_ptr(p.field.as_ptr()) }.to_string_lossy();
        // SAFETY: the union member read is the one `type_` names.
        let number = unsafe {
            match p.type_ as u32 {
                sys::VIR_TYPED_PARAM_INT => Some(p.value.i as i64),
                sys::VIR_TYPED_PARAM_UINT => Some(p.value.ui as i64),
                sys::VIR_TYPED_PARAM_LLONG => Some(p.value.l),
                sys::VIR_TYPED_PARAM_ULLONG => Some(p.value.ul as i64),
                _ => None,
            }
        };
        let Some(number) = number else { continue };
        match field.as_ref() {
            "state.state" => stats.state = number,
            "vcpu.current" => stats.vcpus = Some(number as u64),
            "vcpu.maximum" => stats.max_vcpus = Some(number as u64),
            "balloon.maximum" => stats.memory_kib = Some(number as u64),
            _ => {}
        }
    }
    stats
}
