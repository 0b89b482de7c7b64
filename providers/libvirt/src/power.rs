//! Powering a domain on and off: off is an ACPI shutdown the guest may take
//! `shutdown_timeout` to finish, then a power-off; the wait is reported as the operation's
//! progress (a guest that ignores ACPI is what makes an update or a stop slow).

use std::time::{Duration, Instant};

use planner::provider::Progress;
use virt::domain::Domain;

use crate::conn::Rpc;
use crate::ctx::Ctx;
use crate::error::LibvirtError;

/// Starts or stops a domain to match `running`.
pub fn power(
    rpc: &Rpc,
    ctx: &Ctx,
    dom: &Domain,
    running: bool,
    progress: &Progress,
) -> Result<(), LibvirtError> {
    let active = rpc.on(|| dom.is_active())?;
    if running && !active {
        rpc.on(|| dom.create())?;
    } else if !running && active {
        stop(rpc, ctx, dom, progress)?;
    }
    Ok(())
}

/// Shuts a domain down: ACPI first, powered off once `shutdown_timeout` has passed. While
/// it waits, it reports how long the guest has had of its time.
pub fn stop(rpc: &Rpc, ctx: &Ctx, dom: &Domain, progress: &Progress) -> Result<(), LibvirtError> {
    let timeout = ctx.settings.shutdown_timeout;
    let start = Instant::now();
    let name = dom.name().unwrap_or_default();
    if !timeout.is_zero() && rpc.on(|| dom.shutdown()).is_ok() {
        while start.elapsed() < timeout {
            if !rpc.on(|| dom.is_active())? {
                return Ok(());
            }
            progress.report(&format!(
                "domain {name}: waiting for the guest to shut down (ACPI), {}s of shutdown_timeout {}s before it is powered off",
                start.elapsed().as_secs(),
                timeout.as_secs()
            ));
            std::thread::sleep(Duration::from_millis(250));
        }
        progress.report(&format!(
            "domain {name}: the guest did not shut down within shutdown_timeout {}s; powering it off",
            timeout.as_secs()
        ));
    }
    match rpc.on(|| dom.destroy()) {
        Err(_) if !rpc.on(|| dom.is_active())? => Ok(()),
        other => other,
    }
}
