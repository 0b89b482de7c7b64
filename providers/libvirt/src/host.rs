//! `host_pool` with `provider = libvirt`: the hypervisor host a connection reaches. Strata
//! creates nothing for it; it reads the host's figures (libvirt's node info) so that the
//! state and plans show what the host really has.

use planner::Attrs;
use planner::host_figures::{NODE_CPUS, NODE_MEMORY};

use crate::conn::Rpc;
use crate::error::LibvirtError;

/// The host's figures: `node_cpus`, `node_memory`, `node_mhz` and `hostname`, added to
/// the blueprint's attributes.
pub fn read(rpc: &Rpc, attrs: &Attrs) -> Result<Attrs, LibvirtError> {
    let info = rpc.call(|c| c.node_info())?;
    let hostname = rpc.call(|c| c.hostname())?;
    let mut out = attrs.clone();
    out.insert(NODE_CPUS.into(), info.cpus.into());
    out.insert(
        NODE_MEMORY.into(),
        blueprint::units::format_size(info.memory * 1024).into(),
    );
    out.insert("node_mhz".into(), info.mhz.into());
    out.insert("hostname".into(), hostname.into());
    Ok(out)
}
