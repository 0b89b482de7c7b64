//! HA admission control: VMware's slot example, and each admission policy.

use sim::capacity::Res;
use sim::capacity::ha::slots;

use crate::common::{GIB, capacity_of};

#[test]
fn vmware_slot_example_gives_4_3_3_slots_and_tolerates_one_host() {
    // GHz and GB: hosts of 9/9, 9/6 and 6/6; five VMs whose largest reservations are
    // 2 GHz (CPU) and 2 GB (memory).
    let hosts = [Res::new(9.0, 9.0), Res::new(9.0, 6.0), Res::new(6.0, 6.0)];
    let vms = [
        Res::new(2.0, 1.0),
        Res::new(2.0, 1.0),
        Res::new(1.0, 2.0),
        Res::new(1.0, 1.0),
        Res::new(1.0, 1.0),
    ];
    let s = slots(&hosts, &vms);
    assert_eq!((s.slot_cpu, s.slot_memory), (2.0, 2.0));
    assert_eq!(s.per_host, vec![4, 3, 3]);
    assert_eq!((s.total, s.used, s.available), (10, 5, 5));
    assert_eq!(s.failover_capacity, 1);
}

#[test]
fn ha_admission_control_per_policy() {
    let hcl = r#"
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "pct" {
  site  = site.dc
  hosts = 4
  host {
    cpu    = 10
    memory = "100GiB"
  }
  ha {
    admission = "percentage"
    reserve   = "25%"
  }
}
vm "p" {
  count  = 4
  pool   = host_pool.pct
  cpu    = 8
  memory = "20GiB"
  zone   = network_zone.app
}
host_pool "slots" {
  site  = site.dc
  hosts = 3
  host {
    cpu    = 4
    memory = "8GiB"
    ghz    = 2
  }
  ha {
    admission     = "slots"
    host_failures = 1
  }
}
vm "s" {
  count  = 5
  pool   = host_pool.slots
  cpu    = 1
  memory = "2GiB"
  zone   = network_zone.app
}
host_pool "spare" {
  site  = site.dc
  hosts = 3
  host {
    cpu    = 8
    memory = "32GiB"
  }
  ha {
    admission      = "failover_hosts"
    failover_hosts = 1
  }
}
vm "f" {
  count  = 3
  pool   = host_pool.spare
  cpu    = 4
  memory = "8GiB"
  zone   = network_zone.app
}
"#;
    let r = capacity_of(hcl, 1);
    // 32 of 40 vCPUs used: 20% free, below the 25% reserve.
    let pct = &r.pools[0].ha;
    assert_eq!(pct.policy, "percentage");
    assert_eq!(pct.configured_host_failures, 1);
    assert_eq!(pct.free_percent.unwrap().cpu, 20.0);
    assert_eq!(pct.free_percent.unwrap().memory, 80.0);
    assert!(!pct.admits);
    assert_eq!(r.pools[0].usable.cpu, 30.0);
    // Slots of 2 GHz (1 vCPU × 2 GHz) and 2 GiB: 4 per host, 12 in all, 5 used; losing
    // one host leaves 8, two leave 4 < 5.
    let slots = &r.pools[1].ha;
    let s = slots.slots.as_ref().unwrap();
    assert_eq!((s.slot_cpu, s.slot_memory), (2.0, 2.0 * GIB));
    assert_eq!(s.per_host, vec![4, 4, 4]);
    assert_eq!((s.total, s.used, s.failover_capacity), (12, 5, 1));
    assert_eq!(slots.slot_cpu_unit, Some("GHz"));
    assert!(slots.admits);
    // The failover host stays empty; the other two hold the three VMs.
    let spare = &r.pools[2];
    assert_eq!(spare.ha.failover_hosts, vec!["host_pool.spare/host-2"]);
    assert_eq!(spare.per_host[2].guests, 0);
    assert!(spare.ha.admits);
    assert!(spare.not_placed.is_empty());
}
