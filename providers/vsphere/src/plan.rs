//! What a change does on vSphere: which attributes force a new VM or port group, and what
//! an in-place CPU or memory change does to a running VM (said in the plan).

use planner::provider::{PlanRequest, PlanResponse, blueprint_schema, plan_by_schema};

use crate::vm::Shape;

/// Attributes this provider cannot change in place, beyond the schema's: a VM's zone (its
/// NIC's port group), storage (its datastore), disk and image (its template); a zone's VLAN.
fn replaced_here(kind: &str) -> &'static [&'static str] {
    match kind {
        "vm" => &["zone", "storage", "disk", "image"],
        "network_zone" => &["vlan"],
        _ => &[],
    }
}

/// The plan of a change.
pub fn plan(request: &PlanRequest) -> PlanResponse {
    let mut schema = blueprint_schema(&request.kind);
    schema.force_new.extend(replaced_here(&request.kind));
    let mut response = plan_by_schema(&schema, request);
    let Some(prior) = &request.prior else {
        return response;
    };
    if request.kind != "vm" || !response.requires_replace.is_empty() {
        return response;
    }
    let (Ok(old), Ok(new)) = (
        Shape::of(&request.address, prior),
        Shape::of(&request.address, &request.desired),
    ) else {
        return response;
    };
    let resized = old.cpu != new.cpu || old.memory_mb != new.memory_mb;
    if resized && old.running && new.running {
        response.notes.push(if new.cpu >= old.cpu && new.memory_mb >= old.memory_mb {
            "CPU and memory are hot-added while the VM runs (a VM without hot-add enabled powers off and on)".into()
        } else {
            "the VM powers off and on: vSphere removes vCPUs and memory only from a VM that is off".into()
        });
    }
    response
}
