//! What is read of one VM on its own, beyond the bulk listings: a running domain's live
//! and inactive XML, a stopped domain's inactive XML when its name does not say where its
//! disk and NIC are (a domain taken over by `strata import`), its volume's size.

use planner::provider::ReadRequest;
use virt::domain::Domain;
use virt::sys;

use super::{Seen, Volumes, is_on};
use crate::conn::Rpc;
use crate::ctx::Ctx;
use crate::error::LibvirtError;
use crate::parse::DomainParts;
use crate::spec::VmSpec;

/// What is read of one VM on its own: its domain's XML when it runs (or when its disk and
/// NIC cannot be told from its name: a domain Strata did not create, taken over by
/// `strata import`), its volume.
pub(super) struct Own {
    pub(super) running: Option<Domain>,
    /// A stopped domain whose inactive XML says where its disk and NIC are.
    pub(super) named_otherwise: Option<Domain>,
    /// Its storage's pool and that pool's volumes, when the pool is there.
    pub(super) pool: String,
    pub(super) volumes: Option<Volumes>,
    /// The volume its name gives (`NAME.qcow2`), when the XML does not say.
    pub(super) volume: String,
}

/// What those reads found.
#[derive(Default)]
pub(super) struct OwnRead {
    pub(super) live: Option<DomainParts>,
    pub(super) config: Option<DomainParts>,
    pub(super) capacity: Option<u64>,
    /// Its volume's name, its NIC's MAC, when its XML was read.
    pub(super) volume: Option<String>,
    pub(super) mac: Option<String>,
}

impl Own {
    pub(super) fn read(&self, rpc: &Rpc) -> Result<OwnRead, LibvirtError> {
        let xml = |dom: &Domain, flags| -> Result<DomainParts, LibvirtError> {
            Ok(crate::parse::domain_parts(
                &rpc.on(|| dom.xml_desc(flags))?,
            )?)
        };
        let live = self.running.as_ref().map(|d| xml(d, 0)).transpose()?;
        let config = self
            .running
            .as_ref()
            .or(self.named_otherwise.as_ref())
            .map(|d| xml(d, sys::VIR_DOMAIN_XML_INACTIVE))
            .transpose()?;
        let said = config.as_ref().or(live.as_ref());
        // A disk in another pool than its storage's is not found there: no disk.
        let volume = match said.and_then(|p| p.disk.clone()) {
            Some((pool, volume)) if pool == self.pool => volume,
            Some(_) => String::new(),
            None => self.volume.clone(),
        };
        let mac = said.and_then(|p| p.nic.as_ref().map(|(_, mac)| mac.clone()));
        let capacity = self
            .volumes
            .as_ref()
            .and_then(|v| v.get(&volume))
            .map(|v| rpc.on(|| v.info()).map(|i| i.capacity))
            .transpose()?;
        Ok(OwnRead {
            volume: said.map(|_| volume),
            mac,
            live,
            config: self.running.as_ref().and(config),
            capacity,
        })
    }
}

/// What to read of the VM `r` on its own, when its domain exists.
pub(super) fn own(
    rpc: &Rpc,
    ctx: &Ctx,
    seen: &mut Seen,
    r: &ReadRequest,
) -> Result<Option<Own>, LibvirtError> {
    let Some((stats, dom)) = seen.domains(rpc)?.get(&r.id) else {
        return Ok(None);
    };
    let running = is_on(stats.state).then(|| dom.clone());
    let named_otherwise =
        (running.is_none() && stats.name != ctx.name(&r.address, "")).then(|| dom.clone());
    let volume = crate::names::volume(&stats.name);
    let (pool, volumes) = match VmSpec::read(&r.address, &r.prior) {
        Ok(spec) => {
            let pool = ctx.name(&spec.storage, "");
            let volumes = seen.volumes(rpc, &pool)?;
            (pool, volumes)
        }
        Err(_) => (String::new(), None),
    };
    Ok(Some(Own {
        running,
        named_otherwise,
        pool,
        volumes,
        volume,
    }))
}
