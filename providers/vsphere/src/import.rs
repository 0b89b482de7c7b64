//! `strata import` on vSphere: which object an import id names, and what of a VM is checked
//! against the blueprint. An id is the object's managed object reference as the state
//! records it (`VirtualMachine:vm-42`), its value alone (`vm-42`), or its name in the
//! datacenter when one object has it.

use blueprint::Address;
use planner::Attrs;

use crate::collector::{Object, Props};
use crate::ctx::{Ctx, reference};
use crate::error::VsphereError;

/// What a `kind`'s import id is, for messages.
pub fn id_form(kind: &str) -> &'static str {
    match kind {
        "vm" => {
            "a vm's import id is its managed object reference (`VirtualMachine:vm-42` or `vm-42`; `govc ls -i`) or its name in the datacenter"
        }
        "network_zone" => {
            "a network_zone's import id is its port group's or network's reference (`DistributedVirtualPortgroup:dvportgroup-13` or `dvportgroup-13`) or its name"
        }
        "host_pool" => {
            "a host_pool's import id is the configured cluster's reference (`ClusterComputeResource:domain-c7` or `domain-c7`) or its name"
        }
        "storage" => {
            "a storage's import id is its datastore's reference (`Datastore:datastore-12` or `datastore-12`) or its name"
        }
        _ => "the vsphere provider imports vm, network_zone, host_pool and storage",
    }
}

/// The managed object types a `kind` is.
fn types(kind: &str) -> &'static [&'static str] {
    match kind {
        "vm" => &["VirtualMachine"],
        "network_zone" => &["DistributedVirtualPortgroup", "Network"],
        "host_pool" => &["ClusterComputeResource"],
        "storage" => &["Datastore"],
        _ => &[],
    }
}

/// The reference (as the state records it) of the `kind` object `id` names, or why there
/// is none: what such an id is and which objects exist (or which ones a name could mean).
pub async fn resolve(
    ctx: &Ctx,
    address: &Address,
    kind: &str,
    id: &str,
) -> Result<Result<String, String>, VsphereError> {
    let props: Vec<Props> = types(kind)
        .iter()
        .map(|&kind| {
            let paths: &'static [&'static str] = if kind == "VirtualMachine" {
                &["name", "config.template"]
            } else {
                &["name"]
            };
            Props { kind, paths }
        })
        .collect();
    let form = id_form(kind);
    if props.is_empty() {
        return Ok(Err(form.to_string()));
    }
    let all: Vec<Object> = ctx
        .client
        .contents(&ctx.inventory.datacenter, &props)
        .await?
        .into_iter()
        .filter(|o| o.text("config.template") != Some("true"))
        .collect();
    let reference = |o: &Object| o.obj.as_ref().map(ToString::to_string);
    let by_reference: Vec<&Object> = all
        .iter()
        .filter(|o| reference(o).as_deref() == Some(id) || o.id() == id)
        .collect();
    let matches = if by_reference.is_empty() {
        all.iter().filter(|o| o.text("name") == Some(id)).collect()
    } else {
        by_reference
    };
    Ok(match matches.as_slice() {
        [one] => {
            let found = reference(one).unwrap_or_default();
            let name = one.text("name").unwrap_or_default();
            // Zones and datastores are found by name when VMs join them: the imported
            // object must have the name the provider gives the address.
            let named = match kind {
                "network_zone" => Some(ctx.zone_network(address)),
                "storage" => Some(address.name.clone()),
                _ => None,
            };
            if kind == "host_pool" && found != ctx.inventory.cluster.to_string() {
                Err(format!(
                    "{id} is not the configured cluster \"{}\": a host_pool reads the provider's `cluster`; set it to the cluster to import",
                    ctx.inventory.cluster_name
                ))
            } else if let Some(want) = named.filter(|w| w != name) {
                Err(format!(
                    "{id} is \"{name}\", but the vsphere provider knows {address} as \"{want}\" (VMs join it by that name): rename it in vCenter, or import the one called so"
                ))
            } else {
                Ok(found)
            }
        }
        [] => {
            let mut names: Vec<String> = all
                .iter()
                .filter_map(|o| o.text("name"))
                .map(|n| format!("\"{n}\""))
                .collect();
            names.sort();
            names.dedup();
            Err(format!(
                "vCenter has no {kind} with that reference or name in the datacenter: {form}; {}",
                crate::error::listing("names", &names)
            ))
        }
        several => Err(format!(
            "\"{id}\" names {} objects ({}); give the reference ({form})",
            several.len(),
            several
                .iter()
                .filter_map(|o| reference(o))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    })
}

/// A VM's network, datastore and disk checked against the blueprint's `attrs` (read over
/// them): a zone whose network the VM is not on, a storage whose datastore does not hold
/// it are removed (the plan then replaces the VM), and its first disk's size is read when
/// it was not cloned from a template (a clone's disk is the template's).
pub async fn check_vm(
    ctx: &Ctx,
    address: &Address,
    id: &str,
    attrs: &mut Attrs,
) -> Result<(), VsphereError> {
    let Some(vm) = crate::names::moref(id) else {
        return Ok(());
    };
    let got = ctx
        .client
        .retrieve(
            &[crate::collector::Start::object(vm.clone())],
            &[Props {
                kind: "VirtualMachine",
                paths: &["network", "datastore", "config.hardware.device"],
            }],
        )
        .await?;
    let Some(read) = got.into_iter().next() else {
        return Ok(());
    };
    if let Ok(Some(zone)) = reference(address, attrs, "zone") {
        let networks = ctx.networks().await?;
        let wanted = ctx
            .network(&networks, &ctx.zone_network(&zone))
            .ok()
            .and_then(|n| n.obj.clone());
        if wanted.is_none_or(|w| !read.morefs("network").contains(&w)) {
            attrs.remove("zone");
        }
    }
    if let Ok(Some(storage)) = reference(address, attrs, "storage") {
        let wanted = ctx.datastore(&storage.name).await.ok().and_then(|d| d.obj);
        if wanted.is_none_or(|w| !read.morefs("datastore").contains(&w)) {
            attrs.remove("storage");
        }
    }
    let cloned = attrs.contains_key("image") || ctx.settings.template.is_some();
    let disk_kib = read.get("config.hardware.device").and_then(|d| {
        d.children
            .iter()
            .filter(|dev| dev.xsi_type.as_deref() == Some("VirtualDisk"))
            .find_map(|dev| dev.int_at(&["capacityInKB"]))
    });
    match disk_kib {
        Some(kib) if !cloned => {
            attrs.insert(
                "disk".into(),
                blueprint::units::format_size(kib as u64 * 1024).into(),
            );
        }
        None if !cloned => {
            attrs.remove("disk");
        }
        _ => {}
    }
    Ok(())
}
