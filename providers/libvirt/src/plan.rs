//! What a change does on libvirt: which attributes force a new object, and what an
//! in-place update does to a running domain (said in the plan).

use planner::provider::{PlanRequest, PlanResponse, blueprint_schema, plan_by_schema};

use crate::spec::VmSpec;
use crate::vm::{Live, effective, live_change};

/// Attributes libvirt cannot change in place, beyond the schema's: a VM's zone (its NIC's
/// network) and storage (its volume's pool), a zone's forward mode (the network is
/// redefined), a policy's endpoints are edited in place.
fn replaced_here(kind: &str) -> &'static [&'static str] {
    match kind {
        "vm" => &["zone", "storage"],
        "network_zone" => &["forward"],
        "storage" => &["server"],
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
    // A VM read as in no zone (its network made again without it) is plugged in again.
    if request.kind == "vm"
        && !prior.contains_key("zone")
        && let Some(zone) = request.desired.get("zone")
    {
        let mut prior = prior.clone();
        prior.insert("zone".into(), zone.clone());
        let mut rest = plan(&PlanRequest {
            prior: Some(prior),
            ..request.clone()
        });
        rest.notes.push(
            "its NIC is plugged into its zone's network again and its DHCP host entry written"
                .into(),
        );
        return rest;
    }
    if request.kind != "vm" || !response.requires_replace.is_empty() {
        return response;
    }
    let (Ok(old), Ok(new)) = (
        VmSpec::read(&request.address, prior),
        VmSpec::read(&request.address, &request.desired),
    ) else {
        return response;
    };
    if new.disk < old.disk {
        response.requires_replace.push("disk".into());
        return response;
    }
    let new = effective(&old, new, &request.desired);
    if new.max_cpu != old.max_cpu && !request.desired.contains_key("max_cpu") {
        response.recompute.push("max_cpu".into());
    }
    let running = prior
        .get("running")
        .and_then(|v| v.as_bool())
        .unwrap_or(true);
    if running && new.running {
        match live_change(&old, &new) {
            Live::Nothing => {}
            Live::HotPlug => response.notes.push(format!(
                "vCPUs {} → {} are added while the domain runs",
                old.cpu, new.cpu
            )),
            Live::Restart => response.notes.push(format!(
                "the domain restarts: {}",
                restart_reason(&old, &new)
            )),
        }
    }
    response
}

fn restart_reason(old: &VmSpec, new: &VmSpec) -> String {
    if old.memory_kib != new.memory_kib {
        "memory changes take effect at boot (a blank or balloon-less guest cannot take them live)"
            .into()
    } else if new.max_cpu != old.max_cpu {
        format!(
            "the vCPU maximum goes from {} to {}",
            old.max_cpu, new.max_cpu
        )
    } else {
        "vCPUs are removed at boot (hot-unplug needs the guest's cooperation)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use planner::Attrs;

    fn vm(extra: serde_json::Value) -> Attrs {
        let mut attrs = serde_json::json!({
            "cpu": 1, "max_cpu": 2, "memory": "64MiB", "disk": "16MiB",
            "zone": "network_zone.a", "storage": "storage.local", "running": true
        });
        for (k, v) in extra.as_object().unwrap() {
            attrs[k] = v.clone();
        }
        attrs.as_object().unwrap().clone()
    }

    fn planned(prior: Attrs, desired: Attrs) -> PlanResponse {
        plan(&PlanRequest {
            address: "vm.web".parse().unwrap(),
            kind: "vm".into(),
            prior: Some(prior),
            desired,
        })
    }

    #[test]
    fn the_plan_says_what_a_running_domain_goes_through() {
        let hot = planned(vm(serde_json::json!({})), vm(serde_json::json!({"cpu": 2})));
        assert!(hot.requires_replace.is_empty(), "{hot:?}");
        assert_eq!(hot.notes, ["vCPUs 1 → 2 are added while the domain runs"]);
        let memory = planned(
            vm(serde_json::json!({})),
            vm(serde_json::json!({"memory": "128MiB"})),
        );
        assert!(
            memory.notes[0].starts_with("the domain restarts: memory"),
            "{memory:?}"
        );
        let stopped = planned(
            vm(serde_json::json!({"running": false})),
            vm(serde_json::json!({"memory": "128MiB", "running": false})),
        );
        assert!(stopped.notes.is_empty(), "{stopped:?}");
        let smaller = planned(
            vm(serde_json::json!({})),
            vm(serde_json::json!({"disk": "8MiB"})),
        );
        assert_eq!(smaller.requires_replace, ["disk"]);
        let mut unplugged = vm(serde_json::json!({}));
        unplugged.remove("zone");
        let replug = planned(unplugged, vm(serde_json::json!({})));
        assert!(replug.requires_replace.is_empty(), "{replug:?}");
        assert_eq!(
            replug.notes,
            ["its NIC is plugged into its zone's network again and its DHCP host entry written"]
        );
        let moved = planned(
            vm(serde_json::json!({})),
            vm(serde_json::json!({"zone": "network_zone.b"})),
        );
        assert!(
            moved.requires_replace.contains(&"zone".to_string()),
            "{moved:?}"
        );
    }
}
