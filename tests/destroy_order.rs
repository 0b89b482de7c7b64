//! Destroy order follows the dependencies the state recorded: an object leaving the
//! blueprint is deleted only after everything that depended on it at its last apply is
//! deleted, replaced or moved off it. End-to-end on the simulated datacenter, which, like
//! a real console, refuses to delete what is still in use.

mod common;

use common::{apply_ok, code, inline, sim_addresses, strata, text, write};

const POOL_OLD: &str = r#"
site "dc" {}

host_pool "old" {
  site  = site.dc
  hosts = 2
  host {
    cpu    = 16
    memory = "64GiB"
  }
}

network_zone "z" {
  cidr = "10.0.0.0/24"
}

vm "db" {
  pool   = host_pool.old
  zone   = network_zone.z
  cpu    = 2
  memory = "4GiB"
}
"#;

const POOL_NEW: &str = r#"
site "dc" {}

host_pool "new" {
  site  = site.dc
  hosts = 2
  host {
    cpu    = 16
    memory = "64GiB"
  }
}

network_zone "z" {
  cidr = "10.0.0.0/24"
}

vm "db" {
  pool   = host_pool.new
  zone   = network_zone.z
  cpu    = 2
  memory = "4GiB"
}
"#;

/// The example of issue 8: the pool block is deleted and the VM moves to a new pool
/// (`pool` forces a replacement). The VM's old object goes first, then the old pool.
#[test]
fn deleted_pool_goes_after_the_vm_that_ran_on_it() {
    let dir = inline(POOL_OLD);
    apply_ok(dir.path());
    write(dir.path(), POOL_NEW);
    let out = strata(dir.path(), &["apply", "-auto-approve", "-parallelism", "1"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        text(&out).contains("# vm.db must be replaced"),
        "{}",
        text(&out)
    );
    assert_eq!(
        sim_addresses(dir.path()),
        ["host_pool.new", "network_zone.z", "site.dc", "vm.db"]
    );
    let again = strata(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(code(&again), 0, "{}", text(&again));
}

/// The same move through an attribute that is updated in place: the VM changes zone, the
/// old zone's block is deleted. The update must be done before the old zone's delete,
/// since the VM holds an address in it until then.
#[test]
fn deleted_zone_goes_after_the_vm_updated_off_it() {
    let v1 = POOL_OLD.replace(
        "network_zone \"z\" {\n  cidr = \"10.0.0.0/24\"\n}",
        "network_zone \"z\" {\n  cidr = \"10.0.0.0/24\"\n}\n\nnetwork_zone \"y\" {\n  cidr = \"10.1.0.0/24\"\n}",
    );
    let v2 = POOL_OLD
        .replace("cidr = \"10.0.0.0/24\"", "cidr = \"10.1.0.0/24\"")
        .replace("network_zone \"z\"", "network_zone \"y\"")
        .replace("network_zone.z", "network_zone.y");
    let dir = inline(&v1);
    apply_ok(dir.path());
    write(dir.path(), &v2);
    for parallelism in ["1", "10"] {
        let plan = strata(dir.path(), &["plan"]);
        assert!(
            text(&plan).contains("# vm.db will be updated in place"),
            "{}",
            text(&plan)
        );
        let out = strata(
            dir.path(),
            &["apply", "-auto-approve", "-parallelism", parallelism],
        );
        assert_eq!(code(&out), 0, "{}", text(&out));
        assert_eq!(
            sim_addresses(dir.path()),
            ["host_pool.old", "network_zone.y", "site.dc", "vm.db"]
        );
        // Back to version 1 and forward again, at the other parallelism.
        write(dir.path(), &v1);
        apply_ok(dir.path());
        write(dir.path(), &v2);
    }
}
