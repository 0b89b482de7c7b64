//! Applications on VMs (`service { vms = [...] }`): availability through vSphere HA
//! restarts (detection, the room admission control keeps, boot), restart priorities, and
//! VM guest failures; against closed forms and exact injected timelines.

mod common;

use std::collections::BTreeMap;

use common::{assert_matches, outcome, records, row, simulation};
use sim::topology::On;
use sim::{ServiceRecord, SimTime};

/// Pool `p` of `hosts` hosts of 32 vCPU and `memory`, admission control `ha`, then `rest`.
fn pool(hosts: u32, memory: &str, ha: &str, rest: &str) -> String {
    format!(
        r#"
site "s" {{}}
network_zone "z" {{ cidr = "10.0.0.0/16" }}
host_pool "p" {{
  site  = site.s
  hosts = {hosts}
  host {{
    cpu    = 32
    memory = "{memory}"
  }}
  ha {{
    {ha}
  }}
}}
{rest}
"#
    )
}

fn vm(name: &str, cpu: u32, memory: &str, priority: &str) -> String {
    format!(
        r#"
vm "{name}" {{
  pool   = host_pool.p
  zone   = network_zone.z
  cpu    = {cpu}
  memory = "{memory}"
  disk   = "50GiB"
  ha {{
    restart_priority = "{priority}"
  }}
}}
service "{name}" {{
  vms    = [vm.{name}]
  quorum = 1
}}
"#
    )
}

/// Host `host` of pool `p` fails at 1 h for 2 h.
const HOST_0_FAILS: &str = r#"
scenario "s" {
  horizon      = "1d"
  replications = 1
  inject {
    at   = "1h"
    fail = host_pool.p
    host = 0
    for  = "2h"
  }
}
"#;

fn secs(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

#[track_caller]
fn down(r: &BTreeMap<String, ServiceRecord>, address: &str, seconds: u64) {
    let rec = &r[address];
    let outages = u64::from(seconds > 0);
    assert_eq!(
        (rec.outages, rec.downtime),
        (outages, secs(seconds)),
        "{address}: {rec:?}"
    );
}

#[test]
fn a_vm_under_ha_matches_the_closed_form() {
    // Host MTBF 8,760 h; HA declares the host dead after 15 s and the VM boots in 120 s
    // on another host (a 50% reserve has room), so each host failure costs 135 s:
    // A = 8760 / (8760 + 135/3600).
    let hcl = pool(
        3,
        "128GiB",
        "admission = \"percentage\"\n    reserve = 0.5",
        &format!(
            "{}{}",
            vm("core", 8, "32GiB", "medium"),
            r#"
scenario "hosts" {
  horizon      = "20y"
  replications = 400
  seed         = 4
  failures {
    host {
      mtbf = "8760h"
      mttr = "4h"
    }
  }
}
"#
        ),
    );
    let sim = simulation(&hcl, "hosts");
    let out = outcome(&sim);
    let expected = 8760.0 / (8760.0 + 135.0 / 3600.0);
    let s = row(&out, "service.core");
    assert_matches(s, expected, 0.1);
    // Every outage lasts 135 s (but one cut short by the horizon, or a host back within
    // the detection time that boots the VM in place).
    let mean = s.outage_minutes.mean.unwrap();
    assert!((mean / 2.25 - 1.0).abs() < 1e-3, "mean outage {mean} min");
}

#[test]
fn vm_guest_failures_add_to_host_failures() {
    // Guest crashes (MTBF 2,000 h, repaired in 1 h) in series with host failures:
    // A = 1 / (1 + (135/3600)/8760 + 1/2000).
    let hcl = pool(
        3,
        "128GiB",
        "admission = \"percentage\"\n    reserve = 0.5",
        &format!(
            "{}{}",
            vm("core", 8, "32GiB", "medium"),
            r#"
scenario "both" {
  horizon      = "20y"
  replications = 400
  seed         = 5
  failures {
    host {
      mtbf = "8760h"
      mttr = "4h"
    }
    vm {
      vm   = [vm.core]
      mtbf = "2000h"
      mttr = "1h"
    }
  }
}
"#
        ),
    );
    let out = outcome(&simulation(&hcl, "both"));
    let host = 135.0 / 3600.0 / 8760.0;
    let guest = 1.0 / 2000.0;
    let expected = 1.0 / (1.0 + host + guest);
    assert_matches(row(&out, "service.core"), expected, 0.1);
}

#[test]
fn two_vms_behind_a_load_balancer_are_up_while_one_runs() {
    // Anti-affinity keeps them on different hosts: one host failure leaves one running.
    let hcl = pool(
        3,
        "128GiB",
        "admission = \"percentage\"\n    reserve = 0.34",
        &format!(
            r#"
vm "app" {{
  count         = 2
  pool          = host_pool.p
  zone          = network_zone.z
  cpu           = 8
  memory        = "32GiB"
  disk          = "50GiB"
  anti_affinity = "app"
}}
service "app" {{
  vms    = vm.app[*]
  quorum = 1
}}
{HOST_0_FAILS}"#
        ),
    );
    let sim = simulation(&hcl, "s");
    let t = sim.topology();
    let app = t
        .services
        .iter()
        .find(|s| s.address == "service.app")
        .unwrap();
    assert_eq!((app.replicas.len(), app.quorum), (2, 1));
    let hosts: Vec<u32> = app
        .replicas
        .clone()
        .map(|r| match t.replicas[r as usize].on {
            On::Vm(v) => t.vms[v as usize].host,
            On::Node(_) => unreachable!("an application on VMs"),
        })
        .collect();
    assert_ne!(hosts[0], hosts[1]);
    let r = records(&hcl, "s");
    down(&r, "service.app", 0);
}

/// Two hosts of 32 vCPU and 128 GiB under `ha`: on host-0 `big` (32 GiB, the slot's
/// memory: 4 slots a host) and `small` (16 GiB); on host-1 three 16 GiB VMs (placement
/// alternates by free memory, then free vCPU).
fn crowded(ha: &str, big: &str, small: &str) -> String {
    pool(
        2,
        "128GiB",
        ha,
        &format!(
            "{}{}{}{}{}{HOST_0_FAILS}",
            vm("big", 4, "32GiB", big),
            vm("other1", 4, "16GiB", "medium"),
            vm("other2", 4, "16GiB", "medium"),
            vm("small", 4, "16GiB", small),
            vm("other3", 4, "16GiB", "medium"),
        ),
    )
}

#[test]
fn the_slot_policy_leaves_a_vm_unrestarted_when_slots_run_out() {
    // Host-1 has 4 slots and 3 VMs: one slot for two VMs to restart. `big` goes first
    // (the largest, same priority) and restarts in 135 s; `small` finds no slot though
    // host-1 has 64 GiB free, and waits for host-0: 2 h + a 120 s boot.
    let r = records(
        &crowded(
            "admission = \"slots\"\n    host_failures = 1",
            "medium",
            "medium",
        ),
        "s",
    );
    down(&r, "service.big", 135);
    down(&r, "service.small", 7200 + 120);
    down(&r, "service.other1", 0);
}

#[test]
fn restart_priority_orders_who_takes_the_last_slot() {
    let r = records(
        &crowded(
            "admission = \"slots\"\n    host_failures = 1",
            "low",
            "high",
        ),
        "s",
    );
    down(&r, "service.small", 135);
    down(&r, "service.big", 7200 + 120);
}

#[test]
fn a_disabled_restart_priority_is_never_restarted() {
    let r = records(
        &crowded("admission = \"disabled\"", "disabled", "medium"),
        "s",
    );
    down(&r, "service.big", 7200 + 120);
    down(&r, "service.small", 135);
}

#[test]
fn a_percentage_reserve_restarts_what_fits_in_it() {
    // 10% of 256 GiB is 25.6 GiB: `small` (16 GiB) fits in the reserve, `big` (32 GiB)
    // does not and waits; restart order tries `big` first.
    let r = records(
        &crowded(
            "admission = \"percentage\"\n    reserve = 0.1",
            "medium",
            "medium",
        ),
        "s",
    );
    down(&r, "service.big", 7200 + 120);
    down(&r, "service.small", 135);
}
