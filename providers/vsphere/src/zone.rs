//! `network_zone` as a distributed port group Strata makes on the datacenter's switch
//! (its VLAN the zone's), or, where there is no distributed switch, an existing network
//! called like the zone, which Strata uses and never deletes.

use blueprint::Address;
use planner::Attrs;
use planner::provider::Progress;

use crate::ctx::Ctx;
use crate::error::VsphereError;
use crate::soap::{El, Moref};

/// The description of a port group Strata made: whose it is.
fn owner(ctx: &Ctx, key: &str) -> String {
    format!("strata lineage={} key={key}", ctx.settings.lineage)
}

/// The zone's network, when it exists (and, for a port group, is this state's): its id.
pub async fn find(ctx: &Ctx, address: &Address, key: &str) -> Result<Option<String>, VsphereError> {
    let networks = ctx.networks().await?;
    let name = if ctx.inventory.dvs.is_some() {
        ctx.name(address, key)
    } else {
        address.name.clone()
    };
    let Some(net) = networks
        .iter()
        .find(|n| n.text("name") == Some(name.as_str()))
    else {
        return Ok(None);
    };
    let ours = match net.obj.as_ref() {
        Some(m) if m.kind == "DistributedVirtualPortgroup" => {
            net.text("config.description") == Some(owner(ctx, key).as_str())
        }
        _ => true,
    };
    Ok(ours
        .then(|| net.obj.as_ref().map(Moref::to_string))
        .flatten())
}

/// Makes the zone's port group (or finds the existing network); its id.
pub async fn create(
    ctx: &Ctx,
    address: &Address,
    key: &str,
    attrs: &Attrs,
    progress: &Progress,
) -> Result<String, VsphereError> {
    if let Some(id) = find(ctx, address, key).await? {
        return Ok(id);
    }
    let Some((dvs, _)) = &ctx.inventory.dvs else {
        let networks = ctx.networks().await?;
        return ctx
            .network(&networks, &address.name)
            .map(|n| n.obj.as_ref().map(Moref::to_string).unwrap_or_default());
    };
    let name = ctx.name(address, key);
    let vlan = attrs.get("vlan").and_then(|v| v.as_i64()).unwrap_or(0);
    let spec = El::new("spec")
        .with(El::text("name", &name))
        .with(El::text("numPorts", 32))
        .with(
            El::typed("defaultPortConfig", "VMwareDVSPortSetting").with(
                El::typed("vlan", "VmwareDistributedVirtualSwitchVlanIdSpec")
                    .with(El::text("inherited", false))
                    .with(El::text("vlanId", vlan)),
            ),
        )
        .with(El::text("description", owner(ctx, key)))
        .with(El::text("type", "earlyBinding"));
    ctx.task("AddDVPortgroup_Task", dvs, &[spec], progress)
        .await?;
    find(ctx, address, key).await?.ok_or_else(|| {
        VsphereError::Response(format!(
            "the port group \"{name}\" was added but cannot be found"
        ))
    })
}

/// Deletes a port group Strata made; an existing network it only used stays.
pub async fn delete(ctx: &Ctx, id: &str, progress: &Progress) -> Result<(), VsphereError> {
    match crate::names::moref(id) {
        Some(pg) if pg.kind == "DistributedVirtualPortgroup" => {
            match ctx.task("Destroy_Task", &pg, &[], progress).await {
                Err(e) if e.fault().is_some_and(|f| f.kind == "ManagedObjectNotFound") => Ok(()),
                other => other.map(drop),
            }
        }
        _ => Ok(()),
    }
}
